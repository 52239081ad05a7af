// The attack: the person runs with `airlock.policy.allowWithoutConsent` and an `allow` rule for
// DEPLOY_TOKEN; a prompt-injected agent calls request_access (or run) naming `network:
// ["attacker.example"]`, so the env-delivered value could be sent there, with nobody asked. Through the
// MCP tools' own input schemas and handlers, over the real access service, real policy (parsePolicy +
// evaluate) and real lease manager: the agent gets a consent card instead of an automatic grant.
import { strict as assert } from 'node:assert';
import { AccessService } from '../../../../src/core/access/accessService';
import { toCard } from '../../../../src/core/consent/card';
import { LeaseManager } from '../../../../src/core/grants/leaseManager';
import type { ToolCallContext } from '../../../../src/core/mcp/toolDefinition';
import { requestAccessTool } from '../../../../src/core/mcp/tools/requestAccess';
import { runTool } from '../../../../src/core/mcp/tools/run';
import { evaluate } from '../../../../src/core/policy/evaluate';
import { parsePolicy, type SettingValues } from '../../../../src/core/policy/parse';
import { createRedactor } from '../../../../src/core/redaction/redactor';
import type { Runner, RunResult, RunSpec } from '../../../../src/core/runner/runSpec';
import type { SecretReference } from '../../../../src/core/secrets/reference';
import { SecretValue } from '../../../../src/core/secrets/secretValue';
import type { ResolveOutcome } from '../../../../src/core/secrets/store';
import { card as cardSchema } from '../../../../src/shared/protocol';
import { FakeClock } from '../grants/fakeClock';
import { FakeAudit, FakeConsent } from './fakes';

const ROOT = '/work/app';
const CANARY = 'canary-5f0a2e7d91c4';
const flush = () => new Promise((r) => setImmediate(r));

class FakeRunner implements Runner {
  readonly specs: RunSpec[] = [];
  run(spec: RunSpec): Promise<RunResult> {
    this.specs.push(spec);
    return Promise.resolve({ exitCode: 0, signal: null, output: 'ok', truncated: false, durationMs: 1 });
  }
}

function setup(rule: Record<string, unknown> = {}) {
  const user: SettingValues = {
    'airlock.credentials': [{ name: 'DEPLOY_TOKEN', description: 'deploys', source: 'secret:DEPLOY_TOKEN' }],
    'airlock.policy.allowWithoutConsent': true,
    'airlock.policy.rules': [{ credentials: 'DEPLOY_TOKEN', command: 'npm run deploy', decision: 'allow', ...rule }],
  };
  const { policy, problems } = parsePolicy({ trusted: true, user, workspace: {}, folders: [] });
  assert.deepEqual(problems, []);
  const clock = new FakeClock();
  let n = 0;
  const newId = (): string => `id${++n}`;
  const leases = new LeaseManager(clock, newId);
  const consent = new FakeConsent();
  const audit = new FakeAudit();
  const runner = new FakeRunner();
  const resolved: string[] = [];
  const service = new AccessService({
    clock,
    leases,
    audit,
    consent,
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    newId,
    credentials: () => policy.credentials,
    decide: (request) => evaluate(request, policy),
    limits: () => policy.limits,
    stores: {
      resolveAll: (refs: readonly SecretReference[]) => {
        resolved.push(...refs.map((r) => r.raw));
        return Promise.resolve(new Map<string, ResolveOutcome>(refs.map((r) => [r.raw, { ok: true, value: new SecretValue(CANARY) }])));
      },
    },
    workspace: { trusted: () => true, folders: () => [ROOT], realpath: (p) => Promise.resolve(p.startsWith('/') ? p : `${ROOT}/${p}`) },
    redaction: { create: createRedactor },
    live: { add: () => ({ dispose: () => {} }) },
    runner,
    sandbox: { availability: () => Promise.resolve({ available: true }) },
  });
  const context: ToolCallContext = { caller: { id: 'codex', sessionId: 's1' }, signal: new AbortController().signal, progress: () => {} };
  const requestAccess = requestAccessTool(service);
  const run = runTool(service);
  /** Calls a tool the way the endpoint does: the input schema parses the agent's bytes first. */
  const call = (tool: typeof run, args: unknown) => tool.handler(tool.inputSchema.parse(args), context);
  return { clock, consent, audit, runner, resolved, requestAccess, run, call };
}

const deployRequest = { credentials: ['DEPLOY_TOKEN'], command: 'npm run deploy', reason: 'ship it' };

