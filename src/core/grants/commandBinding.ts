import type { CommandMatch } from '../consent/consent';

/**
 * Characters that let a shell run something other than the approved command, or redirect where its output
 * goes. A prefix-bound grant refuses any of them after the prefix: `npm run deploy; printenv` and
 * `npm run deploy $(printenv)` never match the prefix `npm run deploy`.
 */
export const SHELL_METACHARACTERS: readonly string[] = [';', '&', '|', '$', '`', '(', ')', '<', '>', '\n', '\r', '\\', '\0'];

export type BindingMismatch = 'different-command' | 'metacharacter-after-prefix';

/** Normalises a command for comparison: only the surrounding whitespace is insignificant. */
export const normaliseCommand = (command: string): string => command.trim();

/**
 * Whether `command` may run under a grant bound to `bound`.
 * - `exact`: the same string (surrounding whitespace ignored).
 * - `prefix`: the same string, or the prefix followed by a space and arguments that contain none of
 *   {@link SHELL_METACHARACTERS} (so nothing can be chained, substituted, piped or redirected).
 */
export function checkBinding(bound: string, match: CommandMatch, command: string): { ok: true } | { ok: false; why: BindingMismatch } {
  const want = normaliseCommand(bound);
  const got = normaliseCommand(command);
  if (got === want) return { ok: true };
  if (match === 'exact') return { ok: false, why: 'different-command' };
  if (!got.startsWith(`${want} `)) return { ok: false, why: 'different-command' };
  const rest = got.slice(want.length);
  if (SHELL_METACHARACTERS.some((c) => rest.includes(c))) return { ok: false, why: 'metacharacter-after-prefix' };
  return { ok: true };
}

/** A human description of a binding, e.g. `exactly "npm run deploy"`. */
export const describeBinding = (bound: string, match: CommandMatch): string =>
  match === 'exact' ? `exactly "${bound}"` : `"${bound}" followed by plain arguments (no ; & | $ \` ( ) < > \\ or newlines)`;
