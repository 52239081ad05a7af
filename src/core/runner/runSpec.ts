import type { SecretValue } from '../secrets/secretValue';
import type { SealedCredential } from '../sandbox/sealedRun';
import type { WriteScanResult } from '../sandbox/writeScan';
import type { L10n } from '../../shared/l10n';

/** A sealed run's terms (see src/core/sandbox/sealedRun.ts): absent, the run is not sealed. */
export interface SealedRunSpec {
  /** The workspace folder that holds `cwd` (write paths lie inside it). */
  readonly folder: string;
  /** Hosts the request names; the credentials' own hosts are added by the engine. */
  readonly network: readonly string[];
  /** Realpaths the command may write; everything else is read-only. */
  readonly writes: readonly string[];
  /** How each credential travels, by env name. */
  readonly credentials: readonly SealedCredential[];
}

/** A streaming scrubber for one output stream (the core redactor's `stream()` has this shape). */
export interface StreamScrubber {
  /** Returns the scrubbed text that is safe to emit now; holds back a possible partial match. */
  push(chunk: string): string;
  /** Returns whatever was held back, scrubbed. Call once at end of stream. */
  flush(): string;
}

/** The redactor over one run's secrets (the core redactor has this shape). */
export interface RunRedactor {
  scrub(text: string): string;
  stream(): StreamScrubber;
}

/** One environment variable the child gets: the credential's env name and its value. */
export interface SecretEnv {
  /** Credential name, for `[redacted:NAME]` and messages. */
  readonly credential: string;
  /** Environment variable name the child sees. */
  readonly env: string;
  readonly value: SecretValue;
}

/** Everything the runner adapter needs to run one command under a grant. */
export interface RunSpec {
  readonly runId: string;
  readonly grantId: string;
  readonly command: string;
  /** A realpath inside a workspace folder. */
  readonly cwd: string;
  /** Task name in the terminal panel, see {@link runTitle}. */
  readonly title: string;
  /** Put into this child's environment only. */
  readonly secrets: readonly SecretEnv[];
  /** Every byte the child prints passes through this before reaching the terminal or the agent. */
  readonly redactor: RunRedactor;
  /** The agent gets the last this-many bytes of (scrubbed) output. */
  readonly outputLimitBytes: number;
  /** Present: run in the sandbox with these terms, then scan the write paths. */
  readonly sealed?: SealedRunSpec;
}

export interface RunResult {
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Scrubbed, the last `outputLimitBytes` bytes of stdout and stderr interleaved as they arrived. */
  readonly output: string;
  readonly truncated: boolean;
  readonly durationMs: number;
  /** Processes of the run still alive after its child exited (setsid, double fork…), killed by the runner. */
  readonly reaped?: number;
  /** Sealed runs: what the after-run scan of the write paths found. */
  readonly writeScan?: WriteScanResult;
}

/**
 * Runs a command with secrets in its child's environment only (src/adapters/vscode/taskRunner.ts).
 * Aborting `stop` kills the child's whole process group; when the child exits, every process of the run
 * that left the group is killed too (src/core/runner/reaper.ts). Rejects only when the process could not run at
 * all (the message names no value).
 */
export interface Runner {
  run(spec: RunSpec, stop: AbortSignal): Promise<RunResult>;
}

const MAX_TITLE_COMMAND = 60;

/** "Airlock: npm run deploy — Codex, 2 credentials, expires 14:05" (local time of the extension host). */
export function runTitle(command: string, clientLabel: string, credentialCount: number, expiresAt: number, l10n: L10n): string {
  const flat = command.replace(/\s+/g, ' ').trim();
  const shown = flat.length > MAX_TITLE_COMMAND ? `${flat.slice(0, MAX_TITLE_COMMAND - 1)}…` : flat;
  const at = new Date(expiresAt);
  const hhmm = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
  return credentialCount === 1
    ? l10n.t('Airlock: {0} — {1}, 1 credential, expires {2}', shown, clientLabel, hhmm)
    : l10n.t('Airlock: {0} — {1}, {2} credentials, expires {3}', shown, clientLabel, credentialCount, hhmm);
}
