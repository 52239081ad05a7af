// Faults, with real components in plain Node and fakes only where a real one needs VS Code: a store that
// is locked, offline or never answers (timeouts honoured, clear errors, no value); the consent panel
// closing with requests pending; shutdown in the middle of a run (the child's process group is killed, the
// audit records the run as incomplete); an audit log that cannot be written (runs refused, not unaudited).
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditFile } from '../../../src/adapters/node/auditFile';
import { killGroup, spawnWithSecrets } from '../../../src/adapters/node/spawnWithSecrets';
import { AccessService, type AccessDeps } from '../../../src/core/access/accessService';
import type { AuditEvent, AuditSink } from '../../../src/core/audit/events';
import { systemClock } from '../../../src/core/clock';
import type { ClientIdentity } from '../../../src/core/clients';
import type { Consent } from '../../../src/core/consent/consent';
import { ConsentQueue } from '../../../src/core/consent/consentQueue';
import { LeaseManager } from '../../../src/core/grants/leaseManager';
import { silentLog } from '../../../src/core/log';
import { evaluate } from '../../../src/core/policy/evaluate';
import { parsePolicy } from '../../../src/core/policy/parse';
import { createRedactor } from '../../../src/core/redaction/redactor';
import type { RunResult, RunSpec } from '../../../src/core/runner/runSpec';
import type { SecretReference } from '../../../src/core/secrets/reference';
import { SecretValue } from '../../../src/core/secrets/secretValue';
import type { ResolveOutcome, SecretStore } from '../../../src/core/secrets/store';
import { StoreRouter } from '../../../src/core/secrets/storeRouter';
import { findLeaks, makeCanary } from '../../support/canary';
import { isAlive } from '../../support/process';
import { recordFigures } from '../support/figures';

const canary = makeCanary('fault');
const codex: ClientIdentity = { id: 'codex', sessionId: 'faults' };
const folder = mkdtempSync(join(tmpdir(), 'airlock-faults-'));
const signal = new AbortController().signal;
const noProgress = (): void => undefined;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits for `done()`, checking every 20 ms; `hangGuardMs` only stops a hang (the caller's assertion judges). */
const until = async (done: () => boolean, hangGuardMs = 20_000): Promise<void> => {
  const deadline = Date.now() + hangGuardMs;
  while (!done() && Date.now() < deadline) await sleep(20);
};
const figures = { faults: 0, handled: 0 };
const handled = (ok: boolean): void => {
  figures.faults++;
  if (ok) figures.handled++;
};

/** A store that behaves as told. */
const storeThat = (behaviour: 'locked' | 'offline' | 'hang' | 'throw' | 'value'): SecretStore => ({
  kinds: ['secret'],
  label: 'Test store',
  resolveAll: (refs: readonly SecretReference[]) => {
    if (behaviour === 'hang') return new Promise(() => undefined);
    if (behaviour === 'throw') return Promise.reject(new Error(`boom ${canary}`));
    const map = new Map<string, ResolveOutcome>();
    for (const ref of refs) {
      map.set(ref.raw, behaviour === 'value' ? { ok: true, value: new SecretValue(canary) } : { ok: false, code: behaviour, message: behaviour === 'locked' ? 'The store is locked.' : 'The store is offline.' });
    }
    return Promise.resolve(map);
  },
});

/** A runner on the real spawn adapter: `sh -c command`, killed by process group when `stop` aborts. */
const spawnRunner = (pids: number[]) => ({
  run(spec: RunSpec, stop: AbortSignal): Promise<RunResult> {
    const started = Date.now();
    const child = spawnWithSecrets({ command: spec.command, cwd: spec.cwd, shell: '/bin/sh', secrets: spec.secrets });
    if (child.pid !== undefined) pids.push(child.pid);
    stop.addEventListener('abort', () => killGroup(child, 'SIGKILL'));
    const scrub = spec.redactor.stream();
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += scrub.push(c.toString())));
    child.stderr.on('data', (c: Buffer) => (output += scrub.push(c.toString())));
    return new Promise((resolve) =>
      child.on('close', (exitCode, sig) => resolve({ exitCode, signal: sig, output: output + scrub.flush(), truncated: false, durationMs: Date.now() - started })),
    );
  },
});

function service(options: { store: SecretStore; audit: AuditSink; consent?: Consent; storeTimeoutMs?: number; pids?: number[] }) {
  const policy = parsePolicy({
    trusted: true,
    user: {
      'airlock.credentials': [{ name: 'DEPLOY_TOKEN', source: 'secret:DEPLOY_TOKEN' }],
      'airlock.policy.allowWithoutConsent': true,
      'airlock.policy.rules': [{ credentials: 'DEPLOY_TOKEN', command: 'sleep 30', decision: 'allow' }, { credentials: 'DEPLOY_TOKEN', command: 'echo ok', decision: 'allow' }],
      'airlock.consent.agentWaitSeconds': 5,
    },
    workspace: {},
    folders: [],
  }).policy;
  const router = new StoreRouter([{ store: options.store, timeoutMs: () => options.storeTimeoutMs ?? 30_000 }], systemClock, silentLog);
  const deps: AccessDeps = {
    clock: systemClock,
    leases: new LeaseManager(systemClock),
    audit: options.audit,
    consent: options.consent ?? { ask: () => Promise.resolve({ decision: 'denied', reason: 'person', blockClient: false }) },
    log: silentLog,
    credentials: () => policy.credentials,
    decide: (request) => evaluate(request, policy),
    limits: () => policy.limits,
    stores: router,
    workspace: { trusted: () => true, folders: () => [folder], realpath: (cwd) => Promise.resolve(cwd.startsWith('/') ? cwd : join(folder, cwd)) },
    redaction: { create: (s) => createRedactor(s) },
    live: { add: () => ({ dispose() {} }) },
    runner: spawnRunner(options.pids ?? []),
  };
  return new AccessService(deps);
}

