// The endpoint in plain Node with a real MCP SDK client over the real transport (no VS Code needed).
import { strict as assert } from 'node:assert';
import { request } from 'node:http';
import type { Client } from '@modelcontextprotocol/client';
import { connectEndingSessionOnClose, connectMcpClient, type McpTestClient } from '../../../support/mcpClient';
import { mcpMessages } from '../../../support/mcpResponse';
import { systemClock } from '../../../../src/core/clock';
import { silentLog } from '../../../../src/core/log';
import { generateClientToken, TokenRegistry } from '../../../../src/core/mcp/tokens';
import { listCredentialsTool } from '../../../../src/core/mcp/tools/listCredentials';
import { listGrantsTool } from '../../../../src/core/mcp/tools/listGrants';
import { startMcpHttpServer, UNTRUSTED_WORKSPACE_MESSAGE, type McpHttpEndpoint } from '../../../../src/adapters/node/mcpHttpServer';
import type { Credential } from '../../../../src/core/credentials';
import { tool } from '../../../../src/core/mcp/toolDefinition';
import { z } from 'zod';

const CANARY = 'canary-value-3f9a1c';

export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; path?: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: target.hostname, port: target.port, path: options.path ?? target.pathname, method: options.method ?? 'POST', headers: options.headers, setHost: !options.headers?.['host'] },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

