import { CLIENT_LABELS, type ClientIdentity } from '../clients';
import type { Clock } from '../clock';
import type { Credential } from '../credentials';
import { MESSAGES, type RunRefusalCode } from '../errorCodes';
import { runsLeft, type Grant } from '../grants/grant';
import type { LeaseEvent, LeaseManager, RunScope } from '../grants/leaseManager';
import type { Log } from '../log';
import type { PinChange } from '../pin/pin';
import type { PolicyLimits } from '../policy/policy';
import { checkRedactable } from '../redaction/redactor';
import { runTitle, type RunRedactor, type Runner, type SealedRunSpec, type SecretEnv } from '../runner/runSpec';
import type { SecretReference } from '../secrets/reference';
import { STORE_LABELS } from '../secrets/reference';
import type { ResolveOutcome } from '../secrets/store';
import { writeScanMessage } from '../sandbox/writeScan';
import type { SealDecision } from '../sandbox/sealedRun';
import type { AuditTrail } from './auditTrail';
import { sealedCredentialOf, sealRefusalMessage } from './seal';
import { lookupCredentials } from './credentialLookup';
import type { GrantPins } from './grantPins';
import type { NamedSecret, RunOutcome, StopReason } from './types';
import { plainL10n, type L10n } from '../../shared/l10n';

/** What running needs, and nothing else. */
export interface RunsDeps {
  readonly clock: Clock;
  /** Translates the task's name in the terminal panel (English when absent: tests, benchmarks). */
  readonly l10n?: L10n;
  readonly trail: AuditTrail;
  readonly log: Log;
  readonly leases: Pick<LeaseManager, 'consumeRun' | 'get'>;
  /** The credentials the current settings define. */
  credentials(): readonly Credential[];
  readonly stores: { resolveAll(references: readonly SecretReference[], signal: AbortSignal): Promise<ReadonlyMap<string, ResolveOutcome>> };
  limits(): Pick<PolicyLimits, 'killOnExpiry' | 'outputLimitKiB' | 'maxRunTimeoutSeconds'>;
  /** A streaming redactor over one run's secrets. */
  redactor(secrets: readonly NamedSecret[]): RunRedactor;
  /** The live scrubber over every secret in use (log channel, MCP results). */
  readonly live: { add(secrets: readonly NamedSecret[]): { dispose(): void } };
  readonly runner: Runner;
  /** Code pins: checked before every run, quiet while the grant's own run is in progress. */
  readonly pins: Pick<GrantPins, 'check' | 'during'>;
  /** What runs changed since approval: ends the grant, refuses the run and asks the person again. */
  codeChanged(caller: ClientIdentity, grant: Grant, scope: RunScope, change: PinChange): Promise<RunOutcome>;
  newId(): string;
  /** Whether runs with these credentials are sealed here, or why not (see seal.ts). */
  seal(credentials: readonly Credential[]): Promise<SealDecision>;
  /** The workspace folder that holds `cwd`. */
  folderOf(cwd: string): string | undefined;
  /** Tells the person something they must act on. */
  warn?(message: string): void;
}

interface ActiveRun {
  readonly grantId: string;
  readonly stop: AbortController;
}

/**
 * Running under a grant: resolves values at the moment of use, refuses values too short to scrub, takes
 * one run from the grant, audits run-started before the spawn (and refuses when it cannot), scrubs live
 * while the run holds its values, enforces the timeout, kills runs whose grant ends (when the policy says
 * so), audits how each run ended, and disposes every value when it ends.
 */
export class Runs {
  private readonly running = new Map<string, ActiveRun>();

  constructor(private readonly deps: RunsDeps) {}

  /** Audits a refused run and returns it as an outcome. */
  async refuse(caller: ClientIdentity, command: string, cwd: string, code: RunRefusalCode, message: string, grantId?: string): Promise<RunOutcome> {
    await this.deps.trail.runRefused(caller.id, command, cwd, code, grantId);
    return { status: 'refused', code, message };
  }

