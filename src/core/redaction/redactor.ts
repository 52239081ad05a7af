import { fail, ok, type Outcome } from '../outcome';
import { revealSecret, type SecretValue } from '../secrets/secretValue';
import { encodedForms } from './encodings';

/**
 * Streaming multi-pattern redactor: every encoded form (see encodings.ts) of every secret becomes
 * `[redacted:NAME]`.
 *
 * Matching semantics
 * - Leftmost-longest: at the first position where any pattern matches, the longest one wins.
 * - Overlaps: scanning continues inside a match, so a second secret that overlaps the end of the first
 *   is scrubbed too (`[redacted:A][redacted:B]`); no fragment of either survives.
 * - ANSI escape sequences (CSI `ESC [ … final`, OSC `ESC ] … BEL|ESC \`, two/three-byte `ESC x`) are
 *   transparent inside a match: a value that a program colours half-way through is still found. The
 *   escapes inside a match are re-emitted after the marker, so terminal colours stay balanced. A match
 *   never starts or ends on an escape.
 * - Unicode: patterns are UTF-16 strings; output never ends a chunk between the halves of a surrogate pair.
 *
 * Streaming: `push` emits everything that can no longer be part of a match and holds back the rest —
 * at most `maxPatternLength − 1` characters of text (plus escape sequences inside a candidate match,
 * at most MAX_ESCAPES_PER_MATCH of at most MAX_ESCAPE_LENGTH each, plus one code unit to keep a
 * surrogate pair whole). Memory is bounded by the patterns, never by the output size. Only characters
 * that could begin a secret form are held, so an interactive prompt may show its last character or two
 * late (with the next output, or at exit). Never flush on idle to "fix" that: flush ends matching, and
 * a secret printed across the flush would leak its halves.
 *
 * Cost: one 4-gram hash per skip of the Wu–Manber loop (the skip is typically 10+ characters); a
 * per-position check only right before escape sequences and in the last window; a trie walk only at
 * candidate positions. Adversarial text made of near-misses costs O(length × maxPatternLength).
 *
 * Algorithm: a trie over all patterns (typed arrays, characters mapped to dense classes), entered only
 * at candidate positions: a Wu–Manber skip table over hashed 4-grams of every pattern's first
 * `minLength` characters skips text no pattern can start in; a bitset of hashed 4-character prefixes
 * confirms a start (hash collisions only add candidates, never drop one).
 */
export interface Redactor {
  /** Scrubs a complete text (no state carried between calls). */
  scrub(text: string): string;
  /** A fresh streaming scrubber; feed it chunks in order, then `flush()` once. */
  stream(): StreamRedactor;
  /** Longest pattern in UTF-16 code units (0 when there are no secrets). */
  readonly maxPatternLength: number;
}

export interface StreamRedactor {
  /** Returns the scrubbed text that is final; holds back a possible partial match. */
  push(chunk: string): string;
  /** Returns the held-back remainder, scrubbed. The stream may be reused afterwards. */
  flush(): string;
}

export interface RedactionSecret {
  /** The credential name shown in the marker, e.g. `DEPLOY_TOKEN`. */
  readonly name: string;
  readonly value: SecretValue;
}

/** Secrets shorter than this cannot be scrubbed without mangling ordinary output, nor found reliably. */
export const MIN_SECRET_LENGTH = 8;

/** Why MIN_SECRET_LENGTH exists, in the words every refusal of a short value uses. */
export const SHORT_VALUES_WHY = 'shorter values cannot be scrubbed from output safely';

/** The marker that replaces a secret. */
export const redactionMarker = (name: string): string => `[redacted:${name}]`;

/**
 * Whether `secret` can be scrubbed: it must be held (not disposed) and at least MIN_SECRET_LENGTH code
 * units long. Callers check this before a secret is used, and refuse the run with the message.
 */
export function checkRedactable(secret: RedactionSecret): Outcome<RedactionSecret, 'secret-too-short' | 'secret-disposed'> {
  if (!secret.value.alive) {
    return fail('secret-disposed', `The value of credential "${secret.name}" is no longer held (its grant has ended); request access again.`);
  }
  if (secret.value.length < MIN_SECRET_LENGTH) {
    return fail(
      'secret-too-short',
      `Credential "${secret.name}" is shorter than ${MIN_SECRET_LENGTH} characters; ${SHORT_VALUES_WHY}. ` +
        'The person must store a longer value (rotate it), or not hand it to agents through Airlock.',
    );
  }
  return ok(secret);
}

