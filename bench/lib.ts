import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';

/** Median with min/max (and p95) over many iterations. */
export interface Stat {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly p95: number;
}

export function stat(values: readonly number[]): Stat {
  if (values.length === 0) return { n: 0, median: NaN, min: NaN, max: NaN, p95: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))] ?? NaN;
  return { n: sorted.length, median: at(0.5), min: sorted[0] ?? NaN, max: sorted[sorted.length - 1] ?? NaN, p95: at(0.95) };
}

/**
 * One benchmark figure: a ratio (or difference) against a baseline measured in the same run, with the
 * target it is judged by. `met` is informative: benchmarks never fail CI.
 */
export interface Figure {
  readonly name: string;
  /** What the figure is, e.g. "Airlock / bare SDK median latency". */
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** e.g. "≤ 1.15×". */
  readonly target: string;
  readonly met: boolean;
  readonly subject?: Stat;
  readonly baseline?: Stat;
  readonly subjectUnit?: string;
  /** Anything a reader needs to judge the figure (sample sizes, extrapolations, what limits it). */
  readonly notes?: string;
  readonly skipped?: string;
  /** The bench threw (or left an error behind): what went wrong, first line. */
  readonly failed?: string;
}

export const skippedFigure = (name: string, target: string, why: string): Figure => ({
  name,
  metric: 'not measured',
  value: NaN,
  unit: '',
  target,
  met: false,
  skipped: why,
});

/** Nanosecond-resolution monotonic milliseconds. */
export const now = (): number => performance.now();

/**
 * Runs `a` and `b` `iterations` times each, interleaved in ABBA order so drift (GC, thermal, other
 * processes on a shared machine) falls on both alike. Returns per-call durations in ms.
 */
export async function interleaved(
  iterations: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
): Promise<{ a: number[]; b: number[] }> {
  const ta: number[] = [];
  const tb: number[] = [];
  const time = async (fn: () => Promise<unknown>, into: number[]): Promise<void> => {
    const start = now();
    await fn();
    into.push(now() - start);
  };
  for (let i = 0; i < iterations; i++) {
    if (i % 2 === 0) {
      await time(a, ta);
      await time(b, tb);
    } else {
      await time(b, tb);
      await time(a, ta);
    }
  }
  return { a: ta, b: tb };
}

export const machine = (): Record<string, string | number> => ({
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
});

export const fmt = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : '—');

export const MiB = 2 ** 20;

/** A bench that failed: reported in the table and results.json, and the run goes on. */
export const failedFigure = (name: string, target: string, why: string): Figure => ({ ...skippedFigure(name, target, why), metric: 'failed', failed: why });
