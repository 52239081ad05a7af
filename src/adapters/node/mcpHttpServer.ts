// The embedded MCP endpoint: node:http on 127.0.0.1, one McpServer + Streamable HTTP transport per
// session. No `vscode` import — the benchmark and plain-Node tests run it as is.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { isInitializeRequest, McpServer, type CallToolResult } from '@modelcontextprotocol/server';
import type { ClientId, ClientIdentity } from '../../core/clients';
import type { Clock, Timer } from '../../core/clock';
import { MESSAGES } from '../../core/errorCodes';
import type { Log } from '../../core/log';
import { displayableClaim, guardRequest, jsonNestingDepth, MCP_PATH } from '../../core/mcp/httpGuard';
import type { TokenVerifier } from '../../core/mcp/tokens';
import type { AnyToolDefinition, ToolCallContext, ToolResult } from '../../core/mcp/toolDefinition';
import { scrubDeep } from '../../core/redaction/scrubDeep';

export const UNTRUSTED_WORKSPACE_MESSAGE = MESSAGES['workspace-not-trusted'];

export interface EndpointLimits {
  /** Largest request body accepted (413 beyond). */
  readonly maxBodyBytes: number;
  /** Time allowed to receive a whole body (408 beyond): defeats bodies that trickle. */
  readonly bodyTimeoutMs: number;
  /** Open sessions at most; beyond, the idlest is evicted if idle long enough, else `initialize` gets 503. */
  readonly maxSessions: number;
  /** A session without a request for this long is closed. */
  readonly sessionIdleMs: number;
  /** Deepest JSON nesting accepted in a body (400 beyond). */
  readonly maxJsonDepth: number;
  /** When all sessions are taken, one idle at least this long is closed to admit a new one. */
  readonly evictIdleAfterMs: number;
  /** POST requests being handled at once, all sessions together (503 beyond, before the body is read). */
  readonly maxInFlight: number;
  /** POST requests being handled at once within one session (503 beyond, before the body is read). */
  readonly maxInFlightPerSession: number;
}

export const DEFAULT_LIMITS: EndpointLimits = {
  maxBodyBytes: 1024 * 1024,
  bodyTimeoutMs: 10_000,
  maxSessions: 32,
  sessionIdleMs: 30 * 60_000,
  maxJsonDepth: 64,
  evictIdleAfterMs: 5 * 60_000,
  // Every pending tool call (request_access waits up to `airlock.consent.agentWaitSeconds` for the
  // person) holds one POST, and one connection, open. 64 per session is far more than an agent keeps in
  // flight yet bounds a runaway one to 1/8 of the total; 512 in all lets 200 pending requests from 20
  // sessions (the benchmark's load) through with room to spare, while bounding what held requests cost
  // (a pending call is a few tens of KiB: 512 stay well within the memory budget).
  maxInFlight: 512,
  maxInFlightPerSession: 64,
};

export interface McpHttpServerOptions {
  /** The tools each new session serves (read when a session starts). */
  readonly tools: () => readonly AnyToolDefinition[];
  readonly tokens: TokenVerifier;
  /** Read at every tool call: false → every tool not `servedWhenUntrusted` answers isError. */
  readonly isTrusted: () => boolean;
  /** The live redactor; applied to every string that leaves (results, errors, notifications, logs). */
  readonly scrub: (text: string) => string;
  readonly log: Log;
  readonly clock: Clock;
  /** 0 (default): a random free port. */
  readonly port?: number;
  readonly limits?: Partial<EndpointLimits>;
  readonly serverInfo: { readonly name: string; readonly version: string };
  /** Told whenever a session opens, closes or is used (for "last seen"). */
  readonly onActivity?: (event: SessionEvent) => void;
}

export interface SessionInfo {
  readonly id: string;
  readonly client: ClientId;
  readonly claimedName?: string;
  readonly claimedVersion?: string;
  readonly openedAt: number;
  readonly lastSeen: number;
}

export type SessionEvent =
  | { readonly kind: 'opened' | 'closed' | 'request'; readonly session: SessionInfo };

export interface McpHttpEndpoint {
  readonly url: string;
  readonly port: number;
  sessions(): readonly SessionInfo[];
  /** Closes every open session of `client` (its token was revoked or replaced). */
  closeClientSessions(client: ClientId): Promise<void>;
  close(): Promise<void>;
}

interface Session {
  readonly id: string;
  readonly client: ClientId;
  readonly transport: NodeStreamableHTTPServerTransport;
  readonly server: McpServer;
  claimedName: string | undefined;
  claimedVersion: string | undefined;
  readonly openedAt: number;
  lastSeen: number;
  idleTimer: Timer | undefined;
}

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Starts the endpoint on 127.0.0.1. Every request passes `guardRequest` (Host, Origin, method, path,
 * query, bearer token) before anything else; then the body is read within size and time limits and
 * parsed; then it goes to its session's transport. Nothing it answers carries CORS headers.
 */
