import * as vscode from 'vscode';
import type { AccessService } from '../../../core/access/accessService';
import type { Credential } from '../../../core/credentials';
import { storeLabel } from '../../../core/secrets/reference';
import { Commands } from '../../../shared/ids';
import { vscodeL10n } from '../l10n';

/** What the command needs: the credentials settings define, and the one access service (its runner, audit). */
export interface RunWithCredentialsDeps {
  readonly credentials: () => readonly Credential[];
  readonly access: Pick<AccessService, 'runAsPerson'>;
}

/**
 * **Airlock: Run Command with Credentials…** — the person picks credentials and types a command; it runs as
 * a task through the same runner as an agent's run (values resolved at the moment of use, output scrubbed,
 * audited), with no agent and no consent card. The argument may preselect credentials by name (a
 * Credentials view row, or a string); it can never carry a value.
 */
export function registerRunWithCredentials(deps: RunWithCredentialsDeps): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.runWithCredentials, async (arg?: unknown) => {
    const title = vscode.l10n.t('Airlock: Run Command with Credentials');
    const defined = deps.credentials();
    if (defined.length === 0) {
      const add = vscode.l10n.t('Add a Secret');
      if ((await vscode.window.showInformationMessage(vscode.l10n.t('Airlock: no credentials are defined yet.'), add)) === add) await vscode.commands.executeCommand(Commands.addSecret);
      return undefined;
    }
    const preselected = new Set(typeof arg === 'string' ? [arg] : typeof arg === 'object' && arg !== null && typeof (arg as { name?: unknown }).name === 'string' ? [(arg as { name: string }).name] : []);
    const picked = await vscode.window.showQuickPick(
      defined.map((credential) => ({
        label: credential.name,
        description: `${storeLabel(credential.source.kind, vscodeL10n)} · $${credential.env}`,
        ...(credential.description === '' ? {} : { detail: credential.description }),
        picked: preselected.has(credential.name),
        name: credential.name,
      })),
      // ignoreFocusOut: a walkthrough page or a notification taking focus must not throw away what the person typed.
      { title, placeHolder: vscode.l10n.t('Which credentials should the command get?'), canPickMany: true, ignoreFocusOut: true },
    );
    if (picked === undefined || picked.length === 0) return undefined;
    const command = await vscode.window.showInputBox({
      title,
      prompt: vscode.l10n.t('The command to run with {0} (in the workspace folder)', picked.map((p) => p.name).join(', ')),
      // eslint-disable-next-line no-restricted-syntax -- an example command, the same in every language
      placeHolder: 'npm run deploy',
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() === '' ? vscode.l10n.t('Type a command (or press Escape to cancel).') : undefined),
    });
    if (command === undefined || command.trim() === '') return undefined;
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    let cwd = folders[0]?.uri.fsPath;
    if (folders.length > 1) {
      const folder = await vscode.window.showWorkspaceFolderPick({ placeHolder: vscode.l10n.t('Run it in which folder?') });
      if (folder === undefined) return undefined;
      cwd = folder.uri.fsPath;
    }
    const stop = new AbortController();
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Airlock: running {0}', command.trim()), cancellable: true },
      (_progress, token) => {
        token.onCancellationRequested(() => stop.abort());
        return deps.access.runAsPerson({ credentials: picked.map((p) => p.name), command: command.trim(), cwd }, stop.signal);
      },
    );
    if (outcome.status === 'finished') {
      const { exitCode, signal } = outcome.report;
      const ended = exitCode !== null ? vscode.l10n.t('exit code {0}', exitCode) : vscode.l10n.t('signal {0}', signal ?? '?');
      if (exitCode === 0) void vscode.window.showInformationMessage(vscode.l10n.t('Airlock: "{0}" finished ({1}).', command.trim(), ended));
      else void vscode.window.showWarningMessage(vscode.l10n.t('Airlock: "{0}" finished ({1}).', command.trim(), ended));
    } else {
      // Messages name credentials and codes, never values.
      void vscode.window.showErrorMessage(vscode.l10n.t('Airlock: the command did not run: {0}', outcome.message));
    }
    return outcome.status === 'finished' ? { exitCode: outcome.report.exitCode } : { refused: outcome.status === 'refused' ? outcome.code : outcome.status };
  });
}
