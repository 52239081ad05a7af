// Fuzzing the policy parser: whatever user, workspace and folder settings say (valid, hostile or
// garbage), parsePolicy never throws, and the result is never more permissive than the person's user
// settings alone — neither in its limits nor in any decision `evaluate` makes from it.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { isAbsolute, resolve } from 'node:path';
import fc from 'fast-check';
import { CLIENT_IDS, type ClientId } from '../../../src/core/clients';
import { evaluate, type PolicyDecision, type PolicyRequest } from '../../../src/core/policy/evaluate';
import { parsePolicy, type SettingsLayers, type SettingValues } from '../../../src/core/policy/parse';
import type { Policy } from '../../../src/core/policy/policy';
import { SETTING_SPECS, type SettingSpec } from '../../../src/core/policy/schema';
import { isInside } from '../../../src/core/paths';
import { hostCovered } from '../../../src/core/sandbox/sealedRun';
import { fuzzRuns, recordFigures } from '../support/figures';

const ROOT = '/work/space';
const FOLDERS = [`${ROOT}/app`, `${ROOT}/lib`];
const NAMES = ['DEPLOY_TOKEN', 'NPM_TOKEN', 'AWS_SECRET', 'STRIPE_KEY'];
// Hosts and write paths rules and requests name (a request's writes are realpaths inside its folder).
const HOSTS = ['registry.example.com', '*.example.com', 'a.example.com', 'attacker.example', '*.cdn.example.com', 'x.cdn.example.com'];
const RULE_WRITES = ['dist', '.', `${ROOT}/app/out`, '../lib', '/', 'dist/sub', `${ROOT}/lib/build`];
const REQUEST_WRITES = [`${ROOT}/app/dist`, `${ROOT}/app/dist/x`, `${ROOT}/app/src`, `${ROOT}/app`, `${ROOT}/app/out/y`, `${ROOT}/lib/build`, `${ROOT}/lib/dist`];
const COMMANDS = ['npm run deploy', 'npm run test', 'printenv', 'env', 'echo $DEPLOY_TOKEN', 'make release', 'cat /proc/self/environ'];

// ── arbitraries ─────────────────────────────────────────────────────────────────────────────────────

const nasty = fc.oneof(
  fc.constantFrom('', '*', '**', '?', '/.*/', '/(a+)+$/', '/[/', '../..', '\0', '\u202e', '__proto__', 'constructor', '%s%n', '${HOME}'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
);
const garbage = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.anything({ maxDepth: 2 }), nasty);

const integerValue = (spec: SettingSpec & { type: 'integer' }) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: spec.minimum, max: spec.maximum }) },
    { weight: 2, arbitrary: fc.constantFrom(spec.maximum, spec.minimum, spec.default, spec.maximum + 1, spec.minimum - 1, 1e12, -1, 0.5, Number.NaN, Infinity) },
    { weight: 1, arbitrary: garbage },
  );
const booleanValue = fc.oneof({ weight: 6, arbitrary: fc.boolean() }, { weight: 1, arbitrary: garbage });

const source = fc.oneof(
  fc.constantFrom('secret:DEPLOY_TOKEN', 'secret:OTHER', 'op://Prod/Deploy/token', 'op://Personal/Bank/password', 'op-env://abc123/DEPLOY_TOKEN', 'op://a/b/c/d'),
  nasty,
);
const credentialEntry = fc.oneof(
  { weight: 6, arbitrary: fc.record(
    {
      name: fc.oneof(fc.constantFrom(...NAMES), nasty),
      description: fc.oneof(fc.string({ maxLength: 20 }), garbage),
      env: fc.oneof(fc.constantFrom(...NAMES, 'PATH', 'LD_PRELOAD', 'NODE_OPTIONS', 'HOME', 'BASH_ENV', 'OTHER_VAR'), nasty),
      source,
    },
    { requiredKeys: ['name', 'source'] },
  ) },
  { weight: 1, arbitrary: garbage },
);
const pattern = (pool: readonly string[]) => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: nasty });
const ruleEntry = fc.oneof(
  { weight: 6, arbitrary: fc.record(
    {
      credentials: pattern(['*', ...NAMES, 'DEPLOY_*', '*_TOKEN']),
      clients: pattern(['*', ...CLIENT_IDS, 'c*']),
      command: pattern(['*', ...COMMANDS, 'npm run *', '/npm run .*/', '/.*/', 'print*']),
      cwd: pattern(['*', `${ROOT}/*`, 'app', 'app*', FOLDERS[0] ?? '']),
      decision: fc.oneof(fc.constantFrom('deny', 'ask', 'allow'), garbage),
      maxDurationSeconds: fc.oneof(fc.integer({ min: 1, max: 604_800 }), garbage),
      maxRuns: fc.oneof(fc.integer({ min: 1, max: 1000 }), garbage),
      network: fc.oneof({ weight: 4, arbitrary: fc.subarray(HOSTS) }, { weight: 1, arbitrary: fc.array(nasty, { maxLength: 2 }) }, { weight: 1, arbitrary: garbage }),
      writes: fc.oneof({ weight: 4, arbitrary: fc.subarray(RULE_WRITES) }, { weight: 1, arbitrary: fc.array(nasty, { maxLength: 2 }) }, { weight: 1, arbitrary: garbage }),
    },
    { requiredKeys: ['decision'] },
  ) },
  { weight: 1, arbitrary: garbage },
);

