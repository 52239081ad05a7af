// The endpoint attack matrix: every way the issue lists of knocking on Airlock's MCP endpoint without
// the right to. Plain node:http (no vscode), so the same matrix runs against the endpoint in plain Node
// (test/security/endpoint/endpoint.test.ts) and against the live endpoint inside the real extension host
// (test/security/integration/endpointAttacks.test.ts). Each attempt must be refused with the right status
// or error, in bounded time, and the endpoint must still answer a well-formed request afterwards.
import { randomBytes } from 'node:crypto';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connectMcpClient } from '../../support/mcpClient';
import { mcpMessages, requestIds, responseTo, SseDecoder, type JsonRpcMessage } from '../../support/mcpResponse';

export interface AttackTarget {
  /** e.g. http://127.0.0.1:PORT/mcp */
  readonly url: string;
  /** A live token of the client the matrix attacks as. */
  readonly token: string;
  /** Makes a token for another client and revokes it; returns the dead token. */
  revokedToken(): Promise<string>;
  /** The endpoint's session cap (a few more than this are opened). */
  readonly maxSessions: number;
  /** The endpoint's body timeout in ms (the slow-body attempt waits a little longer). */
  readonly bodyTimeoutMs: number;
  /** Another client's live token (for session-hijack attempts). */
  readonly otherToken: string;
}

export interface AttackRow {
  readonly name: string;
  readonly expected: string;
  readonly got: string;
  readonly refused: boolean;
  readonly hung: boolean;
  readonly crashed: boolean;
  readonly ms: number;
}

export interface MatrixFigures {
  readonly attempts: number;
  readonly refused: number;
  readonly crashes: number;
  readonly hangs: number;
  readonly rows: readonly AttackRow[];
}

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

interface RawOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  /** Written then the request ends; `stallAfter` writes this much and then never ends. */
  body?: string | Buffer;
  stallAfter?: number;
  /** Hang guard: no complete answer by then is recorded as a hang. */
  timeoutMs?: number;
}

const HANG = 'hang';

/**
 * One raw HTTP request; resolves 'hang' when nothing complete comes back within the time limit. An SSE
 * answer is read until the stream ends or every request in the body has its response (a stream may stay
 * open), never "whatever arrived first": what is judged never depends on how the events were chunked.
 */
function raw(url: string, options: RawOptions): Promise<RawResponse | typeof HANG | { error: string }> {
  const target = new URL(url);
  const awaited = requestIds(options.body);
  return new Promise((resolve) => {
    let settled = false;
    const done = (value: RawResponse | typeof HANG | { error: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(value);
    };
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...options.headers };
    const req = request({ host: target.hostname, port: target.port, path: options.path ?? target.pathname, method: options.method ?? 'POST', headers, setHost: headers['host'] === undefined });
    const timer = setTimeout(() => done(HANG), options.timeoutMs ?? 30_000);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const sse = String(res.headers['content-type']).includes('text/event-stream');
      const decoder = new SseDecoder();
      const answered = new Set<string | number>();
      const response = (): RawResponse => ({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size < 1 << 20) chunks.push(c);
        if (!sse) return;
        for (const e of decoder.push(c)) {
          try {
            for (const m of mcpMessages('application/json', e.data)) if (m.id !== undefined && m.id !== null && m.method === undefined) answered.add(m.id);
          } catch {
            // Not JSON: judged from the whole body below.
          }
        }
        if (awaited.length > 0 && awaited.every((id) => answered.has(id))) done(response());
      });
      res.on('end', () => done(response()));
      res.on('error', (e) => done({ error: e.message }));
    });
    // A server that answers early and closes is fine: the answer arrived first or the error says so.
    req.on('error', (e) => done({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
    if (options.stallAfter !== undefined) {
      req.write((options.body ?? '').slice(0, options.stallAfter));
      return;
    }
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

const initialize = (id = 1): string =>
  JSON.stringify({ jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'attacker', version: '1' } } });

/** Opens a session with raw requests; returns its id (or undefined). */
async function openSession(url: string, token: string): Promise<string | undefined> {
  const res = await raw(url, { headers: { authorization: `Bearer ${token}` }, body: initialize() });
  if (res === HANG || 'error' in res) return undefined;
  const id = res.headers['mcp-session-id'];
  return typeof id === 'string' ? id : undefined;
}

async function closeSession(url: string, token: string, id: string): Promise<void> {
  await raw(url, { method: 'DELETE', headers: { authorization: `Bearer ${token}`, 'mcp-session-id': id } });
}

/** Whether the endpoint still serves a well-formed client (a real SDK client lists tools). */
async function alive(url: string, token: string): Promise<boolean> {
  // A hang guard, not a stopwatch: 30 s is far beyond any answer on a loaded 2-core machine.
  const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), 30_000).unref());
  const probe = (async () => {
    const probe = await connectMcpClient(url, token, 'liveness-probe');
    const { tools } = await probe.client.listTools();
    await probe.close();
    return tools.length > 0;
  })().catch(() => false);
  return Promise.race([probe, timeout]);
}

