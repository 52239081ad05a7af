// MCP overhead: Airlock's endpoint (guard + session + scrub + a read-only tool) against a bare MCP SDK
// server (same SDK, same node:http, one server + transport per session, the same tool definition, no
// guard, no scrub), called by the same SDK client, interleaved.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { isInitializeRequest, McpServer, type CallToolResult } from '@modelcontextprotocol/server';
import { startMcpHttpServer } from '../src/adapters/node/mcpHttpServer';
import { systemClock } from '../src/core/clock';
import type { Credential } from '../src/core/credentials';
import { silentLog } from '../src/core/log';
import { generateClientToken, TokenRegistry } from '../src/core/mcp/tokens';
import { listCredentialsTool } from '../src/core/mcp/tools/listCredentials';
import type { AnyToolDefinition } from '../src/core/mcp/toolDefinition';
import { interleaved, stat, type Figure } from './lib';

const credentials: Credential[] = Array.from({ length: 8 }, (_, i) => ({
  name: `SERVICE_${i}_TOKEN`,
  description: `Token for service ${i}`,
  env: `SERVICE_${i}_TOKEN`,
  origin: 'user',
  source: { kind: 'secret', raw: `secret:SERVICE_${i}_TOKEN`, name: `SERVICE_${i}_TOKEN` },
}));
const readOnlyTool = (): AnyToolDefinition =>
  listCredentialsTool({ credentials: () => credentials.map((credential) => ({ credential, preview: 'ask' })), activeGrants: () => [] });

/** A bare SDK server: what anyone would write from the SDK's README, serving the same tool. */
async function startBareServer(): Promise<{ url: string; close(): Promise<void> }> {
  const definition = readOnlyTool();
  const transports = new Map<string, NodeStreamableHTTPServerTransport>();
  const httpServer: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body: unknown = req.method === 'POST' ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
        const id = req.headers['mcp-session-id'];
        const existing = typeof id === 'string' ? transports.get(id) : undefined;
        if (existing) return existing.handleRequest(req, res, body);
        if (!isInitializeRequest(body)) {
          res.writeHead(400).end();
          return;
        }
        const server = new McpServer({ name: 'bare', version: '0.0.0' });
        server.registerTool(
          definition.name,
          { title: definition.title, description: definition.description, inputSchema: definition.inputSchema, outputSchema: definition.outputSchema, annotations: definition.annotations },
          async (args: unknown, ctx): Promise<CallToolResult> => {
            const result = await definition.handler(args, { caller: { id: 'other', sessionId: ctx.sessionId ?? '' }, signal: ctx.mcpReq.signal, progress() {} });
            return result.ok
              ? { content: [{ type: 'text', text: result.text }], structuredContent: result.structured as Record<string, unknown> }
              : { isError: true, content: [{ type: 'text', text: result.message }] };
          },
        );
        const transport = new NodeStreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (sid) => void transports.set(sid, transport),
        });
        await server.connect(transport);
        await transport.handleRequest(req, res, body);
      })();
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const port = (httpServer.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const transport of transports.values()) void transport.close();
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      }),
  };
}

async function connect(url: string, token?: string): Promise<Client> {
  const client = new Client({ name: 'bench-client', version: '1.0.0' });
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

export async function benchMcpOverhead(calls = 2_000): Promise<Figure[]> {
  const tokens = new TokenRegistry();
  const token = generateClientToken();
  tokens.set('other', token);
  // The scrubber in the endpoint is the real shape of the work: a pass over every string. Use the real
  // redactor when it is present, with 200 live secrets, so the figure includes it.
  const scrub = await liveScrubber();
  const airlock = await startMcpHttpServer({
    tools: () => [readOnlyTool()],
    tokens,
    isTrusted: () => true,
    scrub: scrub.fn,
    log: silentLog,
    clock: systemClock,
    serverInfo: { name: 'airlock-bench', version: '0.0.0' },
  });
  const bare = await startBareServer();
  const airlockClient = await connect(airlock.url, token);
  const bareClient = await connect(bare.url);
  try {
    const call = (client: Client) => () => client.callTool({ name: 'list_credentials', arguments: {} });
    // Warm-up: JIT, sockets, zod caches.
    for (let i = 0; i < 200; i++) {
      await call(airlockClient)();
      await call(bareClient)();
    }
    const times = await interleaved(calls, call(airlockClient), call(bareClient));
    const a = stat(times.a);
    const b = stat(times.b);
    const ratio = a.median / b.median;
    return [
      {
        name: 'mcp-overhead',
        metric: 'Airlock endpoint / bare SDK server, median tools/call latency',
        value: ratio,
        unit: '×',
        target: '≤ 1.15×',
        met: ratio <= 1.15,
        subject: a,
        baseline: b,
        subjectUnit: 'ms per call',
        notes: `${calls} interleaved calls each after 200 warm-up; same SDK client; Airlock side includes Host/Origin/token guard, body limits, session lookup and scrubbing (${scrub.what})`,
      },
    ];
  } finally {
    await airlockClient.close().catch(() => undefined);
    await bareClient.close().catch(() => undefined);
    await airlock.close();
    await bare.close();
  }
}

/** The scrubber the endpoint would run: the real redactor over 200 secrets when it exists. */
async function liveScrubber(): Promise<{ fn: (text: string) => string; what: string }> {
  try {
    const { makeScrubber } = await import('./redactorAdapter');
    const made = await makeScrubber(200);
    if (made !== undefined) return made;
  } catch {
    // The redactor has not landed yet.
  }
  return { fn: (text) => text, what: 'identity scrub: redactor not available' };
}