const valueFor = (spec: SettingSpec) => {
  switch (spec.type) {
    case 'integer':
      return integerValue(spec);
    case 'boolean':
      return booleanValue;
    case 'string':
      return fc.oneof(fc.string({ maxLength: 30 }), garbage);
    case 'array':
      return fc.oneof(
        { weight: 8, arbitrary: fc.array(spec.key === SETTING_SPECS.rules.key ? ruleEntry : credentialEntry, { maxLength: 5 }) },
        { weight: 1, arbitrary: garbage },
      );
  }
};

/** A settings layer: any subset of Airlock's keys, plus unknown keys. */
const layer: fc.Arbitrary<SettingValues> = fc
  .tuple(
    fc.subarray(Object.values(SETTING_SPECS) as SettingSpec[]).chain((specs) =>
      fc.tuple(...specs.map((spec) => valueFor(spec).map((value) => [spec.key, value] as const))),
    ),
    fc.dictionary(fc.constantFrom('airlock.unknown', 'airlock', '__proto__', 'airlock.policy'), garbage, { maxKeys: 2 }),
  )
  .map(([known, extra]) => ({ ...extra, ...Object.fromEntries(known) }));

const layers: fc.Arbitrary<SettingsLayers> = fc.record({
  trusted: fc.boolean(),
  user: layer,
  workspace: layer,
  folders: fc.array(fc.record({ name: fc.string({ maxLength: 8 }), values: layer }), { maxLength: 2 }),
});

const request: fc.Arbitrary<PolicyRequest> = fc.record(
  {
    client: fc.constantFrom<ClientId>(...CLIENT_IDS),
    credentials: fc.array(fc.constantFrom(...NAMES, 'UNKNOWN'), { minLength: 1, maxLength: 3 }),
    command: fc.oneof(fc.constantFrom(...COMMANDS), fc.string({ maxLength: 24 })),
    cwd: fc.constantFrom(...FOLDERS, `${ROOT}/app/sub`, `${ROOT}/app/../lib`, `${ROOT}/elsewhere`, '/tmp', 'relative/app'),
    workspaceFolders: fc.constant(FOLDERS),
    requestedDurationSeconds: fc.integer({ min: 0, max: 10_000_000 }),
    requestedMaxRuns: fc.integer({ min: 0, max: 100 }),
    network: fc.subarray(HOSTS),
    writes: fc.subarray(REQUEST_WRITES),
  },
  { requiredKeys: ['client', 'credentials', 'command', 'cwd', 'workspaceFolders'] },
);

// ── comparison: "never more permissive than the user settings alone" ─────────────────────────────────

const rank = (decision: PolicyDecision): number => (decision.kind === 'deny' ? 0 : decision.kind === 'ask' ? 1 : 2);
const runs = (maxRuns: number | null): number => (maxRuns === null ? Infinity : maxRuns);

function assertNoLooser(full: Policy, userOnly: Policy): void {
  const f = full.limits;
  const u = userOnly.limits;
  for (const key of ['maxDurationSeconds', 'defaultDurationSeconds', 'consentTimeoutSeconds', 'agentWaitSeconds', 'outputLimitKiB', 'maxRunTimeoutSeconds'] as const) {
    assert.ok(f[key] <= u[key], `${key} raised by workspace: ${f[key]} > ${u[key]}`);
  }
  assert.ok(!f.allowWithoutConsent || u.allowWithoutConsent, 'allowWithoutConsent turned on by workspace');
  assert.ok(f.killOnExpiry || !u.killOnExpiry, 'killOnExpiry turned off by workspace');
  assert.deepEqual(full.endpoint, userOnly.endpoint, 'endpoint settings changed by workspace');
  assert.deepEqual(full.onePassword, userOnly.onePassword, '1Password settings changed by workspace');
  assert.deepEqual(full.audit, userOnly.audit, 'audit settings changed by workspace');
  // User credentials keep their source and env; anything else is flagged as workspace-defined.
  const userCredentials = new Map(userOnly.credentials.map((c) => [c.name, c]));
  for (const credential of full.credentials) {
    const mine = userCredentials.get(credential.name);
    if (mine === undefined) {
      assert.equal(credential.origin, 'workspace', `${credential.name} defined by workspace but not flagged`);
    } else {
      assert.equal(credential.source.raw, mine.source.raw, `${credential.name} redirected to another source`);
      assert.equal(credential.env, mine.env, `${credential.name} redirected to another env variable`);
      assert.equal(credential.origin, 'user');
    }
  }
  for (const name of userCredentials.keys()) assert.ok(full.credentials.some((c) => c.name === name), `${name} removed`);
  if (!full.trusted) {
    assert.equal(full.ruleLayers.length, 1, 'untrusted workspace contributed rules');
    assert.deepEqual(full.credentials.map((c) => c.name), userOnly.credentials.map((c) => c.name), 'untrusted workspace defined credentials');
  }
}

