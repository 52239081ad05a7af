import type { SandboxAvailability } from '../../../../src/core/sandbox/sealedRun';
import type { WriteScanResult } from '../../../../src/core/sandbox/writeScan';
import { strict as assert } from 'node:assert';
import { AccessService, type AccessDeps } from '../../../../src/core/access/accessService';
import type { ClientIdentity } from '../../../../src/core/clients';
import type { ConsentAnswer, ConsentLimits } from '../../../../src/core/consent/consent';
import type { Credential } from '../../../../src/core/credentials';
import { LeaseManager } from '../../../../src/core/grants/leaseManager';
import type { Log } from '../../../../src/core/log';
import type { PolicyDecision, PolicyRequest } from '../../../../src/core/policy/evaluate';
import type { PolicyLimits } from '../../../../src/core/policy/policy';
import { createRedactor } from '../../../../src/core/redaction/redactor';
import type { Runner, RunResult, RunSpec } from '../../../../src/core/runner/runSpec';
import type { SecretReference } from '../../../../src/core/secrets/reference';
import { revealSecret, SecretValue } from '../../../../src/core/secrets/secretValue';
import type { ResolveOutcome } from '../../../../src/core/secrets/store';
import { FakeClock } from '../grants/fakeClock';
import { FakeAudit, FakeConsent } from './fakes';
import type { CodePin, CodePins, PinChange } from '../../../../src/core/pin/pin';
import type { L10n } from '../../../../src/shared/l10n';
import { markingL10n } from '../../../support/markingL10n';

const CANARY = 'canary-7c1e94b2d05f';
const codex: ClientIdentity = { id: 'codex', sessionId: 's1', claimedName: 'codex-cli' };
const cursor: ClientIdentity = { id: 'cursor', sessionId: 's2' };
const ROOT = '/work/app';
const limits: ConsentLimits = { defaultDurationSeconds: 900, maxDurationSeconds: 3600, maxRuns: null, allowPrefix: true };
const policyLimits: PolicyLimits = {
  defaultDurationSeconds: 900,
  maxDurationSeconds: 3600,
  allowWithoutConsent: false,
  consentTimeoutSeconds: 120,
  agentWaitSeconds: 45,
  killOnExpiry: false,
  sandbox: 'whenAvailable',
  outputLimitKiB: 64,
  maxRunTimeoutSeconds: 600,
  allowPrefix: true,
};
const deploy: Credential = { name: 'DEPLOY_TOKEN', description: 'deploys', env: 'DEPLOY_TOKEN', origin: 'user', source: { kind: 'secret', raw: 'secret:DEPLOY_TOKEN', name: 'DEPLOY_TOKEN' } };
const short: Credential = { name: 'PIN', description: 'too short', env: 'PIN', origin: 'user', source: { kind: 'secret', raw: 'secret:PIN', name: 'PIN' } };
const noop = (): void => {};
const unexpected = (what: string) => (): never => {
  throw new Error(`unexpected call: ${what}`);
};

/** A runner that records the spec, checks the audit saw run-started first, and finishes when told. */
class FakeRunner implements Runner {
  readonly specs: RunSpec[] = [];
  readonly stops: AbortSignal[] = [];
  envSeen: Record<string, string> = {};
  private finishers: Array<(r: RunResult) => void> = [];
  constructor(
    private readonly audit: FakeAudit,
    private readonly print?: string,
    private readonly writeScan?: WriteScanResult,
  ) {}
  run(spec: RunSpec, stop: AbortSignal): Promise<RunResult> {
    assert.equal(this.audit.events.at(-1)?.type, 'run-started', 'run-started is audited before the spawn');
    this.specs.push(spec);
    this.stops.push(stop);
    this.envSeen = Object.fromEntries(spec.secrets.map((s) => [s.env, revealSecret(s.value, 'spawn')]));
    if (this.print !== undefined) {
      const stream = spec.redactor.stream();
      const output = stream.push(this.print) + stream.flush();
      return Promise.resolve({ exitCode: 0, signal: null, output, truncated: false, durationMs: 12, ...(this.writeScan === undefined ? {} : { writeScan: this.writeScan }) });
    }
    return new Promise((resolve) => {
      this.finishers.push(resolve);
      stop.addEventListener('abort', () => resolve({ exitCode: null, signal: 'SIGTERM', output: '', truncated: false, durationMs: 5 }));
    });
  }
  finish(index: number, result: RunResult): void {
    this.finishers[index]?.(result);
  }
}

interface Options {
  decision?: PolicyDecision;
  trusted?: boolean;
  values?: Record<string, string>;
  print?: string;
  limits?: Partial<PolicyLimits>;
  sandbox?: SandboxAvailability;
  credentials?: Credential[];
  writeScan?: WriteScanResult;
  pins?: CodePins;
  /** The person's translator (the agent's text never goes through it). */
  l10n?: L10n;
}

