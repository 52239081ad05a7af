import type { CommandMatch } from '../consent/consent';

/**
 * Characters that let a shell run something other than the approved command, or redirect where its output
 * goes. A prefix-bound grant refuses any of them after the prefix: `npm run deploy; printenv` and
 * `npm run deploy $(printenv)` never match the prefix `npm run deploy`.
 */
export const SHELL_METACHARACTERS: readonly string[] = [';', '&', '|', '$', '`', '(', ')', '<', '>', '\n', '\r', '\\', '\0'];

/**
 * What one argument after an approved prefix may look like: letters, digits and `_ . / : @ + , %`, with
 * `-` allowed after the first character. So no option (`--script-shell=./x.sh`, `-f evil.mk`), no
 * assignment (`SHELL=./x.sh`, which make and many tools take as configuration), no quote, glob, brace or
 * tilde that the shell could turn into an option after this check (`*` expands to a file the agent named
 * `--script-shell=x`; `"-"-x` and `{-,}-x` become `--x`).
 */
const PLAIN_ARGUMENT = /^[A-Za-z0-9_./:@+,%][A-Za-z0-9_./:@+,%-]*$/;

export type BindingMismatch = 'different-command' | 'metacharacter-after-prefix' | 'option-after-prefix';

/**
 * Whether `command` may run under a grant bound to `bound`. What is compared is exactly what runs: no
 * trimming or normalising (JavaScript's `trim()` strips U+00A0, `\r`, U+FEFF … that bash keeps, so
 * `npm run deploy\u00a0` would have matched `npm run deploy` and run another script).
 * - `exact`: the identical string.
 * - `prefix`: the identical string, or the prefix, one space, and space-separated plain arguments
 *   (see {@link PLAIN_ARGUMENT}): nothing chained, substituted, piped or redirected, and no option or
 *   assignment that could change what the prefix runs.
 */
export function checkBinding(bound: string, match: CommandMatch, command: string): { ok: true } | { ok: false; why: BindingMismatch } {
  if (command === bound) return { ok: true };
  if (match === 'exact') return { ok: false, why: 'different-command' };
  if (!command.startsWith(`${bound} `)) return { ok: false, why: 'different-command' };
  const rest = command.slice(bound.length + 1);
  if (SHELL_METACHARACTERS.some((c) => rest.includes(c))) return { ok: false, why: 'metacharacter-after-prefix' };
  for (const argument of rest.split(' ')) {
    if (PLAIN_ARGUMENT.test(argument)) continue;
    return { ok: false, why: argument.startsWith('-') || argument.includes('=') ? 'option-after-prefix' : 'different-command' };
  }
  return { ok: true };
}

/** A human description of a binding, e.g. `exactly "npm run deploy"`. */
export const describeBinding = (bound: string, match: CommandMatch): string =>
  match === 'exact'
    ? `exactly "${bound}"`
    : `"${bound}" followed by plain arguments (letters, digits and _ . / : @ + , % separated by single spaces; nothing that starts with "-" or holds "=", no quotes, no shell characters)`;

