import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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
 * Writes `<dir>/socat`, a wrapper that runs the real socat with {@link RELAY_BUFFER_BYTES} buffers, and
 * returns its path; undefined when socat is not installed (the engine's own check then reports it).
 *
 * Where it lives matters: the host-side relay runs this file outside any sandbox, so `dir` must be a
 * folder an agent confined to the workspace and the temporary folder cannot write (the extension's
 * global storage), never the temporary folder. Runs read it through one allowed path (see
 * runFilesystemPolicy's `relayPath`). Written atomically, and only when its text changed.
 */
export function writeSocatRelay(dir: string): string | undefined {
  const socat = findExecutable('socat');
  if (socat === undefined) return undefined;
  const path = join(dir, 'socat');
  const text = `#!/bin/sh\n# Airlock: socat with ${RELAY_BUFFER_BYTES}-byte copy buffers for the sealed-run network relays.\nexec ${shellQuote(socat)} -b ${RELAY_BUFFER_BYTES} "$@"\n`;
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (current !== text) {
    const staged = `${path}.${process.pid}.tmp`;
    writeFileSync(staged, text, { mode: 0o755 });
    renameSync(staged, path);
  }
  chmodSync(path, 0o755);
  return path;
}