function setup(options: Options = {}) {
  const clock = new FakeClock();
  let n = 0;
  const newId = (): string => `id${++n}`;
  const leases = new LeaseManager(clock, newId);
  const audit = new FakeAudit();
  const consent = new FakeConsent();
  const runner = new FakeRunner(audit, options.print, options.writeScan);
  const warnings: string[] = [];
  const resolved: SecretValue[] = [];
  const liveAdds: string[][] = [];
  let liveDisposed = 0;
  const logs: string[] = [];
  const log: Log = { debug: noop, info: noop, warn: (m) => logs.push(m), error: (m) => logs.push(m) };
  const policyRequests: PolicyRequest[] = [];
  const values = options.values ?? { 'secret:DEPLOY_TOKEN': CANARY, 'secret:PIN': '1234' };
  const deps: AccessDeps = {
    clock,
    leases,
    audit,
    consent,
    log,
    newId,
    credentials: () => options.credentials ?? [deploy, short],
    ...(options.sandbox === undefined ? {} : { sandbox: { availability: () => Promise.resolve(options.sandbox as SandboxAvailability) } }),
    warn: (message) => void warnings.push(message),
    ...(options.l10n === undefined ? {} : { l10n: options.l10n }),
    decide: (request) => {
      policyRequests.push(request);
      return options.decision ?? { kind: 'ask', limits };
    },
    limits: () => ({ ...policyLimits, ...options.limits }),
    stores: {
      resolveAll: (refs: readonly SecretReference[]) => {
        const map = new Map<string, ResolveOutcome>();
        for (const ref of refs) {
          const value = values[ref.raw];
          if (value === undefined) map.set(ref.raw, { ok: false, code: 'locked', message: 'The store is locked.' });
          else {
            const secret = new SecretValue(value);
            resolved.push(secret);
            map.set(ref.raw, { ok: true, value: secret });
          }
        }
        return Promise.resolve(map);
      },
    },
    workspace: {
      trusted: () => options.trusted ?? true,
      folders: () => [ROOT],
      realpath: (cwd) => Promise.resolve(cwd.startsWith('/') ? cwd.replace(/\/link$/, '/real') : `${ROOT}/${cwd}`),
    },
    redaction: { create: createRedactor },
    live: {
      add: (secrets) => {
        liveAdds.push(secrets.map((s) => s.name));
        return { dispose: () => liveDisposed++ };
      },
    },
    runner,
    ...(options.pins === undefined ? {} : { pins: options.pins }),
  };
  const service = new AccessService(deps);
  const progress: string[] = [];
  const onProgress = (m: string): void => void progress.push(m);
  const signal = new AbortController().signal;
  return { clock, leases, audit, consent, runner, service, resolved, liveAdds, liveDisposed: () => liveDisposed, logs, progress, onProgress, signal, policyRequests, warnings };
}

const approve = (durationSeconds = 300, maxRuns: number | null = 2, commandMatch: 'exact' | 'prefix' = 'exact'): ConsentAnswer => ({
  decision: 'approved',
  durationSeconds,
  maxRuns,
  commandMatch,
});
const request = { credentials: ['DEPLOY_TOKEN'], command: 'npm run deploy', reason: 'ship the fix' };
const flush = () => new Promise((r) => setImmediate(r));

async function grantFor(env: ReturnType<typeof setup>, answer = approve()) {
  const pending = env.service.requestAccess(codex, request, env.onProgress, env.signal);
  await flush();
  env.consent.answer(env.consent.requests.length - 1, answer);
  const outcome = await pending;
  assert.equal(outcome.status, 'approved');
  return outcome.status === 'approved' ? outcome.grant : assert.fail('not approved');
}

