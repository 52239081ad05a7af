import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { propertyRuns } from '../../support/fastCheck';

/**
 * Figures the security suites measure (cases, crashes, attempts, refused, bytes found…), one JSON file per
 * suite under test-results/security/figures/, so `npm run test:security` can print one summary across
 * tiers (unit-level mocha here, real-host suites in the extension host).
 */
export type Figures = Record<string, number | string>;

export const figuresDir = (): string =>
  process.env['AIRLOCK_SECURITY_FIGURES_DIR'] ?? join(process.cwd(), 'test-results', 'security', 'figures');

/** Records (replaces) the figures of one suite target, e.g. `fuzz/redactor`. */
export function recordFigures(name: string, figures: Figures): void {
  const dir = figuresDir();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name.replace(/[^a-z0-9-]+/gi, '_')}.json`), JSON.stringify({ name, ...figures }, null, 2) + '\n');
}

/** Every recorded figure set, sorted by name. */
export function readAllFigures(dir = figuresDir()): Array<{ name: string } & Figures> {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { name: string } & Figures)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * How many generated cases each fuzz target runs: 10,000 by default (CI), times FC_RUNS_FACTOR
 * (test:fuzz); AIRLOCK_FUZZ_RUNS overrides. The seed is fast-check's global one (test/support/fastCheck.ts).
 */
export const fuzzRuns = (defaultRuns = 10_000): number => {
  const fromEnv = Number(process.env['AIRLOCK_FUZZ_RUNS']);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : propertyRuns(defaultRuns);
};

/**
 * Counts the tests of the enclosing `describe` as attacks (or checks) and how many held (passed), and
 * records them as `name` when the describe ends: for suites whose every test is one attack that must be
 * refused. Call inside the describe body.
 */
export function recordOutcomes(name: string, labels: { tried: string; held: string } = { tried: 'attacks', held: 'refused' }): void {
  let tried = 0;
  let held = 0;
  afterEach(function () {
    tried++;
    if (this.currentTest?.state === 'passed') held++;
  });
  after(() => recordFigures(name, { [labels.tried]: tried, [labels.held]: held }));
}
