import { randomBytes } from 'node:crypto';
import { reapRun, runProcesses, track, type OtherRun, type ProcessControl, type ReapReport, type RunScope } from '../../core/runner/reaper';
import { procControl, processStart, procTableAvailable, selfAndAncestors } from './procTable';

/** How often the run's process tree is read while it runs (catches a descendant that drops marker and secret). */
const TRACK_EVERY_MS = 200;

/** One watched run. */
export interface WatchedRun {
  /**
   * Ends every process of the run still alive (freeze, then kill; see reapRun) and stops watching.
   * Resolves once, with the same report for every caller; undefined where there is no process table.
   */
  reap(): Promise<ReapReport | undefined>;
  /** Shutdown: one synchronous pass that SIGKILLs what a scan proves the run's now, then {@link reap}. */
  reapNow(): void;
}

interface Live {
  readonly scope: RunScope;
  readonly known: Map<number, number>;
  timer?: NodeJS.Timeout;
}

/**
 * Tracks each run's processes while it runs and kills all of them when it ends (Linux `/proc`; elsewhere
 * the process group kill is all there is and {@link newMarker} still marks the environment).
 */
export class RunReaper {
  private readonly live = new Map<string, Live>();

  constructor(
    private readonly control: ProcessControl = procControl,
    private readonly available: boolean = procTableAvailable(),
    private readonly trackEveryMs = TRACK_EVERY_MS,
  ) {}

  /** A fresh random marker value for a run's environment (not a secret: it only names the run). */
  newMarker(): string {
    return randomBytes(16).toString('hex');
  }

  /** Starts watching a run whose root process is `rootPid`. `holdsSecret` tells whether text holds any form of its secrets. */
  watch(runId: string, rootPid: number, marker: string, holdsSecret: (text: string) => boolean): WatchedRun {
    const rootStart = this.available ? processStart(rootPid) : undefined;
    if (rootStart === undefined) return { reap: () => Promise.resolve(undefined), reapNow: () => undefined };
    const spare = selfAndAncestors();
    const entry: Live = { scope: { rootPid, rootStart, marker, holdsSecret }, known: new Map([[rootPid, rootStart]]) };
    this.live.set(runId, entry);
    const observe = (): void => void track(this.control.listTree(entry.known.keys()), entry.scope, entry.known, spare);
    observe();
    entry.timer = setInterval(observe, this.trackEveryMs);
    entry.timer.unref?.();
    let reaped: Promise<ReapReport> | undefined;
    const end = (): void => {
      clearInterval(entry.timer);
      this.live.delete(runId);
    };
    const reap = (): Promise<ReapReport> => {
      if (reaped !== undefined) return reaped;
      clearInterval(entry.timer);
      // Other runs still going: a process one of them can claim is not taken by value alone.
      const others: OtherRun[] = [...this.live].filter(([id]) => id !== runId).map(([, o]) => ({ marker: o.scope.marker, known: o.known, holdsSecret: o.scope.holdsSecret }));
      reaped = reapRun(this.control, entry.scope, { known: entry.known, spare, others }).finally(end);
      return reaped;
    };
    return {
      reap,
      reapNow: () => {
        for (const pid of runProcesses(this.control.list(true, rootStart), entry.scope, entry.known, spare).keys()) this.control.signal(pid, 'SIGKILL');
        void reap();
      },
    };
  }

  /** Runs being watched now. */
  get watching(): number {
    return this.live.size;
  }
}
