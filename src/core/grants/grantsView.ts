import type { L10n } from '../../shared/l10n';
import { CLIENT_LABELS } from '../clients';
import { runsLeft, type Grant } from './grant';

/** "4:12", "1:02:03"; never negative. */
export function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Status bar text: "$(key) 2 grants · 4:12" (count and the nearest expiry); undefined when none. */
export function grantsStatusText(grants: readonly Grant[], now: number, l10n: L10n): string | undefined {
  if (grants.length === 0) return undefined;
  const nearest = formatRemaining(Math.min(...grants.map((g) => g.expiresAt)) - now);
  return grants.length === 1 ? l10n.t('$(key) 1 grant · {0}', nearest) : l10n.t('$(key) {0} grants · {1}', grants.length, nearest);
}

/** One line per grant for the person: command, client, credentials, time and runs left. */
export function describeGrant(grant: Grant, now: number, l10n: L10n): { label: string; description: string; detail: string } {
  const left = runsLeft(grant);
  const runs = left === null ? l10n.t('unlimited runs') : left === 1 ? l10n.t('1 run left') : l10n.t('{0} runs left', left);
  return {
    label: grant.commandMatch === 'prefix' ? `${grant.command} …` : grant.command,
    description: `${CLIENT_LABELS[grant.client]} · ${grant.credentials.join(', ')}`,
    detail: l10n.t('expires in {0} · {1} · {2}', formatRemaining(grant.expiresAt - now), runs, grant.cwd),
  };
}
