import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { DEFAULT_SEED, fastCheck, fastCheckMode, propertyRuns } from '../../support/fastCheck';

describe('test support: fast-check configuration (one fixed, printed seed)', () => {
  it('configures the fast-check instance the tests use (loaded by .mocharc.json)', () => {
    assert.equal(fc.readConfigureGlobal().seed, fastCheck.seed);
    assert.equal(propertyRuns(7), 7 * fastCheck.runsFactor);
  });

  it('defaults to the fixed seed; FC_SEED=<n> replays, FC_SEED=random draws one', () => {
    assert.deepEqual(fastCheckMode({}), { seed: DEFAULT_SEED, source: 'default', runsFactor: 1 });
    assert.deepEqual(fastCheckMode({ FC_SEED: '942267528', FC_RUNS_FACTOR: '10' }), { seed: 942267528, source: 'FC_SEED', runsFactor: 10 });
    const random = fastCheckMode({ FC_SEED: 'random' });
    assert.equal(random.source, 'random');
    assert.ok(Number.isInteger(random.seed));
  });

  it('refuses a mistyped seed or factor instead of running another seed', () => {
    for (const env of [{ FC_SEED: 'randon' }, { FC_SEED: '1.5' }, { FC_RUNS_FACTOR: '0' }, { FC_RUNS_FACTOR: 'x' }]) assert.throws(() => fastCheckMode(env), /FC_/);
  });
});