describe('mcpHttpServer (plain Node, real SDK client)', function () {
  this.timeout(20_000);
  const tokens = new TokenRegistry();
  const codexToken = generateClientToken();
  tokens.set('codex', codexToken);
  let trusted = true;
  let endpoint: McpHttpEndpoint;
  const credential: Credential = {
    name: 'DEPLOY_TOKEN', description: 'Deploys', env: 'DEPLOY_TOKEN', origin: 'user',
    source: { kind: 'secret', raw: 'secret:DEPLOY_TOKEN', name: 'DEPLOY_TOKEN' },
  };

  before(async () => {
    endpoint = await startMcpHttpServer({
      tools: () => [
        listCredentialsTool({ credentials: () => [{ credential: { ...credential, description: `leaks ${CANARY}` }, preview: 'ask' }], activeGrants: () => [] }),
        listGrantsTool({ activeGrants: () => [] }),
      ],
      tokens,
      isTrusted: () => trusted,
      scrub: (text) => text.split(CANARY).join('[redacted]'),
      log: silentLog,
      clock: systemClock,
      serverInfo: { name: 'airlock-test', version: '0.0.0' },
      limits: { bodyTimeoutMs: 500, maxSessions: 3 },
    });
  });
  after(async () => endpoint.close());

  const connect = (token = codexToken): Promise<Client> => connectEndingSessionOnClose(endpoint.url, token, 'unit-test-client');

  it('lists tools and calls list_credentials; every string passes the redactor', async () => {
    const client = await connect();
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['list_credentials', 'list_grants']);
    assert.equal(tools.find((t) => t.name === 'list_credentials')?.annotations?.readOnlyHint, true);
    const result = await client.callTool({ name: 'list_credentials', arguments: {} });
    assert.equal(result.isError, undefined);
    const text = JSON.stringify(result);
    assert.ok(text.includes('DEPLOY_TOKEN'));
    assert.ok(!text.includes(CANARY), text);
    assert.ok(text.includes('[redacted]'));
    assert.equal(endpoint.sessions()[0]?.claimedName, 'unit-test-client');
    await client.close();
  });

  it('answers the untrusted-workspace error when not trusted', async () => {
    trusted = false;
    try {
      const client = await connect();
      const result = await client.callTool({ name: 'list_grants', arguments: {} });
      assert.equal(result.isError, true);
      assert.deepEqual(result.content, [{ type: 'text', text: UNTRUSTED_WORKSPACE_MESSAGE }]);
      await client.close();
    } finally {
      trusted = true;
    }
  });

  it('turns invalid arguments into an isError result', async () => {
    const client = await connect();
    const result = await client.callTool({ name: 'list_grants', arguments: { unexpected: 1 } });
    assert.equal(result.isError, true);
    await client.close();
  });

  it('closes a client\'s sessions when asked (revocation) and refuses its token at once', async () => {
    const registry = tokens;
    const client = await connect();
    registry.revoke('codex');
    await endpoint.closeClientSessions('codex');
    await assert.rejects(client.listTools());
    registry.set('codex', codexToken);
  });

  const initialize = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
  const auth = () => ({ authorization: `Bearer ${codexToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' });

  it('refuses foreign Host, any Origin, OPTIONS, query tokens, bad tokens — without CORS headers', async () => {
    const cases: { name: string; status: number; options: Parameters<typeof rawRequest>[1] }[] = [
      { name: 'wrong host', status: 403, options: { headers: { ...auth(), host: 'evil.example' }, body: initialize } },
      { name: 'origin', status: 403, options: { headers: { ...auth(), origin: 'https://evil.example' }, body: initialize } },
      { name: 'preflight', status: 403, options: { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } } },
      { name: 'OPTIONS without Origin', status: 405, options: { method: 'OPTIONS', headers: auth() } },
      { name: 'query token', status: 400, options: { path: `/mcp?token=${codexToken}`, headers: { 'content-type': 'application/json' }, body: initialize } },
      { name: 'no token', status: 401, options: { headers: { 'content-type': 'application/json' }, body: initialize } },
      { name: 'wrong token', status: 401, options: { headers: { ...auth(), authorization: `Bearer ${generateClientToken()}` }, body: initialize } },
      { name: 'malformed json', status: 400, options: { headers: auth(), body: '{"jsonrpc":' } },
      { name: 'deep json', status: 400, options: { headers: auth(), body: '['.repeat(100_000) } },
      { name: 'oversized', status: 413, options: { headers: auth(), body: Buffer.alloc(1024 * 1024 + 1, 0x20) } },
      { name: 'no session', status: 400, options: { headers: auth(), body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) } },
      { name: 'unknown session', status: 404, options: { headers: { ...auth(), 'mcp-session-id': 'nope' }, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) } },
    ];
    for (const c of cases) {
      const response = await rawRequest(endpoint.url, c.options);
      assert.equal(response.status, c.status, `${c.name}: ${response.body}`);
      assert.ok(!Object.keys(response.headers).some((h) => h.startsWith('access-control-')), c.name);
      assert.ok(!response.body.includes(codexToken), c.name);
    }
    const parse = await rawRequest(endpoint.url, { headers: auth(), body: 'not json' });
    assert.deepEqual(mcpMessages(parse.headers['content-type'], parse.body).map((m) => m.error?.code), [-32700]);
  });

  it('times out a trickling body with 408', async () => {
    const target = new URL(endpoint.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: target.hostname, port: target.port, path: '/mcp', method: 'POST', headers: { ...auth(), 'content-length': '1000' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{');
    });
    assert.equal(status, 408);
  });

  it('bounds the number of sessions (503 beyond)', async () => {
    const clients = [await connect(), await connect(), await connect()];
    const response = await rawRequest(endpoint.url, { headers: auth(), body: initialize });
    assert.equal(response.status, 503);
    await Promise.all(clients.map((c) => c.close()));
  });
});

describe('mcpHttpServer sessions (fake clock)', function () {
  this.timeout(20_000);
  const timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  let now = 0;
  const clock = {
    now: () => now,
    schedule(ms: number, fn: () => void) {
      const timer = { at: now + ms, fn, cancelled: false };
      timers.push(timer);
      return { cancel: () => { timer.cancelled = true; } };
    },
  };
  const advance = (ms: number): void => {
    now += ms;
    for (const timer of timers.filter((t) => !t.cancelled && t.at <= now)) {
      timer.cancelled = true;
      timer.fn();
    }
  };
  const tokens = new TokenRegistry();
  const codex = generateClientToken();
  const cursor = generateClientToken();
  tokens.set('codex', codex);
  tokens.set('cursor', cursor);
  let endpoint: McpHttpEndpoint;

  before(async () => {
    endpoint = await startMcpHttpServer({
      tools: () => [tool({
        name: 'slow_echo', title: 'Slow echo', description: 'Reports progress, then echoes.',
        inputSchema: z.object({ text: z.string() }), outputSchema: z.object({ echoed: z.string(), caller: z.string() }),
        annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
        async handler(args, context) {
          context.progress(`halfway ${CANARY}`, 1, 2);
          return { ok: true, structured: { echoed: args.text, caller: context.caller.id }, text: args.text };
        },
      })],
      tokens, isTrusted: () => true, scrub: (text) => text.split(CANARY).join('[redacted]'), log: silentLog, clock,
      serverInfo: { name: 'airlock-test', version: '0.0.0' }, limits: { sessionIdleMs: 60_000 },
    });
  });
  after(async () => endpoint.close());

  const connect = (token: string): Promise<McpTestClient> => connectMcpClient(endpoint.url, token, 'fake-clock');

  it('forwards progress (scrubbed) when the client asks for it, and names the token\'s client as caller', async () => {
    const { client, transport } = await connect(codex);
    const progress: string[] = [];
    const result = await client.callTool({ name: 'slow_echo', arguments: { text: 'hi' } }, { onprogress: (p) => progress.push(String(p.message)) });
    assert.deepEqual(result.structuredContent, { echoed: 'hi', caller: 'codex' });
    assert.deepEqual(progress, ['halfway [redacted]']);
    await transport.terminateSession();
    await client.close();
  });

  it('a session belongs to the client that opened it: another client\'s token gets 404', async () => {
    const { client, transport } = await connect(codex);
    const sessionId = transport.sessionId ?? '';
    const response = await rawRequest(endpoint.url, {
      headers: { authorization: `Bearer ${cursor}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
    });
    assert.equal(response.status, 404);
    await client.listTools();
    await transport.terminateSession();
    await client.close();
  });

  it('when full, evicts the idlest session if it has been idle long enough, else answers 503', async () => {
    // Requests seen per session: after connect() the SDK client still sends its standalone-stream GET,
    // which marks the session used; time may only move once it has arrived (waited for, not slept for).
    const requests = new Map<string, number>();
    const waiters = new Set<() => void>();
    const small = await startMcpHttpServer({
      tools: () => [], tokens, isTrusted: () => true, scrub: (t) => t, log: silentLog, clock,
      serverInfo: { name: 'airlock-test', version: '0' }, limits: { maxSessions: 2, evictIdleAfterMs: 10_000, sessionIdleMs: 3_600_000 },
      onActivity: (event) => {
        if (event.kind !== 'request') return;
        requests.set(event.session.id, (requests.get(event.session.id) ?? 0) + 1);
        for (const wake of [...waiters]) wake();
      },
    });
    const seen = (id: string, count: number): Promise<void> =>
      new Promise((resolve) => {
        const check = (): void => {
          if ((requests.get(id) ?? 0) < count) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      });
    try {
      const open = async () => {
        const { client, transport } = await connectMcpClient(small.url, codex, 'evict');
        await seen(transport.sessionId ?? '', 2); // notifications/initialized, then the GET
        return client;
      };
      const first = await open();
      const firstId = small.sessions()[0]?.id;
      advance(5_000);
      const second = await open();
      await assert.rejects(open(), /Too many open MCP sessions/);
      advance(6_000); // first: idle 11 s ≥ 10 s; second: 6 s
      const third = await open();
      assert.equal(small.sessions().length, 2);
      assert.ok(firstId !== undefined && !small.sessions().some((session) => session.id === firstId), 'the idlest session was not the one evicted');
      await second.listTools();
      await Promise.all([first, second, third].map((c) => c.close()));
    } finally {
      await small.close();
    }
  });

  it('closes sessions idle longer than the limit; activity keeps them open', async () => {
    const { client } = await connect(codex);
    advance(50_000);
    await client.listTools();
    advance(50_000);
    assert.equal(endpoint.sessions().length, 1);
    advance(20_000);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(endpoint.sessions().length, 0);
    await assert.rejects(client.listTools());
    await client.close();
  });
});