const memoryAudit = () => {
  const events: AuditEvent[] = [];
  return { events, append: (e: AuditEvent) => (events.push(e), Promise.resolve()) };
};

describe('faults (real components in plain Node)', function () {
  this.timeout(60_000);
  after(() => recordFigures('faults (plain Node)', figures));

  for (const behaviour of ['locked', 'offline', 'throw'] as const) {
    it(`store ${behaviour}: the run is refused with a clear message naming no value`, async () => {
      const s = service({ store: storeThat(behaviour), audit: memoryAudit() });
      const outcome = await s.run(codex, { command: 'echo ok', credentials: ['DEPLOY_TOKEN'] }, noProgress, signal);
      s.dispose();
      const ok = outcome.status === 'refused' && outcome.message.length > 10 && findLeaks(JSON.stringify(outcome), [canary]).length === 0;
      handled(ok);
      assert.ok(ok, JSON.stringify(outcome));
    });
  }

  it('store never answers: the store timeout is honoured', async () => {
    const s = service({ store: storeThat('hang'), audit: memoryAudit(), storeTimeoutMs: 1_000 });
    const started = Date.now();
    const outcome = await s.run(codex, { command: 'echo ok', credentials: ['DEPLOY_TOKEN'] }, noProgress, signal);
    const ms = Date.now() - started;
    s.dispose();
    // The verdict is the refusal and its reason; 30 s only says "did not hang" on a loaded machine.
    const ok = outcome.status === 'refused' && ms < 30_000 && /did not answer|timeout/i.test(outcome.message + (outcome.status === 'refused' ? outcome.code : ''));
    handled(ok);
    assert.ok(ok, `${ms} ms: ${JSON.stringify(outcome)}`);
  });

  it('consent panel closed with a request pending: the agent is told it was denied', async () => {
    const queue = new ConsentQueue(systemClock, silentLog);
    const s = service({ store: storeThat('value'), audit: memoryAudit(), consent: queue });
    // Close the panel once the request is in it (the queue's own change event), not after a fixed time.
    const inPanel = new Promise<void>((resolve) => {
      const stop = queue.onDidChange(() => {
        if (queue.pending().length > 0) {
          stop();
          resolve();
        }
      });
    });
    const asked = s.requestAccess(codex, { credentials: ['DEPLOY_TOKEN'], command: 'npm run deploy', reason: 'faults' }, noProgress, signal);
    await inPanel;
    queue.closeAll('panel-closed');
    const outcome = await asked;
    s.dispose();
    const ok = outcome.status === 'denied';
    handled(ok);
    assert.ok(ok, JSON.stringify(outcome));
  });

  it('shutdown mid-run: the child process group is killed and the audit records the run as incomplete', async () => {
    const audit = memoryAudit();
    const pids: number[] = [];
    const s = service({ store: storeThat('value'), audit, pids });
    const running = s.run(codex, { command: 'sleep 30', credentials: ['DEPLOY_TOKEN'] }, noProgress, signal);
    await until(() => pids.length > 0);
    assert.equal(pids.length, 1, 'the child started');
    s.dispose();
    const outcome = await Promise.race([running, sleep(30_000).then(() => 'hang' as const)]);
    const pid = pids[0]!;
    await until(() => !isAlive(pid));
    const ok = outcome !== 'hang' && !isAlive(pid) && audit.events.some((e) => e.type === 'run-incomplete');
    handled(ok);
    assert.ok(ok, `outcome ${JSON.stringify(outcome)}, child alive ${isAlive(pid)}, audit ${audit.events.map((e) => e.type).join(',')}`);
  });

  it('audit log cannot be written: the run is refused rather than unaudited, and nothing is spawned', async () => {
    // A file where the audit directory should be: unwritable even for root.
    const blocker = join(folder, 'not-a-dir');
    writeFileSync(blocker, 'x');
    const audit = new AuditFile({ dir: join(blocker, 'audit'), maxFileBytes: () => 1 << 20, scrub: (t) => t });
    const pids: number[] = [];
    const s = service({ store: storeThat('value'), audit, pids });
    const outcome = await s.run(codex, { command: 'echo ok', credentials: ['DEPLOY_TOKEN'] }, noProgress, signal);
    s.dispose();
    const ok = outcome.status === 'refused' && pids.length === 0;
    handled(ok);
    assert.ok(ok, `${JSON.stringify(outcome)}; spawned ${pids.length}`);
  });

  it('the audit file written during these runs holds no value', async () => {
    const dir = join(folder, 'audit-ok');
    const audit = new AuditFile({ dir, maxFileBytes: () => 1 << 20, scrub: (t) => t });
    const s = service({ store: storeThat('value'), audit });
    const outcome = await s.run(codex, { command: 'echo ok', credentials: ['DEPLOY_TOKEN'] }, noProgress, signal);
    s.dispose();
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
    const read = (): string => (existsSync(dir) ? readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n') : '');
    await until(() => read().includes('run-finished'));
    const text = read();
    assert.ok(text.includes('run-finished'), text.slice(0, 300));
    assert.deepEqual(findLeaks(text, [canary]), []);
  });
});
