import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { describeHidden, findHidden, quoteUntrusted, reveal, REVEAL_EXPANSION, revealCapped, unreveal } from '../../../../src/core/text/untrustedText';

/** Every character the issue lists, plus the general categories the module covers. */
const HIDDEN = [
  '\u0000', '\u0001', '\n', '\r', '\u000b', '\u000c', '\u001b', '\u007f', '\u0085', '\u009f',
  '\u00a0', '\u00ad', '\u034f', '\u061c', '\u115f', '\u1160', '\u1680', '\u17b4', '\u180b', '\u180e',
  '\u2000', '\u200a', '\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u2028', '\u2029',
  '\u202a', '\u202e', '\u202f', '\u205f', '\u2060', '\u2066', '\u2069', '\u2800', '\u3000', '\u3164',
  '\ufe00', '\ufe0f', '\ufeff', '\uffa0', '\ufff9', '\ud800', '\udfff', '\ue000',
  '\u{e0000}', '\u{e0001}', '\u{e0041}', '\u{e007f}', '\u{e0100}', '\u{e01ef}', '\u{f0000}',
];
const VISIBLE = ['a', 'Z', '0', ' ', '\t', '-', '=', '$', '~', 'é', 'ß', 'ж', '中', '😀', '→', '⟩'];

const SEED = 20261129;

describe('untrusted text: one module decides what is hidden and how it is shown', () => {
  it('finds every listed hidden character, with its U+XXXX label and 1-based code point position', () => {
    for (const char of HIDDEN) {
      const found = findHidden(`ab😀${char}cd`);
      assert.ok(found, `not found: ${JSON.stringify(char)}`);
      assert.equal(found.codePoint, char.codePointAt(0));
      assert.equal(found.position, 4, JSON.stringify(char)); // a, b, 😀 (one code point), then it
      assert.match(found.label, /^U\+[0-9A-F]{4,6}$/);
    }
  });

  it('leaves visible text, tab and the ASCII space alone', () => {
    for (const char of VISIBLE) assert.equal(findHidden(`npm run ${char}`), undefined, JSON.stringify(char));
    assert.equal(reveal('npm run deploy\tx é 中 😀'), 'npm run deploy\tx é 中 😀');
  });

  it('reveals every hidden character as a visible escape, and the escape bracket itself', () => {
    assert.equal(reveal('npm run deploy\u00a0'), 'npm run deploy⟨U+00A0⟩');
    assert.equal(reveal('a\u{e0041}b'), 'a⟨U+E0041⟩b');
    assert.equal(reveal('⟨U+00A0⟩'), '⟨U+27E8⟩U+00A0⟩', 'a literal escape typed by the agent cannot pass for a revealed character');
    for (const char of HIDDEN) assert.equal(findHidden(reveal(`x${char}y`)), undefined);
  });

  it('names the character and its position in a refusal', () => {
    const message = describeHidden('command', findHidden('npm run deploy\u00a0')!);
    assert.match(message, /U\+00A0/);
    assert.match(message, /character 15 \(counted from 1\)/);
  });

  it('caps only between escapes, never inside one or inside a surrogate pair', () => {
    const shown = revealCapped('\u200b'.repeat(100), 20);
    assert.equal(shown, '⟨U+200B⟩⟨U+200B⟩…');
    assert.equal(revealCapped('😀😀😀', 4), '😀…');
    assert.equal(revealCapped('short', 20), 'short');
  });

  it('quotes for one-line prompts without String#trim (which would drop U+00A0 and U+FEFF)', () => {
    assert.equal(quoteUntrusted('  key\u00a0 \n for  tests\ufeff ', 100), '“key⟨U+00A0⟩ ⟨U+000A⟩ for tests⟨U+FEFF⟩”');
  });

  it(`property: for any string, reveal holds nothing hidden, round-trips and grows at most ×${REVEAL_EXPANSION} (fixed seed ${SEED})`, function () {
    this.timeout(60_000);
    const anyText = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.string({ unit: fc.constantFrom(...HIDDEN, ...VISIBLE, '⟨', 'U', '+', '0', 'A'), maxLength: 60 }),
    );
    fc.assert(
      fc.property(anyText, (text) => {
        const shown = reveal(text);
        assert.equal(findHidden(shown), undefined);
        assert.equal(unreveal(shown), text);
        assert.ok(shown.length <= REVEAL_EXPANSION * text.length);
        // Either refused (something hidden) or shown exactly as it is.
        if (findHidden(text) === undefined) assert.equal(shown.replaceAll('⟨U+27E8⟩', '⟨'), text);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });
});