describe('mcpHttpServer requests in flight (plain Node, real SDK clients)', function () {
  this.timeout(60_000);
  const tokens = new TokenRegistry();
  const token = generateClientToken();
  tokens.set('codex', token);
  // A tool that stays pending until the test releases it, like request_access waiting for the person.
  let release!: () => void;
  let released = new Promise<void>((resolve) => (release = resolve));
  const arrivals = new Map<string, string[]>();
  const waitTool = tool({
    name: 'wait_for_person', title: 'Wait', description: 'Pending until released.',
    inputSchema: z.object({ tag: z.string() }), outputSchema: z.object({ tag: z.string() }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    async handler(args, context) {
      const mine = arrivals.get(context.caller.sessionId) ?? [];
      mine.push(args.tag);
      arrivals.set(context.caller.sessionId, mine);
      await released;
      return { ok: true, structured: { tag: args.tag }, text: args.tag };
    },
  });
  const start = (limits: Parameters<typeof startMcpHttpServer>[0]['limits'] = {}) => startMcpHttpServer({
    tools: () => [waitTool], tokens, isTrusted: () => true, scrub: (t) => t, log: silentLog, clock: systemClock,
    serverInfo: { name: 'airlock-test', version: '0' }, limits,
  });
  const connect = (endpoint: McpHttpEndpoint): Promise<McpTestClient> => connectMcpClient(endpoint.url, token, 'pending');
  const arrived = async (count: number): Promise<void> => {
    const deadline = Date.now() + 30_000;
    while ([...arrivals.values()].reduce((n, tags) => n + tags.length, 0) < count) {
      if (Date.now() > deadline) throw new Error(`only ${[...arrivals.values()].flat().length} of ${count} calls reached the tool`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };
  const call = (client: Client, tag: string) => client.callTool({ name: 'wait_for_person', arguments: { tag } }, { timeout: 120_000 });
  beforeEach(() => {
    arrivals.clear();
    released = new Promise<void>((resolve) => (release = resolve));
  });

  it('with default limits, answers 200 pending calls from 20 sessions: none lost, per-session order kept', async () => {
    const endpoint = await start();
    try {
      const sessions = await Promise.all(Array.from({ length: 20 }, () => connect(endpoint)));
      const calls: Promise<unknown>[] = [];
      const reached = (tag: string): boolean => [...arrivals.values()].some((tags) => tags.includes(tag));
      // Each session sends its calls in order (the next once the previous reached the tool, or failed);
      // sessions at once.
      await Promise.all(sessions.map(async ({ client }, s) => {
        for (let r = 0; r < 10; r++) {
          let failed = false;
          const pending = call(client, `s${s} r${r}`);
          pending.catch(() => (failed = true));
          calls.push(pending);
          while (!failed && !reached(`s${s} r${r}`)) await new Promise((resolve) => setTimeout(resolve, 2));
        }
      }));
      release();
      const results = await Promise.allSettled(calls);
      const lost = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
      assert.deepEqual(lost, [], `${lost.length} of 200 calls lost`);
      for (const [s, { transport }] of sessions.entries()) {
        assert.deepEqual(arrivals.get(transport.sessionId ?? ''), Array.from({ length: 10 }, (_, r) => `s${s} r${r}`));
      }
      await Promise.all(sessions.map(async ({ client, transport }) => {
        await transport.terminateSession();
        await client.close();
      }));
    } finally {
      release();
      await endpoint.close();
    }
  });

  it('beyond the in-flight limits answers a clear 503 with a JSON-RPC error and retry-after, and loses nothing admitted', async () => {
    const endpoint = await start({ maxInFlightPerSession: 3, maxInFlight: 5 });
    try {
      const a = await connect(endpoint);
      const b = await connect(endpoint);
      const admitted = [call(a.client, 'a0'), call(a.client, 'a1'), call(a.client, 'a2')];
      await arrived(3);
      // Session a is at its own limit: the SDK client gets the 503 as an error, not "fetch failed".
      await assert.rejects(call(a.client, 'a3'), (error: Error & { status?: number }) => error.status === 503 && /Too many requests in flight \(3 requests in flight in this session\)/.test(error.message));
      admitted.push(call(b.client, 'b0'), call(b.client, 'b1'));
      await arrived(5);
      // The endpoint is at its global limit: another session is refused too, the same clear way.
      const raw = await rawRequest(endpoint.url, {
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': b.transport.sessionId ?? '', 'mcp-protocol-version': '2025-06-18' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'wait_for_person', arguments: { tag: 'b2' } } }),
      });
      assert.equal(raw.status, 503);
      assert.equal(raw.headers['retry-after'], '5');
      assert.equal(raw.headers['content-type'], 'application/json');
      const [error, ...more] = mcpMessages(raw.headers['content-type'], raw.body);
      assert.equal(more.length, 0);
      assert.equal(error?.jsonrpc, '2.0');
      assert.equal(error.error?.code, -32000);
      assert.match(error.error?.message ?? '', /Too many requests in flight \(5 requests in flight on this endpoint\)/);
      assert.deepEqual([...arrivals.values()].flat().sort(), ['a0', 'a1', 'a2', 'b0', 'b1'], 'a refused call reached the tool');
      release();
      const results = await Promise.all(admitted);
      assert.equal(results.length, 5);
      // The slots are free again once answered.
      assert.deepEqual((await call(a.client, 'a4')).structuredContent, { tag: 'a4' });
      for (const { client, transport } of [a, b]) {
        await transport.terminateSession();
        await client.close();
      }
    } finally {
      release();
      await endpoint.close();
    }
  });
});
