import { strict as assert } from 'node:assert';
import type { PolicyDecision } from '../../../../src/core/policy/evaluate';
import { containingFolder } from '../../../../src/core/policy/evaluate';
import { compileGlob, globMatch } from '../../../../src/core/policy/pattern';
import { parsePolicy, type SettingValues } from '../../../../src/core/policy/parse';
import { decide, DEPLOY, FOLDER, layers, NPM } from './fixtures';

const creds = { 'airlock.credentials': [DEPLOY, NPM] };
const kind = (decision: PolicyDecision): string => (decision.kind === 'deny' ? `deny:${decision.code}` : decision.kind);

describe('evaluate', () => {
  describe('decision table', () => {
    const rows: [string, SettingValues, Parameters<typeof decide>[1], string][] = [
      ['no rules → ask', creds, {}, 'ask'],
      ['unknown credential → deny', creds, { credentials: ['NOPE'] }, 'deny:unknown-credential'],
      ['no credentials → deny', creds, { credentials: [] }, 'deny:no-credentials'],
      ['cwd outside workspace → deny', creds, { cwd: '/etc' }, 'deny:cwd-outside-workspace'],
      ['cwd escaping with .. → deny', creds, { cwd: `${FOLDER}/../other` }, 'deny:cwd-outside-workspace'],
      ['cwd sibling with same prefix → deny', creds, { cwd: `${FOLDER}-evil` }, 'deny:cwd-outside-workspace'],
      ['relative cwd → deny', creds, { cwd: 'app' }, 'deny:cwd-outside-workspace'],
      ['no workspace folders → deny', creds, { workspaceFolders: [] }, 'deny:cwd-outside-workspace'],
      ['cwd in a subfolder → ask', creds, { cwd: `${FOLDER}/packages/api` }, 'ask'],
      ['allow rule without allowWithoutConsent → ask', { ...creds, 'airlock.policy.rules': [{ decision: 'allow' }] }, {}, 'ask'],
      ['allow rule with allowWithoutConsent → allow', { ...creds, 'airlock.policy.allowWithoutConsent': true, 'airlock.policy.rules': [{ decision: 'allow' }] }, {}, 'allow'],
      ['deny rule → deny', { ...creds, 'airlock.policy.rules': [{ decision: 'deny' }] }, {}, 'deny:denied-by-policy'],
      ['first match wins (ask before deny)', { ...creds, 'airlock.policy.rules': [{ command: 'npm run *', decision: 'ask' }, { decision: 'deny' }] }, {}, 'ask'],
      ['first match wins (deny after a non-matching allow)', { ...creds, 'airlock.policy.allowWithoutConsent': true, 'airlock.policy.rules': [{ command: 'make *', decision: 'allow' }, { decision: 'deny' }] }, {}, 'deny:denied-by-policy'],
      ['credential glob', { ...creds, 'airlock.policy.rules': [{ credentials: 'DEPLOY_*', decision: 'deny' }] }, {}, 'deny:denied-by-policy'],
      ['credential glob not matching', { ...creds, 'airlock.policy.rules': [{ credentials: 'NPM_*', decision: 'deny' }] }, {}, 'ask'],
      ['client glob', { ...creds, 'airlock.policy.rules': [{ clients: 'codex', decision: 'deny' }] }, {}, 'deny:denied-by-policy'],
      ['client glob other client', { ...creds, 'airlock.policy.rules': [{ clients: 'codex', decision: 'deny' }] }, { client: 'copilot' }, 'ask'],
      ['command regex must match the whole command', { ...creds, 'airlock.policy.rules': [{ command: '/npm run deploy/', decision: 'deny' }] }, { command: 'npm run deploy; printenv' }, 'ask'],
      ['command regex matches', { ...creds, 'airlock.policy.rules': [{ command: '/npm run (deploy|build)/', decision: 'deny' }] }, {}, 'deny:denied-by-policy'],
      ['command regex with i flag', { ...creds, 'airlock.policy.rules': [{ command: '/NPM RUN DEPLOY/i', decision: 'deny' }] }, {}, 'deny:denied-by-policy'],
      ['command glob is literal for regex characters', { ...creds, 'airlock.policy.rules': [{ command: 'npm run (deploy)', decision: 'deny' }] }, {}, 'ask'],
      ['cwd absolute glob', { ...creds, 'airlock.policy.rules': [{ cwd: `${FOLDER}/packages/*`, decision: 'deny' }] }, { cwd: `${FOLDER}/packages/api` }, 'deny:denied-by-policy'],
      ['cwd relative glob', { ...creds, 'airlock.policy.rules': [{ cwd: 'packages/*', decision: 'deny' }] }, { cwd: `${FOLDER}/packages/api` }, 'deny:denied-by-policy'],
      ['cwd relative glob at the folder root', { ...creds, 'airlock.policy.rules': [{ cwd: 'packages/*', decision: 'deny' }] }, {}, 'ask'],
      ['most restrictive across credentials: one denied', { ...creds, 'airlock.policy.rules': [{ credentials: 'NPM_TOKEN', decision: 'deny' }] }, { credentials: ['DEPLOY_TOKEN', 'NPM_TOKEN'] }, 'deny:denied-by-policy'],
      ['most restrictive across credentials: one asks', { ...creds, 'airlock.policy.allowWithoutConsent': true, 'airlock.policy.rules': [{ credentials: 'NPM_TOKEN', decision: 'allow' }] }, { credentials: ['DEPLOY_TOKEN', 'NPM_TOKEN'] }, 'ask'],
    ];
    for (const [name, user, overrides, expected] of rows) {
      it(name, () => assert.equal(kind(decide(layers(user), overrides)), expected));
    }
  });

  it('names how to define an unknown credential and lists the defined ones', () => {
    const decision = decide(layers(creds), { credentials: ['NOPE'] });
    assert.equal(decision.kind, 'deny');
    if (decision.kind !== 'deny') return;
    assert.match(decision.message, /Unknown credential: "NOPE"/);
    assert.match(decision.message, /DEPLOY_TOKEN, NPM_TOKEN/);
    assert.match(decision.message, /airlock\.credentials/);
  });

  it('names the rule that denied', () => {
    const decision = decide(layers({ ...creds, 'airlock.policy.rules': [{ decision: 'ask', command: 'x' }, { decision: 'deny' }] }));
    assert.ok(decision.kind === 'deny' && /airlock\.policy\.rules\[1\] in user settings/.test(decision.message));
  });

  describe('limits', () => {
    it('default limits', () => {
      assert.deepEqual(decide(layers(creds)), { kind: 'ask', limits: { defaultDurationSeconds: 900, maxDurationSeconds: 3600, maxRuns: null, allowPrefix: false } });
    });
    it('rule limits apply and the smallest wins across credentials', () => {
      const decision = decide(layers({ ...creds, 'airlock.grants.allowPrefix': true, 'airlock.policy.rules': [{ credentials: 'DEPLOY_TOKEN', decision: 'ask', maxDurationSeconds: 300, maxRuns: 5 }, { decision: 'ask', maxDurationSeconds: 600, maxRuns: 2 }] }), { credentials: ['DEPLOY_TOKEN', 'NPM_TOKEN'] });
      assert.deepEqual(decision, { kind: 'ask', limits: { defaultDurationSeconds: 300, maxDurationSeconds: 300, maxRuns: 2, allowPrefix: true } });
    });
    it('a requested duration lowers the preselected duration but never raises it', () => {
      const lower = decide(layers(creds), { requestedDurationSeconds: 60 });
      assert.ok(lower.kind === 'ask' && lower.limits.defaultDurationSeconds === 60);
      const higher = decide(layers(creds), { requestedDurationSeconds: 99_999 });
      assert.ok(higher.kind === 'ask' && higher.limits.defaultDurationSeconds === 900 && higher.limits.maxDurationSeconds === 3600);
    });
    it('allow honours the requested max runs', () => {
      const decision = decide(layers({ ...creds, 'airlock.policy.allowWithoutConsent': true, 'airlock.policy.rules': [{ decision: 'allow', maxRuns: 10 }] }), { requestedMaxRuns: 3 });
      assert.ok(decision.kind === 'allow' && decision.limits.maxRuns === 3);
    });
    it('prefix grants are off by default; user settings turn them on; a workspace may only turn them off', () => {
      const prefixOffered = (d: PolicyDecision): boolean => d.kind !== 'deny' && d.limits.allowPrefix;
      assert.ok(!prefixOffered(decide(layers(creds))), 'off by default');
      const on = { ...creds, 'airlock.grants.allowPrefix': true };
      assert.ok(prefixOffered(decide(layers(on))));
      assert.ok(!prefixOffered(decide(layers(creds, { 'airlock.grants.allowPrefix': true }))), 'a workspace cannot turn them on');
      assert.ok(!prefixOffered(decide(layers(on, { 'airlock.grants.allowPrefix': false }))), 'a workspace may turn them off');
      assert.ok(!prefixOffered(decide(layers(on, {}, { folders: [{ name: 'app', values: { 'airlock.grants.allowPrefix': false } }] }))));
    });
    it('prefix widening is not offered when a rule looks at the command or the credential is workspace-defined', () => {
      const narrowed = decide(layers({ ...creds, 'airlock.grants.allowPrefix': true, 'airlock.policy.rules': [{ command: 'npm run *', decision: 'ask' }] }));
      assert.ok(narrowed.kind === 'ask' && !narrowed.limits.allowPrefix);
      const workspace = decide(layers({}, { 'airlock.credentials': [DEPLOY] }));
      assert.ok(workspace.kind === 'ask' && !workspace.limits.allowPrefix);
    });
  });

  describe('workspace-defined credentials', () => {
    it('always ask, even with allowWithoutConsent and a user allow rule', () => {
      const decision = decide(layers({ 'airlock.policy.allowWithoutConsent': true, 'airlock.policy.rules': [{ decision: 'allow' }] }, { 'airlock.credentials': [DEPLOY] }));
      assert.equal(decision.kind, 'ask');
    });
    it('are unknown in an untrusted workspace', () => {
      assert.equal(kind(decide(layers({}, { 'airlock.credentials': [DEPLOY] }, { trusted: false }))), 'deny:unknown-credential');
    });
  });

  it('workspace deny and ask rules tighten', () => {
    const loose = { ...creds, 'airlock.policy.allowWithoutConsent': true, 'airlock.policy.rules': [{ decision: 'allow' }] };
    assert.equal(kind(decide(layers(loose, { 'airlock.policy.rules': [{ decision: 'deny' }] }))), 'deny:denied-by-policy');
    assert.equal(kind(decide(layers(loose, { 'airlock.policy.rules': [{ decision: 'ask' }] }))), 'ask');
    assert.equal(kind(decide(layers(loose, {}, { folders: [{ name: 'app', values: { 'airlock.policy.rules': [{ decision: 'deny', command: 'npm *' }] } }] }))), 'deny:denied-by-policy');
    // Narrowing: the workspace only lets `npm run deploy` through.
    const narrow = { 'airlock.policy.rules': [{ command: 'npm run deploy', decision: 'ask' }, { decision: 'deny' }] };
    assert.equal(kind(decide(layers(loose, narrow))), 'ask');
    assert.equal(kind(decide(layers(loose, narrow), { command: 'printenv' })), 'deny:denied-by-policy');
  });

  it('containingFolder resolves .. and refuses prefixes that are not folders', () => {
    assert.equal(containingFolder('/a/b/../b/c', ['/a/b']), '/a/b');
    assert.equal(containingFolder('/a/bc', ['/a/b']), undefined);
    assert.equal(containingFolder('/a/b\0', ['/a/b']), undefined);
    assert.equal(containingFolder('/a', ['relative']), undefined);
  });
});

