import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { ClientTokens } from '../adapters/vscode/clientTokens';
import { registerConnectCommands } from '../adapters/vscode/connectCommands';
import { registerConnectionInfoCommand } from '../adapters/vscode/connectionInfo';
import { EndpointService } from '../adapters/vscode/endpointService';
import { hasMcpProviderApi, type McpSource } from '../adapters/vscode/mcpProvider';
import { airlockHome } from '../core/connect/paths';
import type { AnyToolDefinition } from '../core/mcp/toolDefinition';
import { listCredentialsTool, previewPolicy, type ListCredentialsDeps } from '../core/mcp/tools/listCredentials';
import { listGrantsTool, type ListGrantsDeps } from '../core/mcp/tools/listGrants';
import type { OwnSecrets } from '../core/redaction/ownSecrets';
import { connectTestOptions, endpointFacet } from '../testFacet/facets';
import type { Base, Contribution } from './feature';
import type { GrantsFeature } from './grants';
import type { PolicyFeature } from './policy';

/**
 * Endpoint (built last: it serves every feature's tools): list_credentials and list_grants, client tokens,
 * the MCP endpoint on 127.0.0.1, VS Code's MCP provider, the connect commands and Show Connection Info.
 */
export function composeEndpoint(
  base: Base,
  { policy }: Pick<PolicyFeature, 'policy'>,
  { leases }: Pick<GrantsFeature, 'leases'>,
  served: () => readonly AnyToolDefinition[],
  own: OwnSecrets,
): Contribution & { readonly mcp: McpSource; readonly tokens: ClientTokens; readonly endpoint: EndpointService } {
  const { context, log, clock, live, channel } = base;
  // list_credentials / list_grants read the live policy and leases (the tools show a caller its own grants).
  const sources: ListCredentialsDeps & ListGrantsDeps = {
    credentials: (client) => {
      const current = policy.current();
      const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
      return current.credentials.map((credential) => ({ credential, preview: previewPolicy(current, credential.name, client, folders) }));
    },
    activeGrants: () => leases.active(),
  };
  const home = airlockHome(process.env, homedir());
  const tokens = new ClientTokens(context.secrets, home, log, own);
  const version = String(context.extension.packageJSON?.version ?? 'dev');
  const endpoint = new EndpointService({ context, log, clock, scrub: live.scrub, tools: served, policy, tokens, home, version });
  endpoint.start(); // in the background: nothing waits for the socket
  if (!hasMcpProviderApi()) log.info('This editor has no MCP server definition API; Copilot cannot be connected automatically.');
  return {
    tokens,
    endpoint,
    // For VS Code's MCP provider, which extension.ts registers at activation.
    mcp: {
      get url() {
        return endpoint.url;
      },
      onDidChange: endpoint.onDidChange,
      bearerHeader: () => tokens.bearerHeader('copilot'),
    },
    tools: [listCredentialsTool(sources), listGrantsTool(sources)],
    disposables: [
      tokens,
      endpoint,
      registerConnectCommands({
        tokens,
        home,
        log,
        testOptions: AIRLOCK_TEST_FACET && base.testMode ? connectTestOptions : undefined,
        // VS Code's User/globalStorage (Cline and Roo Code keep their MCP settings there).
        globalStorage: join(context.globalStorageUri.fsPath, '..'),
      }),
      registerConnectionInfoCommand(endpoint, tokens, home, log, channel),
    ],
    status: [() => endpoint.describe()],
    testFacet: AIRLOCK_TEST_FACET && base.testMode ? endpointFacet(endpoint, tokens, home) : undefined,
  };
}
