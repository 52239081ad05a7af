import type { ClientId, ClientIdentity } from '../clients';
import type { Clock, Timer } from '../clock';
import type { CommandInsight, Consent, ConsentAnswer, ConsentLimits, ConsentRequest } from '../consent/consent';
import { clampApproval } from '../consent/consentQueue';
import type { Credential } from '../credentials';
import { CONSENT_DENIAL_MESSAGES, MESSAGES, type AccessDenialCode, type ConsentDenial } from '../errorCodes';
import { summariseGrant } from '../grants/grant';
import type { LeaseManager } from '../grants/leaseManager';
import type { PolicyDecision, PolicyRequest } from '../policy/evaluate';
import { describeChange, type CodePin, type PinChange } from '../pin/pin';
import type { PolicyLimits } from '../policy/policy';
import { storeLabel } from '../secrets/reference';
import { plainL10n, type L10n } from '../../shared/l10n';
import { sealText, type SealDecision } from '../sandbox/sealedRun';
import type { AuditTrail } from './auditTrail';
import { allowlistFor, deliveryFor, sealRefusalMessage } from './seal';
import { lookupCredentials } from './credentialLookup';
import type { GrantPins } from './grantPins';
import type { AccessOutcome, AccessRequestInput, Progress } from './types';

/** What the consent flow needs, and nothing else. */
export interface RequestsDeps {
  readonly clock: Clock;
  /** Translates Airlock's own words on the consent card (English when absent: tests, benchmarks). */
  readonly l10n?: L10n;
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
  /** Code pins: taken before the card or policy, re-checked before an approval counts, kept by the grant. */
  readonly pins: Pick<GrantPins, 'take' | 'recheck' | 'keep'>;
  newId(): string;
  /** Whether runs with these credentials are sealed here, or why not (see seal.ts). */
  seal(credentials: readonly Credential[]): Promise<SealDecision>;
}

/** A request whose `cwd` is already resolved to a realpath inside the workspace, and `writes` to realpaths inside its folder. */
export type ScopedRequest = AccessRequestInput & { readonly cwd: string };