describe('globMatch', () => {
  const rows: [string, string, boolean][] = [
    ['*', '', true], ['*', 'anything / at all', true], ['npm run *', 'npm run deploy', true], ['npm run *', 'npm ci', false],
    ['DEPLOY_*', 'DEPLOY_TOKEN', true], ['*_TOKEN', 'NPM_TOKEN', true], ['a?c', 'abc', true], ['a?c', 'ac', false],
    ['a-b', 'a-b', true], ['(x)', '(x)', true], ['[a]', 'a', false], ['/regex/', '/regex/', true], ['a*b*c', 'aXXbYYc', true], ['a*b*c', 'aXXbYY', false],
    ['', '', true], ['', 'x', false], ['**', 'x/y', true],
  ];
  for (const [pattern, text, expected] of rows) it(`${JSON.stringify(pattern)} ~ ${JSON.stringify(text)} = ${expected}`, () => assert.equal(globMatch(pattern, text), expected));
  it('never throws on special characters and stays linear-ish on hostile patterns', () => {
    for (const source of ['-', '\\', '\0', '\u202e', '${HOME}', '[/', '(']) compileGlob(source).test('x');
    assert.equal(compileGlob(`${'*a'.repeat(30)}*b`).test('a'.repeat(5000)), false);
  });
});

