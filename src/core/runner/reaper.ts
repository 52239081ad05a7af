import { plainL10n, type L10n } from '../../shared/l10n';
/**
 * Which processes are a run's, and how to end all of them — the policy behind "nothing outlives a run".
 *
 * A run's child leads its own process group, but `setsid` (new session and group) and a double fork
 * (reparented to init or the nearest subreaper) leave that group. Without a PID namespace the run's
 * processes are recognised by proof only:
 * - **tree**: the run's root, a process seen as its descendant while the run lasted (pid *and* start time,
 *   so a reused pid is not mistaken), or a child of any process proven the run's;
 * - **marker**: the run's random marker in its environment or argv (every process that inherited the
 *   run's environment carries it);
 * - **secret**: any encoded form of the run's secret values in its environment or argv (a process that
 *   dropped the marker but kept the value), started after the run's root, and not claimable by another
 *   live run holding the same value.
 * Nothing else is ever signalled. The process table comes from an adapter (src/adapters/node/procTable.ts).
 */

/** One process, as the adapter read it. */
export interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  /** Start time since boot in the kernel's ticks: a pid with another start time is another process. */
  readonly start: number;
  /** Kernel state letter: `Z` zombie and `X` dead hold nothing; `T`/`t` stopped. */
  readonly state: string;
  /** `/proc/<pid>/environ` and `cmdline` as text, when read (absent in a tree-only listing or when unreadable). */
  readonly environ?: string;
  readonly cmdline?: string;
}

export type ReapReason = 'tree' | 'marker' | 'secret';

/** What proves a process belongs to one run. */
export interface RunScope {
  readonly rootPid: number;
  readonly rootStart: number;
  /** The random value of the run's marker variable. */
  readonly marker: string;
  /** True when `text` holds any encoded form of the run's secret values (the run's redactor knows). */
  holdsSecret(text: string): boolean;
}

/** Another run that is still going: a process it can claim is never taken by value alone. */
export interface OtherRun {
  readonly marker: string;
  readonly known: ReadonlyMap<number, number>;
  holdsSecret(text: string): boolean;
}

/** The environment variable every process of a run inherits; its value is per run and random. */
export const RUN_MARKER_ENV = 'AIRLOCK_RUN_MARKER';

const holdsNothing = (entry: ProcessEntry): boolean => entry.state === 'Z' || entry.state === 'X';
const stopped = (entry: ProcessEntry): boolean => entry.state === 'T' || entry.state === 't';
const texts = (entry: ProcessEntry): string[] => [entry.environ, entry.cmdline].filter((t): t is string => t !== undefined && t !== '');

/**
 * The run's processes in `table`, each with the first proof found. `known` maps pids proven the run's
 * earlier (tracked while it ran) to their start times; `spare` is never returned (Airlock's own process
 * and its ancestors). Zombies are left out: they hold nothing and cannot be signalled away.
 */
export function runProcesses(
  table: readonly ProcessEntry[],
  scope: RunScope,
  known: ReadonlyMap<number, number>,
  spare: ReadonlySet<number>,
  others: readonly OtherRun[] = [],
): Map<number, ReapReason> {
  const found = new Map<number, ReapReason>();
  // A process that started before the run's root cannot be one of its processes.
  const candidate = (e: ProcessEntry): boolean => !holdsNothing(e) && !spare.has(e.pid) && e.start >= scope.rootStart;
  const claimedElsewhere = (e: ProcessEntry): boolean =>
    others.some((o) => o.known.get(e.pid) === e.start || texts(e).some((t) => t.includes(o.marker) || o.holdsSecret(t)));
  for (const e of table) {
    if (!candidate(e)) continue;
    if ((e.pid === scope.rootPid && e.start === scope.rootStart) || known.get(e.pid) === e.start) found.set(e.pid, 'tree');
    else if (texts(e).some((t) => t.includes(scope.marker))) found.set(e.pid, 'marker');
    else if (texts(e).some((t) => scope.holdsSecret(t)) && !claimedElsewhere(e)) found.set(e.pid, 'secret');
  }
  // Children of the run's processes are the run's (a child starts no earlier than its parent).
  const byPid = new Map(table.map((e) => [e.pid, e]));
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of table) {
      const parent = byPid.get(e.ppid);
      if (found.has(e.pid) || !candidate(e) || parent === undefined || !found.has(e.ppid) || e.start < parent.start) continue;
      found.set(e.pid, 'tree');
      grew = true;
    }
  }
  return found;
}