/**
 * Builds a redactor over `secrets`. Callers must have passed every secret through checkRedactable:
 * a short or disposed secret here is a bug, and throws (without the value) rather than scrub nothing.
 */
export function createRedactor(secrets: readonly RedactionSecret[]): Redactor {
  const patterns: { text: string; owner: number }[] = [];
  const names: string[] = [];
  for (const secret of secrets) {
    const checked = checkRedactable(secret);
    if (!checked.ok) throw new Error(`createRedactor: ${checked.message}`);
    const owner = names.length;
    names.push(secret.name);
    for (const form of encodedForms(revealSecret(secret.value, 'redactor'))) patterns.push({ text: form, owner });
  }
  if (patterns.length === 0) return identityRedactor;
  const automaton = compile(patterns, names.map(redactionMarker));
  return {
    maxPatternLength: automaton.maxPatternLength,
    scrub: (text) => {
      const stream = new Scanner(automaton);
      return stream.push(text) + stream.flush();
    },
    stream: () => new Scanner(automaton),
  };
}

const identityRedactor: Redactor = {
  maxPatternLength: 0,
  scrub: (text) => text,
  stream: () => ({ push: (chunk) => chunk, flush: () => '' }),
};

// ── compiled patterns ───────────────────────────────────────────────────────────────────────────────

/** The prefix filter looks at this many characters; every pattern is at least this long. */
const Q = 4;
const FILTER_BITS = 20;
const FILTER_SHIFT = 32 - FILTER_BITS;
const ESC = 0x1b;
/** Longest escape sequence treated as transparent inside a match (OSC 8 hyperlinks are long). */
const MAX_ESCAPE_LENGTH = 512;
const MAX_ESCAPES_PER_MATCH = 16;

interface Automaton {
  /** char code → class (0: in no pattern). */
  readonly classOf: Uint16Array;
  readonly classCount: number;
  /** Per node: the class of the edge into it, its first child and its next sibling (-1: none). */
  readonly nodeClass: Uint16Array;
  readonly firstChild: Int32Array;
  readonly nextSibling: Int32Array;
  /** Per node: offset into `dense` (rows of classCount + 1), or -1. */
  readonly denseRow: Int32Array;
  readonly dense: Int32Array;
  /** Per node: marker index of the pattern ending here, or -1. */
  readonly terminal: Int32Array;
  /** Per node: whether it has children (a walk that reaches the end here is undecided). */
  readonly hasChildren: Uint8Array;
  /** Whether the node has an edge for ESC itself (then ESC is literal, not an escape sequence). */
  readonly escClass: number;
  readonly filter: Int32Array;
  /** Skip table over hashed 4-grams of every pattern's first `minLength` characters (Wu–Manber). */
  readonly shift: Uint8Array;
  readonly minLength: number;
  readonly markers: readonly string[];
  readonly maxPatternLength: number;
}

/** Rolling hash of the low bytes of the last 4 characters, as a FILTER_BITS-bit index. */
const filterIndex = (window: number): number => Math.imul(window, 0x9e3779b1) >>> FILTER_SHIFT;
const SHIFT_BITS = 17;
const SHIFT_HASH = 32 - SHIFT_BITS;
/** Longest window the skip loop uses; longer windows give longer skips but a larger, denser table. */
const MAX_WINDOW = 32;

