import * as vscode from 'vscode';
import type { L10n } from '../../shared/l10n';

/**
 * `vscode.l10n` as the `L10n` the core and the views take (what it translates and what stays English:
 * src/shared/l10n.ts). The one place a message reaches `vscode.l10n.t` as a variable: each caller's
 * `l10n.t('…')` is a literal, and that is where `npm run l10n` finds it.
 */
export const vscodeL10n: L10n = {
  // eslint-disable-next-line no-restricted-syntax -- forwards the callers' literals (see above)
  t: (message, ...args) => vscode.l10n.t(message, ...args),
};
