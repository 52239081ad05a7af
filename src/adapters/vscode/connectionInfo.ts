import * as vscode from 'vscode';
import { CLIENT_IDS, CLIENT_LABELS, type ClientId } from '../../core/clients';
import { clientTokenPath, launcherPath } from '../../core/connect/paths';
import type { Log } from '../../core/log';
import { Commands, Settings } from '../../shared/ids';
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
    // Person-facing (the report and the output channel), so translated; the indentation is the layout.
    const clientLine = (c: (typeof clients)[number]): string => {
      const token = c.hasToken ? vscode.l10n.t('token issued') : vscode.l10n.t('no token');
      const file = c.tokenFile ? vscode.l10n.t(' (token file {0})', c.tokenFile) : '';
      const seenAs = c.claimedName ? vscode.l10n.t(' as "{0}" (claimed)', c.claimedName) : '';
      return `  ${vscode.l10n.t('{0}: {1}{2}; last seen {3}{4}', CLIENT_LABELS[c.client], token, file, c.lastSeen ?? vscode.l10n.t('never'), seenAs)}`;
    };
    const lines = [
      url ? vscode.l10n.t('MCP endpoint (Streamable HTTP): {0}', url) : vscode.l10n.t('MCP endpoint: not running (see "{0}" and the Airlock output).', Settings.endpointEnabled),
      vscode.l10n.t('Clients:'),
      ...clients.map(clientLine),
      vscode.l10n.t('Connect any other MCP client:'),
      `  ${vscode.l10n.t('stdio: run {0} (its token file is created by "{1}" below).', `${launcher} --client other`, vscode.l10n.t('Create token for other clients'))}`,
      `  ${vscode.l10n.t('Streamable HTTP: {0} with the header "Authorization: Bearer <contents of {1}>".', url ?? vscode.l10n.t('<endpoint URL>'), clientTokenPath(home, 'other'))}`,
      vscode.l10n.t('Tokens let a client ask; every credential still needs your consent. Rotate or revoke them with "Airlock: Rotate/Revoke Client Token".'),
    ];
    for (const line of lines) log.info(line);
    shown = [`# ${vscode.l10n.t('Airlock connection info')}`, '', ...lines.map((line) => (line.startsWith('  ') ? `- ${line.trim()}` : `\n${line}\n`))].join('\n');
    changed.fire(infoUri);
    void vscode.window.showTextDocument(infoUri, { preview: true, preserveFocus: true }).then(undefined, (error: unknown) => log.warn(`Could not show the connection info: ${String(error)}`));
    const create = vscode.l10n.t('Create token for other clients');
    const show = vscode.l10n.t('Open Output');
    void vscode.window
      .showInformationMessage(url ? vscode.l10n.t('Airlock\'s MCP endpoint: {0}', url) : vscode.l10n.t('Airlock\'s MCP endpoint is not running.'), create, show)
      .then(async (choice) => {
        if (choice === create) {
          const path = await tokens.writeTokenFile('other');
          void vscode.window.showInformationMessage(vscode.l10n.t('Airlock: the token for other MCP clients is in {0} (readable only by you).', path));
        } else if (choice === show) {
          channel.show(true);
        }
      });
    return { url, launcher, clients, lines };
  });
  return vscode.Disposable.from(command, provider, changed);
}
