// Fuzzing every MCP tool in src/core/mcp/tools: arbitrary JSON and hostile-but-plausible arguments go
// through each tool's zod input schema (which must never throw), and parsed arguments go to the real
// handlers over the real AccessService, LeaseManager and redactor, with fakes only at the edges (store,
// consent, runner, audit). The store holds canary secrets and the fake runner prints them in every
// encoding; no canary form may appear in any result, error, progress message, audit event or log line.
import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { AccessService, type AccessDeps } from '../../../src/core/access/accessService';
import type { AuditEvent } from '../../../src/core/audit/events';
import { CLIENT_IDS, type ClientIdentity } from '../../../src/core/clients';
import type { ConsentAnswer, ConsentRequest } from '../../../src/core/consent/consent';
import type { Credential } from '../../../src/core/credentials';
import { LeaseManager } from '../../../src/core/grants/leaseManager';
import type { Log } from '../../../src/core/log';
import { listCredentialsTool } from '../../../src/core/mcp/tools/listCredentials';
import { listGrantsTool } from '../../../src/core/mcp/tools/listGrants';
import { awaitAccessTool } from '../../../src/core/mcp/tools/awaitAccess';
import { requestAccessTool } from '../../../src/core/mcp/tools/requestAccess';
import { requestSecretEntryTool } from '../../../src/core/mcp/tools/requestSecretEntry';
import { revokeTool } from '../../../src/core/mcp/tools/revoke';
import { runTool } from '../../../src/core/mcp/tools/run';
import type { AnyToolDefinition, ToolCallContext } from '../../../src/core/mcp/toolDefinition';
import { evaluate } from '../../../src/core/policy/evaluate';
import { parsePolicy } from '../../../src/core/policy/parse';
import { LiveSecrets } from '../../../src/core/redaction/liveSecrets';
import { createRedactor } from '../../../src/core/redaction/redactor';
import type { RunResult, RunSpec } from '../../../src/core/runner/runSpec';
import { revealSecret, SecretValue } from '../../../src/core/secrets/secretValue';
import type { ResolveOutcome } from '../../../src/core/secrets/store';
import { canaryForms, findLeaks, makeCanary } from '../../support/canary';
import { FakeClock } from '../../unit/core/grants/fakeClock';
import { fuzzRuns, recordFigures } from '../support/figures';

const ROOT = '/work/fuzz-app';
const CANARIES = { DEPLOY_TOKEN: makeCanary('deploy'), NPM_TOKEN: makeCanary('npm'), STRIPE_KEY: makeCanary('stripe') };
const credentials: Credential[] = Object.keys(CANARIES).map((name) => ({
  name,
  description: `${name} for the fuzzer`,
  env: name,
  origin: 'user',
  source: { kind: 'secret', raw: `secret:${name}`, name },
}));
const policy = parsePolicy({
  trusted: true,
  user: {
    'airlock.credentials': credentials.map((c) => ({ name: c.name, source: c.source.raw })),
    'airlock.policy.rules': [{ credentials: 'STRIPE_KEY', command: 'printenv', decision: 'deny' }],
  },
  workspace: {},
  folders: [],
}).policy;

/** Everything an agent could see, collected per case. */
interface Surfaces {
  readonly texts: string[];
}

