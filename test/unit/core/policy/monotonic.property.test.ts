import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { propertyRuns } from '../../../support/fastCheck';
import type { PolicyDecision } from '../../../../src/core/policy/evaluate';
import { parsePolicy, type SettingValues } from '../../../../src/core/policy/parse';
import { decide, DEPLOY, layers, NPM } from './fixtures';

const strictness = { deny: 0, ask: 1, allow: 2 } as const;
const NAMES = ['DEPLOY_TOKEN', 'NPM_TOKEN', 'OTHER_TOKEN'];

const pattern = fc.constantFrom('*', 'DEPLOY_*', 'NPM_TOKEN', 'codex', 'copilot', 'npm run *', 'npm run deploy', 'printenv', '/npm .*/', 'packages/*', '/work/app/*', '');
const rule = fc.record(
  {
    credentials: pattern,
    clients: pattern,
    command: pattern,
    cwd: pattern,
    decision: fc.constantFrom('ask', 'allow', 'deny', 'maybe'),
    maxDurationSeconds: fc.oneof(fc.integer({ min: -5, max: 10_000 }), fc.constant(1.5)),
    maxRuns: fc.integer({ min: 0, max: 20 }),
    network: fc.oneof(fc.subarray(['a.example.com', '*.example.com', 'attacker.example']), fc.constant(['10.0.0.1'])),
    writes: fc.subarray(['dist', '.', '/work/app/out', '../other']),
  },
  { requiredKeys: ['decision'] },
);
const credential = fc.record({
  name: fc.constantFrom(...NAMES, 'bad name'),
  description: fc.string({ maxLength: 10 }),
  source: fc.constantFrom('secret:A', 'op://V/I/f', 'op://Other/I/f', 'bogus'),
  env: fc.constantFrom('DEPLOY_TOKEN', 'PATH', 'X_TOKEN', undefined),
}, { requiredKeys: ['name', 'source'] });
const garbage = fc.oneof(fc.constant(null), fc.string({ maxLength: 5 }), fc.integer(), fc.boolean(), fc.constant({}));

const userSettings: fc.Arbitrary<SettingValues> = fc.record({
  'airlock.credentials': fc.constant([DEPLOY, NPM]),
  'airlock.policy.rules': fc.array(rule, { maxLength: 4 }),
  'airlock.policy.allowWithoutConsent': fc.boolean(),
  'airlock.policy.maxDurationSeconds': fc.integer({ min: 1, max: 10_000 }),
  'airlock.policy.defaultDurationSeconds': fc.integer({ min: 1, max: 10_000 }),
}, { requiredKeys: ['airlock.credentials'] });

const workspaceSettings: fc.Arbitrary<SettingValues> = fc.record({
  'airlock.credentials': fc.oneof(fc.array(credential, { maxLength: 3 }), garbage),
  'airlock.policy.rules': fc.oneof(fc.array(rule, { maxLength: 4 }), garbage),
  'airlock.policy.allowWithoutConsent': fc.oneof(fc.boolean(), garbage),
  'airlock.policy.maxDurationSeconds': fc.oneof(fc.integer({ min: -10, max: 1_000_000 }), garbage),
  'airlock.policy.defaultDurationSeconds': fc.oneof(fc.integer({ min: -10, max: 1_000_000 }), garbage),
}, { requiredKeys: [] });

const requestArb = fc.record({
  client: fc.constantFrom('codex' as const, 'copilot' as const, 'other' as const),
  credentials: fc.subarray(['DEPLOY_TOKEN', 'NPM_TOKEN'], { minLength: 1 }),
  command: fc.constantFrom('npm run deploy', 'npm run build', 'printenv', 'make deploy'),
  cwd: fc.constantFrom('/work/app', '/work/app/packages/api', '/elsewhere'),
  requestedDurationSeconds: fc.integer({ min: 1, max: 100_000 }),
  requestedMaxRuns: fc.integer({ min: 1, max: 100 }),
  network: fc.subarray(['a.example.com', 'b.example.com', '*.example.com', 'attacker.example']),
  writes: fc.subarray(['/work/app/dist', '/work/app/src', '/work/app/out/x', '/work/app']),
}, { requiredKeys: ['client', 'credentials', 'command', 'cwd'] });