function assertDecisionNoLooser(withWorkspace: PolicyDecision, userOnly: PolicyDecision, full: Policy, req: PolicyRequest): void {
  if (userOnly.kind === 'deny' && userOnly.code === 'unknown-credential') {
    // Workspace-defined credentials exist only with the workspace: they may be asked for, never allowed.
    const workspaceDefined = req.credentials.some((n) => full.credentials.find((c) => c.name === n)?.origin === 'workspace');
    if (workspaceDefined) {
      assert.notEqual(withWorkspace.kind, 'allow', 'workspace-defined credential allowed without consent');
      return;
    }
  }
  assert.ok(rank(withWorkspace) <= rank(userOnly), `decision widened: ${withWorkspace.kind} with workspace, ${userOnly.kind} without`);
  // Limits are compared within the same kind: an `ask` that replaced an `allow` is stricter whatever its
  // limits say (the person chooses within them), so only like-for-like limits can widen.
  if (withWorkspace.kind !== 'deny' && withWorkspace.kind === userOnly.kind) {
    const a = withWorkspace.limits;
    const b = userOnly.limits;
    assert.ok(a.maxDurationSeconds <= b.maxDurationSeconds, 'maxDurationSeconds widened');
    assert.ok(a.defaultDurationSeconds <= b.defaultDurationSeconds, 'defaultDurationSeconds widened');
    assert.ok(runs(a.maxRuns) <= runs(b.maxRuns), 'maxRuns widened');
    assert.ok(!a.allowPrefix || b.allowPrefix, 'prefix binding allowed by workspace');
  }
}

/**
 * An allow reaches no further than the person named: every host the request names is in some user-layer
 * rule's `network` or a requested credential's own hosts, every write path inside some user-layer rule's
 * `writes` (relative ones against either folder). A coarse oracle, independent of evaluate's first-match.
 */
function assertAllowCovered(decision: PolicyDecision, userOnly: Policy, req: PolicyRequest): void {
  if (decision.kind !== 'allow') return;
  const userRules = userOnly.ruleLayers.filter((l) => l.origin === 'user').flatMap((l) => l.rules);
  const credentialHosts = userOnly.credentials.filter((c) => req.credentials.includes(c.name)).flatMap((c) => c.hosts ?? []);
  const hosts = [...userRules.flatMap((r) => r.network ?? []), ...credentialHosts];
  for (const host of req.network ?? []) assert.ok(hostCovered(host, hosts), `allowed a host no user rule names: ${host}`);
  const roots = userRules.flatMap((r) => r.writes ?? []).flatMap((w) => (isAbsolute(w) ? [resolve(w)] : FOLDERS.map((f) => resolve(f, w))));
  for (const path of req.writes ?? []) assert.ok(roots.some((root) => isInside(root, path)), `allowed a write no user rule names: ${path}`);
}

