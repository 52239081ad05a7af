import type { GrantSummary } from '../grants/grant';
import type { AccessDenialCode, RunRefusalCode } from '../errorCodes';
import type { SecretValue } from '../secrets/secretValue';

/** A secret as the redactor and the live scrubber take it: the credential name and its value. */
export interface NamedSecret {
  readonly name: string;
  readonly value: SecretValue;
}

export interface AccessRequestInput {
  readonly credentials: readonly string[];
  readonly command: string;
  readonly cwd?: string | undefined;
  readonly reason: string;
  readonly durationSeconds?: number | undefined;
  readonly maxRuns?: number | undefined;
}

export interface RunInput {
  readonly command: string;
  readonly cwd?: string | undefined;
  readonly credentials?: readonly string[] | undefined;
  readonly grantId?: string | undefined;
  readonly timeoutSeconds?: number | undefined;
  /** Shown to the person when the run has to ask first. */
  readonly reason?: string | undefined;
}

export type Progress = (message: string, progress: number, total?: number) => void;

export type AccessOutcome =
  | { readonly status: 'approved'; readonly requestId: string; readonly grant: GrantSummary }
  | { readonly status: 'pending'; readonly requestId: string; readonly message: string }
  | { readonly status: 'denied'; readonly requestId?: string; readonly code: AccessDenialCode; readonly message: string };

/** Why a run stopped before the command ended by itself. */
export type StopReason = 'timeout' | 'grant-ended' | 'cancelled' | 'shutdown';

export interface RunReport {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly output: string;
  readonly truncated: boolean;
  readonly durationMs: number;
  readonly grantId: string;
  readonly runsLeft: number | null;
  readonly timedOut: boolean;
  readonly stoppedBy: StopReason | null;
}

export type RunOutcome =
  | { readonly status: 'finished'; readonly report: RunReport }
  | { readonly status: 'pending'; readonly requestId: string; readonly message: string }
  | { readonly status: 'refused'; readonly code: RunRefusalCode; readonly message: string };