const notLooser = (before: PolicyDecision, after: PolicyDecision): boolean => {
  if (strictness[after.kind] > strictness[before.kind]) return false;
  if (before.kind === 'deny' || after.kind === 'deny') return true;
  // An `ask` that replaced an `allow` is stricter whatever its limits say (the person chooses within
  // them), so limits can only widen between decisions of the same kind — as in the security fuzz.
  if (after.kind !== before.kind) return true;
  return (
    after.limits.maxDurationSeconds <= before.limits.maxDurationSeconds &&
    after.limits.defaultDurationSeconds <= before.limits.defaultDurationSeconds &&
    (after.limits.maxRuns ?? Infinity) <= (before.limits.maxRuns ?? Infinity) &&
    (!after.limits.allowPrefix || before.limits.allowPrefix)
  );
};

/**
 * Counterexamples the property found, replayed first on every run. Seed 942267528 (CI): a workspace
 * `allowWithoutConsent: false` turns the user's `allow` into an `ask` whose maxRuns is unbounded (the person
 * chooses) — stricter, though a naive limits comparison called it looser.
 */
type Request = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;
const FOUND: [SettingValues, SettingValues, SettingValues, boolean, Request][] = [
  [
    { 'airlock.credentials': [DEPLOY, NPM], 'airlock.policy.rules': [{ decision: 'allow' }], 'airlock.policy.allowWithoutConsent': true },
    {},
    { 'airlock.policy.allowWithoutConsent': false },
    true,
    { client: 'codex', credentials: ['NPM_TOKEN'], command: 'npm run deploy', cwd: '/work/app', requestedMaxRuns: 1 },
  ],
];

describe('property: adding any workspace value never makes a decision more permissive', () => {
  it('for user-defined credentials, in trusted and untrusted workspaces (1,000 cases)', function () {
    this.timeout(120_000);
    fc.assert(
      fc.property(userSettings, workspaceSettings, workspaceSettings, fc.boolean(), requestArb, (user, workspace, folder, trusted, request) => {
        const before = decide(layers(user), request);
        const afterWorkspace = decide(layers(user, workspace, { trusted }), request);
        const afterFolder = decide(layers(user, workspace, { trusted, folders: [{ name: 'app', values: folder }] }), request);
        assert.ok(notLooser(before, afterWorkspace), `${JSON.stringify(before)} → ${JSON.stringify(afterWorkspace)}`);
        assert.ok(notLooser(afterWorkspace, afterFolder), `${JSON.stringify(afterWorkspace)} → ${JSON.stringify(afterFolder)}`);
        const baseLimits = parsePolicy(layers(user)).policy.limits;
        const limits = parsePolicy(layers(user, workspace, { trusted })).policy.limits;
        assert.ok(limits.maxDurationSeconds <= baseLimits.maxDurationSeconds);
        assert.ok(limits.allowWithoutConsent <= baseLimits.allowWithoutConsent);
      }),
      { numRuns: propertyRuns(1000), examples: FOUND },
    );
  });

  it('workspace-defined credentials are never allowed', function () {
    this.timeout(120_000);
    fc.assert(
      fc.property(userSettings, workspaceSettings, requestArb, (user, workspace, request) => {
        const { policy } = parsePolicy(layers(user, workspace));
        const workspaceOnly = policy.credentials.filter((c) => c.origin === 'workspace').map((c) => c.name);
        if (workspaceOnly.length === 0) return;
        assert.notEqual(decide(layers(user, workspace), { ...request, credentials: workspaceOnly }).kind, 'allow');
      }),
      { numRuns: propertyRuns(1000) },
    );
  });
});
