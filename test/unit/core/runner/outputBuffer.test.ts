import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { propertyRuns } from '../../../support/fastCheck';
import { OutputBuffer } from '../../../../src/core/runner/outputBuffer';
import { runTitle } from '../../../../src/core/runner/runSpec';
import { plainL10n } from '../../../../src/shared/l10n';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

describe('OutputBuffer', () => {
  it('keeps everything under the limit', () => {
    const buffer = new OutputBuffer(100);
    buffer.append('hello ');
    buffer.append('world');
    assert.equal(buffer.text(), 'hello world');
    assert.equal(buffer.truncated, false);
  });

  it('keeps exactly the last N bytes of ASCII', () => {
    const buffer = new OutputBuffer(10);
    for (let i = 0; i < 100; i++) buffer.append(`${i % 10}`.repeat(3));
    assert.equal(buffer.text(), '6777888999');
    assert.equal(bytes(buffer.text()), 10);
    assert.equal(buffer.truncated, true);
  });

  it('never starts inside a multi-byte character', () => {
    const buffer = new OutputBuffer(5);
    buffer.append('ééé€'); // 2+2+2+3 bytes
    assert.equal(buffer.text(), '€'.padStart(2, 'é'));
    assert.ok(!buffer.text().includes('\uFFFD'));
  });

  it('a single huge chunk is trimmed to the limit', () => {
    const buffer = new OutputBuffer(1024);
    buffer.append('x'.repeat(10_000_000));
    assert.equal(buffer.text().length, 1024);
  });

  it('property: the text is a suffix of everything appended, within the limit, and maximal for ASCII', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.array(fc.string({ maxLength: 40 }), { maxLength: 30 }), (limit, parts) => {
        const buffer = new OutputBuffer(limit);
        for (const p of parts) buffer.append(p);
        const all = parts.join('');
        assert.ok(all.endsWith(buffer.text()));
        assert.ok(bytes(buffer.text()) <= limit);
        assert.equal(buffer.truncated, bytes(all) > limit);
        if (/^[\x20-\x7e]*$/.test(all)) assert.equal(buffer.text(), all.slice(-limit));
      }),
      { numRuns: propertyRuns(100) },
    );
  });
});

describe('runTitle', () => {
  it('names command, client, credential count and expiry', () => {
    const at = new Date(2026, 10, 24, 14, 5).getTime();
    assert.equal(runTitle('npm run deploy', 'Codex', 2, at, plainL10n), 'Airlock: npm run deploy — Codex, 2 credentials, expires 14:05');
    assert.equal(runTitle('make\n  release', 'Cursor', 1, at, plainL10n), 'Airlock: make release — Cursor, 1 credential, expires 14:05');
    assert.ok(runTitle('x'.repeat(500), 'Codex', 1, at, plainL10n).length < 120);
  });
});
