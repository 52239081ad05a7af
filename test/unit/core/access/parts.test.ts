import { strict as assert } from 'node:assert';
import { AuditTrail } from '../../../../src/core/access/auditTrail';
import { lookupCredentials } from '../../../../src/core/access/credentialLookup';
import { GrantPins } from '../../../../src/core/access/grantPins';
import { Requests, type RequestsDeps } from '../../../../src/core/access/requests';
import { Runs, type RunsDeps } from '../../../../src/core/access/runs';
import { WorkspaceScope, type WorkspacePort } from '../../../../src/core/access/workspaceScope';
import type { AuditEvent } from '../../../../src/core/audit/events';
import type { ClientIdentity } from '../../../../src/core/clients';
import type { Consent, ConsentAnswer, ConsentLimits } from '../../../../src/core/consent/consent';
import type { Credential } from '../../../../src/core/credentials';
import { LeaseManager } from '../../../../src/core/grants/leaseManager';
import type { Log } from '../../../../src/core/log';
import type { CodePin, CodePins } from '../../../../src/core/pin/pin';
import { createRedactor } from '../../../../src/core/redaction/redactor';
import type { Runner } from '../../../../src/core/runner/runSpec';
import { SecretValue } from '../../../../src/core/secrets/secretValue';
import { FakeClock } from '../grants/fakeClock';

const codex: ClientIdentity = { id: 'codex', sessionId: 's1' };
const limits: ConsentLimits = { defaultDurationSeconds: 900, maxDurationSeconds: 3600, maxRuns: null, allowPrefix: false };
const deploy: Credential = { name: 'DEPLOY_TOKEN', description: '', env: 'DEPLOY_TOKEN', origin: 'user', source: { kind: 'op-env', raw: 'op-env://e/DEPLOY', environmentId: 'e', variable: 'DEPLOY' } };
const other: Credential = { ...deploy, name: 'OTHER', env: 'OTHER', source: { kind: 'secret', raw: 'secret:OTHER', name: 'OTHER' } };
const same: Credential = { ...other, name: 'SAME', env: 'DEPLOY_TOKEN' };
const noLog: Log = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const unexpected = (what: string) => (): never => {
  throw new Error(`unexpected call: ${what}`);
};

class RecordingSink {
  readonly events: AuditEvent[] = [];
  failing = false;
  append(event: AuditEvent): Promise<void> {
    if (this.failing) return Promise.reject(new Error('disk full'));
    this.events.push(event);
    return Promise.resolve();
  }
}

const workspace = (over: Partial<WorkspacePort> = {}): WorkspacePort => ({
  trusted: () => true,
  folders: () => ['/work/app'],
  realpath: (cwd) => Promise.resolve(cwd.startsWith('/') ? cwd : `/work/app/${cwd}`),
  ...over,
});