function compile(patterns: readonly { text: string; owner: number }[], markers: readonly string[]): Automaton {
  // Classes: distinct code units that occur in any pattern, numbered from 1.
  const classOf = new Uint16Array(65536);
  let classCount = 0;
  for (const { text } of patterns) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (classOf[c] === 0) classOf[c] = ++classCount;
    }
  }

  // The trie in preallocated typed arrays (no per-node objects): a node is the target of exactly one
  // edge, so each node stores its own class, its first child and its next sibling. The root's children
  // are found through a dense row while building; nodes with many children get dense rows at the end.
  let capacity = 1;
  for (const { text } of patterns) capacity += text.length;
  const nodeClass = new Uint16Array(capacity);
  const firstChild = new Int32Array(capacity).fill(-1);
  const nextSibling = new Int32Array(capacity).fill(-1);
  const childCount = new Int32Array(capacity);
  const terminal = new Int32Array(capacity).fill(-1);
  const rootRow = new Int32Array(classCount + 1).fill(-1);
  let nodeCount = 1;
  const filter = new Int32Array(1 << (FILTER_BITS - 5));
  let maxPatternLength = 0;
  for (const { text, owner } of patterns) {
    if (text.length < Q) throw new Error('redactor: pattern shorter than the prefix filter (a bug in encodings)');
    maxPatternLength = Math.max(maxPatternLength, text.length);
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      const cls = classOf[text.charCodeAt(i)]!;
      let next = node === 0 ? rootRow[cls]! : -1;
      if (node !== 0) {
        for (let c = firstChild[node]!; c !== -1; c = nextSibling[c]!) {
          if (nodeClass[c] === cls) {
            next = c;
            break;
          }
        }
      }
      if (next === -1) {
        next = nodeCount++;
        nodeClass[next] = cls;
        nextSibling[next] = firstChild[node]!;
        firstChild[node] = next;
        childCount[node]!++;
        if (node === 0) rootRow[cls] = next;
      }
      node = next;
    }
    // Same text for two secrets: the first one named keeps it (the value is scrubbed either way).
    if (terminal[node] === -1) terminal[node] = owner;
    let window = 0;
    for (let i = 0; i < Q; i++) window = (window << 8) | (text.charCodeAt(i) & 0xff);
    const index = filterIndex(window);
    filter[index >>> 5]! |= 1 << (index & 31);
  }

  // Wu–Manber skip table: for the window of the first `minLength` characters of each pattern, the
  // distance from each 4-gram's end to the window's end. A 4-gram in no window allows the full skip.
  let minLength = Number.MAX_SAFE_INTEGER;
  for (const { text } of patterns) minLength = Math.min(minLength, text.length);
  minLength = Math.min(minLength, MAX_WINDOW);
  const shift = new Uint8Array(1 << SHIFT_BITS).fill(minLength - Q + 1);
  for (const { text } of patterns) {
    let window = 0;
    for (let e = 0; e < minLength; e++) {
      window = (window << 8) | (text.charCodeAt(e) & 0xff);
      if (e < Q - 1) continue;
      const index = Math.imul(window, 0x9e3779b1) >>> SHIFT_HASH;
      const distance = minLength - 1 - e;
      if (distance < shift[index]!) shift[index] = distance;
    }
  }

  const DENSE_MIN_CHILDREN = 8;
  let denseRows = 0;
  for (let n = 0; n < nodeCount; n++) if (childCount[n]! >= DENSE_MIN_CHILDREN) denseRows++;
  const denseRow = new Int32Array(nodeCount).fill(-1);
  const dense = new Int32Array(denseRows * (classCount + 1)).fill(-1);
  const hasChildren = new Uint8Array(nodeCount);
  let row = 0;
  for (let n = 0; n < nodeCount; n++) {
    hasChildren[n] = childCount[n]! > 0 ? 1 : 0;
    if (childCount[n]! < DENSE_MIN_CHILDREN) continue;
    const offset = row++ * (classCount + 1);
    denseRow[n] = offset;
    for (let c = firstChild[n]!; c !== -1; c = nextSibling[c]!) dense[offset + nodeClass[c]!] = c;
  }
  return {
    classOf,
    classCount,
    nodeClass: nodeClass.subarray(0, nodeCount),
    firstChild: firstChild.subarray(0, nodeCount),
    nextSibling: nextSibling.subarray(0, nodeCount),
    denseRow,
    dense,
    terminal: terminal.subarray(0, nodeCount),
    hasChildren,
    escClass: classOf[ESC]!,
    filter,
    shift,
    minLength,
    markers,
    maxPatternLength,
  };
}

function child(a: Automaton, node: number, cls: number): number {
  const row = a.denseRow[node]!;
  if (row >= 0) return a.dense[row + cls]!;
  for (let c = a.firstChild[node]!; c !== -1; c = a.nextSibling[c]!) {
    if (a.nodeClass[c] === cls) return c;
  }
  return -1;
}

