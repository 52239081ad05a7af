import { randomUUID } from 'node:crypto';
import type { AuditSink } from '../audit/events';
import { PERSON, type ClientId, type ClientIdentity } from '../clients';
import type { Clock } from '../clock';
import type { CommandInsight, Consent } from '../consent/consent';
import type { Credential } from '../credentials';
import { MESSAGES } from '../errorCodes';
import { summariseGrant, type Grant, type GrantSummary } from '../grants/grant';
import type { LeaseManager, RunScope } from '../grants/leaseManager';
import type { Log } from '../log';
import type { PolicyDecision, PolicyRequest } from '../policy/evaluate';
import { describeChange, type CodePins, type PinChange } from '../pin/pin';
import type { PolicyLimits } from '../policy/policy';
import type { RunRedactor, Runner } from '../runner/runSpec';
import type { SecretReference } from '../secrets/reference';
import type { ResolveOutcome } from '../secrets/store';
import { AuditTrail } from './auditTrail';
import { GrantPins } from './grantPins';
import { Requests } from './requests';
import { Runs } from './runs';
import type { AccessOutcome, AccessRequestInput, NamedSecret, Progress, RunInput, RunOutcome } from './types';
import { WorkspaceScope, type WorkspacePort } from './workspaceScope';
import { NO_SANDBOX, sealFor, type SandboxPort } from './seal';
import type { L10n } from '../../shared/l10n';

export type { AccessOutcome, AccessRequestInput, NamedSecret, Progress, RunInput, RunOutcome, RunReport, StopReason } from './types';

/** The services the access flow is built from; compose adapts the real ones. Each part gets only its share. */
export interface AccessDeps {
  readonly clock: Clock;
  /** Translates what the person reads (the consent card's own words, the task's name); English when absent (tests, benchmarks). */
  readonly l10n?: L10n;
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
  /** What the command really runs (package.json script, make recipe), when known. */
  insight?(command: string, cwd: string): Promise<CommandInsight | undefined>;
  readonly workspace: WorkspacePort;
  /** Builds one run's streaming redactor (values are checked with checkRedactable first). */
  readonly redaction: { create(secrets: readonly NamedSecret[]): RunRedactor };
  /** The live scrubber over every secret in use (log channel, MCP results). */
  readonly live: { add(secrets: readonly NamedSecret[]): { dispose(): void } };
  readonly runner: Runner;
  readonly newId?: () => string;
  /** Whether this machine can seal a run (default: it cannot). */
  readonly sandbox?: SandboxPort;
  /** Tells the person something they must act on (a sealed run wrote a credential into a file). */
  readonly warn?: (message: string) => void;
  /** Code pins: what the command can run is fingerprinted when the person is asked and checked before every run. */
  readonly pins?: CodePins;
}

/**
 * The heart of Airlock: requests → policy → consent → grants → runs. A short orchestrator over its parts:
 * WorkspaceScope (trust, cwd), Requests (consent flow), Runs (running under a grant), GrantPins (code pins
 * of live grants), AuditTrail.
 *
 * Guarantees: every request, decision, grant, run, refusal, expiry and revoke is audited; a run is refused
 * when its run-started line cannot be written; secret values are resolved at the moment of use, live only
 * for the run, and never appear in a returned message (only credential names do).
 */
export class AccessService {
  private readonly scope: WorkspaceScope;
  private readonly requests: Requests;
  private readonly runs: Runs;
  private readonly pins: GrantPins;
  private readonly trail: AuditTrail;
  private readonly subscription: { dispose(): void };
  private readonly newId: () => string;
  private disposed = false;

