import { randomUUID } from 'node:crypto';
import type { AuditEvent, AuditSink } from '../audit/events';
import { CLIENT_LABELS, type ClientId, type ClientIdentity } from '../clients';
import type { Clock, Timer } from '../clock';
import type { CommandInsight, Consent, ConsentAnswer, ConsentLimits, ConsentRequest } from '../consent/consent';
import type { Credential } from '../credentials';
import { runsLeft, summariseGrant, type Grant, type GrantSummary } from '../grants/grant';
import type { LeaseEvent, LeaseManager, RunScope } from '../grants/leaseManager';
import type { Log } from '../log';
import type { PolicyDecision, PolicyRequest } from '../policy/evaluate';
import type { PolicyLimits } from '../policy/policy';
import { describeChange, type CodePin, type CodePins, type PinChange } from '../pin/pin';
import type { RunRedactor, RunResult, Runner, SecretEnv } from '../runner/runSpec';
import { runTitle } from '../runner/runSpec';
import type { SecretReference } from '../secrets/reference';
import type { SecretValue } from '../secrets/secretValue';
import type { ResolveOutcome } from '../secrets/store';

/** A secret as the redactor and the live scrubber take it: the credential name and its value. */
export interface NamedSecret {
  readonly name: string;
  readonly value: SecretValue;
}

/** Everything the access service needs, injected; compose adapts the real services to this. */
export interface AccessDeps {
  readonly clock: Clock;
  readonly leases: LeaseManager;
  readonly audit: AuditSink;
  readonly consent: Consent;
  readonly log: Log;
  /** The credentials the current settings define. */
  credentials(): readonly Credential[];
  /** The policy decision for a request (evaluate over the current policy). */
  decide(request: PolicyRequest): PolicyDecision;
  /** The current limits (consent timeout, agent wait, kill on expiry, output and run-time caps). */
  limits(): PolicyLimits;
  readonly stores: { resolveAll(references: readonly SecretReference[], signal: AbortSignal): Promise<ReadonlyMap<string, ResolveOutcome>> };
  /** A short label of the store holding `reference`, for consent cards. */
  storeLabel(reference: SecretReference): string;
  /** What the command really runs (package.json script, make recipe), when known. */
  insight?(command: string, cwd: string): Promise<CommandInsight | undefined>;
  readonly workspace: {
    /** Workspace trust; in an untrusted workspace no credential is served. */
    trusted(): boolean;
    /** Realpaths of the workspace folders. */
    folders(): readonly string[];
    /** The realpath of `cwd` (relative paths against the first folder), or undefined if it does not exist. */
    realpath(cwd: string): Promise<string | undefined>;
  };
  readonly redaction: {
    /** Shorter values cannot be scrubbed safely; runs with them are refused. */
    readonly minSecretLength: number;
    create(secrets: readonly NamedSecret[]): RunRedactor;
  };
  /** The live scrubber over every secret in use (log channel, MCP results). */
  readonly live: { add(secrets: readonly NamedSecret[]): { dispose(): void } };
  readonly runner: Runner;
  readonly newId?: () => string;
  /** Code pins: what the command can run is fingerprinted when the person is asked and checked before every run. */
  readonly pins?: CodePins;
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
  | { readonly status: 'denied'; readonly requestId?: string; readonly code: string; readonly message: string };

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
  | { readonly status: 'refused'; readonly code: string; readonly message: string };

interface PendingRequest {
  readonly client: ClientId;
  readonly answer: Promise<AccessOutcome>;
  settled?: AccessOutcome;
  readonly cancel: AbortController;
  cleanup?: Timer;
}

interface ActiveRun {
  readonly grantId: string;
  readonly stop: AbortController;
}

/** How often a waiting agent gets a progress notification. */
const PROGRESS_EVERY_MS = 5_000;
/** How long a decided request stays available to await_access. */
const SETTLED_TTL_MS = 10 * 60_000;
const NO_REASON = '(no reason given)';

const isInside = (folder: string, path: string): boolean => {
  const f = folder.replace(/[\\/]+$/, '');
  return path === f || path.startsWith(`${f}/`) || path.startsWith(`${f}\\`);
};

/**
 * The heart of Airlock: requests → policy → consent → grants → runs. Pure over injected services.
 *
 * Guarantees: every request, decision, grant, run, refusal, expiry and revoke is audited; a run is refused
 * when its run-started line cannot be written; secret values are resolved at the moment of use, live only
 * for the run, and never appear in a returned message (only credential names do).
 */
export class AccessService {
  private readonly pending = new Map<string, PendingRequest>();
  private readonly running = new Map<string, ActiveRun>();
  // ── code pins: one per live grant (src/core/pin) ──
  private readonly pins = new Map<string, CodePin>();
  private readonly subscription: { dispose(): void };
  private readonly newId: () => string;
  private disposed = false;