/** A world: the real service and tools over fakes at the edges; the fakes record what they saw. */
function world(answers: () => ConsentAnswer, surfaces: Surfaces) {
  const clock = new FakeClock();
  let n = 0;
  const newId = (): string => `id-${++n}`;
  const leases = new LeaseManager(clock, newId);
  const live = new LiveSecrets();
  const record = (text: string): void => void surfaces.texts.push(text);
  const log: Log = { debug: record, info: record, warn: record, error: record };
  const runner = {
    run(spec: RunSpec): Promise<RunResult> {
      // A command that prints every secret it was given, in every encoding, split across chunks.
      const stream = spec.redactor.stream();
      let output = '';
      for (const secret of spec.secrets) {
        const value = revealSecret(secret.value, 'spawn');
        for (const { text } of canaryForms(value)) {
          const mid = text.length >> 1;
          output += stream.push(`${secret.env}=\x1b[33m${text.slice(0, mid)}`) + stream.push(`${text.slice(mid)}\x1b[0m\n`);
        }
      }
      output += stream.flush();
      return Promise.resolve({ exitCode: 0, signal: null, output, truncated: false, durationMs: 3 });
    },
  };
  const deps: AccessDeps = {
    clock,
    leases,
    audit: { append: (event: AuditEvent) => (record(JSON.stringify(event)), Promise.resolve()) },
    consent: {
      ask: (request: ConsentRequest) => {
        record(JSON.stringify(request));
        return Promise.resolve(answers());
      },
    },
    log,
    newId,
    credentials: () => policy.credentials,
    decide: (request) => evaluate(request, policy),
    limits: () => policy.limits,
    stores: {
      resolveAll: (refs) => {
        const map = new Map<string, ResolveOutcome>();
        for (const ref of refs) {
          const value = (CANARIES as Record<string, string>)[ref.kind === 'secret' ? ref.name : ''];
          map.set(ref.raw, value === undefined ? { ok: false, code: 'not-found', message: 'No such secret.' } : { ok: true, value: new SecretValue(value) });
        }
        return Promise.resolve(map);
      },
    },
    workspace: {
      trusted: () => true,
      folders: () => [ROOT],
      realpath: (cwd) => Promise.resolve(cwd.startsWith('/') ? (cwd.includes('\0') ? undefined : cwd) : `${ROOT}/${cwd}`),
    },
    redaction: { create: (secrets) => createRedactor(secrets) },
    live: { add: (secrets) => live.add(secrets) },
    runner,
  };
  const service = new AccessService(deps);
  const tools: AnyToolDefinition[] = [
    listCredentialsTool({ credentials: () => policy.credentials.map((credential) => ({ credential, preview: 'ask' })), activeGrants: () => leases.active() }),
    listGrantsTool({ activeGrants: () => leases.active() }),
    requestAccessTool({ requestAccess: (c, i, p, s) => service.requestAccess(c, i, p, s) }),
    awaitAccessTool({ awaitAccess: (c, r, p, s) => service.awaitAccess(c, r, p, s) }),
    runTool({ run: (c, i, p, s) => service.run(c, i, p, s) }),
    revokeTool({ revoke: (c, g) => service.revoke(c, g) }),
    requestSecretEntryTool({ entry: { exists: () => Promise.resolve(false), ask: () => Promise.resolve('declined') }, log }),
  ];
  return { tools, service, live };
}

// ── arguments ───────────────────────────────────────────────────────────────────────────────────────