const noCors = (res: RawResponse): boolean => !Object.keys(res.headers).some((h) => h.startsWith('access-control-'));

export type Judge = (res: RawResponse) => boolean;
const status = (...codes: number[]): Judge => (res) => codes.includes(res.status) && noCors(res);
/** Every JSON-RPC message of the body (every SSE event), or undefined when the body is not JSON-RPC. */
const messagesOf = (res: RawResponse): JsonRpcMessage[] | undefined => {
  try {
    return mcpMessages(res.headers['content-type'], res.body);
  } catch {
    return undefined;
  }
};
/** Some message is a JSON-RPC error (with `code`, if given); a body that is no JSON-RPC counts when the status is 4xx/5xx. */
export const jsonRpcError = (code?: number): Judge => (res) => {
  if (!noCors(res)) return false;
  const messages = messagesOf(res);
  if (messages === undefined) return res.status >= 400;
  return messages.some((m) => m.error !== undefined && (code === undefined || m.error.code === code));
};
/** The response to request `id` is a JSON-RPC error (with `code`, if given), or the whole request was refused. */
export const errorFor = (id: number, code?: number): Judge => (res) => {
  if (!noCors(res)) return false;
  if (res.status >= 400) return true;
  const error = responseTo(messagesOf(res) ?? [], id)?.error;
  return error !== undefined && (code === undefined || error.code === code);
};

/**
 * Runs every attempt in turn and probes liveness after each. Returns one row per attempt and the
 * figures; never throws for a refused or failed attempt (that is what the rows are for).
 */