describe('fuzz: policy parser (never throws, never looser than user settings)', function () {
  this.timeout(600_000);

  it(`parses ${fuzzRuns()} generated settings combinations without throwing or widening`, () => {
    let cases = 0;
    let crashes = 0;
    let decisions = 0;
    const started = Date.now();
    try {
      fc.assert(
        fc.property(layers, fc.array(request, { minLength: 1, maxLength: 4 }), (settings, requests) => {
          cases++;
          let full: Policy;
          let userOnly: Policy;
          try {
            full = parsePolicy(settings).policy;
            userOnly = parsePolicy({ trusted: settings.trusted, user: settings.user, workspace: {}, folders: [] }).policy;
          } catch (error) {
            crashes++;
            throw error;
          }
          assertNoLooser(full, userOnly);
          for (const req of requests) {
            decisions++;
            const decision = evaluate(req, full);
            assertDecisionNoLooser(decision, evaluate(req, userOnly), full, req);
            assertAllowCovered(decision, userOnly, req);
          }
        }),
        { numRuns: fuzzRuns() },
      );
    } finally {
      recordFigures('fuzz/policy-parser', { cases, crashes, decisions, ms: Date.now() - started });
      process.stdout.write(`      policy parser: ${cases} cases, ${decisions} decisions compared, ${crashes} crashes\n`);
    }
  });

  it(`allow rules with network and writes: ${fuzzRuns()} cases where the person allows, never reaching a host or path they did not name`, () => {
    // The generic layers above rarely make a user layer that allows at all (every key must be valid at
    // once); this one always does — valid credentials, allowWithoutConsent on, valid rules with
    // network/writes — so the allow path itself is fuzzed, under any workspace and folder values.
    const validRule = fc.record(
      {
        credentials: fc.constantFrom('*', ...NAMES, 'DEPLOY_*'),
        command: fc.constantFrom('*', ...COMMANDS, 'npm run *'),
        cwd: fc.constantFrom('*', 'app', `${ROOT}/*`),
        decision: fc.constantFrom('allow', 'allow', 'ask', 'deny'),
        network: fc.subarray(HOSTS),
        writes: fc.subarray(RULE_WRITES),
      },
      { requiredKeys: ['decision'] },
    );
    const person: fc.Arbitrary<SettingValues> = fc.record({
      'airlock.credentials': fc.constant([
        { name: 'DEPLOY_TOKEN', source: 'secret:DEPLOY_TOKEN' },
        { name: 'NPM_TOKEN', source: 'secret:NPM_TOKEN', hosts: ['registry.example.com'] },
        { name: 'AWS_SECRET', source: 'op://Prod/Aws/secret' },
      ]),
      'airlock.policy.allowWithoutConsent': fc.constant(true),
      'airlock.policy.rules': fc.array(validRule, { minLength: 1, maxLength: 4 }),
    });
    let cases = 0;
    let allowed = 0;
    let asked = 0;
    fc.assert(
      fc.property(person, layer, fc.array(fc.record({ name: fc.string({ maxLength: 8 }), values: layer }), { maxLength: 2 }), fc.boolean(), fc.array(request, { minLength: 1, maxLength: 4 }), (user, workspace, folders, trusted, requests) => {
        cases++;
        const full = parsePolicy({ trusted, user, workspace, folders }).policy;
        const userOnly = parsePolicy({ trusted, user, workspace: {}, folders: [] }).policy;
        for (const req of requests) {
          const decision = evaluate(req, full);
          const alone = evaluate(req, userOnly);
          if (alone.kind === 'allow') allowed++;
          if (alone.kind === 'ask' && alone.note !== undefined) asked++;
          assertDecisionNoLooser(decision, alone, full, req);
          assertAllowCovered(decision, userOnly, req);
          assertAllowCovered(alone, userOnly, req);
        }
      }),
      { numRuns: fuzzRuns() },
    );
    recordFigures('fuzz/policy-allow-coverage', { cases, allowed, askedBeyondRule: asked });
    process.stdout.write(`      allow coverage: ${cases} cases, ${allowed} allowed, ${asked} asked because the allow rule did not cover the request\n`);
  });

  it('a workspace glob cannot make evaluation hang (no catastrophic backtracking)', () => {
    // A repository plants a rule whose command glob backtracks polynomially in the number of `*`; the
    // agent chooses the command. Evaluation runs on the extension host's only thread, so it must stay
    // bounded. Run in a child process so a hang fails this test instead of the whole suite.
    const script = `
      const { parsePolicy } = require(${JSON.stringify(resolve(__dirname, '../../../src/core/policy/parse.ts'))});
      const { evaluate } = require(${JSON.stringify(resolve(__dirname, '../../../src/core/policy/evaluate.ts'))});
      const user = { 'airlock.credentials': [{ name: 'DEPLOY_TOKEN', source: 'secret:DEPLOY_TOKEN' }] };
      const workspace = { 'airlock.policy.rules': [{ command: '*a'.repeat(30) + '*b', decision: 'deny' }] };
      const { policy } = parsePolicy({ trusted: true, user, workspace, folders: [] });
      const started = Date.now();
      evaluate({ client: 'codex', credentials: ['DEPLOY_TOKEN'], command: 'a'.repeat(200), cwd: '/w', workspaceFolders: ['/w'] }, policy);
      process.stdout.write(String(Date.now() - started));
    `;
    // 60 s is a hang line (backtracking takes hours), far above tsx start-up on a loaded 2-core machine.
    const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { timeout: 60_000, encoding: 'utf8' });
    const hung = result.signal !== null || result.status !== 0;
    recordFigures('fuzz/policy-redos', { attempts: 1, hangs: hung ? 1 : 0 });
    assert.ok(!hung, `evaluate did not finish within 60 s for a 61-star workspace glob and a 200-character command (${result.signal ?? result.stderr.slice(0, 300)})`);
  });
});