describe('remote windows: settings an agent on the remote machine can write never count as the person\'s', () => {
  // In a remote window, inspect().globalValue of a window/resource-scoped setting is the local user
  // settings merged with the remote machine's settings file (~/.vscode-server/data/Machine/settings.json),
  // which an agent running on that machine can write. Only application-scope values are read locally.
  const planted = {
    'airlock.credentials': [DEPLOY],
    'airlock.policy.rules': [{ credentials: 'DEPLOY_TOKEN', command: 'npm run deploy', decision: 'allow' }],
    'airlock.policy.allowWithoutConsent': true,
    'airlock.grants.allowPrefix': true,
  };

  it('a local window: the same user values allow (the baseline the remote case must not reach)', () => {
    assert.equal(decide(layers(planted)).kind, 'allow');
  });

  it('a remote window: credentials from the merged user values always ask and offer no prefix; allow rules there do not allow', () => {
    const decision = decide(layers(planted, {}, { remote: true }));
    assert.equal(decision.kind, 'ask');
    assert.ok(decision.kind === 'ask' && !decision.limits.allowPrefix);
    const policy = parsePolicy(layers(planted, {}, { remote: true }));
    assert.equal(policy.policy.credentials[0]?.origin, 'remote');
    assert.ok(policy.problems.some((p) => p.message.includes("remote machine's settings") && p.message.includes('cannot allow')), JSON.stringify(policy.problems));
  });

  it('a remote window: application-scope values stay the person\'s; other limits may only be lowered there', () => {
    const remote = parsePolicy(layers({ 'airlock.policy.maxDurationSeconds': 7200, 'airlock.grants.allowPrefix': true, 'airlock.grants.killOnExpiry': false }, {}, { remote: true })).policy;
    assert.equal(remote.limits.maxDurationSeconds, 7200);
    assert.equal(remote.limits.allowPrefix, true);
    const raised = parsePolicy(layers({ 'airlock.consent.timeoutSeconds': 3000, 'airlock.run.outputLimitKiB': 16_384 }, {}, { remote: true }));
    assert.equal(raised.policy.limits.consentTimeoutSeconds, 120, 'the remote file cannot raise the consent timeout');
    assert.equal(raised.policy.limits.outputLimitKiB, 64, 'nor the output limit');
    const lowered = parsePolicy(layers({ 'airlock.consent.timeoutSeconds': 30, 'airlock.grants.killOnExpiry': true }, {}, { remote: true })).policy;
    assert.equal(lowered.limits.consentTimeoutSeconds, 30, 'it may lower it');
    assert.equal(lowered.limits.killOnExpiry, true, 'and tighten');
  });

  it('a remote window with a workspace: both may only tighten, and a deny there still denies', () => {
    const denied = decide(layers({ ...planted, 'airlock.policy.rules': [{ decision: 'deny' }] }, {}, { remote: true }));
    assert.equal(denied.kind, 'deny');
  });
});
