import type { L10n } from '../../shared/l10n';

/** "just now", "5 min ago", "3 h ago", "2 d ago"; a time in the future reads "just now". */
export function formatAgo(ms: number, l10n: L10n): string {
  const seconds = Math.floor(Math.max(0, ms) / 1000);
  if (seconds < 60) return l10n.t('just now');
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return l10n.t('{0} min ago', minutes);
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return l10n.t('{0} h ago', hours);
  return l10n.t('{0} d ago', Math.floor(hours / 24));
}
