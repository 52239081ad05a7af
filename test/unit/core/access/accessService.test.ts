import { strict as assert } from 'node:assert';
import { AccessService, type AccessDeps } from '../../../../src/core/access/accessService';
import type { AuditEvent, AuditSink } from '../../../../src/core/audit/events';
import type { ClientIdentity } from '../../../../src/core/clients';
import type { Consent, ConsentAnswer, ConsentLimits, ConsentRequest } from '../../../../src/core/consent/consent';
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

/** Consent that records requests and lets the test answer them. */
class FakeConsent implements Consent {
  readonly requests: ConsentRequest[] = [];
  private readonly answers: Array<(a: ConsentAnswer) => void> = [];
  readonly signals: AbortSignal[] = [];
  ask(request: ConsentRequest, signal: AbortSignal): Promise<ConsentAnswer> {
    this.requests.push(request);
    this.signals.push(signal);
    return new Promise((resolve) => this.answers.push(resolve));
  }
  answer(index: number, answer: ConsentAnswer): void {
    const resolve = this.answers[index];
    if (resolve === undefined) throw new Error(`no consent request #${index}`);
    resolve(answer);
  }
}

class FakeAudit implements AuditSink {
  readonly events: AuditEvent[] = [];
  failOn: AuditEvent['type'] | undefined;
  append(event: AuditEvent): Promise<void> {
    if (event.type === this.failOn) return Promise.reject(new Error('disk full'));
    this.events.push(event);
    return Promise.resolve();
  }
  types(): string[] {
    return this.events.map((e) => e.type);
  }
}

/** A runner that records the spec, checks the audit saw run-started first, and finishes when told. */
class FakeRunner implements Runner {
  readonly specs: RunSpec[] = [];
  readonly stops: AbortSignal[] = [];
  envSeen: Record<string, string> = {};
  private finishers: Array<(r: RunResult) => void> = [];
  constructor(
    private readonly audit: FakeAudit,
    private readonly print?: string,
  ) {}
  run(spec: RunSpec, stop: AbortSignal): Promise<RunResult> {
    assert.equal(this.audit.events.at(-1)?.type, 'run-started', 'run-started is audited before the spawn');
    this.specs.push(spec);
    this.stops.push(stop);
    this.envSeen = Object.fromEntries(spec.secrets.map((s) => [s.env, revealSecret(s.value, 'spawn')]));
    if (this.print !== undefined) {
      const stream = spec.redactor.stream();
      const output = stream.push(this.print) + stream.flush();
      return Promise.resolve({ exitCode: 0, signal: null, output, truncated: false, durationMs: 12 });
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
}

function setup(options: Options = {}) {
  const clock = new FakeClock();
  let n = 0;
  const newId = (): string => `id${++n}`;
  const leases = new LeaseManager(clock, newId);
  const audit = new FakeAudit();
  const consent = new FakeConsent();
  const runner = new FakeRunner(audit, options.print);
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
    credentials: () => [deploy, short],
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
  };
  const service = new AccessService(deps);
  const progress: string[] = [];
  const onProgress = (m: string): void => void progress.push(m);
  const signal = new AbortController().signal;
  return { clock, leases, audit, consent, runner, service, resolved, liveAdds, liveDisposed: () => liveDisposed, logs, progress, onProgress, signal, policyRequests };
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
