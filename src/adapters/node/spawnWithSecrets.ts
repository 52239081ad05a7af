import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { RUN_MARKER_ENV } from '../../core/runner/reaper';
import type { SecretEnv } from '../../core/runner/runSpec';
import { revealSecret } from '../../core/secrets/secretValue';

export interface SpawnRequest {
  readonly command: string;
  readonly cwd: string;
  /** The shell that runs `command` with `-c` (the person's default shell). */
  readonly shell: string;
  readonly secrets: readonly SecretEnv[];
  /** The run's random marker: every process that inherits the environment carries it (see RunReaper). */
  readonly marker?: string;
}

/**
 * Spawns `shell -c command` with `process.env`, `FORCE_COLOR=1` and the granted secrets in **this child's
 * environment only** — the one place a secret's raw value is read for a process. The child leads its own
 * process group (`detached`), so {@link killGroup} stops what stays in that group; what leaves it (`setsid`,
 * a double fork) is found by the run's marker, the secret values or the tracked tree (RunReaper).
 */
export function spawnWithSecrets(request: SpawnRequest): ChildProcessWithoutNullStreams {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '1' };
  // The extension host's own runtime switch would turn any Electron app the command starts into plain Node.
  delete env['ELECTRON_RUN_AS_NODE'];
  if (request.marker !== undefined) env[RUN_MARKER_ENV] = request.marker;
  for (const secret of request.secrets) env[secret.env] = revealSecret(secret.value, 'spawn');
  return spawn(request.shell, ['-c', request.command], {
    cwd: request.cwd,
    env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
}

/** Sends `signal` to the child's whole process group; falls back to the child alone. Never throws. */
export function killGroup(child: { readonly pid?: number | undefined; kill(signal?: NodeJS.Signals): boolean }, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}
