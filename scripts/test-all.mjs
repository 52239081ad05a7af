#!/usr/bin/env node
// `npm test`: every tier, one after another, then one closing line `N passed, N failed`.
//   setup (idempotent: Chromium, Node 24, code-server) → lint → typecheck → unit → sandbox → integration →
//   desktop (test-electron through the code-server shim, launch "main") → e2e → security (when the
//   package.json script exists).
// Counts: runners that know their numbers append {tier, passed, failed, pending} lines to
// $AIRLOCK_TEST_SUMMARY; for plain mocha tiers the "N passing / N failing" lines are added up; lint and
// typecheck count as one check each. Any failing tier makes the exit code 1.
//   npm test -- --skip e2e,desktop     npm test -- --only unit,integration
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { failureLines } from './lib/failureLines.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts ?? {};
const { values } = parseArgs({ options: { skip: { type: 'string' }, only: { type: 'string' } } });
const listOf = (value) => new Set((value ?? '').split(',').map((s) => s.trim()).filter(Boolean));
const skip = listOf(values.skip);
const only = listOf(values.only);

/** @type {{tier: string, script: string, args?: string[], needsRealVsCode?: boolean}[]} */
const tiers = [
  { tier: 'lint', script: 'lint' },
  { tier: 'typecheck', script: 'typecheck' },
  { tier: 'unit', script: 'test:unit' },
  // Sealed runs for real (bubblewrap, socat, ripgrep from setup); plain Node, no VS Code.
  { tier: 'sandbox', script: 'test:sandbox' },
  { tier: 'integration', script: 'test:integration', needsRealVsCode: true },
  { tier: 'desktop', script: 'test:desktop', args: ['--launch', 'main'], needsRealVsCode: true },
  { tier: 'e2e', script: 'test:e2e', needsRealVsCode: true },
  { tier: 'security', script: 'test:security', needsRealVsCode: true },
].filter((t) => scripts[t.script] !== undefined && !skip.has(t.tier) && (only.size === 0 || only.has(t.tier)));

const work = mkdtempSync(join(tmpdir(), 'airlock-test-all-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

function banner(text) {
  process.stdout.write(`\n${'═'.repeat(100)}\n▶ ${text}\n${'═'.repeat(100)}\n`);
}

/** Runs a command, teeing its output; resolves with exit code and captured text. */
function run(command, args, env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['inherit', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      text += chunk;
      process.stderr.write(chunk);
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), text }));
  });
}

function mochaCounts(text) {
  const plain = text.replace(/\x1b\[[0-9;]*m/g, '');
  const sum = (word) => [...plain.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\b`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
  return { passed: sum('passing'), failed: sum('failing'), pending: sum('pending') };
}

function summaryCounts(file) {
  let lines = [];
  try {
    lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  } catch {
    return undefined;
  }
  if (lines.length === 0) return undefined;
  return lines.reduce((n, l) => ({ passed: n.passed + l.passed, failed: n.failed + l.failed, pending: n.pending + (l.pending ?? 0) }), { passed: 0, failed: 0, pending: 0 });
}

const results = [];
const started = Date.now();

banner('setup: scripts/setup-real-vscode.sh (Chromium, Node 24, code-server; fast when already installed)');
const setup = spawnSync('bash', [join(root, 'scripts/setup-real-vscode.sh')], { cwd: root, stdio: 'inherit' });
const setupOk = setup.status === 0;
if (!setupOk) results.push({ tier: 'setup', passed: 0, failed: 1, pending: 0, seconds: 0, code: setup.status ?? 1 });

for (const { tier, script, args = [], needsRealVsCode } of tiers) {
  if (needsRealVsCode && !setupOk) {
    results.push({ tier, passed: 0, failed: 1, pending: 0, seconds: 0, code: 1, note: 'setup failed' });
    continue;
  }
  banner(`${tier}: npm run ${script}${args.length ? ` -- ${args.join(' ')}` : ''}`);
  const summaryFile = join(work, `${tier}.jsonl`);
  const t0 = Date.now();
  const { code, text } = await run('npm', ['run', '--silent', script, ...(args.length ? ['--', ...args] : [])], { AIRLOCK_TEST_SUMMARY: summaryFile });
  const counts = summaryCounts(summaryFile) ?? mochaCounts(text);
  if (counts.passed + counts.failed === 0) {
    // lint, typecheck, or a tier that printed no counts: one check.
    if (code === 0) counts.passed = 1;
    else counts.failed = 1;
  } else if (code !== 0 && counts.failed === 0) {
    counts.failed = 1;
  }
  results.push({ tier, ...counts, seconds: (Date.now() - t0) / 1000, code, failures: failureLines(text) });
}

const total = results.reduce((n, r) => ({ passed: n.passed + r.passed, failed: n.failed + r.failed }), { passed: 0, failed: 0 });
banner(`summary (${((Date.now() - started) / 60000).toFixed(1)} min)`);
for (const r of results) {
  const mark = r.code === 0 && r.failed === 0 ? 'ok  ' : 'FAIL';
  process.stdout.write(`  ${mark} ${r.tier.padEnd(12)} ${String(r.passed).padStart(5)} passed ${String(r.failed).padStart(4)} failed ${String(r.pending).padStart(3)} pending  ${r.seconds.toFixed(0).padStart(4)} s${r.note ? `  (${r.note})` : ''}\n`);
}
const failures = results.flatMap((r) => (r.failures ?? []).map((line) => `  ${r.tier}: ${line}`.slice(0, 240)));
if (failures.length > 0) process.stdout.write(`failed tests:\n${failures.slice(0, 40).join('\n')}\n${failures.length > 40 ? `  … and ${failures.length - 40} more\n` : ''}`);
process.stdout.write(`${total.passed} passed, ${total.failed} failed\n`);
process.exit(total.failed > 0 || results.some((r) => r.code !== 0) ? 1 : 0);