  constructor(private readonly deps: AccessDeps) {
    const newId = deps.newId ?? randomUUID;
    const trail = new AuditTrail(deps.audit, deps.log);
    this.trail = trail;
    this.newId = newId;
    const scope = new WorkspaceScope(deps.workspace);
    const pins = new GrantPins(deps.pins, deps.log);
    this.scope = scope;
    const sandbox = deps.sandbox ?? NO_SANDBOX;
    const seal = async (credentials: readonly Credential[]) => sealFor(deps.limits().sandbox, await sandbox.availability(), credentials);
    this.pins = pins;
    this.requests = new Requests({
      clock: deps.clock,
      ...(deps.l10n === undefined ? {} : { l10n: deps.l10n }),
      trail,
      consent: deps.consent,
      leases: deps.leases,
      credentials: () => deps.credentials(),
      decide: (request) => deps.decide(request),
      limits: () => deps.limits(),
      folders: () => scope.folders(),
      ...(deps.insight === undefined ? {} : { insight: (command: string, cwd: string) => deps.insight?.(command, cwd) ?? Promise.resolve(undefined) }),
      pins,
      newId,
      seal,
    });
    this.runs = new Runs({
      clock: deps.clock,
      ...(deps.l10n === undefined ? {} : { l10n: deps.l10n }),
      trail,
      log: deps.log,
      leases: deps.leases,
      credentials: () => deps.credentials(),
      stores: deps.stores,
      limits: () => deps.limits(),
      redactor: (secrets) => deps.redaction.create(secrets),
      live: deps.live,
      runner: deps.runner,
      pins,
      codeChanged: (caller, grant, scope, change) => this.refuseChanged(caller, grant, scope, change),
      newId,
      seal,
      folderOf: (cwd) => scope.folderOf(cwd),
      ...(deps.warn === undefined ? {} : { warn: deps.warn }),
    });
    this.subscription = deps.leases.onEvent((event) => {
      if (event.type === 'expired' || event.type === 'revoked') pins.forget(event.grant.id);
      void trail.leaseEvent(event);
      this.runs.onLeaseEvent(event);
    });
  }

  /** Active grants (all clients, or one), for list_grants and the status bar. */
  activeGrants(client?: ClientId): GrantSummary[] {
    return this.deps.leases.active(client).map(summariseGrant);
  }

  /** Asks for a grant: policy decides, or the person does in the consent panel. */
  async requestAccess(caller: ClientIdentity, input: AccessRequestInput, progress: Progress, signal: AbortSignal): Promise<AccessOutcome> {
    const cwd = await this.scope.resolve(input.cwd);
    if (!cwd.ok) return this.requests.refuse(caller, input, cwd.code, cwd.message);
    const writes = await this.scope.resolveWrites(cwd.value, input.writes);
    if (!writes.ok) return this.requests.refuse(caller, input, writes.code, writes.message);
    return this.requests.ask(caller, { ...input, cwd: cwd.value, writes: writes.value, ...(input.network === undefined ? {} : { network: [...new Set(input.network)].sort() }) }, progress, signal);
  }

  /** Continues waiting for a pending request; only the client that asked may await it. */
  awaitAccess(caller: ClientIdentity, requestId: string, progress: Progress, signal: AbortSignal): Promise<AccessOutcome> {
    return this.requests.await(caller, requestId, progress, signal);
  }

  /** Revokes the caller's own grant, or all of the caller's grants. */
  revoke(caller: ClientIdentity, grantId: string): { revoked: number } {
    if (grantId === 'all') return { revoked: this.deps.leases.revokeAll('agent', caller.id) };
    return { revoked: this.deps.leases.revoke(grantId, 'agent', caller.id) ? 1 : 0 };
  }

  /** Runs a command under a covering grant, asking first (same flow as requestAccess) when there is none. */
  async run(caller: ClientIdentity, input: RunInput, progress: Progress, signal: AbortSignal): Promise<RunOutcome> {
    const cwd = await this.scope.resolve(input.cwd);
    if (!cwd.ok) return this.runs.refuse(caller, input.command, input.cwd ?? '', cwd.code, cwd.message);
    const writes = input.writes === undefined ? undefined : await this.scope.resolveWrites(cwd.value, input.writes);
    if (writes !== undefined && !writes.ok) return this.runs.refuse(caller, input.command, cwd.value, writes.code, writes.message);
    const scope: RunScope = {
      client: caller.id,
      command: input.command,
      cwd: cwd.value,
      ...(input.credentials === undefined ? {} : { credentials: [...new Set(input.credentials)] }),
      ...(input.network === undefined ? {} : { network: [...new Set(input.network)].sort() }),
      ...(writes === undefined ? {} : { writes: writes.value }),
    };
    const refuse = (outcome: { code: Parameters<Runs['refuse']>[3]; message: string }, grantId?: string): Promise<RunOutcome> =>
      this.runs.refuse(caller, input.command, cwd.value, outcome.code, outcome.message, grantId);

    let grant: Grant | undefined;
    if (input.grantId !== undefined) {
      const checked = this.deps.leases.check(input.grantId, scope);
      if (!checked.ok) return refuse(checked, input.grantId);
      grant = checked.value;
    } else {
      grant = this.deps.leases.findFor(scope);
    }
    if (grant === undefined) {
      if (scope.credentials === undefined || scope.credentials.length === 0) return refuse({ code: 'no-grant', message: MESSAGES['no-grant'] });
      const asked = await this.requests.ask(
        caller,
        {
          credentials: scope.credentials,
          command: input.command,
          cwd: cwd.value,
          reason: input.reason ?? '',
          ...(scope.network === undefined ? {} : { network: scope.network }),
          ...(scope.writes === undefined ? {} : { writes: scope.writes }),
        },
        progress,
        signal,
      );
      if (asked.status === 'pending') {
        return { status: 'pending', requestId: asked.requestId, message: `${asked.message} Then call run again with grantId from the approval.` };
      }
      if (asked.status === 'denied') return { status: 'refused', code: asked.code, message: asked.message };
      grant = this.deps.leases.get(asked.grant.grantId);
      if (grant === undefined) return refuse({ code: 'grant-ended', message: 'The grant ended before the run could start. Ask again.' });
    }
    return this.runs.start(caller, grant, { ...scope, credentials: grant.credentials }, input.timeoutSeconds, signal);
  }

