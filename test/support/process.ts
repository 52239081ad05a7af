import { readFileSync } from 'node:fs';

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Whether this pid no longer runs anything: no such process, or a zombie (dead, its memory and so its
 * environment gone, waiting for a parent — init or a subreaper — that may never reap it). Linux reads
 * /proc; elsewhere a zombie counts as alive.
 */
export const isGone = (pid: number): boolean => {
  if (!isAlive(pid)) return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return process.platform === 'linux';
  }
};
