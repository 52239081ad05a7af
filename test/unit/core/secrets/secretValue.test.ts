import { strict as assert } from 'node:assert';
import { inspect } from 'node:util';
import { revealSecret, sameSecret, secretAppearsIn, SecretValue } from '../../../../src/core/secrets/secretValue';

const CANARY = 'canary-8f1d2c7e9a4b';

describe('SecretValue', () => {
  it('never prints its value', () => {
    const secret = new SecretValue(CANARY);
    const renderings = [
      String(secret),
      `${secret}`,
      JSON.stringify({ secret }),
      inspect(secret),
      inspect({ nested: { secret } }, { depth: 10, showHidden: true }),
      Object.keys(secret).join(),
      JSON.stringify(Object.entries(secret)),
      JSON.stringify({ ...secret }),
    ];
    for (const text of renderings) assert.ok(!text.includes(CANARY), text);
    assert.equal(String(secret), '[redacted]');
  });

  it('reveals only through revealSecret, and not after dispose', () => {
    const secret = new SecretValue(CANARY);
    assert.equal(revealSecret(secret, 'spawn'), CANARY);
    assert.equal(secret.length, CANARY.length);
    secret.dispose();
    assert.equal(secret.alive, false);
    assert.throws(() => revealSecret(secret, 'spawn'), (e: Error) => !e.message.includes(CANARY));
  });
});

describe('sameSecret / secretAppearsIn', () => {
  const Value = SecretValue;
  it('compare values without revealing them', () => {
    assert.equal(sameSecret(new Value('abc123'), new Value('abc123')), true);
    assert.equal(sameSecret(new Value('abc123'), new Value('abc124')), false);
    assert.equal(sameSecret(new Value('abc'), new Value('abc1')), false);
    const gone = new Value('abc123');
    gone.dispose();
    assert.equal(sameSecret(gone, new Value('abc123')), false);
  });
  it('find a value, or a line of a multi-line value, in text', () => {
    assert.equal(secretAppearsIn(new Value('s3cr3t-value'), 'x=s3cr3t-value'), true);
    assert.equal(secretAppearsIn(new Value('first-line\nsecond-line'), 'only second-line here'), true);
    assert.equal(secretAppearsIn(new Value('first-line\nsecond-line'), 'nothing'), false);
  });
});