  /**
   * The person runs a command themselves ("Run Command with Credentials…"): no agent, no consent card — the
   * person's own choice is the decision. Same path as an agent's run (values resolved at the moment of use,
   * output scrubbed, every step audited), under a one-run grant for the client `person`, which no token
   * maps to, bound to this exact command, folder and credentials; it ends as the run takes it.
   */
  async runAsPerson(input: { readonly credentials: readonly string[]; readonly command: string; readonly cwd?: string | undefined }, signal: AbortSignal): Promise<RunOutcome> {
    const caller: ClientIdentity = { id: PERSON, sessionId: 'local' };
    const cwd = await this.scope.resolve(input.cwd);
    if (!cwd.ok) return this.runs.refuse(caller, input.command, input.cwd ?? '', cwd.code, cwd.message);
    const credentials = [...new Set(input.credentials)];
    const requestId = this.newId();
    const limits = this.deps.limits();
    const approval = { durationSeconds: limits.maxRunTimeoutSeconds + 60, maxRuns: 1, commandMatch: 'exact' } as const;
    const audited =
      (await this.trail.request(requestId, caller, credentials, input.command, cwd.value, 'Run Command with Credentials')) &&
      (await this.trail.approved(requestId, PERSON, 'person', { decision: 'approved', ...approval }));
    if (!audited) return this.runs.refuse(caller, input.command, cwd.value, 'audit-unavailable', MESSAGES['audit-unavailable']);
    const grant = this.deps.leases.issue({ requestId, client: PERSON, credentials, command: input.command, commandMatch: 'exact', cwd: cwd.value, maxRuns: 1, durationSeconds: approval.durationSeconds });
    this.pins.decidedNow(grant.id);
    if (!(await this.trail.grantIssued(grant))) {
      this.deps.leases.revoke(grant.id, 'person');
      return this.runs.refuse(caller, input.command, cwd.value, 'audit-unavailable', MESSAGES['audit-unavailable']);
    }
    return this.runs.start(caller, grant, { client: PERSON, command: input.command, cwd: cwd.value, credentials: grant.credentials }, undefined, signal);
  }

  /** Shutdown: kills every running child, cancels open consent requests, forgets every grant. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.runs.dispose();
    this.requests.dispose();
    this.deps.leases.forgetAll();
    this.pins.dispose();
    this.subscription.dispose();
  }

  /**
   * ── code pin: what a grant's command runs changed since approval. Ends the grant (audited with what
   * changed), refuses the run naming the paths, and asks the person again with the change on the card.
   */
  private async refuseChanged(caller: ClientIdentity, grant: Grant, scope: RunScope, change: PinChange): Promise<RunOutcome> {
    const what = describeChange(change);
    this.deps.leases.revoke(grant.id, 'code-changed');
    await this.trail.codeChanged(grant.id, what);
    const asked = await this.requests.ask(
      caller,
      {
        credentials: grant.credentials,
        command: scope.command,
        cwd: scope.cwd,
        reason: 'Changed since your approval — re-approve only if you expected these changes.',
        codeChange: change,
        // The same reach as the grant that ended: policy (an allow rule's network and writes) and the card see it.
        network: grant.network,
        writes: grant.writes,
      },
      () => undefined,
      AbortSignal.abort(),
    );
    const next =
      asked.status === 'pending'
        ? ` The person has been asked again (requestId "${asked.requestId}"): call await_access with it, then run with the new grantId.`
        : asked.status === 'approved'
          ? ` Policy issued a new grant "${asked.grant.grantId}" for the current code.`
          : ` Asking again was refused (${asked.code}).`;
    const message = `What this command runs changed since the person approved it: ${what}. The grant "${grant.id}" has ended and the command did not run.${next}`;
    return this.runs.refuse(caller, scope.command, scope.cwd, 'code-changed', message, grant.id);
  }
}
