import { strict as assert } from 'node:assert';
import { parsePolicy, type SettingValues } from '../../../../src/core/policy/parse';
import { decide, DEPLOY, layers, NPM } from './fixtures';

/** The person's settings: DEPLOY_TOKEN needs consent, at most 10 minutes and 3 runs; NPM_TOKEN denied. */
const USER: SettingValues = {
  'airlock.credentials': [DEPLOY, NPM],
  'airlock.policy.rules': [
    { credentials: 'NPM_TOKEN', decision: 'deny' },
    { credentials: 'DEPLOY_TOKEN', command: 'npm run deploy', decision: 'ask', maxDurationSeconds: 600, maxRuns: 3 },
    { decision: 'deny' },
  ],
  'airlock.policy.maxDurationSeconds': 1800,
};

const BASELINE = decide(layers(USER));

/** Each row: a hostile workspace tries one escalation. Every one must leave the decision as strict. */
const ATTEMPTS: [string, SettingValues][] = [
  ['allow without consent', { 'airlock.policy.allowWithoutConsent': true }],
  ['allow everything', { 'airlock.policy.allowWithoutConsent': true, 'airlock.policy.rules': [{ decision: 'allow' }] }],
  ['allow DEPLOY_TOKEN by name', { 'airlock.policy.rules': [{ credentials: 'DEPLOY_TOKEN', decision: 'allow', maxDurationSeconds: 604800 }] }],
  ['un-deny NPM_TOKEN', { 'airlock.policy.rules': [{ credentials: 'NPM_TOKEN', decision: 'ask' }] }],
  ['longer max duration', { 'airlock.policy.maxDurationSeconds': 604800 }],
  ['longer default duration', { 'airlock.policy.defaultDurationSeconds': 604800 }],
  ['more runs through a rule', { 'airlock.policy.rules': [{ decision: 'ask', maxRuns: 1000000, maxDurationSeconds: 604800 }] }],
  ['redirect DEPLOY_TOKEN to another vault item', { 'airlock.credentials': [{ ...DEPLOY, source: 'op://Prod/Other/credential' }] }],
  ['redirect DEPLOY_TOKEN into another variable', { 'airlock.credentials': [{ ...DEPLOY, env: 'GITHUB_TOKEN' }] }],
  ['redefine DEPLOY_TOKEN as a SecretStorage secret', { 'airlock.credentials': [{ ...DEPLOY, source: 'secret:attacker' }] }],
  ['hijack PATH through a new credential', { 'airlock.credentials': [{ name: 'EVIL', description: '', source: 'secret:x', env: 'PATH' }] }],
  ['endpoint port', { 'airlock.endpoint.port': 80 }],
  ['endpoint disabled/enabled', { 'airlock.endpoint.enabled': false }],
  ['1Password account', { 'airlock.onePassword.account': 'attacker.1password.com' }],
  ['1Password timeout', { 'airlock.onePassword.timeoutSeconds': 600 }],
  ['audit size', { 'airlock.audit.maxFileSizeMiB': 1024 }],
  ['audit path (undeclared)', { 'airlock.audit.path': '/dev/null', 'airlock.audit.enabled': false }],
  ['longer consent timeout', { 'airlock.consent.timeoutSeconds': 3600 }],
  ['kill on expiry off', { 'airlock.grants.killOnExpiry': false }],
  ['bigger output', { 'airlock.run.outputLimitKiB': 16384 }],
  ['longer runs', { 'airlock.run.maxTimeoutSeconds': 86400 }],
  ['catastrophic regex', { 'airlock.policy.rules': [{ command: '/(a+)+$/', decision: 'deny' }] }],
  ['garbage types', { 'airlock.policy.rules': 'allow', 'airlock.credentials': { DEPLOY_TOKEN: 'x' }, 'airlock.policy.maxDurationSeconds': '999999' }],
];

const UNREPORTED = new Set(['un-deny NPM_TOKEN', 'more runs through a rule']);
const strictness = { deny: 0, ask: 1, allow: 2 } as const;

describe('escalation attempts from workspace settings (each must fail)', () => {
  for (const trusted of [true, false]) {
    for (const [name, workspace] of ATTEMPTS) {
      it(`${trusted ? 'trusted' : 'untrusted'}: ${name}`, () => {
        const user = { ...USER, 'airlock.grants.killOnExpiry': true };
        const { policy, problems } = parsePolicy(layers(user, workspace, { trusted }));
        const base = parsePolicy(layers(user)).policy;
        // Nothing the person set got looser.
        assert.ok(policy.limits.maxDurationSeconds <= base.limits.maxDurationSeconds);
        assert.ok(policy.limits.defaultDurationSeconds <= base.limits.defaultDurationSeconds);
        assert.ok(policy.limits.consentTimeoutSeconds <= base.limits.consentTimeoutSeconds);
        assert.ok(policy.limits.outputLimitKiB <= base.limits.outputLimitKiB);
        assert.ok(policy.limits.maxRunTimeoutSeconds <= base.limits.maxRunTimeoutSeconds);
        assert.equal(policy.limits.allowWithoutConsent, false);
        assert.equal(policy.limits.killOnExpiry, true);
        assert.deepEqual(policy.endpoint, base.endpoint);
        assert.deepEqual(policy.onePassword, base.onePassword);
        assert.deepEqual(policy.audit, base.audit);
        for (const credential of base.credentials) {
          const now = policy.credentials.find((c) => c.name === credential.name);
          assert.deepEqual(now, credential, `${credential.name} unchanged`);
        }
        assert.ok(!policy.credentials.some((c) => c.env === 'PATH'));
        for (const request of [{}, { credentials: ['NPM_TOKEN'] }, { command: 'printenv' }, { credentials: ['DEPLOY_TOKEN', 'NPM_TOKEN'] }]) {
          const before = decide(layers(user), request);
          const after = decide(layers(user, workspace, { trusted }), request);
          assert.ok(strictness[after.kind] <= strictness[before.kind], `${JSON.stringify(request)}: ${before.kind} → ${after.kind}`);
          if (before.kind !== 'deny' && after.kind !== 'deny') {
            assert.ok(after.limits.maxDurationSeconds <= before.limits.maxDurationSeconds);
            assert.ok((after.limits.maxRuns ?? Infinity) <= (before.limits.maxRuns ?? Infinity));
          }
        }
        // Declared settings that were attempted are reported (undeclared keys are simply never read).
        const declared = Object.keys(workspace).filter((key) => !/audit\.(path|enabled)/.test(key));
        // Rules that merely fail to loosen (min semantics) are in effect, not ignored, so not reported.
        if (declared.length > 0 && !UNREPORTED.has(name)) {
          assert.ok(problems.length > 0, 'the attempt is reported');
        }
      });
    }
  }

  it('the baseline itself asks for DEPLOY_TOKEN within the person\'s limits', () => {
    assert.deepEqual(BASELINE, { kind: 'ask', limits: { defaultDurationSeconds: 600, maxDurationSeconds: 600, maxRuns: 3, allowPrefix: false } });
  });

  it('reports an attempt to allow without consent in the words the person will recognise', () => {
    const { problems } = parsePolicy(layers(USER, { 'airlock.policy.rules': [{ credentials: 'DEPLOY_TOKEN', decision: 'allow' }] }));
    assert.match(problems.map((p) => p.message).join('\n'), /ignored: workspace settings cannot allow DEPLOY_TOKEN without consent/);
  });
});