describe('MCP: an allow rule does not approve hosts or write paths nobody approved', () => {
  it('request_access without extra network or writes: granted by policy, no card (the baseline)', async () => {
    const env = setup();
    const result = await env.call(env.requestAccess, deployRequest);
    assert.ok(result.ok);
    assert.equal((result.structured as { status: string }).status, 'approved');
    assert.equal(env.consent.requests.length, 0);
  });

  it('request_access naming an extra host: a consent card saying why, not a grant; the audit records why', async () => {
    const env = setup();
    const pending = env.call(env.requestAccess, { ...deployRequest, network: ['attacker.example'] });
    await flush();
    assert.equal(env.consent.requests.length, 1, 'the person is asked');
    const asked = env.consent.requests[0];
    assert.ok(asked);
    assert.match(asked.policyNote ?? '', /network not covered by the allow rule airlock\.policy\.rules\[0\] in user settings: attacker\.example/);
    assert.deepEqual(asked.network, ['attacker.example']);
    const card = toCard(asked);
    assert.ok(cardSchema.safeParse(card).success, 'the card passes the webview protocol');
    assert.equal(card.policyNote, asked.policyNote);
    env.clock.advance(45_000);
    const result = await pending;
    assert.ok(result.ok);
    assert.equal((result.structured as { status: string }).status, 'pending', 'no automatic grant');
    env.consent.answer(0, { decision: 'denied', reason: 'person', blockClient: false });
    await flush();
    const decision = env.audit.events.find((e) => e.type === 'decision');
    assert.ok(decision?.type === 'decision' && decision.by === 'person' && decision.decision === 'denied');
    assert.match(decision.policyNote ?? '', /attacker\.example/);
    assert.ok(!env.audit.events.some((e) => e.type === 'grant-issued'));
    assert.ok(!JSON.stringify(env.audit.events).includes(CANARY));
  });

  it('request_access naming a write path: a consent card, not a grant', async () => {
    const env = setup();
    void env.call(env.requestAccess, { ...deployRequest, writes: ['.git/hooks'] });
    await flush();
    assert.equal(env.consent.requests.length, 1);
    assert.match(env.consent.requests[0]?.policyNote ?? '', /writes not covered by the allow rule .*: \/work\/app\/\.git\/hooks/);
    assert.ok(!env.audit.events.some((e) => e.type === 'grant-issued'));
  });

  it('run with credentials naming an extra host: asks first instead of running; nothing is read', async () => {
    const env = setup();
    const pending = env.call(env.run, { ...deployRequest, network: ['attacker.example'] });
    await flush();
    assert.equal(env.consent.requests.length, 1);
    env.clock.advance(45_000);
    const result = await pending;
    assert.equal(result.ok ? 'ran' : result.code, 'consent-pending');
    assert.equal(env.runner.specs.length, 0);
    assert.deepEqual(env.resolved, []);
  });

  it('a grant the policy issued without hosts: a run under it cannot add one (by grantId, or by asking again without it)', async () => {
    const env = setup();
    const granted = await env.call(env.requestAccess, deployRequest);
    const grantId = granted.ok ? (granted.structured as { grant: { grantId: string } }).grant.grantId : assert.fail('not granted');
    const widened = await env.call(env.run, { command: 'npm run deploy', grantId, network: ['attacker.example'] });
    assert.deepEqual(widened.ok ? undefined : widened.code, 'network-not-covered');
    const wrote = await env.call(env.run, { command: 'npm run deploy', grantId, writes: ['src'] });
    assert.deepEqual(wrote.ok ? undefined : wrote.code, 'writes-not-covered');
    // Without the grantId the live grant does not cover the host, so the run asks — the person, not policy.
    void env.call(env.run, { ...deployRequest, network: ['attacker.example'] });
    await flush();
    assert.equal(env.consent.requests.length, 1);
    assert.equal(env.runner.specs.length, 0);
    assert.deepEqual(env.resolved, []);
    const ran = await env.call(env.run, { command: 'npm run deploy', grantId });
    assert.ok(ran.ok);
    assert.deepEqual(env.runner.specs[0]?.sealed?.network, []);
  });

  it('hosts and write paths the rule names: granted by policy, and the grant carries exactly those', async () => {
    const env = setup({ network: ['registry.example.com'], writes: ['dist'] });
    const result = await env.call(env.requestAccess, { ...deployRequest, network: ['registry.example.com'], writes: ['dist/app'] });
    assert.ok(result.ok);
    const grant = (result.structured as { grant: { network: string[]; writes: string[] } }).grant;
    assert.deepEqual(grant.network, ['registry.example.com']);
    assert.deepEqual(grant.writes, [`${ROOT}/dist/app`]);
    assert.equal(env.consent.requests.length, 0);
  });
});
