import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { plainL10n } from '../../../../src/shared/l10n';
import { markingL10n } from '../../../support/markingL10n';
import { EVERY_PROBLEM } from './problemFixture';
import { parsePolicy } from '../../../../src/core/policy/parse';
import { DEPLOY, layers, NPM } from './fixtures';

const messages = (problems: readonly { setting: string; message: string }[]): string => problems.map((p) => `${p.setting}: ${p.message}`).join('\n');

describe('parsePolicy', () => {
  it('gives the documented defaults when nothing is set', () => {
    const { policy, problems } = parsePolicy(layers());
    assert.deepEqual(problems, []);
    assert.deepEqual(policy.limits, {
      defaultDurationSeconds: 900,
      maxDurationSeconds: 3600,
      allowWithoutConsent: false,
      consentTimeoutSeconds: 120,
      agentWaitSeconds: 45,
      killOnExpiry: false,
      allowPrefix: false,
      outputLimitKiB: 64,
      maxRunTimeoutSeconds: 600,
      sandbox: 'whenAvailable',
    });
    assert.deepEqual(policy.credentials, []);
    assert.deepEqual(policy.endpoint, { enabled: true, port: 0 });
    assert.deepEqual(policy.onePassword, { account: undefined, timeoutSeconds: 30 });
    assert.deepEqual(policy.audit, { maxFileSizeMiB: 10 });
  });

  it('parses user credentials with env defaulting to the name and a parsed reference', () => {
    const { policy, problems } = parsePolicy(layers({ 'airlock.credentials': [DEPLOY, { ...NPM, env: 'NODE_AUTH_TOKEN' }] }));
    assert.deepEqual(problems, []);
    assert.deepEqual(policy.credentials.map((c) => [c.name, c.env, c.source.kind, c.source.raw, c.origin]), [
      ['DEPLOY_TOKEN', 'DEPLOY_TOKEN', 'op', 'op://Prod/Deploy/token', 'user'],
      ['NPM_TOKEN', 'NODE_AUTH_TOKEN', 'secret', 'secret:NPM_TOKEN', 'user'],
    ]);
  });

  const invalidCredentials: [string, unknown, RegExp][] = [
    ['not an object', 'DEPLOY_TOKEN', /credentials\[0\] in user settings is invalid/],
    ['missing source', { name: 'A_TOKEN' }, /"source"/],
    ['unknown key', { ...DEPLOY, value: 'hunter2hunter2' }, /Unrecognized key/],
    ['lower-case name', { ...DEPLOY, name: 'deploy' }, /credential name "deploy" is not valid/],
    ['env PATH', { ...DEPLOY, env: 'PATH' }, /cannot set the environment variable "PATH"/],
    ['env LD_PRELOAD', { ...DEPLOY, env: 'LD_PRELOAD' }, /LD_PRELOAD/],
    ['env NODE_OPTIONS', { ...DEPLOY, env: 'NODE_OPTIONS' }, /NODE_OPTIONS/],
    ['bad reference', { ...DEPLOY, source: 'vault://x' }, /not a valid reference.*unknown scheme/],
    ['empty reference', { ...DEPLOY, source: '' }, /source/],
  ];
  for (const [name, entry, expected] of invalidCredentials) {
    it(`drops an invalid credential (${name}), keeps the rest, and names the setting and the fix`, () => {
      const { policy, problems } = parsePolicy(layers({ 'airlock.credentials': [entry, NPM] }));
      assert.deepEqual(policy.credentials.map((c) => c.name), ['NPM_TOKEN']);
      assert.equal(problems.length, 1, messages(problems));
      assert.equal(problems[0]?.setting, 'airlock.credentials');
      assert.match(problems[0]?.message ?? '', expected);
    });
  }

  it('reports a duplicate credential name once and keeps the first', () => {
    const { policy, problems } = parsePolicy(layers({ 'airlock.credentials': [DEPLOY, { ...DEPLOY, source: 'secret:OTHER' }] }));
    assert.equal(policy.credentials[0]?.source.raw, DEPLOY.source);
    assert.match(messages(problems), /already defined/);
  });

  it('marks workspace-only credentials as origin workspace', () => {
    const { policy } = parsePolicy(layers({ 'airlock.credentials': [DEPLOY] }, { 'airlock.credentials': [NPM] }));
    assert.deepEqual(policy.credentials.map((c) => [c.name, c.origin]), [['DEPLOY_TOKEN', 'user'], ['NPM_TOKEN', 'workspace']]);
  });

  it('ignores a workspace credential that redirects the source or env of a user credential', () => {
    for (const redirect of [{ ...DEPLOY, source: 'op://Prod/Other/token' }, { ...DEPLOY, env: 'OTHER_VAR' }]) {
      const { policy, problems } = parsePolicy(layers({ 'airlock.credentials': [DEPLOY] }, { 'airlock.credentials': [redirect] }));
      assert.equal(policy.credentials.length, 1);
      assert.equal(policy.credentials[0]?.source.raw, DEPLOY.source);
      assert.equal(policy.credentials[0]?.env, 'DEPLOY_TOKEN');
      assert.equal(policy.credentials[0]?.origin, 'user');
      assert.match(messages(problems), /workspace settings cannot change where DEPLOY_TOKEN comes from/);
    }
  });

  it('accepts an identical workspace copy of a user credential silently', () => {
    const { policy, problems } = parsePolicy(layers({ 'airlock.credentials': [DEPLOY] }, { 'airlock.credentials': [DEPLOY] }));
    assert.deepEqual(problems, []);
    assert.equal(policy.credentials[0]?.origin, 'user');
  });

  const invalidRules: [string, unknown, RegExp][] = [
    ['no decision', { credentials: 'X' }, /"decision"/],
    ['bad decision', { decision: 'maybe' }, /"decision"/],
    ['typo key', { decison: 'deny' }, /Unrecognized key|decision/],
    ['negative duration', { decision: 'ask', maxDurationSeconds: -1 }, /maxDurationSeconds/],
    ['fractional runs', { decision: 'ask', maxRuns: 1.5 }, /maxRuns/],
    ['empty pattern', { decision: 'ask', command: '' }, /must not be empty/],
    ['bad regex', { decision: 'ask', command: '/(/' }, /regular expression/],
    ['not an object', 'deny', /invalid/],
  ];
  for (const [name, entry, expected] of invalidRules) {
    it(`drops an invalid rule (${name}) and keeps the others`, () => {
      const { policy, problems } = parsePolicy(layers({ 'airlock.policy.rules': [entry, { decision: 'deny', credentials: 'X' }] }));
      assert.equal(policy.ruleLayers[0]?.rules.length, 1);
      assert.equal(problems.length, 1, messages(problems));
      assert.equal(problems[0]?.setting, 'airlock.policy.rules');
      assert.match(problems[0]?.message ?? '', expected);
    });
  }

  it('reports a non-array value and treats it as empty', () => {
    const { policy, problems } = parsePolicy(layers({ 'airlock.policy.rules': { decision: 'allow' }, 'airlock.credentials': 'DEPLOY' }));
    assert.equal(policy.ruleLayers[0]?.rules.length, 0);
    assert.equal(policy.credentials.length, 0);
    assert.equal(problems.length, 2);
  });

  it('replaces an invalid user scalar with its default and says so', () => {
    const { policy, problems } = parsePolicy(layers({ 'airlock.policy.maxDurationSeconds': 'forever', 'airlock.endpoint.port': 70000 }));
    assert.equal(policy.limits.maxDurationSeconds, 3600);
    assert.equal(policy.endpoint.port, 0);
    assert.equal(problems.length, 2);
    assert.match(messages(problems), /airlock.policy.maxDurationSeconds in user settings is invalid.*using the default 3600/);
  });

  it('caps the default duration at the max duration', () => {
    const { policy } = parsePolicy(layers({ 'airlock.policy.defaultDurationSeconds': 7200, 'airlock.policy.maxDurationSeconds': 600 }));
    assert.equal(policy.limits.defaultDurationSeconds, 600);
  });

  it('takes workspace values that tighten', () => {
    const { policy, problems } = parsePolicy(layers(
      { 'airlock.policy.allowWithoutConsent': true },
      {
        'airlock.policy.maxDurationSeconds': 60,
        'airlock.policy.defaultDurationSeconds': 30,
        'airlock.policy.allowWithoutConsent': false,
        'airlock.grants.killOnExpiry': true,
        'airlock.consent.timeoutSeconds': 30,
        'airlock.run.outputLimitKiB': 8,
        'airlock.run.maxTimeoutSeconds': 10,
      },
    ));
    assert.deepEqual(problems, []);
    assert.equal(policy.limits.maxDurationSeconds, 60);
    assert.equal(policy.limits.defaultDurationSeconds, 30);
    assert.equal(policy.limits.allowWithoutConsent, false);
    assert.equal(policy.limits.killOnExpiry, true);
    assert.equal(policy.limits.consentTimeoutSeconds, 30);
    assert.equal(policy.limits.outputLimitKiB, 8);
    assert.equal(policy.limits.maxRunTimeoutSeconds, 10);
  });

  it('folder values tighten like workspace values', () => {
    const { policy } = parsePolicy(layers({}, {}, { folders: [{ name: 'api', values: { 'airlock.policy.maxDurationSeconds': 120 } }] }));
    assert.equal(policy.limits.maxDurationSeconds, 120);
  });

  it('ignores every workspace and folder value in an untrusted workspace, naming each', () => {
    const { policy, problems } = parsePolicy(layers(
      { 'airlock.credentials': [DEPLOY] },
      { 'airlock.credentials': [NPM], 'airlock.policy.maxDurationSeconds': 60, 'airlock.policy.rules': [{ decision: 'deny' }] },
      { trusted: false, folders: [{ name: 'api', values: { 'airlock.grants.killOnExpiry': true } }] },
    ));
    assert.equal(policy.trusted, false);
    assert.deepEqual(policy.credentials.map((c) => c.name), ['DEPLOY_TOKEN']);
    assert.equal(policy.limits.maxDurationSeconds, 3600);
    assert.equal(policy.limits.killOnExpiry, false);
    assert.equal(policy.ruleLayers.length, 1);
    assert.equal(problems.length, 4);
    assert.ok(problems.every((p) => /not trusted/.test(p.message)));
  });

  it('never throws on garbage layers', () => {
    const garbage: unknown[] = [null, 42, 'x', [], [null], [[]], { decision: 'deny' }, Number.NaN, Infinity, { toString: 1 }];
    for (const value of garbage) {
      for (const key of ['airlock.credentials', 'airlock.policy.rules', 'airlock.policy.maxDurationSeconds', 'airlock.policy.allowWithoutConsent', 'airlock.onePassword.account']) {
        parsePolicy(layers({ [key]: value }, { [key]: value }));
      }
    }
  });
});

