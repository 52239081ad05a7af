import * as vscode from 'vscode';
import { CLIENT_IDS, CLIENT_LABELS, type ClientId } from '../../core/clients';
import { clientTokenPath, launcherPath } from '../../core/connect/paths';
import type { Log } from '../../core/log';
import { Commands } from '../../shared/ids';
import type { ClientTokens } from './clientTokens';
import type { EndpointService } from './endpointService';

const INFO_SCHEME = 'airlock-info';

/** What `Airlock: Show Connection Info` reports. Never a token. */
export interface ConnectionInfo {
  readonly url: string | undefined;
  readonly launcher: string;
  readonly clients: readonly {
    readonly client: ClientId;
    readonly hasToken: boolean;
    readonly tokenFile: string | undefined;
    readonly lastSeen: string | undefined;
    readonly claimedName: string | undefined;
  }[];
  readonly lines: readonly string[];
}

/** Registers `Airlock: Show Connection Info`: URL, how to connect any MCP client, tokens and last seen. */
export function registerConnectionInfoCommand(endpoint: EndpointService, tokens: ClientTokens, home: string, log: Log, channel: vscode.OutputChannel): vscode.Disposable {
  // Shown as a read-only virtual document (nothing to save, nothing persisted).
  let shown = '';
  const changed = new vscode.EventEmitter<vscode.Uri>();
  const infoUri = vscode.Uri.from({ scheme: INFO_SCHEME, path: '/Airlock Connection Info.md' });
  const provider = vscode.workspace.registerTextDocumentContentProvider(INFO_SCHEME, { onDidChange: changed.event, provideTextDocumentContent: () => shown });
  const command = vscode.commands.registerCommand(Commands.showConnectionInfo, async (): Promise<ConnectionInfo> => {
    const url = endpoint.url;
    const seen = endpoint.lastSeen();
    const launcher = launcherPath(home);
    const clients = CLIENT_IDS.map((client) => {
      const last = seen[client];
      return {
        client,
        hasToken: tokens.registry.has(client),
        tokenFile: tokens.hasTokenFile(client) ? clientTokenPath(home, client) : undefined,
        lastSeen: last ? new Date(last.lastSeen).toLocaleString() : undefined,
        claimedName: last?.claimedName,
      };
    });
    const lines = [
      url ? `MCP endpoint (Streamable HTTP): ${url}` : 'MCP endpoint: not running (see "airlock.endpoint.enabled" and the Airlock output).',
      'Clients:',
      ...clients.map((c) =>
        `  ${CLIENT_LABELS[c.client]}: ${c.hasToken ? 'token issued' : 'no token'}${c.tokenFile ? ` (token file ${c.tokenFile})` : ''}; ` +
        `last seen ${c.lastSeen ?? 'never'}${c.claimedName ? ` as "${c.claimedName}" (claimed)` : ''}`),
      'Connect any other MCP client:',
      `  stdio: run ${launcher} --client other (its token file is created by "Create token for other clients" below).`,
      `  Streamable HTTP: ${url ?? '<endpoint URL>'} with the header "Authorization: Bearer <contents of ${clientTokenPath(home, 'other')}>".`,
      'Tokens let a client ask; every credential still needs your consent. Rotate or revoke them with "Airlock: Rotate/Revoke Client Token".',
    ];
    for (const line of lines) log.info(line);
    shown = ['# Airlock connection info', '', ...lines.map((line) => (line.startsWith('  ') ? `- ${line.trim()}` : `\n${line}\n`))].join('\n');
    changed.fire(infoUri);
    void vscode.window.showTextDocument(infoUri, { preview: true, preserveFocus: true }).then(undefined, (error: unknown) => log.warn(`Could not show the connection info: ${String(error)}`));
    const create = 'Create token for other clients';
    const show = 'Open Output';
    void vscode.window
      .showInformationMessage(url ? `Airlock's MCP endpoint: ${url}` : 'Airlock\'s MCP endpoint is not running.', create, show)
      .then(async (choice) => {
        if (choice === create) {
          const path = await tokens.writeTokenFile('other');
          void vscode.window.showInformationMessage(`Airlock: the token for other MCP clients is in ${path} (readable only by you).`);
        } else if (choice === show) {
          channel.show(true);
        }
      });
    return { url, launcher, clients, lines };
  });
  return vscode.Disposable.from(command, provider, changed);
}
