import { strict as assert } from 'node:assert';
import { SealedSessions } from '../../../../src/adapters/node/sealedSessions';
import type { SealedSession } from '../../../../src/adapters/node/spawnSealed';

/** Counts opens and closes; never starts an engine. */
function fakeEngine() {
  const counts = { opened: 0, closed: 0 };
  const open = (): Promise<SealedSession> => {
    counts.opened++;
    return Promise.resolve({ run: () => Promise.reject(new Error('not in this test')), close: () => Promise.resolve(void counts.closed++) });
  };
  return { counts, open };
}

describe('SealedSessions: one engine session per grant', () => {
  it('opens once for a grant\'s runs, keeps it while the grant lives, closes it when the grant ends', async () => {
    const live = new Set(['g1']);
    const { counts, open } = fakeEngine();
    const sessions = new SealedSessions(() => ({}), (id) => live.has(id), open);
    const a = await sessions.acquire('g1', []);
    await a.release();
    const b = await sessions.acquire('g1', []);
    await b.release();
    assert.deepEqual(counts, { opened: 1, closed: 0 }, 'the proxy start is paid once per grant, not per run');
    live.delete('g1');
    await sessions.ended('g1');
    assert.deepEqual(counts, { opened: 1, closed: 1 });
    assert.equal(sessions.open, 0);
  });

  it('a grant spent by its last run (ended before the run starts) closes after that run, not before', async () => {
    const { counts, open } = fakeEngine();
    const sessions = new SealedSessions(() => ({}), () => false, open);
    await sessions.ended('g2'); // the lease event fires first: nothing open yet
    const lease = await sessions.acquire('g2', []);
    await sessions.ended('g2'); // a revoke while the run goes on: the run still holds it
    assert.equal(counts.closed, 0);
    await lease.release();
    assert.deepEqual(counts, { opened: 1, closed: 1 });
    assert.equal(sessions.open, 0);
  });

  it('dispose closes every session', async () => {
    const { counts, open } = fakeEngine();
    const sessions = new SealedSessions(() => ({}), () => true, open);
    await (await sessions.acquire('a', [])).release();
    await (await sessions.acquire('b', [])).release();
    await sessions.dispose();
    assert.deepEqual(counts, { opened: 2, closed: 2 });
  });
});
