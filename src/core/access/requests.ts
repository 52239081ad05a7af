import type { ClientId, ClientIdentity } from '../clients';
import type { Clock, Timer } from '../clock';
import type { CommandInsight, Consent, ConsentAnswer, ConsentLimits, ConsentRequest } from '../consent/consent';
import { clampApproval } from '../consent/consentQueue';
import type { Credential } from '../credentials';
import { CONSENT_DENIAL_MESSAGES, MESSAGES, type AccessDenialCode, type ConsentDenial } from '../errorCodes';
import { summariseGrant } from '../grants/grant';
import type { LeaseManager } from '../grants/leaseManager';
import type { PolicyDecision, PolicyRequest } from '../policy/evaluate';
import type { PolicyLimits } from '../policy/policy';
import { STORE_LABELS } from '../secrets/reference';
import type { AuditTrail } from './auditTrail';
import { lookupCredentials } from './credentialLookup';
import type { AccessOutcome, AccessRequestInput, Progress } from './types';

/** What the consent flow needs, and nothing else. */
export interface RequestsDeps {
  readonly clock: Clock;
  readonly trail: AuditTrail;
  readonly consent: Consent;
  readonly leases: Pick<LeaseManager, 'issue' | 'revoke'>;
  /** The credentials the current settings define. */
  credentials(): readonly Credential[];
  /** The policy decision for a request. */
  decide(request: PolicyRequest): PolicyDecision;
  limits(): Pick<PolicyLimits, 'consentTimeoutSeconds' | 'agentWaitSeconds'>;
  /** Realpaths of the workspace folders (policy needs them). */
  folders(): readonly string[];
  /** What the command really runs (package.json script, make recipe), when known. */
  insight?(command: string, cwd: string): Promise<CommandInsight | undefined>;
  newId(): string;
}

/** A request whose `cwd` is already resolved to a realpath inside the workspace. */
export type ScopedRequest = AccessRequestInput & { readonly cwd: string };

interface PendingRequest {
  readonly client: ClientId;
  readonly answer: Promise<AccessOutcome>;
  settled?: AccessOutcome;
  readonly cancel: AbortController;
  cleanup?: Timer;
}

/** How often a waiting agent gets a progress notification. */
const PROGRESS_EVERY_MS = 5_000;
/** How long a decided request stays available to await_access. */
const SETTLED_TTL_MS = 10 * 60_000;
const NO_REASON = '(no reason given)';

const consentDenial = (reason: Extract<ConsentAnswer, { decision: 'denied' }>['reason']): ConsentDenial =>
  reason === 'person' ? 'denied-by-person' : reason;

/**
 * The consent flow: audits each request, asks policy, asks the person when policy says ask, keeps the
 * pending table for await_access (only the asking client may collect an outcome, once), waits with
 * progress up to `agentWaitSeconds`, and turns an answer into an audited grant.
 *
 * Guarantees: every request gets exactly one audited decision; no grant is issued unless its decision
 * and its issue were both audited; an approval never exceeds the policy limits it was asked under.
 */
export class Requests {
  private readonly pending = new Map<string, PendingRequest>();

  constructor(private readonly deps: RequestsDeps) {}

  /** A request refused before policy was consulted (trust, cwd): still one request + decision pair. */
  async refuse(caller: ClientIdentity, input: AccessRequestInput, code: AccessDenialCode, message: string): Promise<AccessOutcome> {
    const requestId = this.deps.newId();
    await this.deps.trail.request(requestId, caller, [...new Set(input.credentials)], input.command, input.cwd ?? '', reasonOf(input));
    await this.deps.trail.denied(requestId, caller.id, 'policy', code);
    return { status: 'denied', requestId, code, message };
  }

  /** Asks for a grant: policy decides, or the person does; waits up to `agentWaitSeconds` for the answer. */
  async ask(caller: ClientIdentity, input: ScopedRequest, progress: Progress, signal: AbortSignal): Promise<AccessOutcome> {
    const names = [...new Set(input.credentials)];
    const requestId = this.deps.newId();
    const reason = reasonOf(input);
    if (!(await this.deps.trail.request(requestId, caller, names, input.command, input.cwd, reason))) return auditDown(requestId);

    const decision = this.deps.decide({
      client: caller.id,
      credentials: names,
      command: input.command,
      cwd: input.cwd,
      workspaceFolders: this.deps.folders(),
      ...(input.durationSeconds === undefined ? {} : { requestedDurationSeconds: input.durationSeconds }),
      ...(input.maxRuns === undefined ? {} : { requestedMaxRuns: input.maxRuns }),
    });
    if (decision.kind === 'deny') return this.deny(requestId, caller.id, decision.code, decision.message);
    const credentials = lookupCredentials(this.deps.credentials(), names);
    if (!credentials.ok) return this.deny(requestId, caller.id, credentials.code, credentials.message);
    if (decision.kind === 'allow') {
      const { defaultDurationSeconds, maxRuns } = decision.limits;
      const answer: ConsentAnswer = { decision: 'approved', durationSeconds: defaultDurationSeconds, maxRuns, commandMatch: 'exact' };
      return this.settle(requestId, caller.id, names, input, decision.limits, answer, 'policy');
    }

    const now = this.deps.clock.now();
    const insight = this.deps.insight === undefined ? undefined : await this.deps.insight(input.command, input.cwd).catch(() => undefined);
    const request: ConsentRequest = {
      id: requestId,
      client: caller,
      credentials: credentials.value.map((c) => ({
        name: c.name,
        description: c.description,
        env: c.env,
        store: STORE_LABELS[c.source.kind],
        reference: c.source.raw,
        definedByWorkspace: c.origin === 'workspace',
        ...(c.origin === 'remote' ? { definedOnRemote: true } : {}),
      })),
      command: input.command,
      cwd: input.cwd,
      reason,
      limits: decision.limits,
      ...(input.durationSeconds === undefined ? {} : { requestedDurationSeconds: input.durationSeconds }),
      ...(input.maxRuns === undefined ? {} : { requestedMaxRuns: input.maxRuns }),
      ...(insight === undefined ? {} : { insight }),
      createdAt: now,
      deadline: now + this.deps.limits().consentTimeoutSeconds * 1000,
    };
    const cancel = new AbortController();
    const answer = this.deps.consent
      .ask(request, cancel.signal)
      .catch((): ConsentAnswer => ({ decision: 'denied', reason: 'cancelled', blockClient: false }))
      .then((a) => this.settle(requestId, caller.id, names, input, decision.limits, a, 'person'));
    const entry: PendingRequest = { client: caller.id, answer, cancel };
    this.pending.set(requestId, entry);
    void answer.then((outcome) => {
      entry.settled = outcome;
      entry.cleanup = this.deps.clock.schedule(SETTLED_TTL_MS, () => this.pending.delete(requestId));
    });
    return this.wait(requestId, entry, progress, signal);
  }

