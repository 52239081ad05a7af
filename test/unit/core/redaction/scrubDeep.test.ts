import { strict as assert } from 'node:assert';
import { scrubDeep } from '../../../../src/core/redaction/scrubDeep';
import { SecretValue } from '../../../../src/core/secrets/secretValue';

const A = 'alpha-secret-0c8f3e';
const scrub = (text: string): string => text.replaceAll(A, '[redacted:A]');

describe('scrubDeep (the one deep scrub: MCP messages, audit events)', () => {
  it('scrubs every string of a JSON-like value, keys included, and keeps arrays and cycles', () => {
    const input: Record<string, unknown> = {
      content: [{ type: 'text', text: `token ${A}` }],
      [A]: 1,
      nested: { list: [A, 3, null, true, undefined] },
    };
    input['self'] = input;
    const out = scrubDeep(input, scrub);
    assert.equal((out['content'] as { text: string }[])[0]?.text, 'token [redacted:A]');
    assert.equal(out['[redacted:A]'], 1);
    assert.equal(A in out, false);
    assert.deepEqual((out['nested'] as { list: unknown[] }).list, ['[redacted:A]', 3, null, true, undefined]);
    assert.ok(Array.isArray((out['nested'] as { list: unknown }).list));
    assert.equal(out['self'], out);
    assert.equal(JSON.stringify(out, (k, v: unknown) => (k === 'self' ? undefined : v)).includes(A), false);
    assert.notEqual(input['nested'], out['nested'], 'a copy');
    assert.equal((input['content'] as { text: string }[])[0]?.text, `token ${A}`, 'input untouched');
  });

  it('scrubs what an object serialises to (toJSON), and the fields of class instances', () => {
    class Holder {
      readonly note = `held ${A}`;
    }
    const out = scrubDeep({ date: new Date(0), value: new SecretValue(A), holder: new Holder(), error: { message: A } }, scrub);
    assert.equal(out.date as unknown, '1970-01-01T00:00:00.000Z');
    assert.equal(out.value as unknown, '[redacted]');
    assert.deepEqual(out.holder as unknown, { note: 'held [redacted:A]' });
    assert.deepEqual(out.error, { message: '[redacted:A]' });
    assert.equal(JSON.stringify(out).includes(A), false);
  });

  it('leaves primitives and plain strings to the scrubber', () => {
    assert.equal(scrubDeep(A, scrub), '[redacted:A]');
    assert.equal(scrubDeep(42, scrub), 42);
    assert.equal(scrubDeep(null, scrub), null);
  });
});
