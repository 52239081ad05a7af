#!/usr/bin/env node
// `npm run test:e2e`: packages the production VSIX (npm run package, which also checks its contents),
// then runs test/e2e/*.e2e.ts with mocha + tsx from Node. Each test file starts its own throwaway
// code-server + Chromium through test/e2e/harness.ts. Extra arguments go to mocha (e.g. --grep Status).
// The VSIX is packaged into this run's own folder (out/e2e-<pid>/, removed afterwards), so two runs in one
// tree never swap VSIXes under each other. Env: AIRLOCK_E2E_VSIX=<file> tests that VSIX as is;
// AIRLOCK_E2E_SKIP_PACKAGE=1 reuses dist-vsix/airlock.vsix (from `npm run package`).
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const given = process.env.AIRLOCK_E2E_VSIX;
const reuse = process.env.AIRLOCK_E2E_SKIP_PACKAGE === '1';
const ownDir = join(root, 'out', `e2e-${process.pid}`);
const vsix = given || (reuse ? join(root, 'dist-vsix/airlock.vsix') : join(ownDir, 'airlock.vsix'));
process.on('exit', () => rmSync(ownDir, { recursive: true, force: true }));

function report(counts) {
  const file = process.env.AIRLOCK_TEST_SUMMARY;
  if (file) appendFileSync(file, JSON.stringify({ tier: 'e2e', ...counts }) + '\n');
}

if (!given && !reuse) {
  const packaged = spawnSync('npm', ['run', '--silent', 'package', '--', '--out', vsix], { cwd: root, stdio: 'inherit' });
  if (packaged.status !== 0) {
    console.error('test:e2e: npm run package failed');
    report({ passed: 0, failed: 1, pending: 0 });
    process.exit(1);
  }
}

const mocha = spawn(
  join(root, 'node_modules/.bin/mocha'),
  ['--import=tsx', '--timeout', '180000', '--slow', '20000', '--forbid-only', '--reporter', 'spec', 'test/e2e/*.e2e.ts', ...process.argv.slice(2)],
  { cwd: root, env: { ...process.env, AIRLOCK_E2E_VSIX: vsix }, stdio: ['inherit', 'pipe', 'inherit'] },
);
let output = '';
mocha.stdout.on('data', (chunk) => {
  output += chunk;
  process.stdout.write(chunk);
});
// Mocha handles Ctrl+C itself and the harness kills its process groups on exit; just pass the signal on.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => mocha.kill(signal));
mocha.on('close', (code, signal) => {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  const count = (word) => Number(plain.match(new RegExp(`^\\s*(\\d+) ${word}`, 'm'))?.[1] ?? 0);
  const counts = { passed: count('passing'), failed: count('failing'), pending: count('pending') };
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  report(counts);
  process.exit(code ?? (signal ? 1 : 0));
});
