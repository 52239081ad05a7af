// The one place fast-check is configured. `.mocharc.json` requires this file, so every mocha run from the
// repository root uses it: the unit tier, the security tier's fuzz suites, `npm run test:fuzz`, and a
// single file run by hand. A property's verdict must not depend on the day's random seed: `npm test`
// runs every property on one fixed seed, printed once; exploration with fresh seeds is `npm run test:fuzz`.
//   FC_SEED=<n>        run every property on seed n (the seed a failure printed)
//   FC_SEED=random     draw a seed for this run (printed, so a failure can be replayed with FC_SEED=<n>)
//   FC_RUNS_FACTOR=<k> multiply every property's number of runs by k (test:fuzz does)
import { randomInt } from 'node:crypto';
import fc from 'fast-check';

/** The seed `npm test` runs every property on. Changing it is a decision, not a flake fix. */
export const DEFAULT_SEED = 20_261_124;

export interface FastCheckMode {
  readonly seed: number;
  /** Where the seed came from: the fixed default, FC_SEED=<n>, or drawn for FC_SEED=random. */
  readonly source: 'default' | 'FC_SEED' | 'random';
  readonly runsFactor: number;
}

/** Reads FC_SEED and FC_RUNS_FACTOR; throws on a value that is neither, so a typo never silently runs another seed. */
export function fastCheckMode(env: Readonly<Record<string, string | undefined>>): FastCheckMode {
  const seedText = (env['FC_SEED'] ?? '').trim();
  const factorText = (env['FC_RUNS_FACTOR'] ?? '').trim();
  const runsFactor = factorText === '' ? 1 : Number(factorText);
  if (!Number.isInteger(runsFactor) || runsFactor < 1) throw new Error(`FC_RUNS_FACTOR must be a positive integer, not ${JSON.stringify(factorText)}`);
  if (seedText === '') return { seed: DEFAULT_SEED, source: 'default', runsFactor };
  if (seedText === 'random') return { seed: randomInt(2 ** 31), source: 'random', runsFactor };
  const seed = Number(seedText);
  if (!Number.isSafeInteger(seed) || seed < -(2 ** 31) || seed >= 2 ** 32) throw new Error(`FC_SEED must be an integer or "random", not ${JSON.stringify(seedText)}`);
  return { seed, source: 'FC_SEED', runsFactor };
}

export const fastCheck: FastCheckMode = fastCheckMode(process.env);

/** A property's number of runs: its own base count, times FC_RUNS_FACTOR. */
export const propertyRuns = (base: number): number => base * fastCheck.runsFactor;

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: fastCheck.seed });
process.stdout.write(
  `fast-check: seed ${fastCheck.seed} (${{ default: 'fixed; FC_SEED=<n> replays a seed, FC_SEED=random explores', FC_SEED: 'from FC_SEED', random: `random; FC_SEED=${fastCheck.seed} replays it` }[fastCheck.source]})` +
    `${fastCheck.runsFactor > 1 ? `, runs ×${fastCheck.runsFactor}` : ''}\n`,
);
