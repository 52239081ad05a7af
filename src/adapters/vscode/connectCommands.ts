import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { CLIENT_IDS, CLIENT_LABELS, isClientId, type ClientId } from '../../core/clients';
import {
  connectCodexToml, connectJsonConfig, disconnectCodexToml, disconnectJsonConfig, SERVER_NAME, type ConfigEdit, type ConfigEditFailure,
} from '../../core/connect/clientConfig';
import { CLIENT_TARGETS, type JsonClient, type Scope } from '../../core/connect/clientTargets';
import { launcherPath } from '../../core/connect/paths';
import type { Log } from '../../core/log';
import type { Outcome } from '../../core/outcome';
import { Commands, ConnectCommands } from '../../shared/ids';
import type { ClientTokens } from './clientTokens';
import { vscodeL10n } from './l10n';

type ConnectableClient = 'codex' | JsonClient;

/** What a Connect/Disconnect command did; returned for tests, shown to the person as messages. */
export interface ConnectResult {
  readonly outcome: 'changed' | 'unchanged' | 'cancelled' | 'failed';
  readonly path?: string;
  readonly message: string;
}

/**
 * What the test facet (test build in Test mode only) reads from a command's argument: the scope instead
 * of the picker, no confirmation modal, the first folder instead of the folder picker. Never in production.
 */
export interface ConnectTestOptions {
  readonly scope?: Scope;
  readonly confirm?: false;
  readonly firstFolder?: true;
}

const PREVIEW_SCHEME = 'airlock-preview';

interface Target {
  readonly path: string;
  readonly scope: Scope;
  connect(text: string): Outcome<ConfigEdit, ConfigEditFailure>;
  disconnect(text: string): Outcome<ConfigEdit, ConfigEditFailure>;
}

/** The person's home for client configs: `os.homedir()`, which follows `HOME` (tests point it at a sandbox). */
const userHome = (): string => homedir();

/**
 * Registers Connect/Disconnect for Codex, Claude Code, Cursor, GitHub Copilot CLI, Gemini CLI, Cline, Roo
 * Code, Windsurf and Kiro (src/core/connect/clientTargets.ts), and Rotate/Revoke Client Token. Every
 * write is previewed as a diff and confirmed in a modal first; edits keep the person's comments and other
 * entries (src/core/connect/clientConfig.ts) and are idempotent.
 */
