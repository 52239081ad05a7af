import { strict as assert } from 'node:assert';
import { LiveSecrets } from '../../../../src/core/redaction/liveSecrets';
import { SecretValue } from '../../../../src/core/secrets/secretValue';

const A = 'alpha-secret-value-123';
const B = 'bravo-secret-value-456';

describe('LiveSecrets', () => {
  it('scrubs only while a registration is live', () => {
    const live = new LiveSecrets();
    assert.equal(live.scrub(`x ${A}`), `x ${A}`);
    const handle = live.add([{ name: 'A', value: new SecretValue(A) }]);
    assert.equal(live.size, 1);
    assert.equal(live.scrub(`x ${A} ${Buffer.from(A).toString('base64')}`), 'x [redacted:A] [redacted:A]');
    const other = live.add([{ name: 'B', value: new SecretValue(B) }]);
    assert.equal(live.scrub(`${A} ${B}`), '[redacted:A] [redacted:B]');
    handle.dispose();
    handle.dispose();
    assert.equal(live.scrub(`${A} ${B}`), `${A} [redacted:B]`);
    other.dispose();
    assert.equal(live.size, 0);
  });

  it('refuses a short secret at add time (a bug: callers check first), without the value', () => {
    const live = new LiveSecrets();
    assert.throws(() => live.add([{ name: 'PIN', value: new SecretValue('1234') }]), (e: Error) => !e.message.includes('1234'));
    assert.equal(live.size, 0);
  });

  it('keeps scrubbing the other secrets when one was disposed before its registration', () => {
    const live = new LiveSecrets();
    const a = new SecretValue(A);
    live.add([{ name: 'A', value: a }, { name: 'B', value: new SecretValue(B) }]);
    a.dispose();
    assert.equal(live.scrub(B), '[redacted:B]');
  });
});
