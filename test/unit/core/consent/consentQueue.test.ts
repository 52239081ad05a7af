import { strict as assert } from 'node:assert';
import { clampApproval, ConsentQueue } from '../../../../src/core/consent/consentQueue';
import type { PersonDecision } from '../../../../src/core/consent/consentQueue';
import { consentRequest, FakeClock, RecordingLog } from './fakes';

const approve = (requestId: string, overrides: Partial<PersonDecision> = {}): PersonDecision => ({
  requestId, decision: 'approve', durationSeconds: 300, maxRuns: 2, commandMatch: 'exact', blockClient: false, ...overrides,
});
const deny = (requestId: string, blockClient = false): PersonDecision => ({ ...approve(requestId), decision: 'deny', blockClient });

function setup() {
  const clock = new FakeClock();
  const log = new RecordingLog();
  const queue = new ConsentQueue(clock, log);
  return { clock, log, queue, signal: new AbortController().signal };
}

describe('ConsentQueue', () => {
  it('keeps requests in arrival order and resolves an approval', async () => {
    const { clock, queue, signal } = setup();
    const a = consentRequest(clock);
    const b = consentRequest(clock);
    const answerA = queue.ask(a, signal);
    void queue.ask(b, signal);
    assert.deepEqual(queue.pending().map((r) => r.id), [a.id, b.id]);
    assert.deepEqual(queue.decide(approve(a.id)), { accepted: true, answer: { decision: 'approved', durationSeconds: 300, maxRuns: 2, commandMatch: 'exact' } });
    assert.deepEqual(await answerA, { decision: 'approved', durationSeconds: 300, maxRuns: 2, commandMatch: 'exact' });
    assert.deepEqual(queue.pending().map((r) => r.id), [b.id]);
  });

  it('auto-denies at the deadline with reason timeout', async () => {
    const { clock, queue, signal } = setup();
    const request = consentRequest(clock, { deadline: clock.now() + 5000 });
    const answer = queue.ask(request, signal);
    clock.advance(4999);
    assert.equal(queue.pending().length, 1);
    clock.advance(1);
    assert.deepEqual(await answer, { decision: 'denied', reason: 'timeout', blockClient: false });
    assert.equal(queue.pending().length, 0);
  });

  it('refuses a decision that arrives at or after the deadline even if the timer has not fired', async () => {
    const { clock, queue, signal } = setup();
    const request = consentRequest(clock, { deadline: clock.now() - 1 });
    // The deadline timer would fire on the next advance; decide first.
    const answer = queue.ask(request, signal);
    assert.deepEqual(queue.decide(approve(request.id)), { accepted: false, why: 'expired' });
    assert.equal((await answer).decision, 'denied');
  });

  it('ignores replayed, double and forged decisions and logs them', async () => {
    const { clock, log, queue, signal } = setup();
    const request = consentRequest(clock);
    const answer = queue.ask(request, signal);
    assert.equal(queue.decide(deny(request.id)).accepted, true);
    assert.deepEqual(queue.decide(approve(request.id)), { accepted: false, why: 'already-answered' });
    assert.deepEqual(queue.decide(approve('forged-id')), { accepted: false, why: 'unknown' });
    assert.deepEqual(await answer, { decision: 'denied', reason: 'person', blockClient: false });
    assert.equal(log.lines.filter((l) => l.startsWith('warn Consent decision ignored')).length, 2);
  });

  it('refuses a stale decision for a request that already timed out', async () => {
    const { clock, queue, signal } = setup();
    const request = consentRequest(clock, { deadline: clock.now() + 1000 });
    const answer = queue.ask(request, signal);
    clock.advance(1000);
    assert.deepEqual(queue.decide(approve(request.id)), { accepted: false, why: 'already-answered' });
    assert.equal((await answer).decision, 'denied');
  });

  it('closeAll denies everything pending with panel-closed', async () => {
    const { clock, queue, signal } = setup();
    const answers = [queue.ask(consentRequest(clock), signal), queue.ask(consentRequest(clock), signal)];
    queue.closeAll('panel-closed');
    for (const answer of await Promise.all(answers)) assert.deepEqual(answer, { decision: 'denied', reason: 'panel-closed', blockClient: false });
    assert.equal(clock.live, 0, 'deadline timers cancelled');
  });

  it('blocks a client for the session: its other pending requests and later ones are denied', async () => {
    const { clock, queue, signal } = setup();
    const first = consentRequest(clock);
    const second = consentRequest(clock);
    const other = consentRequest(clock, { client: { id: 'copilot', sessionId: 's2' } });
    const answers = [queue.ask(first, signal), queue.ask(second, signal), queue.ask(other, signal)];
    assert.equal(queue.decide(deny(first.id, true)).accepted, true);
    assert.deepEqual(await answers[0], { decision: 'denied', reason: 'person', blockClient: true });
    assert.deepEqual(await answers[1], { decision: 'denied', reason: 'client-blocked', blockClient: false });
    assert.deepEqual(queue.pending().map((r) => r.id), [other.id]);
    assert.ok(queue.isBlocked('codex'));
    assert.deepEqual(await queue.ask(consentRequest(clock), signal), { decision: 'denied', reason: 'client-blocked', blockClient: false });
  });

  it('an aborted signal cancels the request', async () => {
    const { clock, queue } = setup();
    const controller = new AbortController();
    const answer = queue.ask(consentRequest(clock), controller.signal);
    controller.abort();
    assert.deepEqual(await answer, { decision: 'denied', reason: 'cancelled', blockClient: false });
    assert.equal(queue.pending().length, 0);
    const aborted = new AbortController();
    aborted.abort();
    assert.deepEqual(await queue.ask(consentRequest(clock), aborted.signal), { decision: 'denied', reason: 'cancelled', blockClient: false });
  });

  it('notifies listeners on every change', () => {
    const { clock, queue, signal } = setup();
    let changes = 0;
    const unsubscribe = queue.onDidChange(() => void changes++);
    const request = consentRequest(clock);
    void queue.ask(request, signal);
    queue.decide(deny(request.id));
    unsubscribe();
    void queue.ask(consentRequest(clock), signal);
    assert.equal(changes, 2);
  });

  it('refuses to reuse a request id', () => {
    const { clock, queue, signal } = setup();
    const request = consentRequest(clock);
    void queue.ask(request, signal);
    assert.throws(() => void queue.ask(request, signal), /already used/);
  });
});

