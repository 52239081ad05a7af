import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ConsentRequest } from '../../core/consent/consent';
import { git } from '../node/codePin';

const SCHEME = 'airlock-head';
const MAX_FILES = 50;

/**
 * "Open changes in diff editor" on a consent card: the committed (HEAD) version of each uncommitted file on
 * the left, read with the same locked-down git as the code pin, the file as it is now on the right, in VS
 * Code's multi-file diff editor. Read-only; opening decides nothing.
 */
export function registerCodeChanges(log: { warn(message: string): void }): vscode.Disposable & { show(request: ConsentRequest): void } {
  const provider = vscode.workspace.registerTextDocumentContentProvider(SCHEME, {
    async provideTextDocumentContent(uri) {
      const { root, file } = JSON.parse(uri.query) as { root: string; file: string };
      // Untracked or added files have no committed version: the left side is empty.
      return (await git(root, ['show', `HEAD:${file}`])) ?? '';
    },
  });
  return {
    dispose: () => provider.dispose(),
    show(request) {
      const root = request.insight?.repositoryRoot;
      const files = request.insight?.changedFiles ?? [];
      if (root === undefined || files.length === 0) return;
      const resources = files.slice(0, MAX_FILES).map((file) => {
        const right = vscode.Uri.file(join(root, file));
        const left = vscode.Uri.from({ scheme: SCHEME, path: `/${file}`, query: JSON.stringify({ root, file }) });
        return [right, left, right] as const;
      });
      const title = vscode.l10n.t('Uncommitted changes the command would run ({0})', files.length);
      vscode.commands.executeCommand('vscode.changes', title, resources).then(undefined, () => {
        const first = resources[0];
        if (first !== undefined) void vscode.commands.executeCommand('vscode.diff', first[1], first[2], vscode.l10n.t('{0} (HEAD ↔ now)', files[0] ?? '')).then(undefined, () => log.warn('Could not open the diff editor.'));
      });
    },
  };
}