  /** Continues waiting for a pending request; only the client that asked may await it. */
  async await(caller: ClientIdentity, requestId: string, progress: Progress, signal: AbortSignal): Promise<AccessOutcome> {
    const entry = this.pending.get(requestId);
    if (entry === undefined || entry.client !== caller.id) {
      return {
        status: 'denied',
        requestId,
        code: 'unknown-request',
        message: `No open request "${requestId}" for this client: it was never made, was already collected, or expired. Call request_access again.`,
      };
    }
    return this.wait(requestId, entry, progress, signal);
  }

  /** Shutdown: cancels every open consent request. */
  dispose(): void {
    for (const entry of this.pending.values()) {
      entry.cancel.abort();
      entry.cleanup?.cancel();
    }
  }

  private async deny(requestId: string, client: ClientId, code: AccessDenialCode, message: string): Promise<AccessOutcome> {
    await this.deps.trail.denied(requestId, client, 'policy', code);
    return { status: 'denied', requestId, code, message };
  }

  /** Turns an answer into an outcome: audits the decision, issues and audits the grant. */
  private async settle(
    requestId: string,
    client: ClientId,
    credentials: readonly string[],
    input: ScopedRequest,
    limits: ConsentLimits,
    answer: ConsentAnswer,
    approver: 'person' | 'policy',
  ): Promise<AccessOutcome> {
    if (answer.decision === 'denied') {
      const code = consentDenial(answer.reason);
      await this.deps.trail.denied(requestId, client, answer.reason);
      return { status: 'denied', requestId, code, message: CONSENT_DENIAL_MESSAGES[code] };
    }
    // The panel keeps choices within limits; clamp again so no answer can widen them.
    const approved = clampApproval(limits, answer);
    if (approved.decision !== 'approved') throw new Error('unreachable: clampApproval approves');
    if (!(await this.deps.trail.approved(requestId, client, approver, approved))) return auditDown(requestId);
    const { durationSeconds, maxRuns, commandMatch } = approved;
    const grant = this.deps.leases.issue({ requestId, client, credentials, command: input.command, commandMatch, cwd: input.cwd, durationSeconds, maxRuns });
    if (!(await this.deps.trail.grantIssued(grant))) {
      this.deps.leases.revoke(grant.id, 'shutdown');
      return auditDown(requestId);
    }
    return { status: 'approved', requestId, grant: summariseGrant(grant) };
  }

  /** Waits for the person up to `agentWaitSeconds`, with progress; then reports `pending`. */
  private wait(requestId: string, entry: PendingRequest, progress: Progress, signal: AbortSignal): Promise<AccessOutcome> {
    const collect = (outcome: AccessOutcome): AccessOutcome => {
      // Collected: the outcome is delivered once.
      entry.cleanup?.cancel();
      this.pending.delete(requestId);
      return outcome;
    };
    if (entry.settled !== undefined) return Promise.resolve(collect(entry.settled));
    const waitMs = this.deps.limits().agentWaitSeconds * 1000;
    const started = this.deps.clock.now();
    return new Promise<AccessOutcome>((resolve) => {
      let done = false;
      const timers: Timer[] = [];
      const finish = (outcome: AccessOutcome | undefined): void => {
        if (done) return;
        done = true;
        for (const t of timers) t.cancel();
        signal.removeEventListener('abort', onAbort);
        resolve(
          outcome ?? {
            status: 'pending',
            requestId,
            message: `The person has not answered yet; the request stays open in VS Code. Call await_access with requestId "${requestId}" to keep waiting.`,
          },
        );
      };
      const onAbort = (): void => finish(undefined);
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) finish(undefined);
      timers.push(this.deps.clock.schedule(waitMs, () => finish(undefined)));
      const tick = (): void => {
        const elapsed = Math.round((this.deps.clock.now() - started) / 1000);
        progress(`Waiting for the person to approve in VS Code (${elapsed}s)…`, elapsed, Math.round(waitMs / 1000));
        timers.push(this.deps.clock.schedule(PROGRESS_EVERY_MS, tick));
      };
      timers.push(this.deps.clock.schedule(PROGRESS_EVERY_MS, tick));
      void entry.answer.then((outcome) => {
        if (!done) finish(collect(outcome));
      });
    });
  }
}

const reasonOf = (input: AccessRequestInput): string => (input.reason.trim() === '' ? NO_REASON : input.reason);

const auditDown = (requestId: string): AccessOutcome => ({ status: 'denied', requestId, code: 'audit-unavailable', message: MESSAGES['audit-unavailable'] });
