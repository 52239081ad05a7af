import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { findExecutable } from './onPath';

/**
 * The copy buffer each socat relay of a sealed run gets. A sealed run's traffic crosses two socat relays
 * (in the sandbox: TCP → Unix socket; on the host: Unix socket → the engine's proxy), and socat copies
 * 8 KiB per read by default: measured here, those two hops alone halve a 64 MiB upload (0.39 s vs
 * 0.22 s with 256 KiB buffers, 0.17–0.23 s direct). socat has no environment variable or address
 * option for it, only `-b`, and the engine takes a path, not arguments: hence a one-line wrapper.
 */
export const RELAY_BUFFER_BYTES = 256 * 1024;

/** `'…'` for sh, with any `'` in the path spelled `'\''`. */
const shellQuote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * `dir` as a real directory of this user's (not a symlink someone planted, which would move the wrapper
 * to a folder they can write): anything else at that name is removed first.
 */
function ownDirectory(dir: string): void {
  try {
    const found = lstatSync(dir);
    if (found.isDirectory() && !found.isSymbolicLink() && (process.getuid === undefined || found.uid === process.getuid())) return;
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // Absent: made below.
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Writes `<dir>/socat`, a wrapper that runs the real socat with {@link RELAY_BUFFER_BYTES} buffers, and
 * returns its path; undefined when socat is not installed (the engine's own check then reports it).
 *
 * Where it lives matters: the host-side relay runs this file outside any sandbox, so `dir` must be a
 * folder an agent confined to the workspace and the temporary folder cannot write (the extension's
 * global storage; compose/grants.ts passes none when that is under either), and runs may only read it
 * (runFilesystemPolicy's `relayPath`). It is written anew on every engine start, never trusted as
 * found: created exclusively under a random name (so a symlink planted at a guessable name is never
 * written through), given its mode through the open file, then renamed over `socat` (which replaces a
 * symlink there rather than following it).
 */
export function writeSocatRelay(dir: string): string | undefined {
  const socat = findExecutable('socat');
  if (socat === undefined) return undefined;
  ownDirectory(dir);
  const path = join(dir, 'socat');
  const text = `#!/bin/sh\n# Airlock: socat with ${RELAY_BUFFER_BYTES}-byte copy buffers for the sealed-run network relays.\nexec ${shellQuote(socat)} -b ${RELAY_BUFFER_BYTES} "$@"\n`;
  const staged = join(dir, `.socat-${randomBytes(8).toString('hex')}`);
  const fd = openSync(staged, 'wx', 0o700);
  try {
    writeSync(fd, text);
    fchmodSync(fd, 0o755);
  } finally {
    closeSync(fd);
  }
  renameSync(staged, path);
  return path;
}