export async function startMcpHttpServer(options: McpHttpServerOptions): Promise<McpHttpEndpoint> {
  const limits: EndpointLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const { log, clock, scrub } = options;
  const sessions = new Map<string, Session>();
  let pendingInitializations = 0;
  // POSTs admitted and not yet answered (their response closed), in all and per session id.
  let inFlight = 0;
  const inFlightBySession = new Map<string, number>();
  let port = 0;

  const info = (s: Session): SessionInfo => ({
    id: s.id,
    client: s.client,
    ...(s.claimedName === undefined ? {} : { claimedName: s.claimedName }),
    ...(s.claimedVersion === undefined ? {} : { claimedVersion: s.claimedVersion }),
    openedAt: s.openedAt,
    lastSeen: s.lastSeen,
  });
  const notify = (kind: SessionEvent['kind'], s: Session): void => {
    try {
      options.onActivity?.({ kind, session: info(s) });
    } catch (error) {
      log.error(scrub(`Endpoint activity listener failed: ${String(error)}`));
    }
  };

  const touch = (s: Session): void => {
    s.lastSeen = clock.now();
    s.idleTimer?.cancel();
    s.idleTimer = clock.schedule(limits.sessionIdleMs, () => {
      log.info(`MCP session ${s.id.slice(0, 8)} (${s.client}) closed after ${Math.round(limits.sessionIdleMs / 60_000)} min idle.`);
      void closeSession(s);
    });
  };

  const forget = (s: Session): void => {
    if (sessions.get(s.id) !== s) return;
    sessions.delete(s.id);
    s.idleTimer?.cancel();
    notify('closed', s);
  };

  const closeSession = async (s: Session): Promise<void> => {
    forget(s);
    try {
      await s.server.close();
    } catch (error) {
      log.warn(scrub(`Closing MCP session failed: ${String(error)}`));
    }
  };

  const toCallToolResult = (result: ToolResult<unknown>): CallToolResult =>
    result.ok
      ? { content: [{ type: 'text', text: scrub(result.text) }], structuredContent: scrubDeep(result.structured, scrub) as Record<string, unknown> }
      : { isError: true, content: [{ type: 'text', text: scrub(result.message) }], _meta: { 'dev.airlock/code': result.code } };

  const createSessionServer = (client: ClientId, sessionRef: () => Session | undefined): McpServer => {
    const server = new McpServer(
      { name: options.serverInfo.name, version: options.serverInfo.version },
      {
        // Bounds the work a hostile `arguments` object can cause before validation.
        maxToolInputElements: 10_000,
        instructions:
          'Airlock lets you use the person\'s credentials without ever seeing them. list_credentials shows what exists; ' +
          'request_access asks the person to approve one exact command; run executes it with the secrets in its environment ' +
          'and returns scrubbed output. No tool ever returns a secret value.',
      },
    );
    for (const definition of options.tools()) {
      server.registerTool(
        definition.name,
        {
          title: definition.title,
          description: definition.description,
          inputSchema: definition.inputSchema,
          outputSchema: definition.outputSchema,
          annotations: { title: definition.title, ...definition.annotations },
        },
        async (args: unknown, ctx): Promise<CallToolResult> => {
          if (!definition.servedWhenUntrusted && !options.isTrusted()) {
            return toCallToolResult({ ok: false, code: 'workspace-not-trusted', message: UNTRUSTED_WORKSPACE_MESSAGE });
          }
          const session = sessionRef();
          const progressToken = ctx.mcpReq._meta?.progressToken;
          const caller: ClientIdentity = {
            id: client,
            sessionId: session?.id ?? ctx.sessionId ?? 'unknown',
            ...(session?.claimedName === undefined ? {} : { claimedName: session.claimedName }),
            ...(session?.claimedVersion === undefined ? {} : { claimedVersion: session.claimedVersion }),
          };
          const context: ToolCallContext = {
            caller,
            signal: ctx.mcpReq.signal,
            progress(message, progress, total) {
              if (progressToken === undefined) return;
              void ctx.mcpReq
                .notify({
                  method: 'notifications/progress',
                  params: { progressToken, progress, message: scrub(message), ...(total === undefined ? {} : { total }) },
                })
                .catch(() => undefined);
            },
          };
          try {
            return toCallToolResult(await definition.handler(args, context));
          } catch (error) {
            // A bug: log it (scrubbed), tell the agent without details.
            log.error(scrub(`Tool ${definition.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
            return toCallToolResult({ ok: false, code: 'internal-error', message: `Airlock hit an internal error in ${definition.name}; the person can see details in the Airlock output channel.` });
          }
        },
      );
    }
    return server;
  };

  const startSession = async (client: ClientId, req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> => {
    if (sessions.size + pendingInitializations >= limits.maxSessions) {
      // Full: make room by closing the least recently used session that has been idle for a while
      // (clients that vanish without DELETE leave such sessions); refuse when every session is busy.
      const now = clock.now();
      const idlest = [...sessions.values()].sort((a, b) => a.lastSeen - b.lastSeen)[0];
      if (idlest === undefined || now - idlest.lastSeen < limits.evictIdleAfterMs) {
        refuse(res, 503, `Too many open MCP sessions (${limits.maxSessions}); close one (DELETE) or retry later.`, { 'retry-after': '30' });
        return;
      }
      log.info(`MCP session ${idlest.id.slice(0, 8)} (${idlest.client}) closed to make room (idle ${Math.round((now - idlest.lastSeen) / 1000)} s).`);
      await closeSession(idlest);
    }
    pendingInitializations++;
    let session: Session | undefined;
    const params = (body as { params?: { clientInfo?: { name?: unknown; version?: unknown } } }).params;
    const server = createSessionServer(client, () => session);
    const transport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        const now = clock.now();
        session = {
          id,
          client,
          transport,
          server,
          claimedName: displayableClaim(params?.clientInfo?.name),
          claimedVersion: displayableClaim(params?.clientInfo?.version, 32),
          openedAt: now,
          lastSeen: now,
          idleTimer: undefined,
        };
        sessions.set(id, session);
        touch(session);
        log.info(scrub(`MCP session ${id.slice(0, 8)} opened for ${client}${session.claimedName ? ` (claims to be "${session.claimedName}")` : ''}.`));
        notify('opened', session);
      },
    });
    server.server.onclose = () => {
      if (session) forget(session);
    };
    // Every message that leaves this session passes the redactor, whatever produced it (our results,
    // SDK validation errors, notifications).
    const send = transport.send.bind(transport);
    transport.send = (message, sendOptions) => send(scrubDeep(message, scrub), sendOptions);
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
    } finally {
      pendingInitializations--;
    }
    if (!session) await server.close().catch(() => undefined);
  };

  /** Counts a POST in flight until its response closes; false (and a 503 answered) when over a limit. */
  const admit = (res: ServerResponse, sessionId: string | undefined): boolean => {
    const mine = sessionId === undefined ? 0 : (inFlightBySession.get(sessionId) ?? 0);
    if (inFlight >= limits.maxInFlight || mine >= limits.maxInFlightPerSession) {
      const which = inFlight >= limits.maxInFlight
        ? `${limits.maxInFlight} requests in flight on this endpoint`
        : `${limits.maxInFlightPerSession} requests in flight in this session`;
      log.warn(`MCP endpoint refused a request with 503: ${which}.`);
      refuse(res, 503, `Too many requests in flight (${which}); wait for one to finish (or cancel one) and retry.`, { 'retry-after': '5' });
      return false;
    }
    inFlight++;
    if (sessionId !== undefined) inFlightBySession.set(sessionId, mine + 1);
    res.once('close', () => {
      inFlight--;
      if (sessionId === undefined) return;
      const left = (inFlightBySession.get(sessionId) ?? 1) - 1;
      if (left <= 0) inFlightBySession.delete(sessionId);
      else inFlightBySession.set(sessionId, left);
    });
    return true;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const verdict = guardRequest({ method: req.method ?? '', target: req.url ?? '', headers: req.headers, port }, options.tokens);
    if (!verdict.ok) {
      log.debug(`Endpoint refused ${String(req.method).slice(0, 10)} with ${verdict.status}: ${verdict.message}`);
      refuse(res, verdict.status, verdict.message, verdict.status === 401 ? { 'www-authenticate': 'Bearer realm="airlock"' } : {});
      return;
    }
    const client = verdict.client;
    const sessionHeader = req.headers['mcp-session-id'];
    const sessionId = typeof sessionHeader === 'string' ? sessionHeader : undefined;
    const session = sessionId === undefined ? undefined : sessions.get(sessionId);
    // A session belongs to the client that opened it: another client's token cannot use (or probe) it.
    if (sessionId !== undefined && (!session || session.client !== client)) {
      refuse(res, 404, 'Session not found: it expired or was closed. Reconnect (send initialize without a session id).');
      return;
    }

    let body: unknown;
    if (req.method === 'POST') {
      // Bounded before any work (body read, parse, transport): beyond the limit the agent gets a clear,
      // retryable 503 instead of a connection the OS or Node drops without a word.
      if (!admit(res, sessionId)) return;
      const read = await readBody(req, limits, clock);
      if (!read.ok) {
        refuse(res, read.status, read.message);
        return;
      }
      const text = read.body.toString('utf8');
      if (jsonNestingDepth(text) > limits.maxJsonDepth) {
        refuse(res, 400, `Invalid request: JSON nested deeper than ${limits.maxJsonDepth} levels.`, {}, -32600);
        return;
      }
      try {
        body = JSON.parse(text) as JsonValue;
      } catch {
        refuse(res, 400, 'Parse error: the request body is not valid JSON.', {}, -32700);
        return;
      }
    }

    if (session) {
      touch(session);
      notify('request', session);
      await session.transport.handleRequest(req, res, body);
      return;
    }
    if (req.method === 'POST' && isInitializeRequest(body)) {
      await startSession(client, req, res, body);
      return;
    }
    refuse(res, 400, 'Bad request: no MCP session. Send an initialize request first (without an mcp-session-id header).', {}, -32600);
  };

  // Checked every 2 s (not Node's 30 s) so the request timeout closes a silent connection promptly.
  const httpServer = createServer({ connectionsCheckingInterval: 2_000 }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error(scrub(`Endpoint request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
      if (!res.headersSent) refuse(res, 500, 'Internal error in the Airlock endpoint.', {}, -32603);
      else res.destroy();
    });
  });
  // Socket-level limits as a second wall behind the body timeout: headers must arrive within
  // `bodyTimeoutMs` and a whole request (headers + body, not the response: pending calls hold theirs open
  // for minutes) within 5 s more, also on a connection that never sends a byte (slowloris); an idle
  // keep-alive connection is closed after 5 s.
  httpServer.headersTimeout = limits.bodyTimeoutMs;
  httpServer.requestTimeout = limits.bodyTimeoutMs + 5_000;
  httpServer.keepAliveTimeout = 5_000;
  httpServer.maxHeadersCount = 64;
  // The requests in flight are bounded above (a clear 503); this only bounds file descriptors against a
  // flood of raw sockets, far above what admitted requests, their refusals and idle keep-alive
  // connections can use, so a well-behaved agent never meets it. Node drops connections beyond it, so say so.
  httpServer.maxConnections = 4 * limits.maxInFlight + limits.maxSessions;
  let lastDropWarning = Number.NEGATIVE_INFINITY;
  httpServer.on('drop', () => {
    if (clock.now() - lastDropWarning < 10_000) return;
    lastDropWarning = clock.now();
    log.warn(`MCP endpoint dropped new connections: more than ${httpServer.maxConnections} open.`);
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen({ host: '127.0.0.1', port: options.port ?? 0, exclusive: true }, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  port = (httpServer.address() as AddressInfo).port;
  httpServer.on('error', (error) => log.error(scrub(`Endpoint server error: ${String(error)}`)));
  httpServer.on('clientError', (error, socket) => {
    log.debug(`Endpoint client error: ${(error as NodeJS.ErrnoException).code ?? 'unknown'}`);
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  const url = `http://127.0.0.1:${port}${MCP_PATH}`;
  log.info(`MCP endpoint listening on ${url}`);

  return {
    url,
    port,
    sessions: () => [...sessions.values()].map(info),
    async closeClientSessions(client) {
      await Promise.all([...sessions.values()].filter((s) => s.client === client).map(closeSession));
    },
    async close() {
      await Promise.all([...sessions.values()].map(closeSession));
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
      log.info('MCP endpoint stopped.');
    },
  };
}

type BodyRead = { ok: true; body: Buffer } | { ok: false; status: 408 | 413; message: string };

/** Reads a request body within `maxBodyBytes` and `bodyTimeoutMs` (a clock timer, not socket timeouts). */
function readBody(req: IncomingMessage, limits: EndpointLimits, clock: Clock): Promise<BodyRead> {
  const tooLarge: BodyRead = { ok: false, status: 413, message: `Payload too large: request bodies are limited to ${limits.maxBodyBytes} bytes.` };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBodyBytes) return Promise.resolve(tooLarge);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (result: BodyRead): void => {
      if (settled) return;
      settled = true;
      timer.cancel();
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      if (!result.ok) req.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limits.maxBodyBytes) finish(tooLarge);
      else chunks.push(chunk);
    };
    const onEnd = (): void => finish({ ok: true, body: Buffer.concat(chunks) });
    const onError = (): void => finish({ ok: false, status: 408, message: 'Request body could not be read.' });
    const timer = clock.schedule(limits.bodyTimeoutMs, () =>
      finish({ ok: false, status: 408, message: `Request timeout: the body did not arrive within ${limits.bodyTimeoutMs / 1000} s.` }));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/**
 * Answers with a JSON-RPC error body and closes the connection (an unread body is never drained).
 * No CORS headers, ever.
 */
function refuse(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}, code = -32000): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close', ...headers });
  res.end(body, () => {
    // Drop the socket so an attacker cannot keep streaming a refused body into it.
    res.socket?.destroy();
  });
}