describe('access parts', () => {
  describe('WorkspaceScope', () => {
    it('refuses an untrusted workspace before touching any path', async () => {
      const scope = new WorkspaceScope(workspace({ trusted: () => false, realpath: unexpected('realpath') }));
      const out = await scope.resolve('/work/app');
      assert.ok(!out.ok && out.code === 'workspace-not-trusted');
    });

    it('resolves the default and relative cwd; refuses no folder, NUL, missing and outside', async () => {
      assert.deepEqual(await new WorkspaceScope(workspace()).resolve(undefined), { ok: true, value: '/work/app' });
      assert.deepEqual(await new WorkspaceScope(workspace()).resolve('src'), { ok: true, value: '/work/app/src' });
      const code = async (port: WorkspacePort, cwd?: string) => {
        const out = await new WorkspaceScope(port).resolve(cwd);
        return out.ok ? 'ok' : out.code;
      };
      assert.equal(await code(workspace({ folders: () => [] })), 'no-workspace');
      assert.equal(await code(workspace(), 'a\0b'), 'invalid-cwd');
      assert.equal(await code(workspace({ realpath: () => Promise.resolve(undefined) }), 'gone'), 'cwd-not-found');
      assert.equal(await code(workspace(), '/work/app2'), 'cwd-outside-workspace');
      assert.equal(await code(workspace(), '/work/app/..cache'), 'ok');
    });

    it('a sibling folder whose name is the workspace name plus a backslash is outside (POSIX)', async () => {
      // On POSIX "app\evil" is a sibling of "app"; treating "\" as a separator let it pass as inside.
      const out = await new WorkspaceScope(workspace()).resolve('/work/app\\evil');
      assert.ok(!out.ok && out.code === 'cwd-outside-workspace');
    });
  });

  describe('lookupCredentials', () => {
    it('returns the credentials in order; refuses an unknown name and two that set the same variable', () => {
      const found = lookupCredentials([deploy, other, same], ['OTHER', 'DEPLOY_TOKEN']);
      assert.ok(found.ok);
      assert.deepEqual(found.value.map((c) => c.name), ['OTHER', 'DEPLOY_TOKEN']);
      const unknown = lookupCredentials([deploy], ['NOPE']);
      assert.ok(!unknown.ok && unknown.code === 'unknown-credential');
      const clash = lookupCredentials([deploy, other, same], ['DEPLOY_TOKEN', 'SAME']);
      assert.ok(!clash.ok && clash.code === 'env-conflict' && clash.message.includes('"DEPLOY_TOKEN"'));
    });
  });

  describe('AuditTrail', () => {
    it('writes each event once and reports false (never throws) when the sink fails', async () => {
      const sink = new RecordingSink();
      const logs: string[] = [];
      const trail = new AuditTrail(sink, { ...noLog, error: (m) => logs.push(m) });
      assert.equal(await trail.request('r1', { ...codex, claimedName: 'x' }, ['A'], 'make', '/w', 'why'), true);
      assert.equal(await trail.denied('r1', 'codex', 'policy', 'cwd-outside-workspace'), true);
      assert.deepEqual(sink.events, [
        { type: 'request', requestId: 'r1', client: 'codex', claimedClient: 'x', credentials: ['A'], command: 'make', cwd: '/w', reason: 'why' },
        { type: 'decision', requestId: 'r1', client: 'codex', decision: 'denied', by: 'policy', detail: 'cwd-outside-workspace' },
      ]);
      sink.failing = true;
      assert.equal(await trail.runRefused('codex', 'make', '/w', 'no-grant'), false);
      assert.match(logs[0] ?? '', /run-refused/);
    });
  });

  describe('Requests', () => {
    const setup = (answer: ConsentAnswer) => {
      const clock = new FakeClock();
      let n = 0;
      const newId = (): string => `id${++n}`;
      const leases = new LeaseManager(clock, newId);
      const sink = new RecordingSink();
      const stores: string[] = [];
      const consent: Consent = {
        ask: (request) => {
          stores.push(...request.credentials.map((c) => c.store));
          return Promise.resolve(answer);
        },
      };
      const deps: RequestsDeps = {
        seal: () => Promise.resolve({ kind: 'unsealed', reason: () => 'Not sealed: test.' }),
        clock,
        trail: new AuditTrail(sink, noLog),
        consent,
        leases,
        credentials: () => [deploy],
        decide: () => ({ kind: 'ask', limits }),
        limits: () => ({ consentTimeoutSeconds: 120, agentWaitSeconds: 45 }),
        folders: () => ['/work/app'],
        pins: new GrantPins(undefined, noLog),
        newId,
      };
      return { requests: new Requests(deps), leases, sink, stores };
    };
    const input = { credentials: ['DEPLOY_TOKEN'], command: 'make deploy', cwd: '/work/app', reason: '' };

    it('clamps every approval to the limits, even a malformed one (NaN duration, zero runs, prefix not allowed)', async () => {
      const env = setup({ decision: 'approved', durationSeconds: Number.NaN, maxRuns: 0, commandMatch: 'prefix' });
      const out = await env.requests.ask(codex, input, () => {}, new AbortController().signal);
      assert.ok(out.status === 'approved', JSON.stringify(out));
      const grant = env.leases.get(out.grant.grantId);
      assert.ok(grant);
      assert.ok(Number.isFinite(grant.expiresAt) && grant.expiresAt - grant.issuedAt <= limits.maxDurationSeconds * 1000, 'the grant expires');
      assert.equal(grant.maxRuns, 1);
      assert.equal(grant.commandMatch, 'exact');
    });

    it('shows the card the same store label the agent sees, and audits an empty reason as "(no reason given)"', async () => {
      const env = setup({ decision: 'denied', reason: 'person', blockClient: false });
      const out = await env.requests.ask(codex, input, () => {}, new AbortController().signal);
      assert.ok(out.status === 'denied' && out.code === 'denied-by-person');
      assert.deepEqual(env.stores, ['1Password Environment']);
      assert.deepEqual(
        env.sink.events.map((e) => (e.type === 'request' ? e.reason : e.type === 'decision' ? `${e.decision}:${e.by}` : e.type)),
        ['(no reason given)', 'denied:person'],
      );
    });

    it('a refusal before policy is still one request + decision pair, with the code as detail', async () => {
      const env = setup({ decision: 'denied', reason: 'person', blockClient: false });
      const out = await env.requests.refuse(codex, { ...input, cwd: undefined }, 'workspace-not-trusted', 'no');
      assert.ok(out.status === 'denied' && out.code === 'workspace-not-trusted');
      assert.deepEqual(env.sink.events.map((e) => e.type), ['request', 'decision']);
      assert.ok(env.sink.events[1]?.type === 'decision' && env.sink.events[1].detail === 'workspace-not-trusted');
    });
  });

  describe('Runs', () => {
    it('refuses a value too short to scrub with checkRedactable\'s code and message, and disposes it', async () => {
      const clock = new FakeClock();
      const leases = new LeaseManager(clock);
      const sink = new RecordingSink();
      const values: SecretValue[] = [];
      const runner: Runner = { run: unexpected('run') };
      const deps: RunsDeps = {
        seal: () => Promise.resolve({ kind: 'unsealed', reason: () => 'Not sealed: test.' }),
        folderOf: () => '/w',
        clock,
        trail: new AuditTrail(sink, noLog),
        log: noLog,
        leases,
        credentials: () => [deploy],
        stores: {
          resolveAll: (refs) => {
            const value = new SecretValue('1234567');
            values.push(value);
            return Promise.resolve(new Map(refs.map((r) => [r.raw, { ok: true as const, value }])));
          },
        },
        limits: () => ({ killOnExpiry: true, outputLimitKiB: 64, maxRunTimeoutSeconds: 60 }),
        redactor: (secrets) => createRedactor(secrets),
        live: { add: unexpected('live.add') },
        runner,
        pins: new GrantPins(undefined, noLog),
        codeChanged: unexpected('codeChanged'),
        newId: () => 'run1',
      };
      const grant = leases.issue({ requestId: 'r', client: 'codex', credentials: ['DEPLOY_TOKEN'], command: 'make', commandMatch: 'exact', cwd: '/w', durationSeconds: 60, maxRuns: 1 });
      const out = await new Runs(deps).start(codex, grant, { client: 'codex', command: 'make', cwd: '/w' }, undefined, new AbortController().signal);
      assert.ok(out.status === 'refused' && out.code === 'secret-too-short');
      assert.match(out.message, /"DEPLOY_TOKEN" is shorter than 8 characters/);
      assert.ok(!out.message.includes('1234567'));
      assert.ok(values.every((v) => !v.alive));
      assert.equal(leases.get(grant.id)?.runsUsed, 0, 'no run was taken from the grant');
      assert.deepEqual(sink.events.map((e) => (e.type === 'run-refused' ? e.code : e.type)), ['secret-too-short']);
    });
  });

  describe('GrantPins', () => {
    const pin = (check: () => Promise<{ paths: readonly string[] } | undefined>) => {
      const state = { disposed: 0, during: 0 };
      const value: CodePin = {
        check,
        during: (run) => {
          state.during++;
          return run();
        },
        dispose: () => void state.disposed++,
      };
      return { value, state };
    };
    const source = (taken: CodePin | Error): CodePins => ({ take: () => (taken instanceof Error ? Promise.reject(taken) : Promise.resolve(taken)) });

    it('without a source nothing is pinned and nothing ever counts as changed', async () => {
      const pins = new GrantPins(undefined, noLog);
      assert.deepEqual(await pins.take('make', '/w'), { ok: true, value: undefined });
      assert.equal(await pins.check('g1'), undefined);
      assert.equal(await pins.during('g1', () => Promise.resolve(7)), 7);
    });

    it('a pin that cannot be taken refuses with code-unpinnable; a grant without a pin, or a check that fails, counts as changed', async () => {
      const errors: string[] = [];
      const pins = new GrantPins(source(new Error('git hung')), { ...noLog, error: (m) => void errors.push(m) });
      const taken = await pins.take('make deploy', '/w');
      assert.ok(!taken.ok && taken.code === 'code-unpinnable');
      assert.match(errors[0] ?? '', /git hung/);
      assert.deepEqual(await pins.check('unknown'), { paths: ['(no fingerprint for this grant)'] });
      const broken = pin(() => Promise.reject(new Error('gone')));
      pins.keep('g1', broken.value);
      assert.deepEqual(await pins.check('g1'), { paths: ['(the fingerprint could not be re-taken)'] });
      assert.deepEqual(await pins.recheck(broken.value), { paths: ['(the fingerprint could not be re-taken)'] });
    });

    it('the grant keeps its pin: runs happen inside it, and it is disposed once when the grant is forgotten or at shutdown', async () => {
      const a = pin(() => Promise.resolve(undefined));
      const b = pin(() => Promise.resolve({ paths: ['deploy.js'] }));
      const pins = new GrantPins(source(a.value), noLog);
      pins.keep('g1', a.value);
      pins.keep('g2', b.value);
      assert.equal(await pins.check('g1'), undefined);
      assert.deepEqual(await pins.check('g2'), { paths: ['deploy.js'] });
      assert.equal(await pins.during('g1', () => Promise.resolve('ran')), 'ran');
      assert.equal(a.state.during, 1);
      pins.forget('g1');
      pins.forget('g1');
      assert.equal(a.state.disposed, 1);
      pins.dispose();
      assert.equal(b.state.disposed, 1);
    });
  });

  describe('AuditTrail', () => {
    it('a code-changed revoke is audited once, by codeChanged, with what changed', async () => {
      const clock = new FakeClock();
      const leases = new LeaseManager(clock);
      const sink = new RecordingSink();
      const trail = new AuditTrail(sink, noLog);
      const written: (Promise<boolean> | undefined)[] = [];
      leases.onEvent((event) => written.push(trail.leaseEvent(event)));
      const grant = leases.issue({ requestId: 'r', client: 'codex', credentials: ['DEPLOY_TOKEN'], command: 'make', commandMatch: 'exact', cwd: '/w', durationSeconds: 60, maxRuns: 1 });
      leases.revoke(grant.id, 'code-changed');
      await Promise.all(written.filter((p): p is Promise<boolean> => p !== undefined));
      assert.equal(sink.events.length, 0, 'the lease event alone writes nothing');
      await trail.codeChanged(grant.id, '"deploy.js"');
      assert.deepEqual(sink.events, [{ type: 'grant-revoked', grantId: grant.id, by: 'code-changed', detail: '"deploy.js"' }]);
    });
  });
});