/** End index of the escape sequence starting at `at` (an ESC), INCOMPLETE, or NOT_ESCAPE. */
const INCOMPLETE = -1;
const NOT_ESCAPE = -2;
function escapeEnd(text: string, at: number): number {
  const limit = Math.min(text.length, at + MAX_ESCAPE_LENGTH);
  if (at + 1 >= text.length) return INCOMPLETE;
  const kind = text.charCodeAt(at + 1);
  if (kind === 0x5b) {
    // CSI: parameters 0x30–0x3f, intermediates 0x20–0x2f, final 0x40–0x7e.
    let i = at + 2;
    while (i < limit) {
      const c = text.charCodeAt(i);
      if (c >= 0x40 && c <= 0x7e) return i + 1;
      if (c < 0x20 || c > 0x3f) return NOT_ESCAPE;
      i++;
    }
    return limit === text.length && i === text.length ? INCOMPLETE : NOT_ESCAPE;
  }
  if (kind === 0x5d) {
    // OSC: terminated by BEL or ST (ESC \).
    let i = at + 2;
    while (i < limit) {
      const c = text.charCodeAt(i);
      if (c === 0x07) return i + 1;
      if (c === ESC) {
        if (i + 1 >= text.length) return INCOMPLETE;
        return text.charCodeAt(i + 1) === 0x5c ? i + 2 : NOT_ESCAPE;
      }
      i++;
    }
    return limit === text.length && i === text.length ? INCOMPLETE : NOT_ESCAPE;
  }
  // nF (intermediates then a final byte) and Fp/Fe/Fs two-character escapes.
  let i = at + 1;
  while (i < limit && text.charCodeAt(i) >= 0x20 && text.charCodeAt(i) <= 0x2f) i++;
  if (i >= text.length) return INCOMPLETE;
  const final = text.charCodeAt(i);
  return final >= 0x30 && final <= 0x7e ? i + 1 : NOT_ESCAPE;
}

/** Outcome of a walk from one start position. */
const UNDECIDED = -3;
const NO_MATCH = -1;

/**
 * The streaming scanner. State between pushes: `pending` text whose positions from `scanAt` on are not
 * yet decided; `emittedTo` (relative to `pending`) is where output stopped — before `scanAt` (a held
 * surrogate) or after it (inside a match already replaced by its marker).
 */
class Scanner implements StreamRedactor {
  private pending = '';
  private scanAt = 0;
  private emittedTo = 0;
  /** Set by walk(): marker index of the match found. */
  private matchOwner = -1;

  constructor(private readonly a: Automaton) {}

  push(chunk: string): string {
    if (chunk.length === 0) return '';
    return this.run(this.pending.length === 0 ? chunk : this.pending + chunk, false);
  }

  flush(): string {
    if (this.pending.length === 0) return '';
    return this.run(this.pending, true);
  }

  // Per-run state, kept on the instance so the skip loop and the per-position loop share it.
  private out: string[] = [];
  private emitted = 0;

  private run(text: string, final: boolean): string {
    const a = this.a;
    this.out = [];
    this.emitted = this.emittedTo;
    const length = text.length;
    const window = a.minLength;
    const lastWindowStart = length - window; // last start whose full window lies in the text
    let stoppedAt = length;
    let i = this.scanAt;
    let nextEsc = -2; // -2: not looked up yet; -1: none

    scan: while (i < length) {
      if (nextEsc !== -1 && nextEsc < i) nextEsc = text.indexOf('\x1b', i);
      // A match that runs into the escape at `nextEsc` starts within the run of pattern characters just
      // before it (at most maxPatternLength − 1 of them): those starts are checked one by one.
      let zoneStart = length;
      if (nextEsc !== -1) {
        zoneStart = nextEsc;
        const floor = Math.max(i, nextEsc - a.maxPatternLength + 1);
        while (zoneStart > floor && a.classOf[text.charCodeAt(zoneStart - 1)] !== 0) zoneStart--;
      }
      const fastEnd = Math.min(zoneStart, lastWindowStart + 1);
      if (i < fastEnd) {
        // Skip loop: `j` is the last character of the window that starts at `p = j - window + 1`.
        const shift = a.shift;
        let j = i + window - 1;
        const jEnd = fastEnd + window - 1;
        while (j < jEnd) {
          const gram =
            ((text.charCodeAt(j - 3) & 0xff) << 24) |
            ((text.charCodeAt(j - 2) & 0xff) << 16) |
            ((text.charCodeAt(j - 1) & 0xff) << 8) |
            (text.charCodeAt(j) & 0xff);
          const skip = shift[Math.imul(gram, 0x9e3779b1) >>> SHIFT_HASH]!;
          if (skip !== 0) {
            j += skip;
            continue;
          }
          const p = j - window + 1;
          if (this.candidate(text, p) && this.visit(text, p, final) === UNDECIDED) {
            stoppedAt = p;
            break scan;
          }
          j++;
        }
        i = fastEnd;
        continue;
      }
      // One position at a time: near an escape sequence, and in the last window of the text.
      const slowEnd = nextEsc === -1 ? length : Math.min(length, nextEsc + 1);
      for (; i < slowEnd; i++) {
        if (i + Q <= length && !this.candidate(text, i) && !(nextEsc >= 0 && nextEsc < i + Q)) continue;
        if (this.visit(text, i, final) === UNDECIDED) {
          stoppedAt = i;
          break scan;
        }
      }
    }

    // Emit decided text up to the stop point, but never split a surrogate pair at the chunk edge.
    const out = this.out;
    let emitted = this.emitted;
    let emitTo = stoppedAt;
    if (!final && emitTo > emitted) {
      const last = text.charCodeAt(emitTo - 1);
      if (last >= 0xd800 && last <= 0xdbff) emitTo--;
    }
    if (emitTo > emitted) {
      out.push(text.slice(emitted, emitTo));
      emitted = emitTo;
    }
    if (final) {
      this.pending = '';
      this.scanAt = 0;
      this.emittedTo = 0;
    } else {
      const keepFrom = Math.min(stoppedAt, emitted);
      this.pending = text.slice(keepFrom);
      this.scanAt = stoppedAt - keepFrom;
      this.emittedTo = emitted - keepFrom;
    }
    this.out = [];
    return out.length === 1 ? out[0]! : out.join('');
  }