describe('AccessService', () => {
  describe('requestAccess', () => {
    it('asks the person with names, command, cwd and reason (never a value) and issues the approved grant', async () => {
      const env = setup();
      const grant = await grantFor(env);
      const asked = env.consent.requests[0];
      assert.ok(asked);
      assert.equal(asked.command, 'npm run deploy');
      assert.equal(asked.cwd, ROOT, 'cwd defaults to the first workspace folder');
      assert.equal(asked.reason, 'ship the fix');
      assert.deepEqual(asked.credentials.map((c) => [c.name, c.store, c.reference]), [['DEPLOY_TOKEN', 'VS Code SecretStorage', 'secret:DEPLOY_TOKEN']]);
      assert.equal(asked.deadline - asked.createdAt, 120_000);
      assert.ok(!JSON.stringify(asked).includes(CANARY));
      assert.equal(env.resolved.length, 0, 'no value is read to ask');
      assert.deepEqual(grant.credentials, ['DEPLOY_TOKEN']);
      assert.equal(grant.runsLeft, 2);
      assert.equal(grant.commandMatch, 'exact');
      assert.deepEqual(env.audit.types(), ['request', 'decision', 'grant-issued']);
      assert.deepEqual(env.audit.events[1], { type: 'decision', requestId: 'id1', client: 'codex', decision: 'approved', by: 'person', durationSeconds: 300, maxRuns: 2, commandMatch: 'exact' });
    });

    it('allow policy grants without asking, with the policy limits', async () => {
      const env = setup({ decision: { kind: 'allow', limits: { ...limits, defaultDurationSeconds: 60, maxRuns: 1 } } });
      const outcome = await env.service.requestAccess(codex, request, env.onProgress, env.signal);
      assert.ok(outcome.status === 'approved');
      assert.equal(outcome.grant.runsLeft, 1);
      assert.equal(Date.parse(outcome.grant.expiresAt) - env.clock.now(), 60_000);
      assert.equal(env.consent.requests.length, 0);
      assert.equal((env.audit.events[1] as { by: string }).by, 'policy');
    });

    it('deny policy denies with its code; the person is not asked', async () => {
      const env = setup({ decision: { kind: 'deny', code: 'denied-by-policy', message: 'no.' } });
      const outcome = await env.service.requestAccess(codex, request, env.onProgress, env.signal);
      assert.deepEqual(outcome, { status: 'denied', requestId: 'id1', code: 'denied-by-policy', message: 'no.' });
      assert.deepEqual(env.audit.types(), ['request', 'decision']);
    });

    it('clamps an answer that exceeds the limits, and refuses prefix when policy does not allow it', async () => {
      const env = setup({ decision: { kind: 'ask', limits: { ...limits, maxDurationSeconds: 600, maxRuns: 3, allowPrefix: false } } });
      const grant = await grantFor(env, approve(99_999, null, 'prefix'));
      assert.equal(Date.parse(grant.expiresAt) - env.clock.now(), 600_000);
      assert.equal(grant.runsLeft, 3);
      assert.equal(grant.commandMatch, 'exact');
    });

    it('reports the person’s denial', async () => {
      const env = setup();
      const pending = env.service.requestAccess(codex, request, env.onProgress, env.signal);
      await flush();
      env.consent.answer(0, { decision: 'denied', reason: 'person', blockClient: false });
      const outcome = await pending;
      assert.ok(outcome.status === 'denied' && outcome.code === 'denied-by-person');
      assert.equal(env.leases.active().length, 0);
    });

    it('returns pending after agentWaitSeconds with progress, and await_access collects the answer once', async () => {
      const env = setup();
      const first = env.service.requestAccess(codex, request, env.onProgress, env.signal);
      await flush();
      env.clock.advance(45_000);
      const outcome = await first;
      assert.ok(outcome.status === 'pending');
      assert.match(outcome.message, /await_access/);
      assert.ok(env.progress.length >= 8, `progress notifications: ${env.progress.length}`);
      assert.ok(env.consent.signals[0]?.aborted === false, 'the request stays open in the panel');

      const other = await env.service.awaitAccess(cursor, outcome.requestId, env.onProgress, env.signal);
      assert.ok(other.status === 'denied' && other.code === 'unknown-request', 'another client cannot await it');

      const waiting = env.service.awaitAccess(codex, outcome.requestId, env.onProgress, env.signal);
      await flush();
      env.consent.answer(0, approve());
      const later = await waiting;
      assert.equal(later.status, 'approved');
      const again = await env.service.awaitAccess(codex, outcome.requestId, env.onProgress, env.signal);
      assert.equal(again.status, 'denied');
    });

    it('an answer that arrives while nobody waits is kept for await_access', async () => {
      const env = setup();
      const first = env.service.requestAccess(codex, request, env.onProgress, env.signal);
      await flush();
      env.clock.advance(45_000);
      const pending = await first;
      assert.ok(pending.status === 'pending');
      env.consent.answer(0, approve());
      await flush();
      const later = await env.service.awaitAccess(codex, pending.requestId, env.onProgress, env.signal);
      assert.equal(later.status, 'approved');
    });

    it('refuses in an untrusted workspace, and outside the workspace folders', async () => {
      const untrusted = setup({ trusted: false });
      const a = await untrusted.service.requestAccess(codex, request, untrusted.onProgress, untrusted.signal);
      assert.ok(a.status === 'denied' && a.code === 'workspace-not-trusted');
      const env = setup();
      for (const cwd of ['/etc', '/work/application', '/work']) {
        const b = await env.service.requestAccess(codex, { ...request, cwd }, env.onProgress, env.signal);
        assert.ok(b.status === 'denied' && b.code === 'cwd-outside-workspace', cwd);
      }
      assert.deepEqual(env.audit.types(), ['request', 'decision', 'request', 'decision', 'request', 'decision'], 'early refusals are audited too');
      assert.deepEqual(untrusted.audit.events.map((e) => (e.type === 'decision' ? e.detail : e.type)), ['request', 'workspace-not-trusted']);
      void env.service.requestAccess(codex, { ...request, cwd: 'packages/api' }, env.onProgress, env.signal);
      await flush();
      assert.equal(env.consent.requests[0]?.cwd, `${ROOT}/packages/api`, 'relative to the first folder');
      env.service.dispose();
    });

    it('grants nothing when the audit log cannot be written', async () => {
      const env = setup({ decision: { kind: 'allow', limits } });
      env.audit.failOn = 'grant-issued';
      const outcome = await env.service.requestAccess(codex, request, env.onProgress, env.signal);
      assert.ok(outcome.status === 'denied' && outcome.code === 'audit-unavailable');
      assert.equal(env.leases.active().length, 0);
    });
  });

  describe('run', () => {
    it('runs under the grant: secrets in the child env only, output scrubbed, values disposed after', async () => {
      const env = setup({ print: `token=${CANARY}\n` });
      const grant = await grantFor(env);
      const outcome = await env.service.run(codex, { command: 'npm run deploy', grantId: grant.grantId }, env.onProgress, env.signal);
      assert.ok(outcome.status === 'finished');
      assert.equal(outcome.report.output, 'token=[redacted:DEPLOY_TOKEN]\n');
      assert.equal(outcome.report.exitCode, 0);
      assert.equal(outcome.report.runsLeft, 1);
      assert.deepEqual(env.runner.envSeen, { DEPLOY_TOKEN: CANARY });
      const spec = env.runner.specs[0];
      assert.ok(spec);
      assert.equal(spec.cwd, ROOT);
      assert.equal(spec.outputLimitBytes, 64 * 1024);
      assert.match(spec.title, /^Airlock: npm run deploy — Codex, 1 credential, expires \d\d:\d\d$/);
      assert.deepEqual(env.liveAdds, [['DEPLOY_TOKEN']]);
      assert.equal(env.liveDisposed(), 1);
      assert.ok(env.resolved.every((s) => !s.alive), 'values are disposed after the run');
      assert.deepEqual(env.audit.types(), ['request', 'decision', 'grant-issued', 'run-started', 'run-finished']);
      assert.ok(!JSON.stringify(env.audit.events).includes(CANARY));
      assert.ok(!JSON.stringify(outcome).includes(CANARY));
    });

    it('finds the covering grant without a grantId', async () => {
      const env = setup({ print: 'ok' });
      await grantFor(env);
      const outcome = await env.service.run(codex, { command: 'npm run deploy' }, env.onProgress, env.signal);
      assert.equal(outcome.status, 'finished');
    });

    it('refuses printenv, env, echo $X and /proc/self/environ under a grant for npm run deploy', async () => {
      const env = setup({ print: 'x' });
      const grant = await grantFor(env);
      for (const command of ['printenv', 'env', 'echo $DEPLOY_TOKEN', 'cat /proc/self/environ', 'npm run deploy; printenv']) {
        const outcome = await env.service.run(codex, { command, grantId: grant.grantId }, env.onProgress, env.signal);
        assert.ok(outcome.status === 'refused' && outcome.code === 'command-not-covered', command);
        assert.match(outcome.message, /covers only the command exactly "npm run deploy"/);
      }
      assert.equal(env.runner.specs.length, 0);
      assert.equal(env.resolved.length, 0, 'no value is read for a refused run');
      assert.equal(env.audit.types().filter((t) => t === 'run-refused').length, 5);
      assert.equal(env.leases.get(grant.grantId)?.runsUsed, 0);
    });

    it('another client cannot use the grant', async () => {
      const env = setup({ print: 'x' });
      const grant = await grantFor(env);
      const outcome = await env.service.run(cursor, { command: 'npm run deploy', grantId: grant.grantId }, env.onProgress, env.signal);
      assert.ok(outcome.status === 'refused' && outcome.code === 'grant-not-found');
    });

    it('without a grant, asks first (same flow) and then runs', async () => {
      const env = setup({ print: 'done' });
      const running = env.service.run(codex, { command: 'npm run deploy', credentials: ['DEPLOY_TOKEN'], reason: 'deploy' }, env.onProgress, env.signal);
      await flush();
      assert.equal(env.consent.requests[0]?.reason, 'deploy');
      env.consent.answer(0, approve(60, 1));
      const outcome = await running;
      assert.ok(outcome.status === 'finished');
      assert.equal(outcome.report.runsLeft, 0);
      assert.ok(env.audit.types().includes('grant-expired'), 'the last run spends the grant');
    });

    it('without a grant and without credentials: a clear refusal', async () => {
      const env = setup();
      const outcome = await env.service.run(codex, { command: 'npm run deploy' }, env.onProgress, env.signal);
      assert.ok(outcome.status === 'refused' && outcome.code === 'no-grant');
      assert.equal(env.consent.requests.length, 0);
    });

    it('refuses a secret shorter than 8 characters, naming the credential and not the value', async () => {
      const env = setup({ decision: { kind: 'allow', limits } });
      const outcome = await env.service.run(codex, { command: 'make', credentials: ['PIN'] }, env.onProgress, env.signal);
      assert.ok(outcome.status === 'refused' && outcome.code === 'secret-too-short');
      assert.match(outcome.message, /"PIN"/);
      assert.ok(!outcome.message.includes('1234'));
      assert.equal(env.runner.specs.length, 0);
      assert.ok(env.resolved.every((s) => !s.alive));
    });

    it('refuses when the store fails, naming the credential', async () => {
      const env = setup({ decision: { kind: 'allow', limits }, values: {} });
      const outcome = await env.service.run(codex, { command: 'npm run deploy', credentials: ['DEPLOY_TOKEN'] }, env.onProgress, env.signal);
      assert.ok(outcome.status === 'refused' && outcome.code === 'store-locked');
      assert.match(outcome.message, /DEPLOY_TOKEN.*locked/);
    });

    it('never runs unaudited', async () => {
      const env = setup({ decision: { kind: 'allow', limits }, print: 'x' });
      env.audit.failOn = 'run-started';
      const outcome = await env.service.run(codex, { command: 'npm run deploy', credentials: ['DEPLOY_TOKEN'] }, env.onProgress, env.signal);
      assert.ok(outcome.status === 'refused' && outcome.code === 'audit-unavailable');
      assert.equal(env.runner.specs.length, 0);
      assert.ok(env.resolved.every((s) => !s.alive));
    });

    it('a timeout (capped by policy) kills the run and says so', async () => {
      const env = setup({ decision: { kind: 'allow', limits }, limits: { maxRunTimeoutSeconds: 30 } });
      const running = env.service.run(codex, { command: 'npm run deploy', credentials: ['DEPLOY_TOKEN'], timeoutSeconds: 9999 }, env.onProgress, env.signal);
      await flush();
      env.clock.advance(29_999);
      assert.equal(env.runner.stops[0]?.aborted, false);
      env.clock.advance(1);
      const outcome = await running;
      assert.ok(outcome.status === 'finished' && outcome.report.timedOut && outcome.report.stoppedBy === 'timeout');
      const finished = env.audit.events.find((e) => e.type === 'run-finished');
      assert.ok(finished?.type === 'run-finished' && finished.timedOut);
    });

    it('expiry: the running task continues by default', async () => {
      const env = setup();
      const grant = await grantFor(env, approve(60, null));
      const running = env.service.run(codex, { command: 'npm run deploy', grantId: grant.grantId }, env.onProgress, env.signal);
      await flush();
      env.clock.advance(60_000);
      assert.equal(env.runner.stops[0]?.aborted, false);
      const refused = await env.service.run(codex, { command: 'npm run deploy', grantId: grant.grantId }, env.onProgress, env.signal);
      assert.ok(refused.status === 'refused', 'no new runs after expiry');
      env.runner.finish(0, { exitCode: 0, signal: null, output: '', truncated: false, durationMs: 1 });
      const outcome = await running;
      assert.ok(outcome.status === 'finished' && outcome.report.stoppedBy === null);
    });

    it('expiry with killOnExpiry kills the run and audits run-incomplete', async () => {
      const env = setup({ limits: { killOnExpiry: true } });
      const grant = await grantFor(env, approve(60, null));
      const running = env.service.run(codex, { command: 'npm run deploy', grantId: grant.grantId }, env.onProgress, env.signal);
      await flush();
      env.clock.advance(60_000);
      const outcome = await running;
      assert.ok(outcome.status === 'finished' && outcome.report.stoppedBy === 'grant-ended');
      assert.deepEqual(env.audit.events.filter((e) => e.type === 'run-incomplete').map((e) => (e as { why: string }).why), ['killed-on-expiry']);
    });

    it('revoke ends only the caller’s grants; with killOnExpiry the running task dies', async () => {
      const env = setup({ limits: { killOnExpiry: true } });
      const grant = await grantFor(env);
      assert.deepEqual(env.service.revoke(cursor, grant.grantId), { revoked: 0 });
      const running = env.service.run(codex, { command: 'npm run deploy', grantId: grant.grantId }, env.onProgress, env.signal);
      await flush();
      assert.deepEqual(env.service.revoke(codex, 'all'), { revoked: 1 });
      const outcome = await running;
      assert.ok(outcome.status === 'finished' && outcome.report.stoppedBy === 'grant-ended');
      await flush();
      assert.ok(env.audit.events.some((e) => e.type === 'grant-revoked' && e.by === 'agent'));
      assert.deepEqual(env.service.activeGrants(), []);
    });

    it('shutdown kills running children, cancels open requests and forgets grants', async () => {
      const env = setup();
      const grant = await grantFor(env);
      const running = env.service.run(codex, { command: 'npm run deploy', grantId: grant.grantId }, env.onProgress, env.signal);
      const asking = env.service.requestAccess(codex, { ...request, command: 'make' }, env.onProgress, env.signal);
      await flush();
      env.service.dispose();
      const outcome = await running;
      assert.ok(outcome.status === 'finished' && outcome.report.stoppedBy === 'shutdown');
      assert.equal(env.consent.signals[1]?.aborted, true);
      env.consent.answer(1, { decision: 'denied', reason: 'cancelled', blockClient: false });
      assert.equal((await asking).status, 'denied');
      assert.equal(env.leases.active().length, 0);
      assert.equal(env.audit.events.filter((e) => e.type === 'run-incomplete' && e.why === 'shutdown').length, 1, 'audited once, at shutdown');
      assert.ok(!env.audit.events.some((e) => e.type === 'run-finished'));
    });

    it('a runner that cannot start gives a clear refusal, audited, values disposed', async () => {
      const env = setup({ decision: { kind: 'allow', limits } });
      env.runner.run = unexpected('run') as unknown as Runner['run'];
      env.audit.events.length = 0;
      const outcome = await env.service.run(codex, { command: 'npm run deploy', credentials: ['DEPLOY_TOKEN'] }, env.onProgress, env.signal);
      assert.ok(outcome.status === 'refused' && outcome.code === 'run-failed');
      assert.ok(env.audit.events.some((e) => e.type === 'run-incomplete' && e.why === 'error'));
      assert.ok(env.resolved.every((s) => !s.alive));
    });
  });
});

