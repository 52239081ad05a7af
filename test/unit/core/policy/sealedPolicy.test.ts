import { strict as assert } from 'node:assert';
import { parsePolicy } from '../../../../src/core/policy/parse';
import { DEPLOY, layers } from './fixtures';

const messages = (problems: readonly { setting: string; message: string }[]): string => problems.map((p) => `${p.setting}: ${p.message}`).join('\n');
const BOUND = { ...DEPLOY, hosts: ['api.example.com', 'upload.example.com'] };

describe('parsePolicy: host-bound credentials and airlock.run.sandbox', () => {
  it('keeps a user credential\'s hosts (sorted, unique) and bodies', () => {
    const { policy, problems } = parsePolicy(layers({ 'airlock.credentials': [{ ...BOUND, hosts: ['upload.example.com', 'api.example.com', 'api.example.com'], bodies: true }] }));
    assert.deepEqual(problems, []);
    assert.deepEqual(policy.credentials[0]?.hosts, ['api.example.com', 'upload.example.com']);
    assert.equal(policy.credentials[0]?.bodies, true);
  });

  for (const bad of ['10.0.0.1', 'API.example.com', 'https://api.example.com', 'api.example.com:443', 'api.example.com/x', '*', '', '::1']) {
    it(`refuses the credential whose hosts hold ${JSON.stringify(bad)}, with a settings problem`, () => {
      const { policy, problems } = parsePolicy(layers({ 'airlock.credentials': [{ ...DEPLOY, hosts: [bad] }] }));
      assert.equal(policy.credentials.length, 0);
      assert.match(messages(problems), /airlock\.credentials\[0\] in user settings is invalid.*hosts/);
    });
  }

  it('a workspace may narrow a user credential\'s hosts, never add one or bind an env credential to its hosts', () => {
    const narrowed = parsePolicy(layers({ 'airlock.credentials': [BOUND] }, { 'airlock.credentials': [{ ...DEPLOY, hosts: ['api.example.com'] }] }));
    assert.deepEqual(narrowed.problems, []);
    assert.deepEqual(narrowed.policy.credentials[0]?.hosts, ['api.example.com']);

    const added = parsePolicy(layers({ 'airlock.credentials': [BOUND] }, { 'airlock.credentials': [{ ...DEPLOY, hosts: ['api.example.com', 'attacker.example'] }] }));
    assert.deepEqual(added.policy.credentials[0]?.hosts, BOUND.hosts);
    assert.match(messages(added.problems), /adds host\(s\) attacker\.example/);

    // An env credential rebound to the repository's host would have the proxy send the value there.
    const rebound = parsePolicy(layers({ 'airlock.credentials': [DEPLOY] }, { 'airlock.credentials': [{ ...DEPLOY, hosts: ['attacker.example'] }] }));
    assert.equal(rebound.policy.credentials[0]?.hosts, undefined);
    assert.match(messages(rebound.problems), /names hosts for a credential your user settings deliver in the environment/);

    const bodies = parsePolicy(layers({ 'airlock.credentials': [BOUND] }, { 'airlock.credentials': [{ ...DEPLOY, bodies: true }] }));
    assert.equal(bodies.policy.credentials[0]?.bodies, undefined);
    assert.match(messages(bodies.problems), /turns on body substitution/);
  });

  it('airlock.run.sandbox defaults to whenAvailable; a workspace may only raise it to required', () => {
    assert.equal(parsePolicy(layers()).policy.limits.sandbox, 'whenAvailable');
    assert.equal(parsePolicy(layers({ 'airlock.run.sandbox': 'off' })).policy.limits.sandbox, 'off');
    assert.equal(parsePolicy(layers({ 'airlock.run.sandbox': 'off' }, { 'airlock.run.sandbox': 'required' })).policy.limits.sandbox, 'required');
    for (const lower of ['off', 'whenAvailable']) {
      const { policy, problems } = parsePolicy(layers({ 'airlock.run.sandbox': 'required' }, { 'airlock.run.sandbox': lower }));
      assert.equal(policy.limits.sandbox, 'required');
      assert.match(messages(problems), /can only raise airlock\.run\.sandbox to "required"/);
    }
    const lowered = parsePolicy(layers({}, { 'airlock.run.sandbox': 'off' }));
    assert.equal(lowered.policy.limits.sandbox, 'whenAvailable');
    const invalid = parsePolicy(layers({ 'airlock.run.sandbox': 'sometimes' }));
    assert.equal(invalid.policy.limits.sandbox, 'whenAvailable');
    assert.match(messages(invalid.problems), /airlock\.run\.sandbox in user settings is invalid/);
    // Untrusted: the workspace's value does not apply at all.
    assert.equal(parsePolicy(layers({ 'airlock.run.sandbox': 'off' }, { 'airlock.run.sandbox': 'required' }, { trusted: false })).policy.limits.sandbox, 'off');
  });
});
