// `airlock-mcp`: a stdio MCP server for clients that launch one (Codex, Claude Code, Cursor), relaying
// every message to the Airlock endpoint of the VS Code window that holds the working folder. It is a
// transport-level relay: the SDK's StdioServerTransport on one side, StreamableHTTPClientTransport on
// the other; messages are forwarded as they are. stdout carries MCP only; diagnostics go to stderr.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SdkHttpError, StreamableHTTPClientTransport, type JSONRPCMessage } from '@modelcontextprotocol/client';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { CLIENT_IDS, CLIENT_LABELS, isClientId, type ClientId } from '../core/clients';
import { selectEndpoint } from '../core/connect/discoveryRecord';
import { airlockHome, clientTokenPath, endpointsDir } from '../core/connect/paths';
import { readEndpointRecords } from '../adapters/node/discovery';

const USAGE = `Usage: airlock-mcp [--client ${CLIENT_IDS.join('|')}] [--workspace <path>]

Relays MCP over stdio to the Airlock endpoint of the VS Code window whose workspace folder contains
the current directory (or --workspace). Set up by "Airlock: Connect …" in VS Code.`;

function fail(message: string): never {
  process.stderr.write(`airlock-mcp: ${message}\n`);
  process.exit(1);
}

function parseCommandLine(): { client: ClientId; workspace: string } {
  let values: { client?: string | undefined; workspace?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      options: { client: { type: 'string' }, workspace: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: false,
    }));
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(0);
  }
  const client = values.client ?? 'other';
  if (!isClientId(client)) fail(`unknown client "${client.slice(0, 32)}"; use one of ${CLIENT_IDS.join(', ')}.`);
  return { client, workspace: resolve(values.workspace ?? process.cwd()) };
}

function readToken(home: string, client: ClientId): string {
  const path = clientTokenPath(home, client);
  let token: string;
  try {
    token = readFileSync(path, 'utf8').trim();
  } catch {
    fail(`no token for ${CLIENT_LABELS[client]} at ${path}. In VS Code, run "Airlock: Connect ${CLIENT_LABELS[client]}" (or "Airlock: Show Connection Info").`);
  }
  if (token === '') fail(`the token file ${path} is empty. In VS Code, run "Airlock: Connect ${CLIENT_LABELS[client]}" again.`);
  return token;
}

function describeHttpFailure(error: unknown, client: ClientId): string {
  if (error instanceof SdkHttpError) {
    switch (error.status) {
      case 401:
        return `the endpoint refused ${CLIENT_LABELS[client]}'s token (revoked or rotated). In VS Code, run "Airlock: Connect ${CLIENT_LABELS[client]}" again.`;
      case 403:
        return 'the endpoint refused the request (403).';
      case 404:
        return 'the MCP session expired or the window restarted its endpoint; restart the MCP server in your client.';
      default:
        return `the endpoint answered HTTP ${error.status}.`;
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return /ECONNREFUSED|fetch failed/i.test(message)
    ? 'the VS Code window is not reachable any more (closed or reloaded); restart the MCP server in your client.'
    : `relay error: ${message}`;
}

async function main(): Promise<void> {
  const { client, workspace } = parseCommandLine();
  const home = airlockHome(process.env, homedir());
  const records = readEndpointRecords(home);
  if (records.length === 0) {
    fail(`no VS Code window with Airlock is running (nothing in ${endpointsDir(home)}). Open ${workspace} in VS Code with the Airlock extension.`);
  }
  const endpoint = selectEndpoint(records, workspace);
  if (!endpoint) {
    const folders = records.flatMap((r) => r.workspaceFolders);
    fail(`no VS Code window has ${workspace} open (open folders: ${folders.length === 0 ? 'none' : folders.join(', ')}). Open it in VS Code, or pass --workspace <folder>.`);
  }
  const token = readToken(home, client);

  const http = new StreamableHTTPClientTransport(new URL(endpoint.url), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  const stdio = new StdioServerTransport();
  let initializeId: string | number | undefined;
  let closing = false;
  // Set once the endpoint refused the token: the bridge then exits non-zero whatever closes it.
  let refused = false;

  // Requests still travelling to the endpoint: on stdin EOF their answers are still delivered (bounded).
  const inflight = new Set<Promise<unknown>>();
  const shutdown = async (code: number): Promise<void> => {
    if (closing) return;
    closing = true;
    if (inflight.size > 0) {
      await Promise.race([Promise.allSettled([...inflight]), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    }
    await http.terminateSession().catch(() => undefined);
    await http.close().catch(() => undefined);
    await stdio.close().catch(() => undefined);
    process.exit(refused ? 1 : code);
  };

  stdio.onmessage = (message: JSONRPCMessage) => {
    if ('method' in message && message.method === 'initialize' && 'id' in message) initializeId = message.id;
    const sending = http.send(message).catch((error: unknown) => {
      const description = describeHttpFailure(error, client);
      if (error instanceof SdkHttpError && error.status === 401) refused = true;
      process.stderr.write(`airlock-mcp: ${description}\n`);
      // Answer the request that failed so the client shows a reason instead of waiting.
      if ('method' in message && 'id' in message) {
        return stdio.send({ jsonrpc: '2.0', id: message.id, error: { code: -32000, message: `Airlock: ${description}` } }).finally(() => {
          if (error instanceof SdkHttpError && error.status === 401) setImmediate(() => void shutdown(1));
        });
      }
      return undefined;
    });
    inflight.add(sending);
    void sending.finally(() => inflight.delete(sending));
  };
  http.onmessage = (message: JSONRPCMessage) => {
    // The HTTP transport sends MCP-Protocol-Version on later requests once it knows the negotiated one
    // (the SDK Client does this itself; a relay has to hand it over).
    if (initializeId !== undefined && 'id' in message && message.id === initializeId && 'result' in message) {
      const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
      if (typeof version === 'string') http.setProtocolVersion(version);
      initializeId = undefined;
    }
    void stdio.send(message);
  };
  // Failed sends are reported where they fail (above); this catches the rest (e.g. the SSE stream).
  http.onerror = (error) => {
    if (!(error instanceof SdkHttpError)) process.stderr.write(`airlock-mcp: ${describeHttpFailure(error, client)}\n`);
  };
  stdio.onerror = (error) => process.stderr.write(`airlock-mcp: stdio error: ${error.message}\n`);
  stdio.onclose = () => void shutdown(0);
  process.stdin.on('end', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));

  await http.start();
  await stdio.start();
  process.stderr.write(`airlock-mcp: relaying ${CLIENT_LABELS[client]} to ${endpoint.url} (window for ${workspace}).\n`);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
