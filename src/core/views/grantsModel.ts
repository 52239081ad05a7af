import { CLIENT_LABELS } from '../clients';
import { runsLeft, type Grant } from '../grants/grant';
import { formatRemaining } from '../grants/grantsView';
import { reveal } from '../text/untrustedText';
import type { L10n } from '../../shared/l10n';

export interface GrantRow {
  readonly id: string;
  readonly grantId: string;
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
  readonly contextValue: 'grant';
}

/** A live grant as a row: command, client, a countdown ("expires in 4:12") and the runs left. */
export function grantRow(grant: Grant, now: number, l10n: L10n): GrantRow {
  const left = runsLeft(grant);
  const runs = left === null ? l10n.t('unlimited runs') : left === 1 ? l10n.t('1 run left') : l10n.t('{0} runs left', left);
  const remaining = formatRemaining(grant.expiresAt - now);
  // The agent wrote the command and folder: shown whole (never cut), hidden characters revealed.
  const command = grant.commandMatch === 'prefix' ? `${reveal(grant.command)} …` : reveal(grant.command);
  return {
    id: `grant:${grant.id}`,
    grantId: grant.id,
    label: command,
    description: l10n.t('{0} · expires in {1} · {2}', CLIENT_LABELS[grant.client], remaining, runs),
    tooltip: [
      l10n.t('Command: {0}', command),
      l10n.t('Client: {0}', CLIENT_LABELS[grant.client]),
      l10n.t('Credentials: {0}', grant.credentials.map((name) => reveal(name)).join(', ')),
      l10n.t('Folder: {0}', reveal(grant.cwd)),
      l10n.t('Expires in {0} ({1})', remaining, new Date(grant.expiresAt).toISOString()),
      runs,
    ].join('\n'),
    contextValue: 'grant',
  };
}

/**
 * Whether the Grants view's countdown should tick (once a second): only while the view is visible and holds
 * a grant. Everything else in the views is refreshed from events.
 */
export const countdownTicks = (visible: boolean, grants: number): boolean => visible && grants > 0;