const hostileText = fc.oneof(
  fc.constantFrom(
    'npm run deploy', 'printenv', 'env', 'echo $DEPLOY_TOKEN', 'cat /proc/self/environ', '', ' ', '\0', 'a\0b',
    'line1\nline2', '\x1b[2J\x1b[31mAPPROVED\x1b[0m', '\u202egnp.exe', '../../../../etc/passwd', `${ROOT}/../..`, 'x'.repeat(20_000),
    '{"jsonrpc":"2.0"}', '<script>alert(1)</script>', '%00', '${DEPLOY_TOKEN}', 'all', 'id-1', 'id-2', 'id-3',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.anything({ maxDepth: 3 }));
const value = fc.oneof({ weight: 4, arbitrary: hostileText }, { weight: 1, arbitrary: anyJson }, { weight: 1, arbitrary: fc.integer() });
const names = fc.oneof(
  fc.array(fc.oneof(fc.constantFrom('DEPLOY_TOKEN', 'NPM_TOKEN', 'STRIPE_KEY', 'UNKNOWN', '*', '__proto__'), hostileText), { maxLength: 4 }),
  anyJson,
);
const cwd = fc.oneof(fc.constantFrom(ROOT, `${ROOT}/sub`, `${ROOT}/../etc`, '/etc', 'sub', '../..', `${ROOT}\0/x`, '~'), hostileText);
const toolArgs = fc.oneof(
  { weight: 5, arbitrary: fc.record(
    {
      credentials: names,
      command: value,
      cwd,
      reason: value,
      durationSeconds: fc.oneof(fc.integer({ min: -10, max: 10_000_000 }), anyJson),
      maxRuns: fc.oneof(fc.integer({ min: -10, max: 100_000 }), anyJson),
      grantId: value,
      requestId: value,
      timeoutSeconds: fc.oneof(fc.integer({ min: -10, max: 100_000 }), anyJson),
      name: value,
      description: value,
      env: fc.oneof(fc.constantFrom('PATH', 'LD_PRELOAD', 'NODE_OPTIONS', 'GOOD_NAME'), value),
      extra: value,
    },
    { requiredKeys: [] },
  ) },
  { weight: 1, arbitrary: anyJson },
);
// Plausible arguments per tool (strict schemas refuse extra keys), with hostile strings inside.
const shortText = fc.oneof(fc.constantFrom('npm run deploy', 'printenv', 'env', 'echo $DEPLOY_TOKEN', 'npm run test', 'line1\nline2', '\x1b[31mAPPROVE\x1b[0m', 'a\0b', '\u202etxt'), fc.string({ maxLength: 30 }));
const credentialList = fc.oneof({ weight: 3, arbitrary: fc.constant(['DEPLOY_TOKEN', 'NPM_TOKEN', 'STRIPE_KEY']) }, { weight: 1, arbitrary: fc.array(fc.constantFrom('DEPLOY_TOKEN', 'NPM_TOKEN', 'STRIPE_KEY', 'UNKNOWN'), { minLength: 1, maxLength: 3 }) });
const plausibleCwd = fc.oneof({ weight: 4, arbitrary: fc.constant(ROOT) }, { weight: 1, arbitrary: cwd });
const grantRef = fc.constantFrom('id-1', 'id-2', 'id-3', 'id-4', 'id-5', 'id-6', 'all', 'nope');
const plausible: Record<string, fc.Arbitrary<unknown>> = {
  list_credentials: fc.constant({}),
  list_grants: fc.constant({}),
  request_access: fc.record({ credentials: credentialList, command: shortText, cwd: plausibleCwd, reason: shortText, durationSeconds: fc.integer({ min: 1, max: 7200 }), maxRuns: fc.integer({ min: 1, max: 5 }) }, { requiredKeys: ['credentials', 'command', 'reason'] }),
  await_access: fc.record({ requestId: grantRef }),
  run: fc.oneof(
    { weight: 3, arbitrary: fc.record({ command: shortText, cwd: plausibleCwd, credentials: credentialList, reason: shortText }, { requiredKeys: ['command', 'credentials'] }) },
    { weight: 1, arbitrary: fc.record({ command: shortText, cwd: plausibleCwd, grantId: grantRef, credentials: credentialList, reason: shortText, timeoutSeconds: fc.integer({ min: 1, max: 600 }) }, { requiredKeys: ['command'] }) },
  ),
  revoke: fc.record({ grantId: grantRef }),
  request_secret_entry: fc.record({ name: fc.constantFrom('NEW_KEY', 'DEPLOY_TOKEN', 'bad name'), description: shortText, env: fc.constantFrom('PATH', 'LD_PRELOAD', 'NEW_KEY') }, { requiredKeys: ['name', 'description'] }),
};
const TOOL_ORDER = ['list_credentials', 'list_grants', 'request_access', 'await_access', 'run', 'revoke', 'request_secret_entry'];
const call = fc.oneof(
  { weight: 1, arbitrary: fc.record({ tool: fc.nat(), args: toolArgs, client: fc.constantFrom(...CLIENT_IDS) }) },
  { weight: 3, arbitrary: fc.nat({ max: TOOL_ORDER.length - 1 }).chain((tool) => fc.record({ tool: fc.constant(tool), args: plausible[TOOL_ORDER[tool]!]!, client: fc.constantFrom<typeof CLIENT_IDS[number]>('codex', 'codex', 'codex', 'cursor') })) },
);
const consentAnswer: fc.Arbitrary<ConsentAnswer> = fc.oneof(
  fc.record({ decision: fc.constant('approved' as const), durationSeconds: fc.integer({ min: 1, max: 3600 }), maxRuns: fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 3 })), commandMatch: fc.constantFrom('exact' as const, 'prefix' as const) }),
  fc.record({ decision: fc.constant('denied' as const), reason: fc.constantFrom('person' as const, 'timeout' as const), blockClient: fc.boolean() }),
);

