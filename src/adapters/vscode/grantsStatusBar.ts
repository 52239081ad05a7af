import * as vscode from 'vscode';
import type { Clock } from '../../core/clock';
import { describeGrant, grantsStatusText } from '../../core/grants/grantsView';
import type { LeaseManager } from '../../core/grants/leaseManager';
import { Commands } from '../../shared/ids';
import { vscodeL10n } from './l10n';

/**
 * The person's view of live grants: "$(key) 2 grants · 4:12" in the status bar, ticking each second only
 * while grants exist; clicking lists them with Revoke / Revoke all (audited as revoked by the person).
 */
export function registerGrantsStatusBar(leases: LeaseManager, clock: Clock): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('airlock.grants', vscode.StatusBarAlignment.Left, 100);
  item.name = vscode.l10n.t('Airlock grants');
  item.command = Commands.manageGrants;
  let ticker: NodeJS.Timeout | undefined;

  const render = (): void => {
    const grants = leases.active();
    const text = grantsStatusText(grants, clock.now(), vscodeL10n);
    if (text === undefined) {
      item.hide();
      if (ticker !== undefined) clearInterval(ticker);
      ticker = undefined;
      return;
    }
    item.text = text;
    item.tooltip = grants.length === 1
      ? vscode.l10n.t('Airlock: 1 active grant. Click to review or revoke.')
      : vscode.l10n.t('Airlock: {0} active grants. Click to review or revoke.', grants.length);
    item.show();
    if (ticker === undefined) ticker = setInterval(render, 1000);
  };

  const manage = vscode.commands.registerCommand(Commands.manageGrants, async () => {
    const now = clock.now();
    const grants = leases.active();
    if (grants.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Airlock: no active grants.'));
      return;
    }
    type Item = vscode.QuickPickItem & { grantId?: string; all?: true };
    const items: Item[] = [
      ...grants.map((g): Item => {
        const d = describeGrant(g, now, vscodeL10n);
        return { label: vscode.l10n.t('$(close) Revoke: {0}', d.label), description: d.description, detail: d.detail, grantId: g.id };
      }),
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      { label: vscode.l10n.t('$(close-all) Revoke all'), description: grants.length === 1 ? vscode.l10n.t('1 grant') : vscode.l10n.t('{0} grants', grants.length), all: true },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Airlock: active grants'), placeHolder: vscode.l10n.t('Pick a grant to revoke it'), matchOnDescription: true, matchOnDetail: true });
    if (picked?.all === true) leases.revokeAll('person');
    else if (picked?.grantId !== undefined) leases.revoke(picked.grantId, 'person');
  });

  const subscription = leases.onEvent(render);
  render();
  return vscode.Disposable.from(item, manage, {
    dispose: () => {
      subscription.dispose();
      if (ticker !== undefined) clearInterval(ticker);
    },
  });
}
