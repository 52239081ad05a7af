import { strict as assert } from 'node:assert';
import { CLIENT_TOKEN_PATTERN, generateClientToken, TokenRegistry } from '../../../../src/core/mcp/tokens';

describe('client tokens', () => {
  it('are 256-bit base64url and unique', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const token = generateClientToken();
      assert.match(token, CLIENT_TOKEN_PATTERN);
      assert.equal(Buffer.from(token, 'base64url').length, 32);
      seen.add(token);
    }
    assert.equal(seen.size, 200);
  });

  it('verify names the owning client and nothing for unknown tokens', () => {
    const registry = new TokenRegistry();
    const tokens = { codex: generateClientToken(), copilot: generateClientToken() };
    registry.set('codex', tokens.codex);
    registry.set('copilot', tokens.copilot);
    assert.equal(registry.verify(tokens.codex), 'codex');
    assert.equal(registry.verify(tokens.copilot), 'copilot');
    assert.equal(registry.verify(generateClientToken()), undefined);
    assert.equal(registry.verify(''), undefined);
    assert.equal(registry.verify('x'.repeat(10_000)), undefined);
    assert.deepEqual(registry.clients(), ['copilot', 'codex']);
  });

  it('an empty registry verifies nothing (the all-zero placeholder never matches)', () => {
    const registry = new TokenRegistry();
    assert.equal(registry.verify(generateClientToken()), undefined);
  });

  it('tells listeners when a token is replaced or revoked, not when first set', () => {
    const registry = new TokenRegistry();
    const invalidated: string[] = [];
    const subscription = registry.onTokenInvalidated((client) => invalidated.push(client));
    const first = generateClientToken();
    registry.set('cursor', first);
    registry.set('cursor', first); // the same token again: nothing is invalidated
    registry.set('cursor', generateClientToken());
    registry.revoke('cursor');
    registry.revoke('cursor');
    subscription.dispose();
    registry.set('codex', generateClientToken());
    registry.revoke('codex');
    assert.deepEqual(invalidated, ['cursor', 'cursor']);
  });
});
