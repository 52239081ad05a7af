import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitState, gitSummary, NodeCodePins } from '../../../../src/adapters/node/codePin';
import { comparePins } from '../../../../src/core/pin/pin';
import type { CodePin } from '../../../../src/core/pin/pin';

const COMMAND = 'npm run deploy';

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { cwd, stdio: 'ignore' });
}

/** A repository as an agent would find it: a package script, a named file, config, an ignored node_modules. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-pin-test-'));
  const write = (path: string, text: string): void => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write('package.json', JSON.stringify({ scripts: { deploy: 'node scripts/deploy.js', build: 'bash tools/build.sh' } }));
  write('scripts/deploy.js', 'console.log("deploy")\n');
  write('tools/build.sh', 'echo build\n');
  write('Makefile', 'include rules.mk\nall:\n\techo all\n');
  write('rules.mk', 'x:\n\techo x\n');
  write('src/a.js', 'a\n');
  write('src/b.js', 'b\n');
  write('.gitignore', 'node_modules/\ndist/\n.npmrc\n');
  write('node_modules/.bin/tool', '#!/bin/sh\necho tool\n');
  write('node_modules/pkg/index.js', 'module.exports = 1\n');
  write('dist/out.js', 'built\n');
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'init');
  return dir;
}

describe('code pin (node adapter, real git and file system)', function () {
  this.timeout(20_000);
  const pins = new NodeCodePins();
  let dir: string;
  let pin: CodePin;
  let outside: string;

  beforeEach(async () => {
    dir = project();
    outside = mkdtempSync(join(tmpdir(), 'airlock-pin-outside-'));
    pin = await pins.take(COMMAND, dir);
  });
  afterEach(() => {
    pin.dispose();
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('reports no change when nothing changed, and when a file outside the folder changed', async () => {
    assert.equal(await pin.check(), undefined);
    writeFileSync(join(outside, 'x.js'), 'changed');
    assert.equal(await pin.check(), undefined);
    assert.equal(await pin.check(), undefined, 'checking twice is stable');
  });

  it('does not count git rewriting its own index (as VS Code\'s git view does)', async () => {
    git(dir, 'update-index', '--really-refresh');
    git(dir, 'status');
    assert.equal(await pin.check(), undefined);
  });

  const edits: [string, (dir: string) => void, string][] = [
    ['the script (package.json)', (d) => writeFileSync(join(d, 'package.json'), JSON.stringify({ scripts: { deploy: 'node evil.js' } })), 'package.json'],
    ['the file the script runs', (d) => writeFileSync(join(d, 'scripts/deploy.js'), 'console.log(process.env)\n'), 'scripts/deploy.js'],
    ['a file another script names', (d) => writeFileSync(join(d, 'tools/build.sh'), 'env\n'), 'tools/build.sh'],
    ['a tracked file the command does not name', (d) => writeFileSync(join(d, 'src/a.js'), 'evil\n'), 'src/a.js'],
    ['an untracked file', (d) => writeFileSync(join(d, 'src/new.js'), 'new\n'), 'src/new.js'],
    ['node_modules/.bin (git-ignored)', (d) => writeFileSync(join(d, 'node_modules/.bin/tool'), '#!/bin/sh\nenv\n'), 'node_modules/.bin/tool'],
    ['a package in node_modules (git-ignored)', (d) => writeFileSync(join(d, 'node_modules/pkg/index.js'), 'evil\n'), 'node_modules/pkg/index.js'],
    ['build output (git-ignored)', (d) => writeFileSync(join(d, 'dist/out.js'), 'evil\n'), 'dist/out.js'],
    ['a re-pointed symlink', (d) => {
      unlinkSync(join(d, 'node_modules/.bin/tool'));
      symlinkSync('../pkg/index.js', join(d, 'node_modules/.bin/tool'));
    }, 'node_modules/.bin/tool'],
    ['a project .npmrc (git-ignored)', (d) => writeFileSync(join(d, '.npmrc'), 'script-shell=./x.sh\n'), '.npmrc'],
    ['a Makefile include', (d) => writeFileSync(join(d, 'rules.mk'), 'x:\n\tenv\n'), 'rules.mk'],
    ['a git hook', (d) => {
      writeFileSync(join(d, '.git/hooks/pre-commit'), '#!/bin/sh\nenv\n');
      chmodSync(join(d, '.git/hooks/pre-commit'), 0o755);
    }, '.git/hooks/pre-commit'],
    ['git config', (d) => git(d, 'config', 'alias.x', '!env'), '.git/config'],
    ['HEAD (a new commit)', (d) => git(d, 'commit', '-q', '--allow-empty', '-m', 'x'), '(git HEAD)'],
  ];
  for (const [what, edit, path] of edits) {
    it(`changes when ${what} changes, naming ${path}`, async () => {
      edit(dir);
      const change = await pin.check();
      assert.ok(change !== undefined, `no change seen after editing ${what}`);
      assert.ok(change.paths.some((p) => p.startsWith(path)), `"${path}" not among ${JSON.stringify(change.paths)}`);
    });
  }

  it('changes when a skip-worktree or assume-unchanged file is edited (hidden from git status)', async () => {
    git(dir, 'update-index', '--skip-worktree', 'src/a.js');
    git(dir, 'update-index', '--assume-unchanged', 'src/b.js');
    pin.dispose();
    pin = await pins.take(COMMAND, dir);
    assert.equal(await pin.check(), undefined, 'flags alone with unchanged content are not a change');
    const before = await gitState(dir, join(dir, '.git'));
    writeFileSync(join(dir, 'src/a.js'), 'evil\n');
    writeFileSync(join(dir, 'src/b.js'), 'evil\n');
    const change = await pin.check();
    assert.deepEqual(change?.paths, ['src/a.js', 'src/b.js']);
    // git's own view (what a pin taken now, or a check without the watcher, compares) sees them too.
    const after = await gitState(dir, join(dir, '.git'));
    assert.deepEqual(comparePins({ entries: before }, { entries: after })?.paths, ['src/a.js (hidden from git status)', 'src/b.js (hidden from git status)']);
    const summary = await gitSummary(dir);
    assert.deepEqual(summary.changed, ['src/a.js', 'src/b.js']);
    assert.match(summary.text, /Runs 2 uncommitted changes/);
  });

  it('does not count what the grant\'s own run writes, and counts what is written after it', async () => {
    await pin.during(async () => {
      writeFileSync(join(dir, 'dist/out.js'), 'rebuilt\n');
      writeFileSync(join(dir, 'src/generated.js'), 'generated\n');
    });
    assert.equal(await pin.check(), undefined);
    writeFileSync(join(dir, 'dist/out.js'), 'evil\n');
    assert.deepEqual((await pin.check())?.paths, ['dist/out.js']);
  });

  it('counts what is written while another run of the grant is in progress when a second run is checked', async () => {
    let release: () => void = () => undefined;
    const first = pin.during(() => new Promise<void>((resolve) => (release = resolve)));
    writeFileSync(join(dir, 'node_modules/pkg/index.js'), 'evil\n');
    assert.deepEqual((await pin.check())?.paths, ['node_modules/pkg/index.js']);
    release();
    await first;
    assert.equal(await pin.check(), undefined, 'once the runs are over, what they wrote is part of the pin');
  });

  it('falls back to walking the tree when the folder cannot be watched, never to "no change"', async () => {
    const unwatched = new NodeCodePins({ maxWatchedDirectories: 1 });
    const fallback = await unwatched.take(COMMAND, dir);
    try {
      assert.equal(await fallback.check(), undefined);
      writeFileSync(join(dir, 'node_modules/pkg/index.js'), 'evil but same size?\n');
      const change = await fallback.check();
      assert.ok(change?.paths.some((p) => p.startsWith('node_modules/pkg/index.js')), JSON.stringify(change));
    } finally {
      fallback.dispose();
    }
  });

  it('pins a folder that is not a git repository by its files and the watcher', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'airlock-pin-plain-'));
    writeFileSync(join(plain, 'run.sh'), 'echo hi\n');
    const p = await pins.take('bash run.sh', plain);
    try {
      assert.equal(await p.check(), undefined);
      writeFileSync(join(plain, 'run.sh'), 'env\n');
      assert.deepEqual((await p.check())?.paths, ['run.sh']);
      assert.match((await gitSummary(plain)).text, /Not in a git repository/);
    } finally {
      p.dispose();
      rmSync(plain, { recursive: true, force: true });
    }
  });

  it('summarises committed code by its short sha', async () => {
    const summary = await gitSummary(dir);
    assert.deepEqual(summary.changed, []);
    assert.match(summary.text, /^Runs committed code at [0-9a-f]{8}\.$/);
  });
});
