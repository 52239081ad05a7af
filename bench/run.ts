// `npm run bench [-- <name>...]`: every benchmark, each a ratio against a baseline measured in the same
// run. Writes bench/results.json and prints a table. Not part of CI's pass/fail: a missed target is
// reported (and written up in the README), never an exit code.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { failedFigure, fmt, machine, type Figure } from './lib';

const root = resolve(__dirname, '..');

interface Bench {
  readonly name: string;
  readonly target: string;
  run(): Promise<Figure[]>;
}

const benches: Bench[] = [
  { name: 'mcp-overhead', target: '≤ 1.15×', run: async () => (await import('./mcp')).benchMcpOverhead() },
  { name: 'redactor', target: '≥ 0.5× pass-through, ≥ 10× naive, flat memory', run: async () => (await import('./redactor')).benchRedactor(root) },
  { name: 'run-overhead', target: '≤ +15 ms', run: async () => (await import('./runOverhead')).benchRunOverhead() },
  { name: 'pending-200', target: '≤ 50 MB', run: async () => (await import('./pending')).benchPending() },
  { name: 'activation', target: '≤ 30 ms (load + activate)', run: async () => (await import('./host')).benchActivation() },
  { name: 'consent-card', target: '≤ 300 ms', run: async () => (await import('./host')).benchConsentCard() },
  { name: 'code-pin', target: '≤ 150 ms', run: async () => (await import('./codePin')).benchCodePin() },
  { name: 'sealed', target: '≤ +60 ms overhead, ≥ 0.5× upload', run: async () => (await import('./sealed')).benchSealed() },
  { name: 'vsix-size', target: '≤ 5 MiB', run: async () => (await import('./vsix')).benchVsixSize(root) },
];

function table(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.name,
    f.failed !== undefined ? `failed: ${f.failed}` : f.skipped ? `skipped: ${f.skipped}` : `${fmt(f.value)} ${f.unit}`,
    f.target,
    f.failed !== undefined ? 'FAILED' : f.skipped ? '—' : f.met ? 'met' : 'MISSED',
    f.subject && f.baseline
      ? `subject median ${fmt(f.subject.median, 3)} [${fmt(f.subject.min, 3)}–${fmt(f.subject.max, 3)}] vs baseline ${fmt(f.baseline.median, 3)} [${fmt(f.baseline.min, 3)}–${fmt(f.baseline.max, 3)}] ${f.subjectUnit ?? ''}`
      : (f.notes ?? ''),
  ]);
  const header = ['figure', 'value', 'target', 'status', 'detail'];
  const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i < 4 ? c.padEnd(widths[i] ?? 0) : c)).join('  ');
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const selected = wanted.length === 0 ? benches : benches.filter((b) => wanted.some((w) => b.name.includes(w)));
  const figures: Figure[] = [];
  // A bench that fails — by throwing, or by an error surfacing late from something it left behind — is
  // reported as failed under its own name and the run goes on to the next one: a newcomer's run finishes.
  const late: { bench: string; error: string }[] = [];
  let current = '(between benches)';
  const onLate = (error: unknown): void => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    late.push({ bench: current, error: text.split('\n')[0] ?? text });
    process.stderr.write(`[bench] ${current}: uncaught after or during the bench: ${text}\n`);
  };
  process.on('uncaughtException', onLate);
  process.on('unhandledRejection', onLate);
  for (const bench of selected) {
    process.stdout.write(`[bench] ${bench.name}…\n`);
    current = bench.name;
    const started = Date.now();
    try {
      figures.push(...(await bench.run()));
    } catch (error) {
      process.stderr.write(`[bench] ${bench.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      figures.push(failedFigure(bench.name, bench.target, error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error)));
    }
    process.stdout.write(`[bench] ${bench.name} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  process.off('uncaughtException', onLate);
  process.off('unhandledRejection', onLate);
  for (const { bench, error } of late) figures.push(failedFigure(`${bench} (late error)`, '—', error));
  // A partial run (`npm run bench -- redactor`) keeps the other figures of the last full run.
  let previous: Figure[] = [];
  try {
    previous = (JSON.parse(readFileSync(join(root, 'bench', 'results.json'), 'utf8')) as { figures: Figure[] }).figures;
  } catch {
    previous = [];
  }
  const names = new Set(figures.map((f) => f.name));
  const merged = [...previous.filter((f) => !names.has(f.name) && !selected.some((b) => f.name.startsWith(b.name))), ...figures];
  const results = { date: new Date().toISOString(), machine: machine(), figures: merged };
  writeFileSync(join(root, 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(`\n${table(merged)}\n\nMachine: ${JSON.stringify(results.machine)}\nWritten: bench/results.json\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