describe('AccessService: sealed runs', () => {
  const available: SandboxAvailability = { available: true };
  const missing: SandboxAvailability = { available: false, platform: 'linux', missing: ['bwrap', 'socat'] };
  const bound: Credential = { ...deploy, hosts: ['api.example.com'] };

  it('the card says how each credential travels, the network allowlist, the write paths and that the run is sealed; the grant carries them', async () => {
    const env = setup({ sandbox: available, credentials: [bound, short] });
    const pending = env.service.requestAccess(codex, { ...request, network: ['registry.example.com'], writes: ['dist'] }, env.onProgress, env.signal);
    await flush();
    const asked = env.consent.requests[0];
    assert.ok(asked);
    assert.equal(asked.credentials[0]?.delivery, 'sent only to api.example.com — the command sees a placeholder');
    assert.deepEqual(asked.network, ['api.example.com', 'registry.example.com']);
    assert.deepEqual(asked.writes, [`${ROOT}/dist`]);
    assert.equal(asked.seal?.sealed, true);
    env.consent.answer(0, approve());
    const outcome = await pending;
    assert.equal(outcome.status, 'approved');
    if (outcome.status !== 'approved') return;
    assert.deepEqual(outcome.grant.network, ['registry.example.com']);
    assert.deepEqual(outcome.grant.writes, [`${ROOT}/dist`]);
    const issued = env.audit.events.find((e) => e.type === 'grant-issued');
    assert.ok(issued?.type === 'grant-issued' && issued.writes?.[0] === `${ROOT}/dist` && issued.network?.[0] === 'registry.example.com');
  });

  it('not sealed (whenAvailable, sandbox missing): the card says so with the fix; the run goes unsealed', async () => {
    const env = setup({ sandbox: missing, print: 'ok' });
    const pending = env.service.requestAccess(codex, request, env.onProgress, env.signal);
    await flush();
    const seal = env.consent.requests[0]?.seal;
    assert.equal(seal?.sealed, false);
    assert.match(seal?.text ?? '', /Not sealed: the sandbox needs bwrap, socat.*Fix: sudo apt install bubblewrap socat/);
    assert.equal(env.consent.requests[0]?.credentials[0]?.delivery, 'in the command’s environment (not sealed)');
    env.consent.answer(0, approve());
    const grant = await pending;
    assert.equal(grant.status, 'approved');
    const ran = await env.service.run(codex, { command: 'npm run deploy' }, env.onProgress, env.signal);
    assert.equal(ran.status, 'finished');
    assert.equal(env.runner.specs[0]?.sealed, undefined);
    const started = env.audit.events.find((e) => e.type === 'run-started');
    assert.ok(started?.type === 'run-started' && started.sealed === false);
  });

  it('required and no sandbox: the request is refused with the reason and the one fix command, nobody is asked', async () => {
    const env = setup({ sandbox: missing, limits: { sandbox: 'required' } });
    const outcome = await env.service.requestAccess(codex, request, env.onProgress, env.signal);
    assert.equal(outcome.status, 'denied');
    if (outcome.status !== 'denied') return;
    assert.equal(outcome.code, 'sandbox-unavailable');
    assert.match(outcome.message, /airlock\.run\.sandbox: "required".*Fix: sudo apt install bubblewrap socat/);
    assert.equal(env.consent.requests.length, 0);
  });

  it('required and the sandbox went missing after the approval: the run is refused, nothing resolved', async () => {
    const machine: { now: SandboxAvailability } = { now: available };
    const env = setup({ limits: { sandbox: 'required' }, sandbox: available });
    // Swap what the machine answers after the grant.
    const grant = await grantFor(env);
    Object.assign(machine, { now: missing });
    const env2 = setup({ limits: { sandbox: 'required' }, sandbox: missing });
    const ran = await env2.service.run(codex, { command: 'npm run deploy', credentials: ['DEPLOY_TOKEN'] }, env2.onProgress, env2.signal);
    assert.equal(ran.status, 'refused');
    assert.ok(ran.status === 'refused' && ran.code === 'sandbox-unavailable');
    assert.equal(env2.resolved.length, 0);
    assert.ok(grant.grantId);
  });

  it('a host-bound credential is never downgraded to the environment: refused when the run cannot be sealed', async () => {
    for (const [sandbox, mode] of [[missing, 'whenAvailable'], [available, 'off']] as const) {
      const env = setup({ sandbox, credentials: [bound], limits: { sandbox: mode } });
      const outcome = await env.service.requestAccess(codex, request, env.onProgress, env.signal);
      assert.ok(outcome.status === 'denied' && outcome.code === 'sandbox-unavailable', mode);
      assert.match(outcome.status === 'denied' ? outcome.message : '', /DEPLOY_TOKEN is bound to hosts and can only be used in a sealed run/);
    }
  });

  it('a run cannot widen the approved network or write paths (it may narrow them)', async () => {
    const env = setup({ sandbox: available, print: 'ok' });
    const pending = env.service.requestAccess(codex, { ...request, network: ['a.example.com', 'b.example.com'], writes: ['dist'] }, env.onProgress, env.signal);
    await flush();
    env.consent.answer(0, approve(300, 5));
    const approved = await pending;
    const grantId = approved.status === 'approved' ? approved.grant.grantId : assert.fail('not approved');
    const wider = await env.service.run(codex, { command: 'npm run deploy', grantId, network: ['c.example.com'] }, env.onProgress, env.signal);
    assert.ok(wider.status === 'refused' && wider.code === 'network-not-covered');
    const writes = await env.service.run(codex, { command: 'npm run deploy', grantId, writes: ['src'] }, env.onProgress, env.signal);
    assert.ok(writes.status === 'refused' && writes.code === 'writes-not-covered');
    const narrower = await env.service.run(codex, { command: 'npm run deploy', grantId, network: ['a.example.com'] }, env.onProgress, env.signal);
    assert.equal(narrower.status, 'finished');
    assert.deepEqual(env.runner.specs.at(-1)?.sealed?.network, ['a.example.com']);
    assert.deepEqual(env.runner.specs.at(-1)?.sealed?.writes, [`${ROOT}/dist`]);
    const same = await env.service.run(codex, { command: 'npm run deploy', grantId }, env.onProgress, env.signal);
    assert.equal(same.status, 'finished');
    assert.deepEqual(env.runner.specs.at(-1)?.sealed?.network, ['a.example.com', 'b.example.com']);
  });

  it('a write path outside the workspace folder is refused at the request', async () => {
    const env = setup({ sandbox: available });
    for (const writes of [['../elsewhere'], ['/etc'], ['dist', '/work/app2']]) {
      const outcome = await env.service.requestAccess(codex, { ...request, writes }, env.onProgress, env.signal);
      assert.ok(outcome.status === 'denied' && outcome.code === 'write-outside-workspace', JSON.stringify(writes));
    }
    assert.equal(env.consent.requests.length, 0);
  });

  it('a dirty write scan: the agent gets an error instead of the output, the person a warning, the audit the finding — never a value', async () => {
    const writeScan: WriteScanResult = { clean: false, files: 1, findings: [{ kind: 'secret', path: `${ROOT}/dist/${CANARY}.txt`, credential: 'DEPLOY_TOKEN' }] };
    const env = setup({ sandbox: available, print: 'the output', writeScan });
    await grantFor(env);
    const ran = await env.service.run(codex, { command: 'npm run deploy' }, env.onProgress, env.signal);
    assert.equal(ran.status, 'refused');
    if (ran.status !== 'refused') return;
    assert.equal(ran.code, 'secret-written');
    assert.match(ran.message, /wrote a credential into a file.*\n.*dist\/\[redacted:DEPLOY_TOKEN\]\.txt: holds DEPLOY_TOKEN/);
    assert.ok(!ran.message.includes('the output'));
    const leak = env.audit.events.find((e) => e.type === 'run-write-leak');
    assert.ok(leak?.type === 'run-write-leak');
    assert.deepEqual(leak.findings, [{ path: `${ROOT}/dist/[redacted:DEPLOY_TOKEN].txt`, credential: 'DEPLOY_TOKEN' }]);
    assert.equal(env.warnings.length, 1);
    for (const text of [ran.message, JSON.stringify(env.audit.events), env.warnings.join('\n')]) assert.ok(!text.includes(CANARY));
  });
});