/** Adds the run's processes in a tree-only `table` to `known` (pid → start time); returns how many were new. */
export function track(table: readonly ProcessEntry[], scope: RunScope, known: Map<number, number>, spare: ReadonlySet<number>): number {
  let added = 0;
  const byPid = new Map(table.map((e) => [e.pid, e]));
  for (const pid of runProcesses(table, scope, known, spare).keys()) {
    const entry = byPid.get(pid);
    if (entry === undefined || known.get(pid) === entry.start) continue;
    known.set(pid, entry.start);
    added++;
  }
  return added;
}

/** What the reaper needs from the system (src/adapters/node/procTable.ts). */
export interface ProcessControl {
  /**
   * Every process of this user; with `contents`, the environ and cmdline of those started at or after
   * `contentsSince` (the policy never takes an older process, so reading theirs would be wasted).
   */
  list(contents: boolean, contentsSince?: number): readonly ProcessEntry[];
  /** At least the processes below `roots` and the roots, tree only (cheap: for tracking while a run lasts). */
  listTree(roots: Iterable<number>): readonly ProcessEntry[];
  /** Sends a signal; a process already gone is not an error. */
  signal(pid: number, signal: 'SIGSTOP' | 'SIGKILL'): void;
  pause(ms: number): Promise<void>;
}

export interface ReapReport {
  /** Distinct processes killed. */
  readonly killed: number;
  readonly byReason: Readonly<Record<ReapReason, number>>;
  readonly rounds: number;
  /** False when the round limit was reached before a scan found nothing new (a fork storm, a stuck process). */
  readonly complete: boolean;
}

export interface ReapOptions {
  readonly known?: ReadonlyMap<number, number>;
  readonly spare?: ReadonlySet<number>;
  readonly others?: readonly OtherRun[];
  readonly maxRounds?: number;
  /** Between rounds, for SIGSTOP to take effect. */
  readonly settleMs?: number;
}

/**
 * Ends every process of the run: freeze, then kill. Each round scans the table, SIGSTOPs the run's
 * processes not yet held (a stopped process cannot fork, and its children keep it as their parent, so they
 * are found through the tree), and waits until every held one is stopped; when a scan finds nothing new,
 * all held processes get SIGKILL. After `maxRounds` whatever is held is killed and the report says
 * incomplete. Never signals a process that {@link runProcesses} does not prove the run's.
 */
export async function reapRun(control: ProcessControl, scope: RunScope, options: ReapOptions = {}): Promise<ReapReport> {
  const spare = options.spare ?? new Set<number>();
  const maxRounds = options.maxRounds ?? 50;
  const held = new Map<number, { start: number; reason: ReapReason }>();
  let rounds = 0;
  let complete = false;
  while (rounds < maxRounds) {
    rounds++;
    const table = control.list(true, scope.rootStart);
    const known = new Map(options.known ?? []);
    for (const [pid, h] of held) known.set(pid, h.start);
    const found = runProcesses(table, scope, known, spare, options.others ?? []);
    const byPid = new Map(table.map((e) => [e.pid, e]));
    const fresh = [...found].filter(([pid]) => held.get(pid)?.start !== byPid.get(pid)?.start);
    const settling = [...held].some(([pid, h]) => {
      const e = byPid.get(pid);
      return e !== undefined && e.start === h.start && !holdsNothing(e) && !stopped(e);
    });
    if (fresh.length === 0 && !settling) {
      complete = true;
      break;
    }
    for (const [pid, reason] of fresh) {
      const entry = byPid.get(pid);
      if (entry === undefined) continue;
      held.set(pid, { start: entry.start, reason });
      control.signal(pid, 'SIGSTOP');
    }
    await control.pause(options.settleMs ?? 5);
  }
  for (const pid of held.keys()) control.signal(pid, 'SIGKILL');
  const byReason: Record<ReapReason, number> = { tree: 0, marker: 0, secret: 0 };
  for (const h of held.values()) byReason[h.reason]++;
  return { killed: held.size, byReason, rounds, complete };
}

/**
 * "2 processes (1 by tree, 1 by marker)": counts only, never a value or a name. English for the log (the
 * default); the terminal passes the person's translator.
 */
export function describeReap(report: ReapReport, l10n: L10n = plainL10n): string {
  const by: Record<ReapReason, (n: number) => string> = {
    tree: (n) => l10n.t('{0} by tree', n),
    marker: (n) => l10n.t('{0} by marker', n),
    secret: (n) => l10n.t('{0} by secret', n),
  };
  const parts = (Object.entries(report.byReason) as [ReapReason, number][]).filter(([, n]) => n > 0).map(([why, n]) => by[why](n)).join(', ');
  const what = report.killed === 1 ? l10n.t('1 process') : l10n.t('{0} processes', report.killed);
  if (report.complete) return parts === '' ? what : l10n.t('{0} ({1})', what, parts);
  return parts === '' ? l10n.t('{0}; the scan did not settle', what) : l10n.t('{0} ({1}); the scan did not settle', what, parts);
}
