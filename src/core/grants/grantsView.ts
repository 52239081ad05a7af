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
export function grantsStatusText(grants: readonly Grant[], now: number): string | undefined {
  if (grants.length === 0) return undefined;
  const nearest = Math.min(...grants.map((g) => g.expiresAt));
  return `$(key) ${grants.length} grant${grants.length === 1 ? '' : 's'} · ${formatRemaining(nearest - now)}`;
}

/** One line per grant for the person: command, client, credentials, time and runs left. */
export function describeGrant(grant: Grant, now: number): { label: string; description: string; detail: string } {
  const left = runsLeft(grant);
  return {
    label: grant.commandMatch === 'prefix' ? `${grant.command} …` : grant.command,
    description: `${CLIENT_LABELS[grant.client]} · ${grant.credentials.join(', ')}`,
    detail: `expires in ${formatRemaining(grant.expiresAt - now)} · ${left === null ? 'unlimited runs' : `${left} run${left === 1 ? '' : 's'} left`} · ${grant.cwd}`,
  };
}
