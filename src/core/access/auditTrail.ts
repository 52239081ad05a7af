import { plainL10n } from '../../shared/l10n';
import type { AuditEvent, AuditSink } from '../audit/events';
import type { ClientId, ClientIdentity } from '../clients';
import type { ConsentAnswer } from '../consent/consent';
import type { AccessDenialCode, RunRefusalCode } from '../errorCodes';
import type { Grant } from '../grants/grant';
import type { LeaseEvent } from '../grants/leaseManager';
import type { Log } from '../log';
import type { RunResult } from '../runner/runSpec';
import type { WriteScanFinding } from '../sandbox/writeScan';

type ApprovedAnswer = Extract<ConsentAnswer, { decision: 'approved' }>;
type DecisionBy = Extract<AuditEvent, { type: 'decision' }>['by'];
type IncompleteWhy = Extract<AuditEvent, { type: 'run-incomplete' }>['why'];

/**
 * Every audit event the access flow writes, each built in exactly one place. Each method resolves true
 * when the line was written, false (with a log line, never a value) when it could not: callers decide
 * whether that refuses what they were about to do.
 */
export class AuditTrail {
  constructor(
    private readonly sink: AuditSink,
    private readonly log: Log,
  ) {}

  request(requestId: string, caller: ClientIdentity, credentials: readonly string[], command: string, cwd: string, reason: string): Promise<boolean> {
    return this.append({
      type: 'request',
      requestId,
      client: caller.id,
      ...(caller.claimedName === undefined ? {} : { claimedClient: caller.claimedName }),
      credentials,
      command,
      cwd,
      reason,
    });
  }

  /**
   * A denial; `detail` is the code the agent was given, when `by` alone does not say it. `policyNote`:
   * why policy asked the person although an allow rule matched (see evaluate.ts).
   */
  denied(requestId: string, client: ClientId, by: DecisionBy, detail?: AccessDenialCode, policyNote?: string): Promise<boolean> {
    return this.append({ type: 'decision', requestId, client, decision: 'denied', by, ...(detail === undefined ? {} : { detail }), ...noteOf(policyNote) });
  }

  approved(requestId: string, client: ClientId, by: 'person' | 'policy', answer: ApprovedAnswer, policyNote?: string): Promise<boolean> {
    const { durationSeconds, maxRuns, commandMatch } = answer;
    return this.append({ type: 'decision', requestId, client, decision: 'approved', by, durationSeconds, maxRuns, commandMatch, ...noteOf(policyNote) });
  }

  grantIssued(grant: Grant): Promise<boolean> {
    return this.append({
      type: 'grant-issued',
      grantId: grant.id,
      requestId: grant.requestId,
      client: grant.client,
      credentials: grant.credentials,
      command: grant.command,
      commandMatch: grant.commandMatch,
      cwd: grant.cwd,
      expiresAt: new Date(grant.expiresAt).toISOString(),
      maxRuns: grant.maxRuns,
      ...(grant.network.length === 0 ? {} : { network: grant.network }),
      ...(grant.writes.length === 0 ? {} : { writes: grant.writes }),
    });
  }

  runStarted(runId: string, grant: Grant, client: ClientId, command: string, cwd: string, sealed?: boolean): Promise<boolean> {
    return this.append({ type: 'run-started', runId, grantId: grant.id, client, credentials: grant.credentials, command, cwd, ...(sealed === undefined ? {} : { sealed }) });
  }

  /** The write scan found credentials (or unreadable files) under a sealed run's write paths. */
  runWriteLeak(runId: string, grantId: string, findings: readonly WriteScanFinding[]): Promise<boolean> {
    return this.append({
      type: 'run-write-leak',
      runId,
      grantId,
      findings: findings.map((f) => (f.kind === 'secret' ? { path: f.path, credential: f.credential } : { path: f.path, unscanned: f.reason(plainL10n) })),
    });
  }

  /** `reaped`: processes the run left behind that the runner killed (a count; absent when none). */
  runFinished(runId: string, grantId: string, result: RunResult, timedOut: boolean): Promise<boolean> {
    const { exitCode, signal, durationMs } = result;
    return this.append({ type: 'run-finished', runId, grantId, exitCode, signal, durationMs, timedOut, ...reapedOf(result.reaped) });
  }

  runIncomplete(runId: string, grantId: string, why: IncompleteWhy, reaped?: number): Promise<boolean> {
    return this.append({ type: 'run-incomplete', runId, grantId, why, ...reapedOf(reaped) });
  }

  runRefused(client: ClientId, command: string, cwd: string, code: RunRefusalCode, grantId?: string): Promise<boolean> {
    return this.append({ type: 'run-refused', client, command, cwd, code, ...(grantId === undefined ? {} : { grantId }) });
  }

  /** A grant's end (expiry or revoke); other lease events are not audited here. */
  leaseEvent(event: LeaseEvent): Promise<boolean> | undefined {
    if (event.type === 'expired') return this.append({ type: 'grant-expired', grantId: event.grant.id, why: event.why });
    // A code-changed revoke is audited with what changed, by codeChanged().
    if (event.type === 'revoked' && event.by !== 'code-changed') return this.append({ type: 'grant-revoked', grantId: event.grant.id, by: event.by });
    return undefined;
  }

  /** A grant revoked because what its command runs changed since approval; `detail` names the changed paths (never contents). */
  codeChanged(grantId: string, detail: string): Promise<boolean> {
    return this.append({ type: 'grant-revoked', grantId, by: 'code-changed', detail });
  }

  private async append(event: AuditEvent): Promise<boolean> {
    try {
      await this.sink.append(event);
      return true;
    } catch (error) {
      this.log.error(`Audit append failed for a ${event.type} event: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }
}

const reapedOf = (count: number | undefined): { reaped?: number } => (count === undefined || count === 0 ? {} : { reaped: count });

const noteOf = (note: string | undefined): { policyNote?: string } => (note === undefined ? {} : { policyNote: note });
