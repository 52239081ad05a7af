// Fuzzing the streaming redactor. Property: for any secrets (≥ 8 characters, any alphabet), any output
// that embeds them in any promised encoding (raw, base64 padded/bare, base64url, hex lower/upper,
// URL-encoded, JSON-escaped) — also coloured half-way through with ANSI escapes — and any chunking, no
// form of any secret survives; every ANSI escape sequence comes out again; chunking changes nothing.
// The encodings are computed here independently (Node's Buffer), not with the redactor's own code.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { createRedactor, type RedactionSecret } from '../../../src/core/redaction/redactor';
import { SecretValue } from '../../../src/core/secrets/secretValue';
import { fuzzRuns, recordFigures } from '../support/figures';

type Form = 'raw' | 'base64' | 'base64-bare' | 'base64url' | 'hex' | 'HEX' | 'url' | 'json';
const FORMS: readonly Form[] = ['raw', 'base64', 'base64-bare', 'base64url', 'hex', 'HEX', 'url', 'json'];

function encode(secret: string, form: Form): string {
  const bytes = Buffer.from(secret, 'utf8');
  switch (form) {
    case 'raw':
      return secret;
    case 'base64':
      return bytes.toString('base64');
    case 'base64-bare':
      return bytes.toString('base64').replace(/=+$/, '');
    case 'base64url':
      return bytes.toString('base64url');
    case 'hex':
      return bytes.toString('hex');
    case 'HEX':
      return bytes.toString('hex').toUpperCase();
    case 'url':
      return encodeURIComponent(secret);
    case 'json':
      return JSON.stringify(secret).slice(1, -1);
  }
}

/** The needles a leak check looks for: every form, base64 also without padding. */
const needles = (secret: string): string[] => [...new Set(FORMS.map((form) => encode(secret, form)))];

// Secrets: printable ASCII including the characters encodings care about, some Unicode, rare newline.
const secretChar = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789') },
  { weight: 4, arbitrary: fc.constantFrom(...'-_.~+/=%&?#"\\\' :;,!@$^*()[]{}<>|`') },
  { weight: 2, arbitrary: fc.constantFrom('é', 'ß', '日', '本', 'Ω', '😀', '\u00a0', '\t') },
  { weight: 1, arbitrary: fc.constant('\n') },
);
// Distinct prefix per secret index keeps accidental overlaps between secrets out of the property.
const secretValue = (index: number) =>
  fc.array(secretChar, { minLength: 8, maxLength: 40 }).map((chars) => `S${index}${chars.join('')}`);

// Filler: the kind of text programs print, without ESC (escapes are inserted on purpose).
const filler = fc.oneof(
  fc.constantFrom('', ' ', '\n', '\r\n', 'Deploying to production…\n', 'token=', '"key": "', 'Authorization: Bearer ', '?q=', '{"a":1}', '✔ done\n', '%', '\\'),
  fc.string({ maxLength: 30 }).map((s) => s.split('\x1b').join('')),
);
const ansi = fc.constantFrom('\x1b[31m', '\x1b[0m', '\x1b[1;32m', '\x1b[38;5;208m', '\x1b[K', '\x1b]8;;https://example.invalid\x07');

type Piece = { kind: 'text'; text: string } | { kind: 'secret'; secret: number; form: Form; colourAt: number[] } | { kind: 'ansi'; text: string };

const scenario = fc
  .integer({ min: 1, max: 3 })
  .chain((count) =>
    fc.record({
      secrets: fc.tuple(...Array.from({ length: count }, (_, i) => secretValue(i))),
      pieces: fc.array(
        fc.oneof(
          { weight: 3, arbitrary: filler.map((text): Piece => ({ kind: 'text', text })) },
          { weight: 3, arbitrary: fc.record({ kind: fc.constant('secret' as const), secret: fc.nat({ max: count - 1 }), form: fc.constantFrom(...FORMS), colourAt: fc.array(fc.nat(), { maxLength: 3 }) }) },
          { weight: 1, arbitrary: ansi.map((text): Piece => ({ kind: 'ansi', text })) },
        ),
        { minLength: 1, maxLength: 12 },
      ),
      cuts: fc.array(fc.nat(), { maxLength: 12 }),
    }),
  );

// eslint-disable-next-line no-control-regex -- matching terminal escapes is the point
const ANSI_PATTERN = /\x1b\[[0-9;]*[A-Za-z]|\x1b\][^\x07]*\x07/g;
const escapesOf = (text: string): string[] => text.match(ANSI_PATTERN) ?? [];

/** Builds the output text; inserted ANSI escapes are listed so the test can expect them back. */
function render(secrets: readonly string[], pieces: readonly Piece[]): string {
  let out = '';
  for (const piece of pieces) {
    if (piece.kind !== 'secret') {
      out += piece.text;
      continue;
    }
    const form = encode(secrets[piece.secret] ?? '', piece.form);
    // Colour the value half-way through, as a program might: an escape strictly inside the form.
    const points = [...new Set(piece.colourAt.map((p) => 1 + (p % Math.max(1, form.length - 1))))].sort((a, b) => a - b);
    let last = 0;
    for (const point of points) {
      out += form.slice(last, point) + '\x1b[1m';
      last = point;
    }
    out += form.slice(last);
  }
  return out;
}

function chunk(text: string, cuts: readonly number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let last = 0;
  for (const point of points) {
    chunks.push(text.slice(last, point));
    last = point;
  }
  chunks.push(text.slice(last));
  return chunks;
}

describe('fuzz: redactor (no secret survives in any encoded form, for any chunking; ANSI preserved)', function () {
  this.timeout(600_000);

  it(`scrubs ${fuzzRuns()} generated outputs`, () => {
    let cases = 0;
    let crashes = 0;
    let formsEmbedded = 0;
    let bytes = 0;
    const started = Date.now();
    try {
      fc.assert(
        fc.property(scenario, ({ secrets, pieces, cuts }) => {
          cases++;
          const named: RedactionSecret[] = secrets.map((value, i) => ({ name: `SECRET_${i}`, value: new SecretValue(value) }));
          const input = render(secrets, pieces);
          bytes += input.length;
          formsEmbedded += pieces.filter((p) => p.kind === 'secret').length;
          let streamed: string;
          let whole: string;
          try {
            const redactor = createRedactor(named);
            const stream = redactor.stream();
            streamed = chunk(input, cuts).map((c) => stream.push(c)).join('') + stream.flush();
            whole = redactor.scrub(input);
          } catch (error) {
            crashes++;
            throw error;
          }
          // An escape inside a value is transparent to the redactor; remove escapes before looking, so a
          // value split by colour codes counts as found too.
          const visible = streamed.replace(ANSI_PATTERN, '');
          for (const secret of secrets) {
            for (const needle of needles(secret)) {
              assert.ok(!visible.includes(needle), `a form of a secret survived: ${JSON.stringify(needle)}`);
            }
          }
          assert.deepEqual(escapesOf(streamed).sort(), escapesOf(input).sort(), 'ANSI escape sequences changed');
          assert.equal(streamed, whole, 'chunking changed the output');
          if (!pieces.some((p) => p.kind === 'secret')) assert.equal(streamed, input, 'text without secrets was changed');
        }),
        { numRuns: fuzzRuns() },
      );
    } finally {
      recordFigures('fuzz/redactor', { cases, crashes, formsEmbedded, characters: bytes, ms: Date.now() - started });
      process.stdout.write(`      redactor: ${cases} cases, ${formsEmbedded} encoded secrets embedded, ${crashes} crashes\n`);
    }
  });
});