describe('clampApproval', () => {
  const limits = { defaultDurationSeconds: 900, maxDurationSeconds: 3600, maxRuns: 5, allowPrefix: false };
  const rows: [string, Parameters<typeof clampApproval>[1], Partial<ReturnType<typeof clampApproval>>, typeof limits?][] = [
    ['within limits', { durationSeconds: 600, maxRuns: 3, commandMatch: 'exact' }, { durationSeconds: 600, maxRuns: 3 }],
    ['duration above max', { durationSeconds: 999_999, maxRuns: 3, commandMatch: 'exact' }, { durationSeconds: 3600 }],
    ['duration zero', { durationSeconds: 0, maxRuns: 3, commandMatch: 'exact' }, { durationSeconds: 1 }],
    ['duration NaN', { durationSeconds: Number.NaN, maxRuns: 3, commandMatch: 'exact' }, { durationSeconds: 900 }],
    ['runs above cap', { durationSeconds: 60, maxRuns: 99, commandMatch: 'exact' }, { maxRuns: 5 }],
    ['unlimited runs under a cap', { durationSeconds: 60, maxRuns: null, commandMatch: 'exact' }, { maxRuns: 5 }],
    ['prefix not allowed', { durationSeconds: 60, maxRuns: 1, commandMatch: 'prefix' }, { commandMatch: 'exact' }],
    ['prefix allowed', { durationSeconds: 60, maxRuns: null, commandMatch: 'prefix' }, { commandMatch: 'prefix', maxRuns: null }, { ...limits, maxRuns: null as unknown as number, allowPrefix: true }],
  ];
  for (const [name, decision, expected, rowLimits] of rows) {
    it(name, () => {
      const answer = clampApproval(rowLimits ?? limits, decision);
      for (const [key, value] of Object.entries(expected)) assert.deepEqual((answer as unknown as Record<string, unknown>)[key], value, key);
    });
  }
});
