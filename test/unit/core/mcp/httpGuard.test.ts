import { strict as assert } from 'node:assert';
import { bearerToken, checkHost, displayableClaim, guardRequest, jsonNestingDepth, type RequestFacts } from '../../../../src/core/mcp/httpGuard';
import { generateClientToken, TokenRegistry } from '../../../../src/core/mcp/tokens';

describe('httpGuard', () => {
  const port = 43123;
  const tokens = new TokenRegistry();
  const codexToken = generateClientToken();
  const cursorToken = generateClientToken();
  tokens.set('codex', codexToken);
  tokens.set('cursor', cursorToken);

  const facts = (overrides: Partial<RequestFacts> & { headers?: RequestFacts['headers'] } = {}): RequestFacts => ({
    method: 'POST',
    target: '/mcp',
    port,
    ...overrides,
    headers: { host: `127.0.0.1:${port}`, authorization: `Bearer ${codexToken}`, ...overrides.headers },
  });

  it('accepts a well-formed request and names the token\'s client', () => {
    assert.deepEqual(guardRequest(facts(), tokens), { ok: true, client: 'codex' });
    assert.deepEqual(guardRequest(facts({ headers: { authorization: `Bearer ${cursorToken}` } }), tokens), { ok: true, client: 'cursor' });
    assert.deepEqual(guardRequest(facts({ headers: { host: `LOCALHOST:${port}` } }), tokens), { ok: true, client: 'codex' });
    for (const method of ['GET', 'DELETE', 'post']) assert.equal(guardRequest(facts({ method }), tokens).ok, true);
  });

  describe('Host (DNS rebinding)', () => {
    for (const host of [
      undefined, '', 'evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, '127.0.0.1', 'localhost',
      `[::1]:${port}`, `0.0.0.0:${port}`, `127.0.0.1:${port}.evil.example`, `localhost.:${port}`, ` 127.0.0.1:${port}`,
      `127.0.0.2:${port}`, `localhost:0${port}`,
    ]) {
      it(`refuses Host ${JSON.stringify(host)} with 403`, () => {
        const verdict = guardRequest(facts({ headers: { host } }), tokens);
        assert.equal(verdict.ok, false);
        assert.equal(!verdict.ok && verdict.status, 403);
      });
    }
    it('refuses several Host values', () => {
      assert.equal(checkHost([`127.0.0.1:${port}`, 'evil.example'], port)?.status, 403);
    });
  });

  describe('Origin', () => {
    for (const origin of ['https://evil.example', 'null', `http://127.0.0.1:${port}`, `http://localhost:${port}`, 'vscode-webview://x', '']) {
      it(`refuses Origin ${JSON.stringify(origin)} with 403, even with a valid token`, () => {
        const verdict = guardRequest(facts({ headers: { origin } }), tokens);
        assert.equal(!verdict.ok && verdict.status, 403);
      });
    }
  });

  describe('methods and paths', () => {
    it('refuses CORS preflight (OPTIONS) with 405, before any token check', () => {
      const verdict = guardRequest(facts({ method: 'OPTIONS', headers: { authorization: undefined } }), tokens);
      assert.equal(!verdict.ok && verdict.status, 405);
    });
    for (const method of ['PUT', 'PATCH', 'HEAD', 'TRACE', 'CONNECT']) {
      it(`refuses ${method} with 405`, () => assert.equal(!guardRequest(facts({ method }), tokens).ok && 405, 405));
    }
    for (const target of ['/', '/mcp/', '/MCP', '/mcp/../mcp', '/other', '//mcp', '*', 'http://127.0.0.1/mcp']) {
      it(`refuses target ${JSON.stringify(target)} with 404`, () => {
        const verdict = guardRequest(facts({ target }), tokens);
        assert.equal(!verdict.ok && verdict.status, 404);
      });
    }
  });

  describe('tokens', () => {
    it('refuses a token in the query string with 400, even when it is valid', () => {
      for (const target of [`/mcp?token=${codexToken}`, `/mcp?access_token=${codexToken}`, '/mcp?', '/mcp?x=1']) {
        const verdict = guardRequest(facts({ target }), tokens);
        assert.equal(!verdict.ok && verdict.status, 400, target);
        assert.ok(!verdict.ok && !verdict.message.includes(codexToken));
      }
    });
    const unauthorized: Record<string, string | readonly string[] | undefined> = {
      missing: undefined,
      empty: '',
      'wrong scheme': `Basic ${codexToken}`,
      'no token': 'Bearer ',
      'extra part': `Bearer ${codexToken} extra`,
      'wrong token': `Bearer ${generateClientToken()}`,
      'truncated token': `Bearer ${codexToken.slice(0, -1)}`,
      'token plus a byte': `Bearer ${codexToken}A`,
      'two headers': [`Bearer ${codexToken}`, `Bearer ${codexToken}`],
      'raw token': codexToken,
    };
    for (const [name, authorization] of Object.entries(unauthorized)) {
      it(`refuses ${name} with 401 and never echoes the header`, () => {
        const verdict = guardRequest(facts({ headers: { authorization } }), tokens);
        assert.equal(!verdict.ok && verdict.status, 401);
        assert.ok(!verdict.ok && !verdict.message.includes(codexToken));
      });
    }
    it('refuses a revoked token immediately, and a replaced one', () => {
      const registry = new TokenRegistry();
      const first = generateClientToken();
      registry.set('claude-code', first);
      const withToken = (token: string) => guardRequest(facts({ headers: { authorization: `Bearer ${token}` } }), registry);
      assert.equal(withToken(first).ok, true);
      const second = generateClientToken();
      registry.set('claude-code', second);
      assert.equal(!withToken(first).ok && 401, 401);
      assert.equal(withToken(second).ok, true);
      registry.revoke('claude-code');
      assert.equal(!withToken(second).ok && 401, 401);
    });
    it('accepts a case-insensitive scheme and trims surrounding space', () => {
      assert.equal(bearerToken(`bearer ${codexToken}`), codexToken);
      assert.equal(bearerToken(`  Bearer ${codexToken}  `), codexToken);
    });
  });

  it('checks in order: Host before Origin before method before token', () => {
    const all = facts({ method: 'OPTIONS', target: '/x?token=1', headers: { host: 'evil', origin: 'https://evil', authorization: undefined } });
    assert.equal(!guardRequest(all, tokens).ok && (guardRequest(all, tokens) as { status: number }).status, 403);
  });
});

describe('request-body and claim helpers', () => {
  it('jsonNestingDepth counts nesting outside strings, linearly', () => {
    assert.equal(jsonNestingDepth('{}'), 1);
    assert.equal(jsonNestingDepth('{"a":[1,{"b":[]}]}'), 4);
    assert.equal(jsonNestingDepth('"[[[[[["'), 0);
    assert.equal(jsonNestingDepth('{"a":"\\"[[[["}'), 1);
    assert.equal(jsonNestingDepth('['.repeat(1_000_000)), 1_000_000);
  });

  it('displayableClaim strips control, bidi, invisible and escape characters and bounds the length', () => {
    assert.equal(displayableClaim('Claude Code'), 'Claude Code');
    assert.equal(displayableClaim('evil\u001b[31mred\u202eoverride\nnext'), 'evil [31mred override next');
    assert.equal(displayableClaim('Claude\u00a0Code\u{e0041}\u3164\u2800'), 'Claude Code');
    assert.equal(displayableClaim('x'.repeat(500))?.length, 64);
    assert.equal(displayableClaim(42), undefined);
    assert.equal(displayableClaim('\u0000\u0007'), undefined);
  });
});
