import * as vscode from 'vscode';
import type { Log } from '../../core/log';
import type { ClientTokens } from './clientTokens';
import type { EndpointService } from './endpointService';

/** The provider id; package.json `contributes.mcpServerDefinitionProviders` declares the same. */
export const MCP_PROVIDER_ID = 'airlock';
export const MCP_SERVER_LABEL = 'Airlock';

/**
 * Offers the endpoint to VS Code's own MCP client (Copilot agent mode). The bearer header is added only
 * in `resolveMcpServerDefinition`, i.e. when VS Code is about to connect, never in the listed
 * definition. Fires a change whenever the endpoint restarts (new port).
 */
export function registerMcpProvider(endpoint: EndpointService, tokens: ClientTokens, version: string, log: Log): vscode.Disposable {
  if (typeof vscode.lm?.registerMcpServerDefinitionProvider !== 'function') {
    log.info('This editor has no MCP server definition API; Copilot cannot be connected automatically.');
    return new vscode.Disposable(() => undefined);
  }
  const changed = new vscode.EventEmitter<void>();
  const onEndpoint = endpoint.onDidChange(() => changed.fire());
  const provider: vscode.McpServerDefinitionProvider<vscode.McpHttpServerDefinition> = {
    onDidChangeMcpServerDefinitions: changed.event,
    provideMcpServerDefinitions: () => {
      const url = endpoint.url;
      return url === undefined ? [] : [new vscode.McpHttpServerDefinition(MCP_SERVER_LABEL, vscode.Uri.parse(url), {}, version)];
    },
    resolveMcpServerDefinition: async (server) => {
      const url = endpoint.url;
      if (url === undefined) return undefined;
      const token = await tokens.ensure('copilot');
      server.uri = vscode.Uri.parse(url);
      server.headers = { ...server.headers, Authorization: `Bearer ${token}` };
      return server;
    },
  };
  const registration = vscode.lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, provider);
  return vscode.Disposable.from(registration, onEndpoint, changed);
}