  constructor(private readonly deps: AccessDeps) {
    this.newId = deps.newId ?? randomUUID;
    this.subscription = deps.leases.onEvent((event) => this.onLeaseEvent(event));
  }

  /** Active grants (all clients, or one), for list_grants and the status bar. */
  activeGrants(client?: ClientId): GrantSummary[] {
    return this.deps.leases.active(client).map(summariseGrant);
  }

  /** Asks for a grant: policy decides, or the person does in the consent panel. */
  async requestAccess(caller: ClientIdentity, input: AccessRequestInput, progress: Progress, signal: AbortSignal): Promise<AccessOutcome> {
    const untrusted = this.refuseUntrusted();
    const cwd = untrusted === undefined ? await this.resolveCwd(input.cwd) : { ok: false as const, ...untrusted };
    if (!cwd.ok) {
      // Refused before policy is consulted; still one request + decision pair in the audit log.
      const requestId = this.newId();
      await this.tryAudit({
        type: 'request',
        requestId,
        client: caller.id,
        ...(caller.claimedName === undefined ? {} : { claimedClient: caller.claimedName }),
        credentials: [...new Set(input.credentials)],
        command: input.command,
        cwd: input.cwd ?? '',
        reason: input.reason,
      });
      await this.tryAudit({ type: 'decision', requestId, client: caller.id, decision: 'denied', by: 'policy', detail: cwd.code });
      return { status: 'denied', requestId, code: cwd.code, message: cwd.message };
    }
    return this.ask(caller, { ...input, cwd: cwd.path }, progress, signal);
  }