describe('AccessService: l10n (the person reads their language, the agent English)', () => {
  const missing: SandboxAvailability = { available: false, platform: 'linux', missing: ['bwrap', 'socat'] };

  it('a dirty write scan: the person’s warning is translated (reasons too); the agent’s error stays English', async () => {
    const writeScan: WriteScanResult = {
      clean: false,
      files: 2,
      findings: [
        { kind: 'secret', path: `${ROOT}/dist/a.txt`, credential: 'DEPLOY_TOKEN' },
        { kind: 'unscanned', path: `${ROOT}/dist/big`, reason: (l10n) => l10n.t('larger than {0} bytes', 10) },
      ],
    };
    const env = setup({ sandbox: { available: true }, print: 'the output', writeScan, l10n: markingL10n });
    await grantFor(env);
    const ran = await env.service.run(codex, { command: 'npm run deploy' }, env.onProgress, env.signal);
    assert.ok(ran.status === 'refused');
    assert.equal(ran.message, `The command wrote a credential into a file, so its output is withheld. Delete or fix these files:\n${ROOT}/dist/a.txt: holds DEPLOY_TOKEN\n${ROOT}/dist/big: not scanned (larger than 10 bytes)`);
    assert.deepEqual(env.warnings, [
      `«Airlock: a sealed run of "npm run deploy" wrote a credential into a file. «The command wrote a credential into a file, so its output is withheld. Delete or fix these files:\n«${ROOT}/dist/a.txt: holds DEPLOY_TOKEN»\n«${ROOT}/dist/big: not scanned («larger than 10 bytes»)»»»`,
    ]);
    const leak = env.audit.events.find((e) => e.type === 'run-write-leak');
    assert.ok(leak?.type === 'run-write-leak');
    assert.deepEqual(leak.findings[1], { path: `${ROOT}/dist/big`, unscanned: 'larger than 10 bytes' });
  });

  it('not sealed: the card’s seal line is translated; required: the agent’s refusal stays English', async () => {
    const env = setup({ sandbox: missing, l10n: markingL10n });
    const pending = env.service.requestAccess(codex, request, env.onProgress, env.signal);
    await flush();
    assert.equal(env.consent.requests[0]?.seal?.text, '««Not sealed: «the sandbox needs bwrap, socat, which are not installed».» Fix: sudo apt install bubblewrap socat»');
    env.consent.answer(0, approve());
    await pending;
    const strict = setup({ sandbox: missing, limits: { sandbox: 'required' }, l10n: markingL10n });
    const refused = await strict.service.requestAccess(codex, request, strict.onProgress, strict.signal);
    assert.ok(refused.status === 'denied');
    assert.equal(refused.message, 'Runs must be sealed (airlock.run.sandbox: "required"), but the sandbox needs bwrap, socat, which are not installed. Fix: sudo apt install bubblewrap socat');
  });
});