/** A request to ask about: `codeChange` when it re-asks after a run was refused because the code changed. */
export type AskRequest = ScopedRequest & { readonly codeChange?: PinChange };

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
  async ask(caller: ClientIdentity, input: AskRequest, progress: Progress, signal: AbortSignal): Promise<AccessOutcome> {
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
      // What the run could reach and write: an allow rule covers only what it names (evaluate.ts).
      network: input.network ?? [],
      writes: input.writes ?? [],
    });
    if (decision.kind === 'deny') return this.deny(requestId, caller.id, decision.code, decision.message);
    const credentials = lookupCredentials(this.deps.credentials(), names);
    if (!credentials.ok) return this.deny(requestId, caller.id, credentials.code, credentials.message);
    // Nobody is asked to approve what cannot run: airlock.run.sandbox "required", or a host-bound
    // credential, on a machine that cannot seal.
    const seal = await this.deps.seal(credentials.value);
    if (seal.kind === 'refused') return this.deny(requestId, caller.id, 'sandbox-unavailable', sealRefusalMessage(seal));
    // ── code pin: taken before the person sees the card (or policy approves), kept by the grant ──
    const pin = await this.deps.pins.take(input.command, input.cwd);
    if (!pin.ok) return this.deny(requestId, caller.id, pin.code, pin.message);
    if (decision.kind === 'allow') {
      const { defaultDurationSeconds, maxRuns } = decision.limits;
      const answer: ConsentAnswer = { decision: 'approved', durationSeconds: defaultDurationSeconds, maxRuns, commandMatch: 'exact' };
      return this.settle(requestId, caller.id, names, input, decision.limits, pin.value, answer, 'policy');
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
        store: storeLabel(c.source.kind, this.deps.l10n ?? plainL10n),
        reference: c.source.raw,
        definedByWorkspace: c.origin === 'workspace',
        ...(c.origin === 'remote' ? { definedOnRemote: true } : {}),
        delivery: deliveryFor(c, seal, this.deps.l10n ?? plainL10n),
      })),
      command: input.command,
      cwd: input.cwd,
      reason,
      limits: decision.limits,
      ...(input.durationSeconds === undefined ? {} : { requestedDurationSeconds: input.durationSeconds }),
      ...(input.maxRuns === undefined ? {} : { requestedMaxRuns: input.maxRuns }),
      ...withCodeChange(insight, input.codeChange),
      network: allowlistFor(credentials.value, input.network ?? []),
      writes: [...(input.writes ?? [])],
      ...(decision.note === undefined ? {} : { policyNote: decision.note }),
      seal: { sealed: seal.kind === 'sealed', text: sealText(seal, this.deps.l10n ?? plainL10n) },
      createdAt: now,
      deadline: now + this.deps.limits().consentTimeoutSeconds * 1000,
    };
    const cancel = new AbortController();
    const answer = this.deps.consent
      .ask(request, cancel.signal)
      .catch((): ConsentAnswer => ({ decision: 'denied', reason: 'cancelled', blockClient: false }))
      .then((a) => this.settle(requestId, caller.id, names, input, decision.limits, pin.value, a, 'person', decision.note));
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
    pin: CodePin | undefined,
    answer: ConsentAnswer,
    approver: 'person' | 'policy',
    /** Why policy asked although an allow rule matched: audited with the person's answer. */
    policyNote?: string,
  ): Promise<AccessOutcome> {
    // ── code pin: what runs must still be what the card showed when the person approved ──
    const changed = answer.decision === 'approved' ? await this.deps.pins.recheck(pin) : undefined;
    if (changed !== undefined || answer.decision === 'denied') pin?.dispose();
    if (changed !== undefined) {
      await this.deps.trail.denied(requestId, client, 'policy', 'code-changed', policyNote);
      return {
        status: 'denied',
        requestId,
        code: 'code-changed',
        message: `What this command runs changed while the person was being asked (${describeChange(changed)}), so the approval does not count. Ask again; the person will see the current code.`,
      };
    }
    if (answer.decision === 'denied') {
      const code = consentDenial(answer.reason);
      await this.deps.trail.denied(requestId, client, answer.reason, undefined, policyNote);
      return { status: 'denied', requestId, code, message: CONSENT_DENIAL_MESSAGES[code] };
    }
    // The panel keeps choices within limits; clamp again so no answer can widen them.
    const approved = clampApproval(limits, answer);
    if (approved.decision !== 'approved') throw new Error('unreachable: clampApproval approves');
    if (!(await this.deps.trail.approved(requestId, client, approver, approved, policyNote))) {
      pin?.dispose();
      return auditDown(requestId);
    }
    const { durationSeconds, maxRuns, commandMatch } = approved;
    const grant = this.deps.leases.issue({
      requestId,
      client,
      credentials,
      command: input.command,
      commandMatch,
      cwd: input.cwd,
      durationSeconds,
      maxRuns,
      ...(input.network === undefined ? {} : { network: input.network }),
      ...(input.writes === undefined ? {} : { writes: input.writes }),
    });
    // Kept before any await, so the grant's end (a lease event) always finds and disposes it.
    this.deps.pins.keep(grant.id, pin);
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

/** The card's insight, with what changed since the last approval when this is a re-ask after a refused run. */
const withCodeChange = (insight: CommandInsight | undefined, change: PinChange | undefined): { insight?: CommandInsight } => {
  if (change === undefined) return insight === undefined ? {} : { insight };
  const base: CommandInsight = insight ?? { source: 'Not resolvable', body: '', uncommittedChanges: false };
  return { insight: { ...base, changedSinceApproval: change.paths } };
};

const reasonOf = (input: AccessRequestInput): string => (input.reason.trim() === '' ? NO_REASON : input.reason);

const auditDown = (requestId: string): AccessOutcome => ({ status: 'denied', requestId, code: 'audit-unavailable', message: MESSAGES['audit-unavailable'] });