  /** Continues waiting for a pending request; only the client that asked may await it. */
  async awaitAccess(caller: ClientIdentity, requestId: string, progress: Progress, signal: AbortSignal): Promise<AccessOutcome> {
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

  /** Revokes the caller's own grant, or all of the caller's grants. */
  revoke(caller: ClientIdentity, grantId: string): { revoked: number } {
    if (grantId === 'all') return { revoked: this.deps.leases.revokeAll('agent', caller.id) };
    return { revoked: this.deps.leases.revoke(grantId, 'agent', caller.id) ? 1 : 0 };
  }

  /** Runs a command under a covering grant, asking first (same flow as requestAccess) when there is none. */
  async run(caller: ClientIdentity, input: RunInput, progress: Progress, signal: AbortSignal): Promise<RunOutcome> {
    const untrusted = this.refuseUntrusted();
    if (untrusted !== undefined) return this.refuse(caller, input.command, input.cwd ?? '', untrusted.code, untrusted.message);
    const cwd = await this.resolveCwd(input.cwd);
    if (!cwd.ok) return this.refuse(caller, input.command, input.cwd ?? '', cwd.code, cwd.message);
    const scope: RunScope = {
      client: caller.id,
      command: input.command,
      cwd: cwd.path,
      ...(input.credentials === undefined ? {} : { credentials: [...new Set(input.credentials)] }),
    };

    let grant: Grant | undefined;
    if (input.grantId !== undefined) {
      const checked = this.deps.leases.check(input.grantId, scope);
      if (!checked.ok) return this.refuse(caller, input.command, cwd.path, checked.code, checked.message, input.grantId);
      grant = checked.value;
    } else {
      grant = this.deps.leases.findFor(scope);
    }
    if (grant === undefined) {
      if (scope.credentials === undefined || scope.credentials.length === 0) {
        return this.refuse(
          caller,
          input.command,
          cwd.path,
          'no-grant',
          'No grant covers this command. Name the credentials it needs (run with "credentials", or request_access first); list_credentials shows them.',
        );
      }
      const asked = await this.ask(
        caller,
        { credentials: scope.credentials, command: input.command, cwd: cwd.path, reason: input.reason ?? NO_REASON },
        progress,
        signal,
      );
      if (asked.status === 'pending') {
        return {
          status: 'pending',
          requestId: asked.requestId,
          message: `${asked.message} Then call run again with grantId from the approval.`,
        };
      }
      if (asked.status === 'denied') return { status: 'refused', code: asked.code, message: asked.message };
      grant = this.deps.leases.get(asked.grant.grantId);
      if (grant === undefined) return this.refuse(caller, input.command, cwd.path, 'grant-ended', 'The grant ended before the run could start. Ask again.');
    }
    return this.runUnder(caller, grant, { ...scope, credentials: grant.credentials }, input.timeoutSeconds, signal);
  }

  /** Shutdown: kills every running child, cancels open consent requests, forgets every grant. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const [runId, run] of this.running) {
      // Queue the audit line now: the extension host may not wait for the child to die.
      void this.tryAudit({ type: 'run-incomplete', runId, grantId: run.grantId, why: 'shutdown' });
      run.stop.abort('shutdown');
    }
    for (const entry of this.pending.values()) {
      entry.cancel.abort();
      entry.cleanup?.cancel();
    }
    this.deps.leases.forgetAll();
    for (const pin of this.pins.values()) pin.dispose();
    this.pins.clear();
    this.subscription.dispose();
  }

  // ── asking ────────────────────────────────────────────────────────────────────────────────────────

  private async ask(
    caller: ClientIdentity,
    input: AccessRequestInput & { readonly cwd: string; readonly codeChange?: PinChange },
    progress: Progress,
    signal: AbortSignal,
  ): Promise<AccessOutcome> {
    const names = [...new Set(input.credentials)];
    const requestId = this.newId();
    const reason = input.reason.trim() === '' ? NO_REASON : input.reason;
    const audited = await this.tryAudit({
      type: 'request',
      requestId,
      client: caller.id,
      ...(caller.claimedName === undefined ? {} : { claimedClient: caller.claimedName }),
      credentials: names,
      command: input.command,
      cwd: input.cwd,
      reason,
    });
    if (!audited) return this.auditDown(requestId);

    const decision = this.deps.decide({
      client: caller.id,
      credentials: names,
      command: input.command,
      cwd: input.cwd,
      workspaceFolders: this.deps.workspace.folders(),
      ...(input.durationSeconds === undefined ? {} : { requestedDurationSeconds: input.durationSeconds }),
      ...(input.maxRuns === undefined ? {} : { requestedMaxRuns: input.maxRuns }),
    });
    if (decision.kind === 'deny') {
      await this.tryAudit({ type: 'decision', requestId, client: caller.id, decision: 'denied', by: 'policy', detail: decision.code });
      return { status: 'denied', requestId, code: decision.code, message: decision.message };
    }
    const credentials = this.lookup(names);
    if (!credentials.ok) {
      await this.tryAudit({ type: 'decision', requestId, client: caller.id, decision: 'denied', by: 'policy', detail: credentials.code });
      return { status: 'denied', requestId, code: credentials.code, message: credentials.message };
    }
    // ── code pin: taken before the person sees the card (or policy approves), kept by the grant ──
    const pin = await this.takePin(input.command, input.cwd);
    if (!pin.ok) {
      await this.tryAudit({ type: 'decision', requestId, client: caller.id, decision: 'denied', by: 'policy', detail: pin.code });
      return { status: 'denied', requestId, code: pin.code, message: pin.message };
    }
    if (decision.kind === 'allow') {
      return this.settle(requestId, caller.id, names, input, decision.limits, pin.value, {
        decision: 'approved',
        durationSeconds: decision.limits.defaultDurationSeconds,
        maxRuns: decision.limits.maxRuns,
        commandMatch: 'exact',
      }, 'policy');
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
        store: this.deps.storeLabel(c.source),
        reference: c.source.raw,
        definedByWorkspace: c.origin === 'workspace',
      })),
      command: input.command,
      cwd: input.cwd,
      reason,
      limits: decision.limits,
      ...(input.durationSeconds === undefined ? {} : { requestedDurationSeconds: input.durationSeconds }),
      ...(input.maxRuns === undefined ? {} : { requestedMaxRuns: input.maxRuns }),
      ...(insight === undefined ? {} : { insight: input.codeChange === undefined ? insight : { ...insight, changedSinceApproval: input.codeChange.paths } }),
      ...(insight === undefined && input.codeChange !== undefined ? { insight: { source: 'Not resolvable', body: '', uncommittedChanges: false, changedSinceApproval: input.codeChange.paths } } : {}),
      createdAt: now,
      deadline: now + this.deps.limits().consentTimeoutSeconds * 1000,
    };
    const cancel = new AbortController();
    const answer = this.deps.consent
      .ask(request, cancel.signal)
      .catch((): ConsentAnswer => ({ decision: 'denied', reason: 'cancelled', blockClient: false }))
      .then((a) => this.settle(requestId, caller.id, names, input, decision.limits, pin.value, a, 'person'));
    const entry: PendingRequest = { client: caller.id, answer, cancel };
    this.pending.set(requestId, entry);
    void answer.then((outcome) => {
      entry.settled = outcome;
      entry.cleanup = this.deps.clock.schedule(SETTLED_TTL_MS, () => this.pending.delete(requestId));
    });
    return this.wait(requestId, entry, progress, signal);
  }

  /** Turns an answer into an outcome: audits the decision, issues and audits the grant. */
  private async settle(
    requestId: string,
    client: ClientId,
    credentials: readonly string[],
    input: AccessRequestInput & { readonly cwd: string },
    limits: ConsentLimits,
    pin: CodePin | undefined,
    answer: ConsentAnswer,
    approver: 'person' | 'policy',
  ): Promise<AccessOutcome> {
    // ── code pin: what runs must still be what the card showed when the person approved ──
    const changedBeforeApproval = answer.decision === 'approved' ? await pin?.check().catch((): PinChange => ({ paths: ['(the fingerprint could not be re-taken)'] })) : undefined;
    if (changedBeforeApproval !== undefined || answer.decision === 'denied') pin?.dispose();
    if (changedBeforeApproval !== undefined) {
      await this.tryAudit({ type: 'decision', requestId, client, decision: 'denied', by: 'policy', detail: 'code-changed' });
      return { status: 'denied', requestId, code: 'code-changed', message: `What this command runs changed while the person was being asked (${describeChange(changedBeforeApproval)}), so the approval does not count. Ask again; the person will see the current code.` };
    }
    if (answer.decision === 'denied') {
      await this.tryAudit({ type: 'decision', requestId, client, decision: 'denied', by: answer.reason === 'person' ? 'person' : answer.reason });
      const why: Record<typeof answer.reason, string> = {
        person: 'The person denied this request.',
        timeout: 'Nobody answered the request in time; it was denied.',
        'panel-closed': 'The consent panel was closed; the request was denied.',
        'client-blocked': 'The person blocked this client for this session.',
        cancelled: 'The request was cancelled.',
      };
      return { status: 'denied', requestId, code: answer.reason === 'person' ? 'denied-by-person' : answer.reason, message: `${why[answer.reason]} Do not retry the same request unless the person asks you to.` };
    }
    // The panel keeps choices within limits; clamp again so no answer can widen them.
    const durationSeconds = Math.max(1, Math.min(Math.floor(answer.durationSeconds), limits.maxDurationSeconds));
    const maxRuns = limits.maxRuns === null ? answer.maxRuns : Math.min(answer.maxRuns ?? limits.maxRuns, limits.maxRuns);
    const commandMatch = answer.commandMatch === 'prefix' && limits.allowPrefix ? 'prefix' : 'exact';
    const decided = await this.tryAudit({ type: 'decision', requestId, client, decision: 'approved', by: approver, durationSeconds, maxRuns, commandMatch });
    if (!decided) {
      pin?.dispose();
      return this.auditDown(requestId);
    }
    const grant = this.deps.leases.issue({ requestId, client, credentials, command: input.command, commandMatch, cwd: input.cwd, durationSeconds, maxRuns });
    const issued = await this.tryAudit({
      type: 'grant-issued',
      grantId: grant.id,
      requestId,
      client,
      credentials: grant.credentials,
      command: grant.command,
      commandMatch,
      cwd: grant.cwd,
      expiresAt: new Date(grant.expiresAt).toISOString(),
      maxRuns,
    });
    if (pin !== undefined) this.pins.set(grant.id, pin);
    if (!issued) {
      this.deps.leases.revoke(grant.id, 'shutdown');
      return this.auditDown(requestId);
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

  // ── running ───────────────────────────────────────────────────────────────────────────────────────

  private async runUnder(caller: ClientIdentity, grant: Grant, scope: RunScope, timeoutSeconds: number | undefined, signal: AbortSignal): Promise<RunOutcome> {
    const refuse = (code: string, message: string): Promise<RunOutcome> => this.refuse(caller, scope.command, scope.cwd, code, message, grant.id);
    const credentials = this.lookup(grant.credentials);
    if (!credentials.ok) return refuse(credentials.code, credentials.message);

    // Values are read at the moment of use, and only for this run.
    const outcomes = await this.deps.stores.resolveAll(credentials.value.map((c) => c.source), signal);
    const secrets: SecretEnv[] = [];
    const disposeAll = (): void => {
      for (const outcome of outcomes.values()) if (outcome.ok) outcome.value.dispose();
    };
    for (const credential of credentials.value) {
      const outcome = outcomes.get(credential.source.raw);
      if (outcome === undefined || !outcome.ok) {
        disposeAll();
        const code = outcome?.code ?? 'error';
        const detail = outcome?.message ?? 'The store gave no answer.';
        return refuse(`store-${code}`, `Could not read credential "${credential.name}" from ${this.deps.storeLabel(credential.source)}: ${detail}`);
      }
      if (outcome.value.length < this.deps.redaction.minSecretLength) {
        disposeAll();
        return refuse(
          'secret-too-short',
          `Credential "${credential.name}" is shorter than ${this.deps.redaction.minSecretLength} characters, so its value could not be scrubbed from output safely. The person must store a longer value.`,
        );
      }
      secrets.push({ credential: credential.name, env: credential.env, value: outcome.value });
    }

    // ── code pin: refuse (and ask the person again) when what runs changed since approval. Checked after the
    // stores answered (which may take seconds), so little time is left between the check and the spawn. ──
    const changed = await this.checkPin(grant.id);
    if (changed !== undefined) {
      disposeAll();
      return this.refuseChanged(caller, grant, scope, changed);
    }
    const consumed = this.deps.leases.consumeRun(grant.id, scope);
    if (!consumed.ok) {
      disposeAll();
      return refuse(consumed.code, consumed.message);
    }
    const runId = this.newId();
    const started = await this.tryAudit({
      type: 'run-started',
      runId,
      grantId: grant.id,
      client: caller.id,
      credentials: grant.credentials,
      command: scope.command,
      cwd: scope.cwd,
    });
    if (!started) {
      disposeAll();
      return refuse('audit-unavailable', 'The audit log could not be written, so Airlock refuses to run anything. The person should check the Airlock output channel.');
    }

    const named = secrets.map((s) => ({ name: s.credential, value: s.value }));
    const live = this.deps.live.add(named);
    const stop = new AbortController();
    this.running.set(runId, { grantId: grant.id, stop });
    const limits = this.deps.limits();
    const timeoutMs = Math.min(timeoutSeconds ?? limits.maxRunTimeoutSeconds, limits.maxRunTimeoutSeconds) * 1000;
    const timeout = this.deps.clock.schedule(timeoutMs, () => stop.abort('timeout'));
    const onCancel = (): void => stop.abort('cancelled');
    signal.addEventListener('abort', onCancel, { once: true });
    if (signal.aborted) stop.abort('cancelled');
    try {
      const pin = this.pins.get(grant.id);
      const spawn = (): Promise<RunResult> => this.deps.runner.run(
        {
          runId,
          grantId: grant.id,
          command: scope.command,
          cwd: scope.cwd,
          title: runTitle(scope.command, CLIENT_LABELS[caller.id], secrets.length, grant.expiresAt),
          secrets,
          redactor: this.deps.redaction.create(named),
          outputLimitBytes: limits.outputLimitKiB * 1024,
        },
        stop.signal,
      );
      // ── code pin: what the grant's own run changes does not count ──
      const result = pin === undefined ? await spawn() : await pin.during(spawn);
      const stoppedBy = stop.signal.aborted ? (stop.signal.reason as StopReason) : null;
      if (stoppedBy === 'shutdown') {
        // Audited by dispose() already.
      } else if (stoppedBy === 'grant-ended') {
        await this.tryAudit({ type: 'run-incomplete', runId, grantId: grant.id, why: 'killed-on-expiry' });
      } else {
        await this.tryAudit({
          type: 'run-finished',
          runId,
          grantId: grant.id,
          exitCode: result.exitCode,
          signal: result.signal,
          durationMs: result.durationMs,
          timedOut: stoppedBy === 'timeout',
        });
      }
      const current = this.deps.leases.get(grant.id);
      return {
        status: 'finished',
        report: {
          ...result,
          grantId: grant.id,
          runsLeft: current === undefined ? 0 : runsLeft(current),
          timedOut: stoppedBy === 'timeout',
          stoppedBy,
        },
      };
    } catch (error) {
      this.deps.log.error(`Run ${runId} failed to start: ${error instanceof Error ? error.message : String(error)}`);
      await this.tryAudit({ type: 'run-incomplete', runId, grantId: grant.id, why: 'error' });
      return { status: 'refused', code: 'run-failed', message: 'The command could not be started. The Airlock output channel has details for the person.' };
    } finally {
      timeout.cancel();
      signal.removeEventListener('abort', onCancel);
      this.running.delete(runId);
      live.dispose();
      for (const s of secrets) s.value.dispose();
    }
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────────────────

  private onLeaseEvent(event: LeaseEvent): void {
    if (event.type === 'expired' || event.type === 'revoked') {
      this.pins.get(event.grant.id)?.dispose();
      this.pins.delete(event.grant.id);
    }
    if (event.type === 'revoked' && event.by === 'code-changed') return; // audited with its detail by refuseChanged
    if (event.type === 'expired') {
      void this.tryAudit({ type: 'grant-expired', grantId: event.grant.id, why: event.why });
    } else if (event.type === 'revoked') {
      void this.tryAudit({ type: 'grant-revoked', grantId: event.grant.id, by: event.by });
    } else {
      return;
    }
    // A grant spent by its last run lets that run finish; time expiry and revoke may kill.
    const kills = (event.type === 'expired' && event.why === 'time') || (event.type === 'revoked' && event.by !== 'shutdown');
    if (kills && this.deps.limits().killOnExpiry) {
      for (const run of this.running.values()) if (run.grantId === event.grant.id) run.stop.abort('grant-ended');
    }
  }

  // ── code pins ──

  private async takePin(command: string, cwd: string): Promise<{ ok: true; value: CodePin | undefined } | { ok: false; code: string; message: string }> {
    if (this.deps.pins === undefined) return { ok: true, value: undefined };
    try {
      return { ok: true, value: await this.deps.pins.take(command, cwd) };
    } catch (error) {
      this.deps.log.error(`Could not fingerprint what "${command}" runs: ${error instanceof Error ? error.message : String(error)}`);
      return { ok: false, code: 'code-unpinnable', message: 'Airlock could not fingerprint what this command runs, so it grants nothing for it. The Airlock output channel has details for the person.' };
    }
  }

  /** What changed since the grant's pin was taken; a grant without a pin (pins not wired) never changes. */
  private async checkPin(grantId: string): Promise<PinChange | undefined> {
    if (this.deps.pins === undefined) return undefined;
    const pin = this.pins.get(grantId);
    if (pin === undefined) return { paths: ['(no fingerprint for this grant)'] };
    return pin.check().catch((): PinChange => ({ paths: ['(the fingerprint could not be re-taken)'] }));
  }

  /** Ends the grant, refuses the run naming what changed, and asks the person again with the change on the card. */
  private async refuseChanged(caller: ClientIdentity, grant: Grant, scope: RunScope, change: PinChange): Promise<RunOutcome> {
    const what = describeChange(change);
    this.deps.leases.revoke(grant.id, 'code-changed');
    await this.tryAudit({ type: 'grant-revoked', grantId: grant.id, by: 'code-changed', detail: what });
    const asked = await this.ask(
      caller,
      { credentials: grant.credentials, command: scope.command, cwd: scope.cwd, reason: 'Changed since your approval — re-approve only if you expected these changes.', codeChange: change },
      () => undefined,
      AbortSignal.abort(),
    );
    const next =
      asked.status === 'pending'
        ? ` The person has been asked again (requestId "${asked.requestId}"): call await_access with it, then run with the new grantId.`
        : asked.status === 'approved'
          ? ` Policy issued a new grant "${asked.grant.grantId}" for the current code.`
          : ` Asking again was refused (${asked.code}).`;
    return this.refuse(caller, scope.command, scope.cwd, 'code-changed', `What this command runs changed since the person approved it: ${what}. The grant "${grant.id}" has ended and the command did not run.${next}`, grant.id);
  }

  private refuseUntrusted(): { code: string; message: string } | undefined {
    if (this.deps.workspace.trusted()) return undefined;
    return {
      code: 'workspace-not-trusted',
      message: 'This workspace is not trusted, so Airlock serves no credentials here. The person can trust the workspace in VS Code.',
    };
  }

  private async resolveCwd(cwd: string | undefined): Promise<{ ok: true; path: string } | { ok: false; code: string; message: string }> {
    const folders = this.deps.workspace.folders();
    const first = folders[0];
    if (first === undefined) return { ok: false, code: 'no-workspace', message: 'No workspace folder is open, so there is nowhere to run. Open a folder in VS Code.' };
    if (cwd !== undefined && cwd.includes('\0')) return { ok: false, code: 'invalid-cwd', message: 'The cwd contains a NUL character.' };
    const real = await this.deps.workspace.realpath(cwd ?? first);
    if (real === undefined) return { ok: false, code: 'cwd-not-found', message: `The folder "${cwd ?? first}" does not exist.` };
    if (!folders.some((f) => isInside(f, real))) {
      return {
        ok: false,
        code: 'cwd-outside-workspace',
        message: `The folder "${cwd ?? first}" is outside the workspace folders (${folders.join(', ')}). Use a folder inside the workspace.`,
      };
    }
    return { ok: true, path: real };
  }

  private lookup(names: readonly string[]): { ok: true; value: Credential[] } | { ok: false; code: string; message: string } {
    const defined = this.deps.credentials();
    const found: Credential[] = [];
    for (const name of names) {
      const credential = defined.find((c) => c.name === name);
      if (credential === undefined) {
        return { ok: false, code: 'unknown-credential', message: `Credential "${name}" is not defined (any more). list_credentials shows the defined ones.` };
      }
      found.push(credential);
    }
    const envs = found.map((c) => c.env);
    const clash = envs.find((env, i) => envs.indexOf(env) !== i);
    if (clash !== undefined) {
      return { ok: false, code: 'env-conflict', message: `Two of the requested credentials set the same environment variable "${clash}". Ask for one of them at a time.` };
    }
    return { ok: true, value: found };
  }

  private async refuse(caller: ClientIdentity, command: string, cwd: string, code: string, message: string, grantId?: string): Promise<RunOutcome> {
    await this.tryAudit({ type: 'run-refused', client: caller.id, command, cwd, code, ...(grantId === undefined ? {} : { grantId }) });
    return { status: 'refused', code, message };
  }

  private auditDown(requestId: string): AccessOutcome {
    return {
      status: 'denied',
      requestId,
      code: 'audit-unavailable',
      message: 'The audit log could not be written, so Airlock grants nothing. The person should check the Airlock output channel.',
    };
  }

  /** Appends to the audit log; false (and a log line) when it could not. */
  private async tryAudit(event: AuditEvent): Promise<boolean> {
    try {
      await this.deps.audit.append(event);
      return true;
    } catch (error) {
      this.deps.log.error(`Audit append failed for a ${event.type} event: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }
}
