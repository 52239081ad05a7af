import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { ProcessControl, ProcessEntry } from '../../core/runner/reaper';

/**
 * The process table of this user, read from Linux `/proc` (the reaper's policy is src/core/runner/reaper.ts).
 * Elsewhere (macOS, Windows) there is no `/proc`: {@link procTableAvailable} is false and the runner keeps
 * to killing the process group.
 */
export const procTableAvailable = (): boolean => {
  try {
    return process.platform === 'linux' && readFileSync('/proc/self/stat', 'latin1').length > 0;
  } catch {
    return false;
  }
};

const uid = (): number | undefined => process.getuid?.();

/** Parses `/proc/<pid>/stat`; the command name may hold spaces and parentheses, so fields count from the last `)`. */
export function parseStat(pid: number, stat: string): { pid: number; ppid: number; start: number; state: string } | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = stat.slice(close + 2).split(' ');
  // After the name: state(3) ppid(4) … starttime(22), so index 0 is field 3.
  const state = fields[0];
  const ppid = Number(fields[1]);
  const start = Number(fields[19]);
  if (state === undefined || !Number.isFinite(ppid) || !Number.isFinite(start)) return undefined;
  return { pid, ppid, start, state };
}

const readText = (path: string): string | undefined => {
  try {
    // latin1 keeps every byte as one character; the run's redactor matches its forms in either decoding.
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
};

/**
 * Lists this user's processes (every process with `allUsers`): stat always; environ and cmdline with
 * `contents`, for processes started at or after `contentsSince` (ticks since boot). Never throws.
 */
export function listProcesses(contents: boolean, allUsers = false, contentsSince = 0): ProcessEntry[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const me = allUsers ? undefined : uid();
  const entries: ProcessEntry[] = [];
  for (const name of names) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    if (me !== undefined && !sameUser(name, me)) continue;
    const stat = readText(`/proc/${name}/stat`);
    const parsed = stat === undefined ? undefined : parseStat(pid, stat);
    if (parsed === undefined) continue;
    if (!contents || parsed.start < contentsSince) {
      entries.push(parsed);
      continue;
    }
    const environ = readText(`/proc/${name}/environ`);
    const cmdline = readText(`/proc/${name}/cmdline`);
    entries.push({ ...parsed, ...(environ === undefined ? {} : { environ }), ...(cmdline === undefined ? {} : { cmdline }) });
  }
  return entries;
}

/** `/proc/<pid>` belongs to the process's effective uid: a process of another user is never listed. */
function sameUser(name: string, me: number): boolean {
  try {
    return statSync(`/proc/${name}`).uid === me;
  } catch {
    return false;
  }
}

/** Kernels built without CONFIG_PROC_CHILDREN (this kind of VM among them) have no `children` files. */
const childrenFiles = ((): boolean => {
  try {
    return existsSync(`/proc/${process.pid}/task/${process.pid}/children`);
  } catch {
    return false;
  }
})();

/**
 * The processes below `roots` (and the roots), tree only: through `/proc/<pid>/task/<tid>/children` where the
 * kernel has them (a handful of reads for a run's tree), else the stat of every process (a ppid scan).
 * Never throws.
 */
export function listTree(roots: Iterable<number>): ProcessEntry[] {
  if (!childrenFiles) return listProcesses(false, true);
  const entries = new Map<number, ProcessEntry>();
  const queue = [...roots];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    if (entries.has(pid)) continue;
    const stat = readText(`/proc/${pid}/stat`);
    const parsed = stat === undefined ? undefined : parseStat(pid, stat);
    if (parsed === undefined) continue;
    entries.set(pid, parsed);
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      for (const child of (readText(`/proc/${pid}/task/${tid}/children`) ?? '').split(' ')) if (/^\d+$/.test(child)) queue.push(Number(child));
    }
  }
  return [...entries.values()];
}

/** This process and its ancestors up to init: the reaper never signals them. */
export function selfAndAncestors(): Set<number> {
  const spare = new Set<number>([process.pid, 1]);
  let pid = process.ppid;
  for (let hops = 0; pid > 1 && hops < 64 && !spare.has(pid); hops++) {
    spare.add(pid);
    const stat = readText(`/proc/${pid}/stat`);
    const parsed = stat === undefined ? undefined : parseStat(pid, stat);
    if (parsed === undefined) break;
    pid = parsed.ppid;
  }
  return spare;
}

/** Start time of one process (ticks since boot), or undefined when it is gone. */
export function processStart(pid: number): number | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  return stat === undefined ? undefined : parseStat(pid, stat)?.start;
}

/** The ProcessControl the reaper uses on Linux. */
export const procControl: ProcessControl = {
  list: (contents, contentsSince) => listProcesses(contents, false, contentsSince),
  listTree,
  signal(pid, signal) {
    try {
      process.kill(pid, signal);
    } catch {
      // Gone already (or never ours: the policy only names the run's processes).
    }
  },
  pause: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
