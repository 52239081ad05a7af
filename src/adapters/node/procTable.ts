import { readdirSync, readFileSync } from 'node:fs';
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

/** Lists this user's processes: stat always; environ and cmdline with `contents`. Never throws. */
export function listProcesses(contents: boolean): ProcessEntry[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const me = uid();
  const entries: ProcessEntry[] = [];
  for (const name of names) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const stat = readText(`/proc/${name}/stat`);
    const parsed = stat === undefined ? undefined : parseStat(pid, stat);
    if (parsed === undefined) continue;
    if (me !== undefined && !sameUser(name, me)) continue;
    if (!contents) {
      entries.push(parsed);
      continue;
    }
    const environ = readText(`/proc/${name}/environ`);
    const cmdline = readText(`/proc/${name}/cmdline`);
    entries.push({ ...parsed, ...(environ === undefined ? {} : { environ }), ...(cmdline === undefined ? {} : { cmdline }) });
  }
  return entries;
}

/** Real uid from `/proc/<pid>/status` ("Uid:\treal\teffective\t…"); a process of another user is never listed. */
function sameUser(name: string, me: number): boolean {
  const status = readText(`/proc/${name}/status`);
  const match = status === undefined ? null : /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
  return match !== null && (Number(match[1]) === me || Number(match[2]) === me);
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
  list: listProcesses,
  signal(pid, signal) {
    try {
      process.kill(pid, signal);
    } catch {
      // Gone already (or never ours: the policy only names the run's processes).
    }
  },
  pause: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
