// How every tier talks to Airlock as an agent: a real MCP SDK client over Streamable HTTP with a bearer
// token. One place, so the unit, integration, security and e2e tests all connect the same way.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

export interface McpTestClient {
  readonly client: Client;
  readonly transport: StreamableHTTPClientTransport;
  /** Ends the MCP session (DELETE), as a well-behaved client does, then closes the client. Never throws. */
  close(): Promise<void>;
}

/** Connects (initialize + initialized) as the client whose `token` this is; `name` is the claimed clientInfo name. */
export async function connectMcpClient(url: string, token: string, name: string): Promise<McpTestClient> {
  const client = new Client({ name, version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
  await client.connect(transport);
  // Bound now: callers may replace client.close with this close (see endingSessionOnClose).
  const closeClient = client.close.bind(client);
  return {
    client,
    transport,
    async close() {
      await transport.terminateSession().catch(() => undefined);
      await closeClient().catch(() => undefined);
    },
  };
}

/** The client alone, with `close()` also ending the session: for tests that hold a plain SDK Client. */
export async function connectEndingSessionOnClose(url: string, token: string, name: string): Promise<Client> {
  const { client, close } = await connectMcpClient(url, token, name);
  client.close = close;
  return client;
}
