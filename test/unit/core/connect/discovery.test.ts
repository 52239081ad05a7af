import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isWithin, selectEndpoint, type EndpointRecord } from '../../../../src/core/connect/discoveryRecord';
import { launcherScript, shellQuote } from '../../../../src/core/connect/launcherScript';
import { airlockHome, clientTokenPath } from '../../../../src/core/connect/paths';

const record = (url: string, ...workspaceFolders: string[]): EndpointRecord => ({ url, pid: 1, workspaceFolders, version: '0' });

describe('endpoint discovery and launcher (pure)', () => {
  it('AIRLOCK_HOME overrides ~/.airlock', () => {
    assert.equal(airlockHome({}, '/home/me'), '/home/me/.airlock');
    assert.equal(airlockHome({ AIRLOCK_HOME: '/tmp/x' }, '/home/me'), '/tmp/x');
    assert.equal(airlockHome({ AIRLOCK_HOME: ' ' }, '/home/me'), '/home/me/.airlock');
    assert.equal(clientTokenPath('/h', 'claude-code'), '/h/clients/claude-code.token');
  });

  it('isWithin respects path segments', () => {
    assert.ok(isWithin('/a/b', '/a/b'));
    assert.ok(isWithin('/a/b', '/a/b/c/d'));
    assert.ok(!isWithin('/a/b', '/a/bc'));
    assert.ok(!isWithin('/a/b', '/a'));
    assert.ok(!isWithin('/a/b', '/a/b/../c'));
  });

  it('picks the window with the longest folder containing cwd; none when no folder matches', () => {
    const outer = record('http://127.0.0.1:1/mcp', '/work');
    const inner = record('http://127.0.0.1:2/mcp', '/elsewhere', '/work/app');
    assert.equal(selectEndpoint([outer, inner], '/work/app/src'), inner);
    assert.equal(selectEndpoint([inner, outer], '/work/other'), outer);
    assert.equal(selectEndpoint([outer, inner], '/tmp'), undefined);
    assert.equal(selectEndpoint([], '/work'), undefined);
  });

  it('a bridge started in a child folder named "..cache" finds its window', () => {
    const app = record('http://127.0.0.1:3/mcp', '/work/app');
    assert.equal(selectEndpoint([app], '/work/app/..cache'), app);
    assert.equal(selectEndpoint([app], '/work/app/..cache/tool'), app);
    assert.equal(selectEndpoint([app], '/work/app/../app2'), undefined);
  });

  it('quotes for sh', () => {
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
  });

  it('the launcher runs the bridge with the given runtime, or node when it is gone', function () {
    this.timeout(10_000);
    const dir = mkdtempSync(join(tmpdir(), 'airlock launcher '));
    try {
      const bridge = join(dir, "o'brien bridge.js");
      writeFileSync(bridge, 'process.stdout.write(JSON.stringify({ args: process.argv.slice(2), electron: process.env.ELECTRON_RUN_AS_NODE ?? null }))');
      const script = join(dir, 'airlock-mcp');
      for (const [runtimePath, runtimeIsElectron] of [[process.execPath, true], [join(dir, 'missing-runtime'), false]] as const) {
        writeFileSync(script, launcherScript({ bridgePath: bridge, runtimePath, runtimeIsElectron }));
        chmodSync(script, 0o700);
        const run = spawnSync(script, ['--client', 'codex'], { encoding: 'utf8' });
        assert.equal(run.status, 0, run.stderr);
        const out = JSON.parse(run.stdout) as { args: string[]; electron: string | null };
        assert.deepEqual(out.args, ['--client', 'codex']);
        assert.equal(out.electron, runtimeIsElectron ? '1' : null);
      }
      rmSync(bridge);
      const run = spawnSync(script, [], { encoding: 'utf8' });
      assert.equal(run.status, 1);
      assert.match(run.stderr, /not installed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
