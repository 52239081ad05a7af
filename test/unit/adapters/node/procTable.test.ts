import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { listProcesses, listTree, parseStat, processStart, selfAndAncestors } from '../../../../src/adapters/node/procTable';
import { RunReaper } from '../../../../src/adapters/node/runReaper';
import { isGone } from '../../../support/process';
import { until } from '../../../support/until';

const linux = process.platform === 'linux';


describe('procTable (Linux /proc adapter)', () => {
  it('parseStat counts fields from the last ")" (a command name may hold spaces and parentheses)', () => {
    const fields = ['S', '42', ...Array.from({ length: 17 }, (_, i) => String(i)), '987654', '0'];
    assert.deepEqual(parseStat(7, `7 (evil) (name) x) ${fields.join(' ')}`), { pid: 7, ppid: 42, start: 987654, state: 'S' });
    assert.equal(parseStat(7, 'garbage'), undefined);
  });

  it('lists a child with its environment, argv and start time; its tree; never this process’s ancestors as spare-able', async function () {
    if (!linux) this.skip();
    const marker = `marker-${process.pid}-${Date.now()}`;
    const child = spawn('sh', ['-c', 'sleep 30 & wait', 'holder', 'argv-value'], { env: { PATH: process.env['PATH'], AIRLOCK_RUN_MARKER: marker }, stdio: 'ignore' });
    try {
      const pid = child.pid ?? 0;
      const entry = await until('the child in the table', () => listProcesses(true).find((e) => e.pid === pid && e.environ?.includes(marker)));
      assert.equal(entry.ppid, process.pid);
      assert.match(entry.cmdline ?? '', /holder\0argv-value/);
      assert.equal(entry.start, processStart(pid));
      const tree = await until('the grandchild', () => {
        const t = listTree([pid]);
        return t.some((e) => e.ppid === pid) ? t : undefined;
      });
      assert.ok(tree.some((e) => e.pid === pid));
      const spare = selfAndAncestors();
      assert.ok(spare.has(process.pid) && spare.has(process.ppid) && !spare.has(pid));
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('RunReaper: a setsid double fork that dropped the marker but holds the value is killed at the end; an unrelated process is not', async function () {
    if (!linux) this.skip();
    this.timeout(20_000);
    const secret = `canary-proctable-${process.pid}-0123456789abcdef`;
    const reaper = new RunReaper();
    const marker = reaper.newMarker();
    const bystander = spawn('sleep', ['30'], { stdio: 'ignore' });
    const root = spawn('sh', ['-c', '(setsid env -u AIRLOCK_RUN_MARKER sh -c "echo \\$\\$; exec sleep 30" &) ; sleep 30'], {
      env: { PATH: process.env['PATH'], AIRLOCK_RUN_MARKER: marker, TOKEN: secret },
      stdio: ['ignore', 'pipe', 'ignore'],
      detached: true,
    });
    try {
      const watch = reaper.watch('unit', root.pid ?? 0, marker, (text) => text.includes(secret));
      const escapee = await new Promise<number>((resolve) => root.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
      assert.ok(escapee > 0);
      process.kill(-(root.pid ?? 0), 'SIGKILL');
      const report = await watch.reap();
      assert.ok(report !== undefined && report.killed >= 1 && report.complete, JSON.stringify(report));
      await until('the escapee to be gone', () => isGone(escapee));
      assert.equal(isGone(bystander.pid ?? 0), false, 'a process that is not the run’s is never touched');
      assert.equal(reaper.watching, 0);
    } finally {
      bystander.kill('SIGKILL');
      root.kill('SIGKILL');
    }
  });
});
