import * as assert from 'node:assert/strict';
import { markingL10n } from '../../../support/markingL10n';
import { describeReap, reapRun, runProcesses, track, type ProcessControl, type ProcessEntry, type RunScope } from '../../../../src/core/runner/reaper';

const SECRET = 'canary-reaper-0123456789abcdef';
const MARKER = 'm4rk3r-0f-th1s-run';
const scope: RunScope = { rootPid: 100, rootStart: 5000, marker: MARKER, holdsSecret: (text) => text.includes(SECRET) };
const env = (...vars: string[]): string => vars.join('\0') + '\0';

const p = (pid: number, ppid: number, start: number, more: Partial<ProcessEntry> = {}): ProcessEntry => ({ pid, ppid, start, state: 'S', environ: env('PATH=/bin'), cmdline: 'sleep\u0000300\u0000', ...more });

/** A fake process table: signals change it the way the kernel would (SIGSTOP stops, SIGKILL removes). */
class FakeSystem implements ProcessControl {
  readonly signals: [number, string][] = [];
  /** Called on each list(): lets a test fork between scans. */
  onList: ((table: Map<number, ProcessEntry>) => void) | undefined;
  constructor(readonly table = new Map<number, ProcessEntry>()) {}
  add(...entries: ProcessEntry[]): this {
    for (const e of entries) this.table.set(e.pid, e);
    return this;
  }
  list(contents: boolean): ProcessEntry[] {
    this.onList?.(this.table);
    return [...this.table.values()].map((e) => (contents ? e : { pid: e.pid, ppid: e.ppid, start: e.start, state: e.state }));
  }
  listTree(): ProcessEntry[] {
    throw new Error('reapRun lists the whole table');
  }
  signal(pid: number, signal: 'SIGSTOP' | 'SIGKILL'): void {
    this.signals.push([pid, signal]);
    const e = this.table.get(pid);
    if (e === undefined) return;
    if (signal === 'SIGSTOP') this.table.set(pid, { ...e, state: 'T' });
    else {
      this.table.delete(pid);
      // Orphans go to init, as on Linux.
      for (const [cpid, c] of this.table) if (c.ppid === pid) this.table.set(cpid, { ...c, ppid: 1 });
    }
  }
  pause(): Promise<void> {
    return Promise.resolve();
  }
  get killed(): number[] {
    return this.signals.filter(([, s]) => s === 'SIGKILL').map(([pid]) => pid).sort((a, b) => a - b);
  }
}

const persons = [
  p(1, 0, 1, { cmdline: 'init\0' }),
  p(40, 1, 100, { cmdline: 'code-server\0' }),
  p(50, 40, 200, { cmdline: 'extension-host\0' }),
  // The person's own shell exported the same token before the run: never the run's.
  p(60, 1, 300, { environ: env(`TOKEN=${SECRET}`), cmdline: 'bash\0' }),
];

describe('reaper policy (which processes are the run’s)', () => {
  it('finds the root, its tree, setsid/double-fork escapees by marker, an argv holder and an unmarked env holder by value', () => {
    const table = [
      ...persons,
      p(100, 50, 5000, { environ: env(`AIRLOCK_RUN_MARKER=${MARKER}`, `TOKEN=${SECRET}`) }),
      p(101, 100, 5001, { environ: env('PATH=/bin') }), // stripped everything, still a child of the root
      p(102, 1, 5002, { environ: env(`AIRLOCK_RUN_MARKER=${MARKER}`, `TOKEN=${SECRET}`) }), // double fork: ppid 1
      p(103, 1, 5003, { environ: env('PATH=/bin'), cmdline: `sh\0-c\0loop\0holder\0${SECRET}\0` }), // argv
      p(104, 1, 5004, { environ: env(`TOKEN=${SECRET}`) }), // dropped the marker
      p(105, 104, 5005, { environ: env('PATH=/bin') }), // child of a value holder
      p(106, 1, 5006, { environ: env('PATH=/bin') }), // unrelated, started during the run
    ];
    const found = runProcesses(table, scope, new Map(), new Set([1, 40, 50]));
    assert.deepEqual(
      [...found].sort((a, b) => a[0] - b[0]),
      [
        [100, 'tree'],
        [101, 'tree'],
        [102, 'marker'],
        [103, 'secret'],
        [104, 'secret'],
        [105, 'tree'],
      ],
    );
  });

  it('a tracked descendant that dropped marker and secret is found by pid and start time; a reused pid is not', () => {
    const known = new Map([[200, 6000]]);
    assert.deepEqual([...runProcesses([p(200, 1, 6000)], scope, known, new Set())], [[200, 'tree']]);
    assert.deepEqual([...runProcesses([p(200, 1, 7000)], scope, known, new Set())], [], 'same pid, another process');
  });

  it('never a process that started before the run, a spared one (Airlock itself, its ancestors), or a zombie', () => {
    const table = [
      p(60, 1, 300, { environ: env(`TOKEN=${SECRET}`, `AIRLOCK_RUN_MARKER=${MARKER}`) }),
      p(50, 40, 5100, { environ: env(`AIRLOCK_RUN_MARKER=${MARKER}`) }),
      p(120, 1, 5200, { state: 'Z', environ: '', cmdline: '' }),
      p(121, 120, 5300, { state: 'Z' }),
    ];
    assert.deepEqual([...runProcesses(table, scope, new Map([[120, 5200]]), new Set([50]))], []);
  });

  it('a value match another live run can claim (its marker, its tree, its secret) is left to that run; proof by tree or marker is not', () => {
    const other = { marker: 'other-run-marker', known: new Map([[301, 5301]]), holdsSecret: (t: string) => t.includes(SECRET) };
    const table = [
      p(300, 1, 5300, { environ: env(`TOKEN=${SECRET}`) }), // both runs hold this value: ambiguous
      p(301, 1, 5301, { environ: env(`TOKEN=${SECRET}`) }),
      p(302, 1, 5302, { environ: env(`TOKEN=${SECRET}`, `AIRLOCK_RUN_MARKER=${MARKER}`) }),
    ];
    assert.deepEqual([...runProcesses(table, scope, new Map(), new Set(), [other])], [[302, 'marker']]);
    const notShared = { ...other, holdsSecret: () => false, known: new Map<number, number>() };
    assert.deepEqual([...runProcesses(table, scope, new Map(), new Set(), [notShared])].map(([pid]) => pid), [300, 301, 302]);
  });

  it('track() remembers descendants from a tree-only listing (no environ, no cmdline)', () => {
    const known = new Map([[100, 5000]]);
    const listing = [p(100, 50, 5000), p(110, 100, 5010), p(111, 110, 5011), p(112, 1, 5012)].map(({ pid, ppid, start, state }) => ({ pid, ppid, start, state }));
    assert.equal(track(listing, scope, known, new Set()), 2);
    assert.deepEqual([...known.keys()].sort(), [100, 110, 111]);
    assert.equal(track(listing, scope, known, new Set()), 0);
  });
});

