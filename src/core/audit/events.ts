import type { ClientId } from '../clients';
import type { AccessDenialCode, RunRefusalCode } from '../errorCodes';

/**
 * Audit events: names, ids, commands and decisions — never values. Each becomes one JSONL line with
 * `time`, `seq` and the SHA-256 of the previous line (see auditChain.ts).
 */
export type AuditEvent =
  | { readonly type: 'request'; readonly requestId: string; readonly client: ClientId; readonly claimedClient?: string; readonly credentials: readonly string[]; readonly command: string; readonly cwd: string; readonly reason: string }
  /** `policyNote`: why policy asked the person although an `allow` rule matched (what the request named beyond it). */
  | { readonly type: 'decision'; readonly requestId: string; readonly client: ClientId; readonly decision: 'approved' | 'denied'; readonly by: 'person' | 'policy' | 'timeout' | 'panel-closed' | 'client-blocked' | 'cancelled'; readonly detail?: AccessDenialCode; readonly durationSeconds?: number; readonly maxRuns?: number | null; readonly commandMatch?: 'exact' | 'prefix'; readonly policyNote?: string }
  | { readonly type: 'grant-issued'; readonly grantId: string; readonly requestId: string; readonly client: ClientId; readonly credentials: readonly string[]; readonly command: string; readonly commandMatch: 'exact' | 'prefix'; readonly cwd: string; readonly expiresAt: string; readonly maxRuns: number | null; readonly network?: readonly string[]; readonly writes?: readonly string[] }
  | { readonly type: 'run-started'; readonly runId: string; readonly grantId: string; readonly client: ClientId; readonly credentials: readonly string[]; readonly command: string; readonly cwd: string; readonly sealed?: boolean }
  /** A sealed run wrote a credential (or a file the scan could not read) under its write paths: paths and names, never a value. */
  | { readonly type: 'run-write-leak'; readonly runId: string; readonly grantId: string; readonly findings: readonly { readonly path: string; readonly credential?: string; readonly unscanned?: string }[] }
  | { readonly type: 'run-finished'; readonly runId: string; readonly grantId: string; readonly exitCode: number | null; readonly signal: string | null; readonly durationMs: number; readonly timedOut: boolean; readonly reaped?: number }
  | { readonly type: 'run-incomplete'; readonly runId: string; readonly grantId: string; readonly why: 'shutdown' | 'killed-on-expiry' | 'error'; readonly reaped?: number }
  | { readonly type: 'run-refused'; readonly client: ClientId; readonly command: string; readonly cwd: string; readonly code: RunRefusalCode; readonly grantId?: string }
  | { readonly type: 'grant-expired'; readonly grantId: string; readonly why: 'time' | 'runs' }
  | { readonly type: 'grant-revoked'; readonly grantId: string; readonly by: 'person' | 'agent' | 'shutdown' | 'code-changed'; readonly detail?: string }
  | { readonly type: 'secret-entry'; readonly name: string; readonly client?: ClientId; readonly outcome: 'stored' | 'declined' | 'updated' | 'removed' }
  | { readonly type: 'settings-ignored'; readonly setting: string; readonly why: string }
  | EnvImportEvent;

/**
 * An Import .env File (or a failed one): the credential names (`credentials`, so Activity filters find
 * it) and where each value was put — the store, the reference, and whether Airlock created the 1Password
 * item. Never a value. A failed import lists what it had already stored or created (the file is untouched).
 */
export interface EnvImportEvent {
  readonly type: 'env-import';
  readonly file: string;
  readonly outcome: 'imported' | 'failed';
  readonly credentials: readonly string[];
  readonly placed: readonly { readonly name: string; readonly store: 'secret' | 'op' | 'op-env'; readonly reference: string; readonly created: boolean }[];
}

export type AuditEventType = AuditEvent['type'];

/**
 * Where audit events go. `append` resolves once the line is durably written and rejects if it cannot be
 * (disk full, unwritable path): callers refuse the run rather than run unaudited.
 */
export interface AuditSink {
  append(event: AuditEvent): Promise<void>;
}
