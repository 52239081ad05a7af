/**
 * `npm run test:fuzz`: exploration, not CI. Runs every property and fuzz test (each test file under
 * test/unit and test/security/fuzz that uses fast-check) on a fresh random seed per round, with more runs.
 * Each round prints its seed; a failure is replayed with `FC_SEED=<seed> npx mocha --import=tsx <file>`,
 * and its counterexample belongs in the property's `examples` (or an explicit case) before the fix lands.
 *
 *   npm run test:fuzz [-- --rounds 3] [-- --factor 4] [-- --seed 123]   (one round ×4 ≈ 8 min on 2 busy cores)
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

const root = join(__dirname, '..');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '1' }, factor: { type: 'string', default: '4' }, seed: { type: 'string' } } });
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, not ${values.rounds}`);

const files = ['test/unit', 'test/security/fuzz']
  .flatMap((dir) => readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }).map((f) => join(root, dir, f)))
  .filter((f) => f.endsWith('.test.ts') && /from 'fast-check'/.test(readFileSync(f, 'utf8')))
  .map((f) => relative(root, f))
  .sort();
process.stdout.write(`test:fuzz: ${files.length} files with properties, ${rounds} round(s), runs ×${values.factor}\n  ${files.join('\n  ')}\n`);

const failed: number[] = [];
for (let round = 1; round <= rounds; round++) {
  const seed = values.seed !== undefined ? Number(values.seed) : randomInt(2 ** 31);
  process.stdout.write(`\n── round ${round}/${rounds}: FC_SEED=${seed} ──\n`);
  const run = spawnSync(join(root, 'node_modules', '.bin', 'mocha'), ['--import=tsx', '--timeout', '0', ...files], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FC_SEED: String(seed), FC_RUNS_FACTOR: values.factor, AIRLOCK_SECURITY_FIGURES_DIR: join(root, 'test-results', 'fuzz', 'figures') },
  });
  if (run.status !== 0) failed.push(seed);
}
process.stdout.write(`\ntest:fuzz: ${rounds - failed.length}/${rounds} round(s) passed${failed.length > 0 ? `; failing seeds: ${failed.join(', ')}` : ''}\n`);
process.exit(failed.length > 0 ? 1 : 0);
