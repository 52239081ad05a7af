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

/**
 * Whether `text` matches the glob `pattern` (`*` any run, `?` one character). Iterative with a single
 * backtrack point, so time is O(pattern × text) whatever the pattern: a repository cannot plant a glob
 * that hangs the extension host (a regex translation backtracks polynomially in the number of `*`).
 */
export function globMatch(pattern: string, text: string): boolean {
  const p = [...pattern];
  const t = [...text];
  let pi = 0;
  let ti = 0;
  let starAt = -1;
  let starText = 0;
  while (ti < t.length) {
    const char = p[pi];
    if (char !== undefined && char !== '*' && (char === '?' || char === t[ti])) {
      pi++;
      ti++;
    } else if (char === '*') {
      starAt = pi++;
      starText = ti;
    } else if (starAt !== -1) {
      pi = starAt + 1;
      ti = ++starText;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

/** Compiles a glob (never throws). */
export function compileGlob(source: string): Pattern {
  if (/^\*+$/.test(source)) return { ...ANY, source };
  return { source, kind: 'glob', test: (text) => globMatch(source, text) };
}

/** Whether a command pattern is written as `/regex/` (optionally `/regex/i`). */
export const isRegexPattern = (source: string): boolean => /^\/.+\/i?$/s.test(source);

/** Compiles a command pattern: `/regex/` (whole-command match) or a glob. */
export function compileCommandPattern(source: string): Outcome<Pattern, 'invalid-pattern'> {
  if (!isRegexPattern(source)) return ok(compileGlob(source));
  const flags = source.endsWith('/i') ? 'i' : '';
  const body = source.slice(1, flags === 'i' ? -2 : -1);
  try {
    const regex = new RegExp(`^(?:${body})$`, flags);
    return ok({ source, kind: 'regex', test: (text) => regex.test(text) });
  } catch (error) {
    const why = error instanceof Error ? error.message : 'invalid';
    return fail('invalid-pattern', `the regular expression ${JSON.stringify(source)} is not valid (${why}).`);
  }
}
