import * as vscode from 'vscode';
import type { Clock } from '../../core/clock';
import { describeGrant, grantsStatusText } from '../../core/grants/grantsView';
import type { LeaseManager } from '../../core/grants/leaseManager';
import { Commands } from '../../shared/ids';

/**
 * The person's view of live grants: "$(key) 2 grants · 4:12" in the status bar, ticking each second only
 * while grants exist; clicking lists them with Revoke / Revoke all (audited as revoked by the person).
 */
export function registerGrantsStatusBar(leases: LeaseManager, clock: Clock): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('airlock.grants', vscode.StatusBarAlignment.Left, 100);
  item.name = 'Airlock grants';
  item.command = Commands.manageGrants;
  let ticker: NodeJS.Timeout | undefined;

  const render = (): void => {
    const grants = leases.active();
    const text = grantsStatusText(grants, clock.now());
    if (text === undefined) {
      item.hide();
      if (ticker !== undefined) clearInterval(ticker);
      ticker = undefined;
      return;
    }
    item.text = text;
    item.tooltip = `Airlock: ${grants.length} active grant${grants.length === 1 ? '' : 's'}. Click to review or revoke.`;
    item.show();
    if (ticker === undefined) ticker = setInterval(render, 1000);
  };

  const manage = vscode.commands.registerCommand(Commands.manageGrants, async () => {
    const now = clock.now();
    const grants = leases.active();
    if (grants.length === 0) {
      void vscode.window.showInformationMessage('Airlock: no active grants.');
      return;
    }
    type Item = vscode.QuickPickItem & { grantId?: string; all?: true };
    const items: Item[] = [
      ...grants.map((g): Item => {
        const d = describeGrant(g, now);
        return { label: `$(close) Revoke: ${d.label}`, description: d.description, detail: d.detail, grantId: g.id };
      }),
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      { label: '$(close-all) Revoke all', description: `${grants.length} grant${grants.length === 1 ? '' : 's'}`, all: true },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: 'Airlock: active grants', placeHolder: 'Pick a grant to revoke it', matchOnDescription: true, matchOnDetail: true });
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
