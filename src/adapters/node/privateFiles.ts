import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Creates `dir` (and parents) and forces it to mode 0700: only this user may list or enter it. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/**
 * Writes `content` to `path` with mode `mode` (default 0600) inside a 0700 folder, atomically (temp
 * file + rename), so a reader never sees a half-written file and the mode is right from the first byte.
 */
export function writePrivateFile(path: string, content: string, mode = 0o600): void {
  ensurePrivateDir(dirname(path));
  const temp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, content, { mode, flag: 'wx' });
    chmodSync(temp, mode);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

export function removeFile(path: string): void {
  rmSync(path, { force: true });
}
