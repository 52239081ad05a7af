// Code pin: the fingerprint Airlock re-takes before every run of a grant (git HEAD, status with the stat
// cache, skip-worktree/assume-unchanged entries, config and named files, the watcher's barrier), on a
// generated 50,000-file git repository, against hashing every file of the same repository.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitState, NodeCodePins } from '../src/adapters/node/codePin';
import { now, stat, type Figure } from './lib';

const FILES = 50_000;
const PER_DIR = 100;

/** The repository, generated once per machine (its commit marker makes a half-built one start over). */
function repository(): string {
  const dir = join(tmpdir(), `airlock-bench-code-pin-${FILES}`);
  if (existsSync(join(dir, '.git', 'airlock-bench-done'))) return dir;
  execFileSync('rm', ['-rf', dir]);
  for (let d = 0; d < FILES / PER_DIR; d++) {
    const sub = join(dir, 'src', `m${d}`);
    mkdirSync(sub, { recursive: true });
    for (let f = 0; f < PER_DIR; f++) writeFileSync(join(sub, `f${f}.js`), `// module ${d}/${f}\nexport const v${f} = ${d * PER_DIR + f};\n${'x'.repeat(200 + ((d * f) % 600))}\n`);
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ scripts: { deploy: 'node scripts/deploy.js' } }));
  mkdirSync(join(dir, 'scripts'));
  writeFileSync(join(dir, 'scripts', 'deploy.js'), 'console.log("deploy")\n');
  const git = (...args: string[]): void => void execFileSync('git', ['-c', 'user.email=b@example.invalid', '-c', 'user.name=b', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'bench');
  // Prime the index's stat cache as any developer's `git status` would.
  git('status', '--porcelain');
  writeFileSync(join(dir, '.git', 'airlock-bench-done'), '');
  return dir;
}

async function hashEverything(root: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name === '.git') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) hash.update(path).update(createHash('sha256').update(await readFile(path)).digest());
    }
  };
  await walk(root);
  return hash.digest('hex');
}

export async function benchCodePin(iterations = 21): Promise<Figure[]> {
  const generatedAt = now();
  const dir = repository();
  const generatedMs = now() - generatedAt;
  const pins = new NodeCodePins();
  const takes: number[] = [];
  const checks: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = now();
    const pin = await pins.take('npm run deploy', dir);
    takes.push(now() - start);
    for (let j = 0; j < Math.ceil(iterations / 3); j++) {
      const at = now();
      const change = await pin.check();
      checks.push(now() - at);
      if (change !== undefined) throw new Error(`the untouched repository changed: ${change.paths.slice(0, 3).join(', ')}`);
    }
    pin.dispose();
  }
  const fulls: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = now();
    await gitState(dir, join(dir, '.git'));
    fulls.push(now() - start);
  }
  const hashes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = now();
    await hashEverything(dir);
    hashes.push(now() - start);
  }
  const check = stat(checks);
  const take = stat(takes);
  const hashed = stat(hashes);
  const full = stat(fulls);
  return [
    {
      name: 'code-pin-fingerprint',
      metric: `median ms per full git fingerprint (HEAD, status with the stat cache, flagged entries, config, hooks), ${FILES.toLocaleString('en')}-file repository`,
      value: full.median,
      unit: 'ms',
      target: '≤ 150 ms',
      met: full.median <= 150,
      subject: full,
      baseline: hashed,
      subjectUnit: 'ms (fingerprint vs sha256 of every file)',
      notes: `taken at consent, and before a run only when git's own files moved or the folder cannot be watched; ${iterations} iterations; hashing every file: 3 iterations`,
    },
    {
      name: 'code-pin-check',
      metric: `median ms per check before a run (watcher barrier + named files + stat of git's files), ${FILES.toLocaleString('en')}-file git repository`,
      value: check.median,
      unit: 'ms',
      target: '≤ 150 ms',
      met: check.median <= 150,
      subject: check,
      baseline: hashed,
      subjectUnit: 'ms (fingerprint vs sha256 of every file)',
      notes: `take (fingerprint + watching ${FILES / PER_DIR + 2} directories) median ${take.median.toFixed(0)} ms; hashing every file median ${hashed.median.toFixed(0)} ms; repository ${generatedMs > 1000 ? `generated in ${(generatedMs / 1000).toFixed(1)} s` : 'reused'}`,
    },
  ];
}