  /** Runs `scope.command` under `grant` (already checked to cover it). */
  async start(caller: ClientIdentity, grant: Grant, scope: RunScope, timeoutSeconds: number | undefined, signal: AbortSignal): Promise<RunOutcome> {
    const refuse = (code: RunRefusalCode, message: string): Promise<RunOutcome> => this.refuse(caller, scope.command, scope.cwd, code, message, grant.id);
    const credentials = lookupCredentials(this.deps.credentials(), grant.credentials);
    if (!credentials.ok) return refuse(credentials.code, credentials.message);
    // Checked again at run time: the machine or the setting may have changed since the approval.
    const seal = await this.deps.seal(credentials.value);
    if (seal.kind === 'refused') return refuse('sandbox-unavailable', sealRefusalMessage(seal));
    const folder = this.deps.folderOf(scope.cwd);
    const sealed: SealedRunSpec | undefined =
      seal.kind === 'sealed' && folder !== undefined
        ? { folder, network: scope.network ?? grant.network, writes: scope.writes ?? grant.writes, credentials: credentials.value.map(sealedCredentialOf) }
        : undefined;
    if (seal.kind === 'sealed' && sealed === undefined) return refuse('cwd-outside-workspace', MESSAGES['no-workspace']);

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
        const detail = outcome?.message ?? 'The store gave no answer.';
        return refuse(`store-${outcome?.code ?? 'error'}`, `Could not read credential "${credential.name}" from ${STORE_LABELS[credential.source.kind]}: ${detail}`);
      }
      const redactable = checkRedactable({ name: credential.name, value: outcome.value });
      if (!redactable.ok) {
        disposeAll();
        return refuse(redactable.code, redactable.message);
      }
      secrets.push({ credential: credential.name, env: credential.env, value: outcome.value });
    }

    // ── code pin: refuse (and ask the person again) when what runs changed since approval. Checked after the
    // stores answered (which may take seconds), so little time is left between the check and the spawn. ──
    const changed = await this.deps.pins.check(grant.id);
    if (changed !== undefined) {
      disposeAll();
      return this.deps.codeChanged(caller, grant, scope, changed);
    }
    const consumed = this.deps.leases.consumeRun(grant.id, scope);
    if (!consumed.ok) {
      disposeAll();
      return refuse(consumed.code, consumed.message);
    }
    const runId = this.deps.newId();
    if (!(await this.deps.trail.runStarted(runId, grant, caller.id, scope.command, scope.cwd, sealed !== undefined))) {
      disposeAll();
      return refuse('audit-unavailable', MESSAGES['audit-unavailable']);
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
    const redactor = this.deps.redactor(named);
    try {
      // ── code pin: what the grant's own run changes does not count ──
      const result = await this.deps.pins.during(grant.id, () =>
        this.deps.runner.run(
          {
            runId,
            grantId: grant.id,
            command: scope.command,
            cwd: scope.cwd,
            title: runTitle(scope.command, CLIENT_LABELS[caller.id], secrets.length, grant.expiresAt, this.deps.l10n ?? plainL10n),
            secrets,
            redactor,
            outputLimitBytes: limits.outputLimitKiB * 1024,
            ...(sealed === undefined ? {} : { sealed }),
          },
          stop.signal,
        ),
      );
      const stoppedBy = stop.signal.aborted ? (stop.signal.reason as StopReason) : null;
      if (stoppedBy === 'shutdown') {
        // Audited by dispose() already.
      } else if (stoppedBy === 'grant-ended') {
        await this.deps.trail.runIncomplete(runId, grant.id, 'killed-on-expiry', result.reaped);
      } else {
        await this.deps.trail.runFinished(runId, grant.id, result, stoppedBy === 'timeout');
      }
      if (result.writeScan !== undefined && !result.writeScan.clean) {
        // A file under the write paths holds a credential (or could not be read): the agent, which can
        // read those files, gets an error instead of the output; the person is told which file and which
        // credential. Paths are scrubbed too: a file's name can carry a value.
        const findings = result.writeScan.findings.map((f) => ({ ...f, path: redactor.scrub(f.path) }));
        await this.deps.trail.runWriteLeak(runId, grant.id, findings);
        const message = redactor.scrub(writeScanMessage({ ...result.writeScan, findings }));
        const l10n = this.deps.l10n ?? plainL10n;
        this.deps.warn?.(l10n.t('Airlock: a sealed run of "{0}" wrote a credential into a file. {1}', redactor.scrub(scope.command), redactor.scrub(writeScanMessage({ ...result.writeScan, findings }, l10n))));
        return { status: 'refused', code: 'secret-written', message };
      }
      const current = this.deps.leases.get(grant.id);
      // The reaped count and the scan are for the audit only: the tool's output schema does not carry them.
      const { reaped: _reaped, writeScan: _scan, ...ran } = result;
      return {
        status: 'finished',
        report: {
          ...ran,
          grantId: grant.id,
          runsLeft: current === undefined ? 0 : runsLeft(current),
          timedOut: stoppedBy === 'timeout',
          stoppedBy,
        },
      };
    } catch (error) {
      this.deps.log.error(`Run ${runId} failed to start: ${error instanceof Error ? error.message : String(error)}`);
      await this.deps.trail.runIncomplete(runId, grant.id, 'error');
      return { status: 'refused', code: 'run-failed', message: MESSAGES['run-failed'] };
    } finally {
      timeout.cancel();
      signal.removeEventListener('abort', onCancel);
      this.running.delete(runId);
      live.dispose();
      for (const s of secrets) s.value.dispose();
    }
  }

  /** A grant ended: a grant spent by its last run lets that run finish; time expiry and revoke may kill. */
  onLeaseEvent(event: LeaseEvent): void {
    const kills = (event.type === 'expired' && event.why === 'time') || (event.type === 'revoked' && event.by !== 'shutdown');
    if (!kills || !this.deps.limits().killOnExpiry) return;
    for (const run of this.running.values()) if (run.grantId === event.grant.id) run.stop.abort('grant-ended');
  }

  /** Shutdown: kills every running child, auditing each as incomplete first. */
  dispose(): void {
    for (const [runId, run] of this.running) {
      // Queue the audit line now: the extension host may not wait for the child to die.
      void this.deps.trail.runIncomplete(runId, run.grantId, 'shutdown');
      run.stop.abort('shutdown');
    }
  }
}