  /** Whether the 4 characters at `p` begin some pattern (hashed: false positives, no false negatives). */
  private candidate(text: string, p: number): boolean {
    const gram =
      ((text.charCodeAt(p) & 0xff) << 24) |
      ((text.charCodeAt(p + 1) & 0xff) << 16) |
      ((text.charCodeAt(p + 2) & 0xff) << 8) |
      (text.charCodeAt(p + 3) & 0xff);
    const index = filterIndex(gram);
    return (this.a.filter[index >>> 5]! & (1 << (index & 31))) !== 0;
  }

  /** Walks from `p`; on a match, emits the text before it and its marker. Returns the walk's result. */
  private visit(text: string, p: number, final: boolean): number {
    const end = this.walk(text, p, final);
    if (end < 0 || end <= this.emitted) return end; // no match, undecided, or inside a replaced match
    const from = Math.max(p, this.emitted);
    if (from > this.emitted) this.out.push(text.slice(this.emitted, from));
    this.out.push(this.a.markers[this.matchOwner]!);
    const escapes = escapesIn(text, from, end);
    if (escapes.length > 0) this.out.push(escapes);
    this.emitted = end;
    return end;
  }

  /**
   * The end of the longest match starting at `start` (escape sequences inside it skipped), NO_MATCH,
   * or UNDECIDED when more input could still change the answer.
   */
  private walk(text: string, start: number, final: boolean): number {
    const a = this.a;
    const classOf = a.classOf;
    let node = 0;
    let j = start;
    let best = NO_MATCH;
    let escapes = 0;
    const length = text.length;
    for (;;) {
      if (j >= length) {
        if (!final && a.hasChildren[node] === 1) return UNDECIDED;
        return best;
      }
      const c = text.charCodeAt(j);
      if (c === ESC && j > start && escapes < MAX_ESCAPES_PER_MATCH && (a.escClass === 0 || child(a, node, a.escClass) < 0)) {
        const end = escapeEnd(text, j);
        if (end === INCOMPLETE) {
          if (!final) return UNDECIDED;
          return best;
        }
        if (end !== NOT_ESCAPE) {
          escapes++;
          j = end;
          continue;
        }
        return best;
      }
      const cls = classOf[c]!;
      if (cls === 0) return best;
      const next = child(a, node, cls);
      if (next < 0) return best;
      node = next;
      j++;
      const owner = a.terminal[node]!;
      if (owner >= 0) {
        best = j;
        this.matchOwner = owner;
      }
      if (a.hasChildren[node] === 0) return best; // nothing longer: decided, even at a chunk's end
    }
  }
}

/** The escape sequences inside text[from, to), concatenated, so styling survives a replaced match. */
function escapesIn(text: string, from: number, to: number): string {
  let at = text.indexOf('\x1b', from);
  if (at < 0 || at >= to) return '';
  let out = '';
  while (at >= 0 && at < to) {
    const end = escapeEnd(text, at);
    if (end < 0 || end > to) break;
    out += text.slice(at, end);
    at = text.indexOf('\x1b', end);
  }
  return out;
}
