import * as vscode from 'vscode';

/** The provider id; package.json `contributes.mcpServerDefinitionProviders` declares the same. */
export const MCP_PROVIDER_ID = 'airlock';
export const MCP_SERVER_LABEL = 'Airlock';

/** What the provider needs from the endpoint feature, once it is composed. */
export interface McpSource {
  /** The endpoint's URL, or undefined while it is not listening. */
  readonly url: string | undefined;
  /** Fires whenever the endpoint (re)starts or stops. */
  readonly onDidChange: vscode.Event<unknown>;
  /** `Authorization` header value for VS Code's own client (Copilot), creating its token if needed. */
  bearerHeader(): Promise<string>;
}

/** Whether this editor has the MCP server definition API (code-server and VS Code ≥ 1.101 do). */
export const hasMcpProviderApi = (): boolean => typeof vscode.lm?.registerMcpServerDefinitionProvider === 'function';

/**
 * Offers the endpoint to VS Code's own MCP client (Copilot agent mode). Registered during activation (VS
 * Code activates Airlock for `onMcpCollection:airlock` and expects the provider then); the endpoint it
 * describes arrives with `source`, composed just after. The bearer header is added only in
 * `resolveMcpServerDefinition`, i.e. when VS Code is about to connect, never in the listed definition.
 * Fires a change whenever the endpoint restarts (new port).
 */
export function registerMcpProvider(source: Promise<McpSource>, version: string): vscode.Disposable {
  if (!hasMcpProviderApi()) return new vscode.Disposable(() => undefined);
  const changed = new vscode.EventEmitter<void>();
  let current: McpSource | undefined;
  let onEndpoint: vscode.Disposable | undefined;
  let disposed = false;
  source.then(
    (ready) => {
      if (disposed) return;
      current = ready;
      onEndpoint = ready.onDidChange(() => changed.fire());
      changed.fire();
    },
    () => undefined, // composition failed: activation reported it; the provider lists nothing
  );
  const provider: vscode.McpServerDefinitionProvider<vscode.McpHttpServerDefinition> = {
    onDidChangeMcpServerDefinitions: changed.event,
    provideMcpServerDefinitions: () => {
      const url = current?.url;
      return url === undefined ? [] : [new vscode.McpHttpServerDefinition(MCP_SERVER_LABEL, vscode.Uri.parse(url), {}, version)];
    },
    resolveMcpServerDefinition: async (server) => {
      const ready = await source;
      const url = ready.url;
      if (url === undefined) return undefined;
      const authorization = await ready.bearerHeader();
      server.uri = vscode.Uri.parse(url);
      server.headers = { ...server.headers, Authorization: authorization };
      return server;
    },
  };
  const registration = vscode.lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, provider);
  return vscode.Disposable.from(registration, changed, {
    dispose: () => {
      disposed = true;
      onEndpoint?.dispose();
    },
  });
}