describe('parsePolicy: l10n (the audit and the log keep English, the person’s warning is translated)', () => {
  // problems.en.json was written by the parser before its messages went through L10n: the English the
  // audit records (settings-ignored) must not change with localisation.
  const english = JSON.parse(readFileSync(join(__dirname, 'problems.en.json'), 'utf8')) as [string, string][];
  const problems = EVERY_PROBLEM.flatMap((settings) => parsePolicy(settings).problems);

  it('every problem’s English `message` is byte for byte what it was', () => {
    assert.deepEqual(problems.map((p) => [p.setting, p.message]), english);
  });

  it('every problem says the same thing through a translator, every part of it translated (where, labels, reasons)', () => {
    assert.equal(problems.length, english.length);
    for (const problem of problems) {
      const said = problem.say(markingL10n);
      assert.ok(said.startsWith('«') && said.endsWith('»'), said);
      assert.equal(said.replace(/[«»]/g, ''), problem.message);
      assert.equal(problem.say(plainL10n), problem.message);
    }
    const said = problems.map((p) => p.say(markingL10n));
    assert.ok(said.some((s) => s.includes('in «workspace settings»')));
    assert.ok(said.some((s) => s.includes('«folder settings of "api"»')));
    assert.ok(said.some((s) => s.includes("«the remote machine's settings")));
    assert.ok(said.some((s) => s.includes('«adds host(s) evil.example.com»')));
    assert.ok(said.some((s) => s.includes('«A credential cannot set the environment variable "NODE_OPTIONS": «it makes')));
  });
});
