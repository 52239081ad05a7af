/**
 * The translator the view models take (the adapter passes `vscode.l10n`): the core stays free of `vscode`,
 * and every string it makes for a person goes through `l10n.t`, with `{0}`-style arguments.
 */
export interface L10n {
  t(message: string, ...args: Array<string | number>): string;
}

/** For tests and the fallback: fills `{0}`, `{1}`… like `vscode.l10n.t` does without a bundle. */
export const plainL10n: L10n = {
  t: (message, ...args) => message.replace(/\{(\d+)\}/g, (whole, index: string) => String(args[Number(index)] ?? whole)),
};

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