/** Pins the test changes by hand: `change(paths)` makes every live pin report them until re-taken by a run. */
class FakePins implements CodePins {
  readonly taken: { command: string; cwd: string; disposed: boolean; runs: number }[] = [];
  private pending: PinChange | undefined;
  private readonly live = new Set<{ changed: PinChange | undefined }>();
  fail = false;
  take(command: string, cwd: string): Promise<CodePin> {
    if (this.fail) return Promise.reject(new Error('git exploded'));
    const record = { command, cwd, disposed: false, runs: 0 };
    this.taken.push(record);
    const state: { changed: PinChange | undefined } = { changed: undefined };
    this.live.add(state);
    return Promise.resolve({
      check: () => Promise.resolve(state.changed),
      during: async <T>(run: () => Promise<T>): Promise<T> => {
        record.runs++;
        return run();
      },
      dispose: () => {
        record.disposed = true;
        this.live.delete(state);
      },
    });
  }
  change(paths: string[]): void {
    this.pending = { paths };
    for (const state of this.live) state.changed = this.pending;
  }
}

describe('AccessService with code pins', () => {
  it('pins what the command runs when the person is asked, runs inside the pin, and disposes it when the grant ends', async () => {
    const pins = new FakePins();
    const env = setup({ pins, print: 'ok' });
    const grant = await grantFor(env);
    assert.deepEqual(pins.taken.map((t) => [t.command, t.cwd]), [['npm run deploy', ROOT]]);
    const ran = await env.service.run(codex, { command: 'npm run deploy', grantId: grant.grantId }, env.onProgress, env.signal);
    assert.equal(ran.status, 'finished');
    assert.equal(pins.taken[0]?.runs, 1, 'the run happens inside pin.during');
    env.service.revoke(codex, grant.grantId);
    assert.equal(pins.taken[0]?.disposed, true);
  });

  it('refuses a run when the code changed since approval: code-changed, names the paths, ends the grant, asks the person again showing the change; no secret is read', async () => {
    const pins = new FakePins();
    const env = setup({ pins, print: CANARY });
    const grant = await grantFor(env);
    pins.change(['scripts/deploy.js', 'node_modules/.bin/tool']);
    const ran = await env.service.run(codex, { command: 'npm run deploy', grantId: grant.grantId }, env.onProgress, env.signal);
    assert.equal(ran.status, 'refused');
    assert.ok(ran.status === 'refused');
    assert.equal(ran.code, 'code-changed');
    assert.match(ran.message, /"node_modules\/\.bin\/tool", "scripts\/deploy\.js"|"scripts\/deploy\.js", "node_modules\/\.bin\/tool"/);
    assert.match(ran.message, /await_access/);
    assert.ok(!ran.message.includes(CANARY));
    assert.ok(env.resolved.every((secret) => !secret.alive), 'every secret read before the check was disposed');
    assert.equal(env.runner.specs.length, 0, 'nothing ran');
    assert.equal(env.leases.get(grant.grantId), undefined, 'the grant ended');
    assert.equal(pins.taken[0]?.disposed, true);
    const again = env.consent.requests.at(-1);
    assert.equal(env.consent.requests.length, 2, 'the person is asked again');
    assert.deepEqual(again?.insight?.changedSinceApproval, ['scripts/deploy.js', 'node_modules/.bin/tool']);
    assert.ok(env.audit.events.some((e) => e.type === 'grant-revoked' && e.by === 'code-changed' && e.grantId === grant.grantId));
    assert.ok(env.audit.events.some((e) => e.type === 'run-refused' && e.code === 'code-changed'));
    // The same grant stays refused; a run with credentials asks again rather than running.
    const retry = await env.service.run(codex, { command: 'npm run deploy', grantId: grant.grantId }, env.onProgress, env.signal);
    assert.ok(retry.status === 'refused' && (retry.code === 'grant-ended' || retry.code === 'grant-not-found'), JSON.stringify(retry));
  });

  it('the re-ask after a code change carries the ended grant’s network and write paths (policy and the card see them)', async () => {
    const pins = new FakePins();
    const env = setup({ pins, sandbox: { available: true } });
    const pending = env.service.requestAccess(codex, { ...request, network: ['registry.example.com'], writes: ['dist'] }, env.onProgress, env.signal);
    await flush();
    env.consent.answer(0, approve());
    const approved = await pending;
    const grantId = approved.status === 'approved' ? approved.grant.grantId : assert.fail('not approved');
    pins.change(['package.json']);
    const ran = await env.service.run(codex, { command: 'npm run deploy', grantId }, env.onProgress, env.signal);
    assert.ok(ran.status === 'refused' && ran.code === 'code-changed');
    // Policy decides on what the new grant would reach: an allow rule must cover these hosts and paths too.
    assert.deepEqual(env.policyRequests.at(-1)?.network, ['registry.example.com']);
    assert.deepEqual(env.policyRequests.at(-1)?.writes, [`${ROOT}/dist`]);
    assert.deepEqual(env.consent.requests.at(-1)?.network, ['registry.example.com']);
    assert.deepEqual(env.consent.requests.at(-1)?.writes, [`${ROOT}/dist`]);
  });

  it('denies an approval given after the code changed while the card was open', async () => {
    const pins = new FakePins();
    const env = setup({ pins });
    const pending = env.service.requestAccess(codex, request, env.onProgress, env.signal);
    await flush();
    pins.change(['package.json']);
    env.consent.answer(0, approve());
    const outcome = await pending;
    assert.ok(outcome.status === 'denied');
    assert.equal(outcome.code, 'code-changed');
    assert.match(outcome.message, /"package\.json"/);
    assert.equal(env.leases.active().length, 0);
    assert.equal(pins.taken[0]?.disposed, true);
  });

  it('grants nothing when what runs cannot be fingerprinted', async () => {
    const pins = new FakePins();
    pins.fail = true;
    const env = setup({ pins });
    const outcome = await env.service.requestAccess(codex, request, env.onProgress, env.signal);
    assert.ok(outcome.status === 'denied');
    assert.equal(outcome.code, 'code-unpinnable');
    assert.equal(env.consent.requests.length, 0);
  });

  it('pins policy-approved grants too', async () => {
    const pins = new FakePins();
    const env = setup({ pins, decision: { kind: 'allow', limits }, print: 'ok' });
    const outcome = await env.service.requestAccess(codex, request, env.onProgress, env.signal);
    assert.ok(outcome.status === 'approved');
    pins.change(['Makefile']);
    const ran = await env.service.run(codex, { command: 'npm run deploy', grantId: outcome.grant.grantId }, env.onProgress, env.signal);
    assert.ok(ran.status === 'refused' && ran.code === 'code-changed');
  });
});