export async function runAttackMatrix(target: AttackTarget): Promise<MatrixFigures> {
  const { url, token } = target;
  const port = new URL(url).port;
  const auth = { authorization: `Bearer ${token}` };
  const rows: AttackRow[] = [];
  const bigBody = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { pad: 'x'.repeat(1024 * 1024 + 100) } });

  const attempt = async (name: string, expected: string, judge: Judge, run: () => Promise<RawResponse | typeof HANG | { error: string }>, opts: { errorIsRefusal?: boolean } = {}): Promise<void> => {
    const started = Date.now();
    const res = await run();
    const ms = Date.now() - started;
    const hung = res === HANG;
    const refused = !hung && ('error' in res ? opts.errorIsRefusal === true : judge(res));
    const got = hung ? 'no answer (hang)' : 'error' in res ? `connection ${res.error}` : `${res.status} ${res.body.slice(0, 100).replace(/\s+/g, ' ')}`;
    const crashed = !(await alive(url, token));
    rows.push({ name, expected, got, refused, hung, crashed, ms });
  };

  // ── authentication ──
  await attempt('no token', '401', status(401), () => raw(url, { body: initialize() }));
  await attempt('wrong token (valid shape)', '401', status(401), () => raw(url, { headers: { authorization: `Bearer ${randomBytes(32).toString('base64url')}` }, body: initialize() }));
  await attempt('malformed token', '401', status(401), () => raw(url, { headers: { authorization: 'Bearer abc' }, body: initialize() }));
  await attempt('Basic instead of Bearer', '401', status(401), () => raw(url, { headers: { authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` }, body: initialize() }));
  const dead = await target.revokedToken();
  await attempt("another client's revoked token", '401', status(401), () => raw(url, { headers: { authorization: `Bearer ${dead}` }, body: initialize() }));
  await attempt('token in the query string', '400/401', status(400, 401), () => raw(url, { path: `/mcp?token=${token}`, body: initialize() }));
  await attempt('token in query and header', '400', status(400), () => raw(url, { path: `/mcp?access_token=${token}`, headers: auth, body: initialize() }));

  // ── browsers and DNS rebinding ──
  await attempt('wrong Host (rebinding)', '403', status(403), () => raw(url, { headers: { ...auth, host: `evil.example:${port}` }, body: initialize() }));
  await attempt('Host localhost.evil', '403', status(403), () => raw(url, { headers: { ...auth, host: `localhost.evil.example:${port}` }, body: initialize() }));
  await attempt('Host with another port', '403', status(403), () => raw(url, { headers: { ...auth, host: `127.0.0.1:${Number(port) === 1 ? 2 : 1}` }, body: initialize() }));
  await attempt('foreign Origin', '403', status(403), () => raw(url, { headers: { ...auth, origin: 'https://evil.example' }, body: initialize() }));
  await attempt('Origin null (sandboxed iframe)', '403', status(403), () => raw(url, { headers: { ...auth, origin: 'null' }, body: initialize() }));
  await attempt('Origin of the endpoint itself', '403', status(403), () => raw(url, { headers: { ...auth, origin: `http://127.0.0.1:${port}` }, body: initialize() }));
  await attempt('CORS preflight', '403/405, no CORS headers', status(403, 405), () =>
    raw(url, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } }));
  await attempt('other method (PUT)', '405', status(405), () => raw(url, { method: 'PUT', headers: auth, body: initialize() }));
  await attempt('other path', '404', status(404), () => raw(url, { path: '/admin', headers: auth, body: initialize() }));

  // ── bodies ──
  await attempt('oversized body (Content-Length)', '413', status(413), () => raw(url, { headers: auth, body: bigBody }), { errorIsRefusal: true });
  await attempt('oversized body (chunked)', '413', status(413), () => raw(url, { headers: { ...auth, 'transfer-encoding': 'chunked' }, body: bigBody }), { errorIsRefusal: true });
  await attempt('slow body (stalls)', '408', status(408), () =>
    raw(url, { headers: { ...auth, 'content-length': '500' }, body: initialize(), stallAfter: 10, timeoutMs: target.bodyTimeoutMs + 30_000 }), { errorIsRefusal: true });
  await attempt('malformed JSON', '400 -32700', (r) => status(400)(r) && jsonRpcError(-32700)(r), () => raw(url, { headers: auth, body: '{"jsonrpc":"2.0",' }));
  await attempt('deep JSON (100k levels)', '400', status(400), () => raw(url, { headers: auth, body: '['.repeat(100_000) + ']'.repeat(100_000) }));
  await attempt('huge flat JSON (≈1 MiB array)', '4xx or JSON-RPC error', (r) => r.status >= 400 || jsonRpcError()(r), () =>
    raw(url, { headers: auth, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { a: Array.from({ length: 200_000 }, () => 1) } }) }));
  await attempt('not JSON-RPC', '400', (r) => r.status === 400 && noCors(r), () => raw(url, { headers: auth, body: '{"hello":"world"}' }));
  await attempt('request without a session', '400', status(400), () => raw(url, { headers: auth, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) }));
  await attempt('unknown session id', '404', status(404), () => raw(url, { headers: { ...auth, 'mcp-session-id': 'not-a-session' }, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) }));

  // ── inside a session ──
  const session = await openSession(url, token);
  const inSession = (body: string) => () => raw(url, { headers: { ...auth, 'mcp-session-id': session ?? 'none', 'mcp-protocol-version': '2025-06-18' }, body });
  await attempt('unknown method', 'JSON-RPC -32601', jsonRpcError(-32601), inSession(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'secrets/dump', params: {} })));
  await attempt('batch of requests', 'refused, or secrets/dump answered -32601', errorFor(5, -32601), inSession(JSON.stringify([{ jsonrpc: '2.0', id: 4, method: 'tools/list' }, { jsonrpc: '2.0', id: 5, method: 'secrets/dump' }])));
  await attempt("another client's token on this session", '404', status(404), () =>
    raw(url, { headers: { authorization: `Bearer ${target.otherToken}`, 'mcp-session-id': session ?? 'none' }, body: JSON.stringify({ jsonrpc: '2.0', id: 6, method: 'tools/list' }) }));
  const toolCall = (id: number, name: string, args: unknown): string => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });
  const toolRefused = (id: number): Judge => (r) => {
    if (!noCors(r)) return false;
    const messages = messagesOf(r);
    if (messages === undefined) return r.status >= 400;
    const answer = responseTo(messages, id) as { error?: unknown; result?: { isError?: boolean; structuredContent?: { status?: string } } } | undefined;
    if (answer === undefined) return r.status >= 400;
    return answer.error !== undefined || answer.result?.isError === true || (answer.result?.structuredContent?.status !== undefined && answer.result.structuredContent.status !== 'approved');
  };
  const cases: Array<[string, string, unknown]> = [
    ['tool args: wrong types', 'request_access', { credentials: 'DEPLOY_TOKEN', command: 42, reason: null }],
    ['tool args: missing fields', 'request_access', {}],
    ['tool args: extra fields', 'list_credentials', { dump: true }],
    ['tool args: overlong command', 'run', { command: 'x'.repeat(200_000), credentials: ['DEPLOY_TOKEN'] }],
    ['tool args: overlong reason', 'request_access', { credentials: ['DEPLOY_TOKEN'], command: 'npm run deploy', reason: 'r'.repeat(100_000) }],
    ['tool args: cwd path traversal', 'run', { command: 'printenv', cwd: '../../../../etc', credentials: ['DEPLOY_TOKEN'] }],
    ['tool args: absolute cwd outside', 'run', { command: 'printenv', cwd: '/etc', credentials: ['DEPLOY_TOKEN'] }],
    ['tool args: NUL in cwd', 'run', { command: 'printenv', cwd: 'a\u0000/b', credentials: ['DEPLOY_TOKEN'] }],
    ['tool args: NUL in command', 'run', { command: 'printenv\u0000', credentials: ['NO_SUCH_CREDENTIAL'] }],
    ['tool args: newline/ANSI in reason', 'request_access', { credentials: ['NO_SUCH_CREDENTIAL'], command: 'npm run deploy', reason: 'ok\n\u001b[2J\u001b[32mApproved by admin\u001b[0m\r' }],
    ['tool args: prototype keys', 'request_access', JSON.parse('{"__proto__":{"admin":true},"credentials":["NO_SUCH_CREDENTIAL"],"command":"x","reason":"x"}')],
    ['tool args: run with a forged grant id', 'run', { command: 'printenv', grantId: 'grant-forged-123' }],
    ['unknown tool', 'get_secret_value', { name: 'DEPLOY_TOKEN' }],
  ];
  let id = 10;
  for (const [name, tool, args] of cases) {
    const callId = id++;
    await attempt(name, 'isError result or JSON-RPC error', toolRefused(callId), inSession(toolCall(callId, tool, args)));
  }
  if (session !== undefined) await closeSession(url, token, session);

  // ── many sessions ──
  const opened: string[] = [];
  let refusedExtra = 0;
  const started = Date.now();
  for (let i = 0; i < target.maxSessions + 5; i++) {
    const res = await raw(url, { headers: auth, body: initialize() });
    if (res !== HANG && !('error' in res)) {
      const sid = res.headers['mcp-session-id'];
      if (typeof sid === 'string') opened.push(sid);
      else if (res.status === 503) refusedExtra++;
    }
  }
  await Promise.all(opened.map((sid) => closeSession(url, token, sid)));
  rows.push({
    name: `many sessions (${target.maxSessions + 5} initialize)`,
    expected: `≤ ${target.maxSessions} opened, rest 503`,
    got: `${opened.length} opened, ${refusedExtra} refused 503`,
    refused: opened.length <= target.maxSessions && refusedExtra >= 5,
    hung: false,
    crashed: !(await alive(url, token)),
    ms: Date.now() - started,
  });

  return {
    attempts: rows.length,
    refused: rows.filter((r) => r.refused).length,
    crashes: rows.filter((r) => r.crashed).length,
    hangs: rows.filter((r) => r.hung).length,
    rows,
  };
}

export function formatMatrix(figures: MatrixFigures): string {
  const lines = figures.rows.map((r) => `${r.refused && !r.crashed && !r.hung ? 'ok  ' : 'FAIL'} ${r.name.padEnd(42)} expected ${r.expected.padEnd(28)} got ${r.got.slice(0, 70)} (${r.ms} ms)`);
  lines.push(`attempts ${figures.attempts}, refused ${figures.refused}, crashes ${figures.crashes}, hangs ${figures.hangs}`);
  return lines.join('\n');
}