describe('reapRun (freeze, then kill)', () => {
  it('stops every process of the run, then kills them; touches nothing else', async () => {
    const system = new FakeSystem().add(
      ...persons,
      p(102, 1, 5002, { environ: env(`AIRLOCK_RUN_MARKER=${MARKER}`) }),
      p(103, 1, 5003, { cmdline: `x\0${SECRET}\0` }),
      p(104, 102, 5004),
      p(106, 1, 5006),
    );
    const report = await reapRun(system, scope, { spare: new Set([1, 40, 50]) });
    assert.deepEqual(system.killed, [102, 103, 104]);
    assert.ok(system.signals.every(([pid]) => [102, 103, 104].includes(pid)), JSON.stringify(system.signals));
    assert.deepEqual(report, { killed: 3, byReason: { tree: 1, marker: 1, secret: 1 }, rounds: 2, complete: true });
    assert.deepEqual([...system.table.keys()].sort((a, b) => a - b), [1, 40, 50, 60, 106]);
  });

  it('a process that forks between scans: the child (marker stripped) is found through its stopped parent', async () => {
    const system = new FakeSystem().add(p(102, 1, 5002, { environ: env(`AIRLOCK_RUN_MARKER=${MARKER}`) }));
    let scans = 0;
    system.onList = (table) => {
      // Right after the first scan, before SIGSTOP lands, 102 forks a child that drops the marker.
      if (++scans === 2) table.set(150, p(150, 102, 5050, { environ: env('PATH=/bin') }));
    };
    const report = await reapRun(system, scope);
    assert.deepEqual(system.killed, [102, 150]);
    assert.equal(report.complete, true);
  });

  it('a process that will not stop yet is waited for; a fork storm ends at the round limit and says so', async () => {
    const slow = new FakeSystem().add(p(102, 1, 5002, { environ: env(`AIRLOCK_RUN_MARKER=${MARKER}`) }));
    const realSignal = slow.signal.bind(slow);
    // SIGSTOP is pending, not yet in effect (uninterruptible sleep, say): the stop lands on the fourth scan.
    slow.signal = (pid, signal) => (signal === 'SIGSTOP' ? void slow.signals.push([pid, signal]) : realSignal(pid, signal));
    let scans = 0;
    slow.onList = (table) => {
      const e = table.get(102);
      if (++scans === 4 && e !== undefined) table.set(102, { ...e, state: 'T' });
    };
    const waited = await reapRun(slow, scope);
    assert.equal(waited.complete, true);
    assert.equal(waited.rounds, 4);
    assert.deepEqual(slow.killed, [102]);

    let next = 400;
    const storm = new FakeSystem();
    storm.onList = (table) => void table.set(next, p(next, 1, 5000 + next++, { environ: env(`AIRLOCK_RUN_MARKER=${MARKER}`) }));
    const report = await reapRun(storm, scope, { maxRounds: 5 });
    assert.equal(report.complete, false);
    assert.equal(report.killed, 5);
    assert.match(describeReap(report), /^5 processes \(5 by marker\); the scan did not settle$/);
    assert.equal(describeReap(report, markingL10n), '««5 processes» («5 by marker»); the scan did not settle»');
    assert.equal(describeReap({ killed: 1, byReason: { tree: 1, marker: 0, secret: 0 }, rounds: 1, complete: true }, markingL10n), '««1 process» («1 by tree»)»');
    assert.equal(describeReap({ killed: 2, byReason: { tree: 1, marker: 0, secret: 1 }, rounds: 1, complete: true }), '2 processes (1 by tree, 1 by secret)');
  });

  it('nothing to do: one scan, no signal', async () => {
    const system = new FakeSystem().add(...persons);
    assert.deepEqual(await reapRun(system, scope, { spare: new Set([1]) }), { killed: 0, byReason: { tree: 0, marker: 0, secret: 0 }, rounds: 1, complete: true });
    assert.deepEqual(system.signals, []);
  });
});
