import { execFile } from 'node:child_process';

/**
 * Whether git reports uncommitted changes to `file` (run in `cwd`). Never a shell; `core.fsmonitor` is
 * forced off because a repository's own config could otherwise make `git status` run a program.
 * Resolves false when git is missing, the folder is not a repository, or it takes longer than `timeoutMs`.
 */
export function hasUncommittedChanges(cwd: string, file: string, timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['-c', 'core.fsmonitor=false', '-c', 'core.untrackedCache=false', 'status', '--porcelain', '--ignored=no', '--', file],
      { cwd, timeout: timeoutMs, windowsHide: true, maxBuffer: 256 * 1024, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0' } },
      (error, stdout) => resolve(error === null && stdout.trim().length > 0),
    );
  });
}
