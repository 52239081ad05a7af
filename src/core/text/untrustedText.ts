/**
 * The one place that decides which characters of untrusted text (an agent's command, cwd, reason, names,
 * an MCP client's claimed name, a workspace file shown on a card) are "hidden", and how they are shown.
 * The MCP input schemas refuse them, the consent card, the HTTP guard and the secret-entry prompt reveal
 * them; none of them keeps a character set of its own (three regexes with three sets drifted into holes).
 *
 * Hidden: a character a person cannot see, or cannot tell from another one, but a shell or a program
 * still acts on — `npm run deploy\u00a0` looks like `npm run deploy` and is a different npm script.
 */

/** Code point ranges (inclusive) that are hidden besides the general categories matched below. */
const HIDDEN_RANGES: readonly (readonly [number, number, string])[] = [
  [0x00a0, 0x00a0, 'no-break space'],
  [0x00ad, 0x00ad, 'soft hyphen'],
  [0x034f, 0x034f, 'combining grapheme joiner'],
  [0x115f, 0x1160, 'Hangul filler'],
  [0x17b4, 0x17b5, 'Khmer invisible vowel'],
  [0x180b, 0x180f, 'Mongolian variation selector / vowel separator'],
  [0x2800, 0x2800, 'Braille blank'],
  [0x3164, 0x3164, 'Hangul filler'],
  [0xfe00, 0xfe0f, 'variation selector'],
  [0xffa0, 0xffa0, 'halfwidth Hangul filler'],
  [0xe0000, 0xe007f, 'tag character'],
  [0xe0100, 0xe01ef, 'variation selector'],
];

/**
 * General categories that are hidden: controls (Cc; tab is the one exception), format characters (Cf:
 * zero-widths, bidi controls, U+FEFF, U+180E, tags), line and paragraph separators (Zl, Zp), spaces other
 * than U+0020 (Zs), lone surrogates (Cs), private use (Co) and unassigned code points (Cn), which render
 * as nothing or as a box and may be assigned an invisible meaning later.
 */
const HIDDEN_CATEGORY = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Zs}\p{Cs}\p{Co}\p{Cn}]/u;

/** The escape's opening bracket is itself escaped, so a revealed text can never be forged. */
const OPEN = '⟨';
const CLOSE = '⟩';

/**
 * How much longer `reveal` can make a text, per UTF-16 unit: a BMP character becomes `⟨U+FFFF⟩` (8 units);
 * an astral one (2 units) at most `⟨U+10FFFF⟩` (10).
 */
export const REVEAL_EXPANSION = 8;

/** Whether one code point is hidden (see the module comment). */
export function isHiddenCodePoint(codePoint: number): boolean {
  if (codePoint === 0x09) return false;
  if (codePoint === 0x20) return false;
  for (const [from, to] of HIDDEN_RANGES) if (codePoint >= from && codePoint <= to) return true;
  return HIDDEN_CATEGORY.test(String.fromCodePoint(codePoint));
}

/** `U+00A0`, `U+E0041`. */
export const codePointLabel = (codePoint: number): string => `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;

export interface HiddenCharacter {
  readonly codePoint: number;
  /** `U+00A0` */
  readonly label: string;
  /** 1-based position counted in code points (what a person counts as "characters"). */
  readonly position: number;
}

/**
 * Splits text into code points, keeping lone surrogates as their own (hidden) code point. `for…of` on a
 * string already does this; named so callers do not reach for `split('')`, which cuts pairs.
 */
const codePoints = (text: string): string[] => Array.from(text);

/** The first hidden character of `text` and its 1-based code point position, or undefined. */
export function findHidden(text: string): HiddenCharacter | undefined {
  let position = 0;
  for (const char of codePoints(text)) {
    position++;
    const codePoint = char.codePointAt(0) ?? 0;
    if (isHiddenCodePoint(codePoint)) return { codePoint, label: codePointLabel(codePoint), position };
  }
  return undefined;
}

/** A sentence for a refusal: `command holds U+00A0 (no-break space) at character 15 (counted from 1) …`. */
export function describeHidden(field: string, hidden: HiddenCharacter): string {
  const named = HIDDEN_RANGES.find(([from, to]) => hidden.codePoint >= from && hidden.codePoint <= to)?.[2];
  return (
    `${field} holds the invisible or control character ${hidden.label}${named === undefined ? '' : ` (${named})`} at character ` +
    `${hidden.position} (counted from 1). Airlock refuses such characters: what a person approves must be exactly what runs. ` +
    'Use plain ASCII spaces and visible characters.'
  );
}

const escape = (codePoint: number): string => `${OPEN}${codePointLabel(codePoint)}${CLOSE}`;

export interface RevealOptions {
  /** Keep `\n` as a line break (file contents shown in a block); every other hidden character is escaped. */
  readonly multiline?: boolean;
}

/** The revealed pieces of `text`, one per code point. */
function revealedPieces(text: string, options: RevealOptions): string[] {
  return codePoints(text).map((char) => {
    if (char === '\n' && options.multiline === true) return char;
    const codePoint = char.codePointAt(0) ?? 0;
    return isHiddenCodePoint(codePoint) || char === OPEN ? escape(codePoint) : char;
  });
}

/**
 * Text for display: every hidden character (and `⟨` itself) shown as `⟨U+XXXX⟩`, everything else
 * unchanged. Contract: the result holds no hidden character, `unreveal(reveal(t)) === t`, and it is at
 * most {@link REVEAL_EXPANSION} × `t.length` long, so a caller that bounds its input bounds what it shows.
 */
export function reveal(text: string, options: RevealOptions = {}): string {
  return revealedPieces(text, options).join('');
}

/**
 * `reveal`, cut to at most `max` UTF-16 units with `…` at the end — only ever between pieces, so no escape
 * and no surrogate pair is cut in half. For claims and reasons that may be shortened; never for commands.
 */
export function revealCapped(text: string, max: number, options: RevealOptions = {}): string {
  const pieces = revealedPieces(text, options);
  let length = 0;
  for (const piece of pieces) length += piece.length;
  if (length <= max) return pieces.join('');
  let out = '';
  for (const piece of pieces) {
    if (out.length + piece.length > max - 1) break;
    out += piece;
  }
  return `${out}…`;
}

/**
 * Untrusted text with every hidden character replaced by a space, runs of spaces collapsed and the ends
 * trimmed of spaces: for a claim that is logged and shown (an MCP client's name), where the exact bytes do
 * not matter but an escape sequence or a bidi override must not reach a log or a card.
 */
export function withoutHidden(text: string): string {
  return codePoints(text)
    .map((char) => (isHiddenCodePoint(char.codePointAt(0) ?? 0) ? ' ' : char))
    .join('')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}

/** The inverse of {@link reveal} (for tests and for anyone who must recover what was shown). */
export function unreveal(shown: string): string {
  return shown.replace(/⟨U\+([0-9A-F]{4,6})⟩/g, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)));
}

/**
 * One line of untrusted text for a one-line prompt (a quick pick, a notification): hidden characters
 * revealed, runs of spaces and tabs collapsed, capped at `max` code units, wrapped in quotation marks.
 */
export function quoteUntrusted(text: string, max: number): string {
  // Not String#trim: it strips U+00A0, U+FEFF, U+2028 … — exactly the characters that must be revealed.
  return `“${revealCapped(text.replace(/[ \t]+/g, ' ').replace(/^ | $/g, ''), max)}”`;
}
