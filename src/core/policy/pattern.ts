import { fail, ok, type Outcome } from '../outcome';

/**
 * A compiled pattern from `airlock.policy.rules`. Globs: `*` matches any run of characters (including `/`
 * and spaces), `?` exactly one, everything else literally. `/regex/` (command only) must match the whole
 * command.
 */
export interface Pattern {
  readonly source: string;
  readonly kind: 'any' | 'glob' | 'regex';
  test(text: string): boolean;
}

const ANY: Pattern = { source: '*', kind: 'any', test: () => true };

function escape(text: string): string {
  return text.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
}

/** Compiles a glob (never throws). */
export function compileGlob(source: string): Pattern {
  if (/^\*+$/.test(source)) return { ...ANY, source };
  let body = '';
  for (const char of source) body += char === '*' ? '[\\s\\S]*' : char === '?' ? '[\\s\\S]' : escape(char);
  // Collapse runs of `*` so a pattern like `a*******b` cannot backtrack badly.
  body = body.replace(/(?:\[\\s\\S\]\*)+/g, '[\\s\\S]*');
  const regex = new RegExp(`^${body}$`, 'u');
  return { source, kind: 'glob', test: (text) => regex.test(text) };
}

/** Whether a command pattern is written as `/regex/` (optionally `/regex/i`). */
export const isRegexPattern = (source: string): boolean => /^\/.+\/i?$/s.test(source);

/** Compiles a command pattern: `/regex/` (whole-command match) or a glob. */
export function compileCommandPattern(source: string): Outcome<Pattern, 'invalid-pattern'> {
  if (!isRegexPattern(source)) return ok(compileGlob(source));
  const flags = source.endsWith('/i') ? 'iu' : 'u';
  const body = source.slice(1, flags === 'iu' ? -2 : -1);
  try {
    const regex = new RegExp(`^(?:${body})$`, flags);
    return ok({ source, kind: 'regex', test: (text) => regex.test(text) });
  } catch (error) {
    const why = error instanceof Error ? error.message : 'invalid';
    return fail('invalid-pattern', `the regular expression ${JSON.stringify(source)} is not valid (${why}).`);
  }
}