describe('AccessService.runAsPerson (Run Command with Credentials…)', () => {
  it('runs with the values through the runner, scrubbed and audited, without a consent card, under a one-run grant for `person`', async () => {
    const env = setup({ print: `token=${CANARY}\n` });
    const outcome = await env.service.runAsPerson({ credentials: ['DEPLOY_TOKEN'], command: 'npm run deploy' }, env.signal);
    assert.equal(outcome.status, 'finished');
    assert.ok(outcome.status === 'finished' && !outcome.report.output.includes(CANARY), 'output is scrubbed');
    assert.equal(env.consent.requests.length, 0, 'no consent card');
    assert.equal(env.policyRequests.length, 0, 'policy rules are for agents');
    assert.deepEqual(env.runner.envSeen, { DEPLOY_TOKEN: CANARY });
    assert.equal(env.runner.specs[0]?.cwd, ROOT);
    // The grant's end is audited by the lease listener, so only the run's own lines have a fixed order.
    assert.deepEqual(env.audit.types().filter((type) => type !== 'grant-expired'), ['request', 'decision', 'grant-issued', 'run-started', 'run-finished']);
    assert.equal(env.audit.types().filter((type) => type === 'grant-expired').length, 1);
    const decision = env.audit.events[1];
    assert.ok(decision?.type === 'decision' && decision.by === 'person' && decision.client === 'person' && decision.maxRuns === 1);
    assert.deepEqual(env.leases.active(), [], 'the grant ended as the run took it');
    assert.ok(!JSON.stringify(env.audit.events).includes(CANARY));
  });

  it('runs with code pins wired: the person decides at the moment of the run, so there is no earlier approval to compare with', async () => {
    const pins = new FakePins();
    const env = setup({ pins, print: 'ok' });
    const outcome = await env.service.runAsPerson({ credentials: ['DEPLOY_TOKEN'], command: 'npm run deploy' }, env.signal);
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
    assert.equal(env.consent.requests.length, 0, 'nobody is re-asked');
    assert.ok(!env.audit.types().includes('grant-revoked'));
  });

  it("an agent can never use the person's grant (it belongs to a client no token maps to)", async () => {
    const env = setup();
    const personal = env.leases.issue({ requestId: 'r', client: 'person', credentials: ['DEPLOY_TOKEN'], command: 'npm run deploy', commandMatch: 'exact', cwd: ROOT, maxRuns: 1, durationSeconds: 60 });
    const outcome = await env.service.run(codex, { command: 'npm run deploy', grantId: personal.id }, env.onProgress, env.signal);
    assert.equal(outcome.status, 'refused');
    assert.ok(outcome.status === 'refused' && outcome.code === 'grant-not-found');
    assert.equal(env.runner.specs.length, 0);
    assert.deepEqual(env.service.activeGrants('codex'), []);
  });

  it('refuses in an untrusted workspace and when the audit cannot be written, before any value is read', async () => {
    const untrusted = setup({ trusted: false });
    assert.equal((await untrusted.service.runAsPerson({ credentials: ['DEPLOY_TOKEN'], command: 'x' }, untrusted.signal)).status, 'refused');
    assert.deepEqual(untrusted.resolved, []);
    const noAudit = setup();
    noAudit.audit.failOn = 'decision';
    const outcome = await noAudit.service.runAsPerson({ credentials: ['DEPLOY_TOKEN'], command: 'x' }, noAudit.signal);
    assert.ok(outcome.status === 'refused' && outcome.code === 'audit-unavailable');
    assert.deepEqual(noAudit.resolved, []);
    assert.deepEqual(noAudit.leases.active(), []);
  });
});