describe('fuzz: MCP tool inputs and handlers (never throw, never leak a canary)', function () {
  this.timeout(600_000);

  it('covers every tool file in src/core/mcp/tools', () => {
    const files = readdirSync(join(__dirname, '../../../src/core/mcp/tools')).filter((f) => f.endsWith('.ts'));
    const { tools } = world(() => ({ decision: 'denied', reason: 'person', blockClient: false }), { texts: [] });
    assert.deepEqual(tools.map((t) => t.name), TOOL_ORDER, 'fuzzer tool order');
    assert.equal(tools.length, files.length, `tool files ${files.join(', ')} vs fuzzed tools ${tools.map((t) => t.name).join(', ')}: add the new tool to this fuzzer`);
  });

  it(`calls the tools with ${fuzzRuns()} generated argument sequences`, async () => {
    let cases = 0;
    let calls = 0;
    let parsed = 0;
    let crashes = 0;
    let leaks = 0;
    let runsFinished = 0;
    const started = Date.now();
    const canaries = Object.values(CANARIES);
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 5 }), fc.array(consentAnswer, { minLength: 1, maxLength: 5 }), async (sequence, answers) => {
          cases++;
          const surfaces: Surfaces = { texts: [] };
          let answer = 0;
          const { tools, service } = world(() => answers[answer++ % answers.length]!, surfaces);
          try {
            for (const step of sequence) {
              calls++;
              const definition = tools[step.tool % tools.length]!;
              let input: { success: boolean; data?: unknown };
              try {
                input = definition.inputSchema.safeParse(step.args);
              } catch (error) {
                crashes++;
                throw new Error(`${definition.name}: inputSchema.safeParse threw: ${String(error)}`);
              }
              if (!input.success) continue;
              parsed++;
              const caller: ClientIdentity = { id: step.client, sessionId: 'fuzz', claimedName: 'fuzzer' };
              const context: ToolCallContext = { caller, signal: new AbortController().signal, progress: (m) => void surfaces.texts.push(m) };
              let result: unknown;
              try {
                result = await definition.handler(input.data, context);
              } catch (error) {
                crashes++;
                throw new Error(`${definition.name} handler threw for ${JSON.stringify(input.data)?.slice(0, 200)}: ${String(error)}`);
              }
              if ((result as { ok?: boolean; structured?: { output?: unknown } }).ok && definition.name === 'run') runsFinished++;
              surfaces.texts.push(JSON.stringify(result));
              // A successful result must satisfy the tool's own output schema (the SDK would reject it).
              const r = result as { ok: boolean; structured?: unknown };
              if (r.ok) assert.ok(definition.outputSchema.safeParse(r.structured).success, `${definition.name} returned structured content its outputSchema rejects`);
            }
            const found = surfaces.texts.flatMap((text) => findLeaks(text, canaries));
            leaks += found.length;
            assert.equal(found.length, 0, `canary leaked (${found.map((f) => f.form).join(', ')})`);
          } finally {
            service.dispose();
          }
        }),
        { numRuns: fuzzRuns() },
      );
    } finally {
      recordFigures('fuzz/mcp-tools', { cases, calls, argumentsAccepted: parsed, runsFinished, crashes, leaks, ms: Date.now() - started });
      process.stdout.write(`      MCP tools: ${cases} cases, ${calls} calls (${parsed} past the input schema, ${runsFinished} runs printed canaries), ${crashes} crashes, ${leaks} leaks\n`);
    }
  });
});