export function registerConnectCommands(options: {
  readonly tokens: ClientTokens;
  readonly home: string;
  readonly log: Log;
  /** Test facet only: reads a command argument into test options. Absent in production. */
  readonly testOptions?: ((arg: unknown) => ConnectTestOptions) | undefined;
  /** This VS Code's `User/globalStorage` folder (Cline and Roo Code keep their MCP settings there). */
  readonly globalStorage: string;
}): vscode.Disposable {
  const { tokens, home, log, globalStorage } = options;
  const previews = new Map<string, string>();
  const previewChanged = new vscode.EventEmitter<vscode.Uri>();
  const provider = vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, {
    onDidChange: previewChanged.event,
    provideTextDocumentContent: (uri) => previews.get(uri.toString()) ?? '',
  });

  const bridgeEntry = (client: ConnectableClient) => ({ command: launcherPath(home), args: ['--client', client] });

  const targetsFor = async (client: ConnectableClient, test: ConnectTestOptions): Promise<Target | undefined> => {
    const entry = bridgeEntry(client);
    if (client === 'codex') {
      const codexHome = process.env['CODEX_HOME'] ?? join(userHome(), '.codex');
      return { path: join(codexHome, 'config.toml'), scope: 'user', connect: (t) => connectCodexToml(t, entry, vscodeL10n), disconnect: (t) => disconnectCodexToml(t, vscodeL10n) };
    }
    const target = CLIENT_TARGETS[client];
    const jsonEntry = target.entry(entry);
    const scope = test.scope !== undefined && target.scopes.includes(test.scope) ? test.scope : await pickScope(client);
    if (!scope) return undefined;
    const folder = scope === 'project' ? await pickFolder(test.firstFolder === true) : '';
    if (folder === undefined) return undefined;
    const path = target.path(scope, { home: userHome(), folder, globalStorage, env: process.env });
    return { path, scope, connect: (t) => connectJsonConfig(t, jsonEntry, vscodeL10n), disconnect: (t) => disconnectJsonConfig(t, vscodeL10n) };
  };

  const apply = async (client: ConnectableClient, mode: 'connect' | 'disconnect', rawTest: unknown): Promise<ConnectResult> => {
    const test: ConnectTestOptions = options.testOptions?.(rawTest) ?? {};
    const label = CLIENT_LABELS[client];
    const target = await targetsFor(client, test);
    if (!target) return { outcome: 'cancelled', message: vscode.l10n.t('Cancelled.') };
    let original: string;
    try {
      original = existsSync(target.path) ? readFileSync(target.path, 'utf8') : '';
    } catch (error) {
      return report({ outcome: 'failed', path: target.path, message: vscode.l10n.t('Could not read {0}: {1}', target.path, (error as Error).message) });
    }
    const edit = mode === 'connect' ? target.connect(original) : target.disconnect(original);
    if (!edit.ok) return report({ outcome: 'failed', path: target.path, message: vscode.l10n.t('{0}: {1}: {2}', label, target.path, edit.message) });

    if (mode === 'connect') {
      // The bridge needs the token file whether or not the config changes.
      await tokens.writeTokenFile(client);
    }
    if (edit.value.kind === 'unchanged') {
      return report({
        outcome: 'unchanged',
        path: target.path,
        message: mode === 'connect'
          ? vscode.l10n.t('{0} is already connected ({1}).', label, target.path)
          : vscode.l10n.t('{0} was not connected in {1}; nothing to change.', label, target.path),
      });
    }
    const proposed = edit.value.text;
    if (test.confirm !== false) {
      const confirmed = await confirmChange(client, mode, target, original, proposed);
      if (!confirmed) return { outcome: 'cancelled', path: target.path, message: vscode.l10n.t('Cancelled; nothing was written.') };
    }
    // The file may have changed while the person looked at the preview: never overwrite what they did not see.
    const now = existsSync(target.path) ? readFileSync(target.path, 'utf8') : '';
    if (now !== original) return report({ outcome: 'failed', path: target.path, message: vscode.l10n.t('{0} changed meanwhile; run the command again to see the current change.', target.path) });
    try {
      mkdirSync(dirname(target.path), { recursive: true });
      writeFileSync(target.path, proposed, existsSync(target.path) ? {} : { mode: target.scope === 'user' ? 0o600 : 0o644 });
    } catch (error) {
      return report({ outcome: 'failed', path: target.path, message: vscode.l10n.t('Could not write {0}: {1}', target.path, (error as Error).message) });
    }
    log.info(`${mode === 'connect' ? 'Connected' : 'Disconnected'} ${label}: ${target.path}`);
    return report({
      outcome: 'changed',
      path: target.path,
      message: mode === 'connect'
        ? vscode.l10n.t('{0} connected: {1} now runs Airlock\'s bridge. Restart {0} (or reload its MCP servers) to pick it up.', label, target.path)
        : vscode.l10n.t('{0} disconnected: removed "{1}" from {2}. Its token still works until you run "Airlock: Revoke Client Token".', label, SERVER_NAME, target.path),
    });
  };

  const confirmChange = async (client: ConnectableClient, mode: 'connect' | 'disconnect', target: Target, original: string, proposed: string): Promise<boolean> => {
    const label = CLIENT_LABELS[client];
    const stamp = Date.now().toString(36);
    const before = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${stamp}/current/${basename(target.path)}` });
    const after = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${stamp}/proposed/${basename(target.path)}` });
    previews.set(before.toString(), original);
    previews.set(after.toString(), proposed);
    try {
      const diffTitle = mode === 'connect'
        ? vscode.l10n.t('Airlock: connect {0} — {1} (current ↔ proposed)', label, target.path)
        : vscode.l10n.t('Airlock: disconnect {0} — {1} (current ↔ proposed)', label, target.path);
      await vscode.commands.executeCommand('vscode.diff', before, after, diffTitle, { preview: true });
      const action = mode === 'connect' ? vscode.l10n.t('Write') : vscode.l10n.t('Remove');
      const command = `${launcherPath(home)} --client ${client}`;
      const detail = mode === 'connect'
        ? target.scope === 'project'
          ? vscode.l10n.t('Adds the MCP server "{0}" that runs {1}. Your other settings and comments are kept. The diff editor shows the exact change. This file may be shared with your team; the launcher path is specific to this machine.', SERVER_NAME, command)
          : vscode.l10n.t('Adds the MCP server "{0}" that runs {1}. Your other settings and comments are kept. The diff editor shows the exact change.', SERVER_NAME, command)
        : vscode.l10n.t('Removes the MCP server "{0}". Everything else in the file is kept. The diff editor shows the exact change.', SERVER_NAME);
      const question = mode === 'connect' ? vscode.l10n.t('Write this change to {0}?', target.path) : vscode.l10n.t('Remove this change to {0}?', target.path);
      const answer = await vscode.window.showInformationMessage(question, { modal: true, detail }, action);
      return answer === action;
    } finally {
      previews.delete(before.toString());
      previews.delete(after.toString());
    }
  };

  const report = (result: ConnectResult): ConnectResult => {
    if (result.outcome === 'failed') {
      log.warn(result.message);
      void vscode.window.showErrorMessage(vscode.l10n.t('Airlock: {0}', result.message));
    } else {
      void vscode.window.showInformationMessage(vscode.l10n.t('Airlock: {0}', result.message));
    }
    return result;
  };

  const pickClient = async (title: string, argument: unknown): Promise<ClientId | undefined> => {
    if (typeof argument === 'string' && isClientId(argument)) return argument;
    const items = CLIENT_IDS.map((client) => ({
      label: CLIENT_LABELS[client],
      description: tokens.registry.has(client) ? vscode.l10n.t('has a token') : vscode.l10n.t('no token'),
      client,
    }));
    return (await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Which client?') }))?.client;
  };

  const connectable = Object.entries(ConnectCommands).map(([client, ids]) => [client as ConnectableClient, ids.connect, ids.disconnect] as const);
  return vscode.Disposable.from(
    provider,
    previewChanged,
    ...connectable.flatMap(([client, connectId, disconnectId]) => [
      vscode.commands.registerCommand(connectId, (test?: unknown) => apply(client, 'connect', test)),
      vscode.commands.registerCommand(disconnectId, (test?: unknown) => apply(client, 'disconnect', test)),
    ]),
    vscode.commands.registerCommand(Commands.rotateClientToken, async (argument?: unknown) => {
      const client = await pickClient(vscode.l10n.t('Airlock: Rotate Client Token'), argument);
      if (!client) return false;
      await tokens.rotate(client);
      void vscode.window.showInformationMessage(
        client !== 'copilot' && tokens.hasTokenFile(client)
          ? vscode.l10n.t('Airlock: {0} has a new token; the old one no longer works. Its token file was updated.', CLIENT_LABELS[client])
          : vscode.l10n.t('Airlock: {0} has a new token; the old one no longer works.', CLIENT_LABELS[client]),
      );
      return true;
    }),
    vscode.commands.registerCommand(Commands.revokeClientToken, async (argument?: unknown) => {
      const client = await pickClient(vscode.l10n.t('Airlock: Revoke Client Token'), argument);
      if (!client) return false;
      await tokens.revoke(client);
      void vscode.window.showInformationMessage(vscode.l10n.t('Airlock: {0}\'s token is revoked; its open sessions were closed. Connect it again to issue a new one.', CLIENT_LABELS[client]));
      return true;
    }),
  );
}

const basename = (path: string): string => path.split(/[\\/]/).pop() ?? path;

async function pickScope(client: JsonClient): Promise<Scope | undefined> {
  const target = CLIENT_TARGETS[client];
  if (target.scopes.length === 1) return target.scopes[0];
  const items = target.scopes.map((scope) => ({ label: scope === 'user' ? vscode.l10n.t('User') : vscode.l10n.t('Project'), description: target.describe[scope]?.(vscodeL10n) ?? '', scope }));
  return (await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Connect {0}: where?', CLIENT_LABELS[client]) }))?.scope;
}

async function pickFolder(first: boolean): Promise<string | undefined> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  if (folders.length === 0) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Airlock: open a folder first to connect at project scope.'));
    return undefined;
  }
  if (folders.length === 1 || first) return folders[0]?.uri.fsPath;
  return (await vscode.window.showWorkspaceFolderPick({ placeHolder: vscode.l10n.t('Which folder?') }))?.uri.fsPath;
}
