/**
 * The translator every piece of person-facing text goes through. The host passes `vscode.l10n`; the core
 * and the consent webview take this interface instead, so they stay free of `vscode`.
 *
 * Which text is translated — the one rule: text a PERSON reads (notifications, pickers, dialogs, the
 * status bar, trees, the consent card, terminal banners, Show Status, person-facing output lines) goes
 * through `l10n.t('literal', …args)`, with `{0}`-style placeholders and never a sentence glued from
 * translated fragments. Text an AGENT or a machine reads stays English and is never translated: MCP tool
 * results and errors, `_meta` codes, audit records, debugging log lines, settings and file contents. The
 * first argument is always a literal, so `npm run l10n` (scripts/l10n.ts) finds it for l10n/bundle.l10n.json.
 * Text both read is written once: an `l10n` parameter defaulting to `plainL10n` (the agent's English), or a
 * `Say` below when one value travels to both.
 */
export interface L10n {
  t(message: string, ...args: Array<string | number>): string;
}

/**
 * A message in whichever language it is asked for, for text both an agent and a person read: the agent's
 * copy is `say(plainL10n)` (English), the person's `say(vscodeL10n)` — one source, no English kept apart
 * from its translation.
 */
export type Say = (l10n: L10n) => string;

/** A translation bundle: English message → translated message (the shape of `vscode.l10n.bundle`). */
export type L10nBundle = Readonly<Record<string, string>>;

/** Fills `{0}`, `{1}`… like `vscode.l10n.t` does; an index without an argument stays as written. */
export function formatMessage(message: string, args: ReadonlyArray<string | number>): string {
  return message.replace(/\{(\d+)\}/g, (whole, index: string) => {
    const arg = args[Number(index)];
    return arg === undefined ? whole : String(arg);
  });
}

/** A translator over a bundle (the webview's, fed by the host); a message the bundle lacks stays English. */
export function bundleL10n(bundle: L10nBundle | undefined): L10n {
  return {
    t: (message, ...args) => formatMessage(bundle !== undefined && Object.hasOwn(bundle, message) ? bundle[message] ?? message : message, args),
  };
}

/** English, untranslated: for tests and for code that runs without VS Code. */
export const plainL10n: L10n = bundleL10n(undefined);
