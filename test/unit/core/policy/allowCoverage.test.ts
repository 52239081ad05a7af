// An `allow` rule approves only the network hosts and write paths it names: a prompt-injected agent
// under an allow rule must not get `network: ["attacker.example"]` (or writes nobody approved) granted
// with nobody asked. Beyond the rule a request asks (never denies), and the note says what was not covered.
import { strict as assert } from 'node:assert';
import type { PolicyDecision } from '../../../../src/core/policy/evaluate';
import { parsePolicy, type SettingValues } from '../../../../src/core/policy/parse';
import { hostCovered } from '../../../../src/core/sandbox/sealedRun';
import { decide, DEPLOY, FOLDER, layers, NPM } from './fixtures';

const allowing = (rule: Record<string, unknown> = {}): SettingValues => ({
  'airlock.credentials': [DEPLOY, NPM],
  'airlock.policy.allowWithoutConsent': true,
  'airlock.policy.rules': [{ decision: 'allow', ...rule }],
});
const noteOf = (decision: PolicyDecision): string | undefined => (decision.kind === 'ask' ? decision.note : undefined);

describe('evaluate: an allow rule covers only the network and writes it names', () => {
  it('no extra network and no writes → allow (the rule names neither)', () => {
    assert.equal(decide(layers(allowing())).kind, 'allow');
    assert.equal(decide(layers(allowing()), { network: [], writes: [] }).kind, 'allow');
  });

  it('an extra host the rule does not name → ask, saying which host and which rule', () => {
    const decision = decide(layers(allowing()), { network: ['attacker.example'] });
    assert.equal(decision.kind, 'ask');
    assert.equal(noteOf(decision), 'network not covered by the allow rule airlock.policy.rules[0] in user settings: attacker.example');
  });

  it('hosts the rule names → allow; one more → ask naming only the uncovered one', () => {
    const settings = layers(allowing({ network: ['registry.example.com', '*.cdn.example.com'] }));
    assert.equal(decide(settings, { network: ['registry.example.com'] }).kind, 'allow');
    assert.equal(decide(settings, { network: ['a.cdn.example.com', '*.eu.cdn.example.com'] }).kind, 'allow');
    const decision = decide(settings, { network: ['registry.example.com', 'attacker.example', 'cdn.example.com'] });
    assert.equal(decision.kind, 'ask');
    assert.match(noteOf(decision) ?? '', /: attacker\.example, cdn\.example\.com$/);
  });

  it("a host among the requested credentials' own hosts is covered (every run of them reaches it anyway)", () => {
    const bound = { ...DEPLOY, hosts: ['api.example.com'] };
    const user = { ...allowing(), 'airlock.credentials': [bound, NPM] };
    assert.equal(decide(layers(user), { network: ['api.example.com'] }).kind, 'allow');
    // Not for a credential the request does not hold.
    assert.equal(decide(layers(user), { credentials: ['NPM_TOKEN'], network: ['api.example.com'] }).kind, 'ask');
  });

  it('a write inside a rule path (relative to the folder, or absolute) → allow; outside → ask naming it', () => {
    const settings = layers(allowing({ writes: ['dist', `${FOLDER}/coverage`] }));
    assert.equal(decide(settings, { writes: [`${FOLDER}/dist`, `${FOLDER}/dist/a/b.js`, `${FOLDER}/coverage/x`] }).kind, 'allow');
    for (const outside of [`${FOLDER}/src/index.ts`, `${FOLDER}/dist-evil`, FOLDER, `${FOLDER}/.git/hooks/pre-commit`]) {
      const decision = decide(settings, { writes: [`${FOLDER}/dist`, outside] });
      assert.equal(decision.kind, 'ask', outside);
      assert.equal(noteOf(decision), `writes not covered by the allow rule airlock.policy.rules[0] in user settings: ${outside}`);
    }
  });

  it('relative rule paths are the request’s own workspace folder’s (multi-root)', () => {
    const settings = layers(allowing({ writes: ['dist'] }));
    const folders = [FOLDER, '/work/lib'];
    assert.equal(decide(settings, { cwd: '/work/lib', workspaceFolders: folders, writes: ['/work/lib/dist/x'] }).kind, 'allow');
    assert.equal(decide(settings, { cwd: '/work/lib', workspaceFolders: folders, writes: [`${FOLDER}/dist/x`] }).kind, 'ask');
  });

  it('both uncovered: one note names both; the rule’s limits still apply to the ask', () => {
    const decision = decide(layers(allowing({ maxRuns: 3, maxDurationSeconds: 60 })), { network: ['x.example'], writes: [`${FOLDER}/out`] });
    assert.equal(decision.kind, 'ask');
    assert.match(noteOf(decision) ?? '', /^network not covered .*: x\.example; writes not covered .*: \/work\/app\/out$/);
    assert.equal(decision.kind === 'ask' ? decision.limits.maxDurationSeconds : 0, 60);
    assert.equal(decision.kind === 'ask' ? decision.limits.maxRuns : 0, 3);
  });

  it('a long list is cut in the note (counted), never in the decision', () => {
    const hosts = Array.from({ length: 20 }, (_, i) => `h${i}.example`);
    const decision = decide(layers(allowing()), { network: hosts });
    assert.equal(decision.kind, 'ask');
    assert.match(noteOf(decision) ?? '', /h9\.example and 10 more$/);
  });

  it('never deny: a person can still approve; and no note when allowWithoutConsent is off (everything asks anyway)', () => {
    const off = { ...allowing(), 'airlock.policy.allowWithoutConsent': false };
    const decision = decide(layers(off), { network: ['attacker.example'] });
    assert.equal(decision.kind, 'ask');
    assert.equal(noteOf(decision), undefined);
  });

  it('a deny or ask rule is unaffected by what the request names (and network/writes on it are reported and ignored)', () => {
    const parsed = parsePolicy(layers({ 'airlock.credentials': [DEPLOY], 'airlock.policy.rules': [{ decision: 'deny', network: ['a.example'] }] }));
    assert.equal(parsed.policy.ruleLayers[0]?.rules[0]?.network, undefined);
    assert.ok(parsed.problems.some((p) => /apply only to "allow" rules/.test(p.message)));
    assert.equal(decide(layers({ 'airlock.credentials': [DEPLOY], 'airlock.policy.rules': [{ decision: 'deny', network: ['a.example'] }] }), { network: ['a.example'] }).kind, 'deny');
  });

  it('a rule naming an IP, a port, a scheme or an invisible character in network/writes is refused with a problem, like the request fields', () => {
    for (const rule of [{ network: ['10.0.0.1'] }, { network: ['a.example:443'] }, { network: ['https://a.example'] }, { network: ['*'] }, { writes: ['dist\u202e'] }, { writes: [''] }]) {
      const parsed = parsePolicy(layers(allowing(rule)));
      assert.equal(parsed.policy.ruleLayers[0]?.rules.length, 0, JSON.stringify(rule));
      assert.ok(parsed.problems.length > 0);
    }
  });

  it("two allow rules, each for its own credential: asked together, the run would reach one credential's hosts with the other's value → ask", () => {
    // DEPLOY_TOKEN (in the environment, its rule names no network) and GH_TOKEN (host-bound to GitHub):
    // together the run reaches api.github.com with DEPLOY_TOKEN's value in its environment.
    const gh = { name: 'GH_TOKEN', description: 'GitHub', source: 'secret:GH_TOKEN', hosts: ['api.github.com'] };
    const separate = {
      'airlock.credentials': [DEPLOY, NPM, gh],
      'airlock.policy.allowWithoutConsent': true,
      'airlock.policy.rules': [{ credentials: 'DEPLOY_TOKEN', decision: 'allow' }, { credentials: 'GH_TOKEN', decision: 'allow' }],
    };
    assert.equal(decide(layers(separate), { credentials: ['GH_TOKEN'] }).kind, 'allow', 'GitHub alone: its own hosts');
    assert.equal(decide(layers(separate), { credentials: ['DEPLOY_TOKEN'] }).kind, 'allow', 'DEPLOY alone: no network');
    const together = decide(layers(separate), { credentials: ['DEPLOY_TOKEN', 'GH_TOKEN'] });
    assert.equal(together.kind, 'ask');
    assert.match(noteOf(together) ?? '', /network not covered by the allow rule airlock\.policy\.rules\[0\] in user settings: api\.github\.com/);
    // One rule for both (the person allowed them together), or a rule naming the host: allowed.
    const joint = { ...separate, 'airlock.policy.rules': [{ credentials: '*_TOKEN', decision: 'allow' }] };
    assert.equal(decide(layers(joint), { credentials: ['DEPLOY_TOKEN', 'GH_TOKEN'] }).kind, 'allow');
    const named = { ...separate, 'airlock.policy.rules': [{ credentials: 'DEPLOY_TOKEN', decision: 'allow', network: ['api.github.com'] }, { credentials: 'GH_TOKEN', decision: 'allow' }] };
    assert.equal(decide(layers(named), { credentials: ['DEPLOY_TOKEN', 'GH_TOKEN'] }).kind, 'allow');
  });

  describe('workspace and folder layers cannot widen', () => {
    it('a workspace allow rule naming hosts or writes does not cover them', () => {
      const workspace = { 'airlock.policy.rules': [{ decision: 'allow', network: ['attacker.example'], writes: ['.'] }] };
      assert.equal(decide(layers(allowing(), workspace), { network: ['attacker.example'] }).kind, 'ask');
      assert.equal(decide(layers(allowing(), workspace), { writes: [`${FOLDER}/dist`] }).kind, 'ask');
      assert.equal(decide(layers(allowing(), {}, { folders: [{ name: 'app', values: workspace }] }), { network: ['attacker.example'] }).kind, 'ask');
    });

    it('a workspace allow rule naming fewer hosts than the user rule narrows it', () => {
      const user = allowing({ network: ['a.example', 'b.example'] });
      const workspace = { 'airlock.policy.rules': [{ decision: 'allow', network: ['a.example'] }] };
      assert.equal(decide(layers(user, workspace), { network: ['a.example'] }).kind, 'allow');
      const decision = decide(layers(user, workspace), { network: ['b.example'] });
      assert.equal(decision.kind, 'ask');
      assert.match(noteOf(decision) ?? '', /in workspace settings: b\.example/);
    });

    it('a remote machine’s user values cannot add hosts to the person’s allow', () => {
      const remoteRules = { 'airlock.policy.rules': [{ decision: 'allow', network: ['attacker.example'] }] };
      const user = { ...allowing(), ...remoteRules };
      // In a remote window the rules (resource scope) are the remote machine's: they can only tighten.
      assert.notEqual(decide(layers(user, {}, { remote: true }), { network: ['attacker.example'] }).kind, 'allow');
    });
  });
});

describe('hostCovered (the engine’s matching: `*.x` is any strict subdomain of x)', () => {
  const rows: [string, string[], boolean][] = [
    ['a.example', ['a.example'], true],
    ['a.example', ['b.example'], false],
    ['x.a.example', ['*.a.example'], true],
    ['y.x.a.example', ['*.a.example'], true],
    ['a.example', ['*.a.example'], false],
    ['evila.example', ['*.a.example'], false],
    ['*.a.example', ['*.a.example'], true],
    ['*.x.a.example', ['*.a.example'], true],
    ['*.a.example', ['x.a.example'], false],
    ['*.a.example', ['*.x.a.example'], false],
    ['*.example', ['a.example'], false],
  ];
  for (const [host, patterns, expected] of rows) {
    it(`${host} by ${patterns.join(', ')} = ${expected}`, () => assert.equal(hostCovered(host, patterns), expected));
  }
});
