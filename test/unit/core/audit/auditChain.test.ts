import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import {
  checkRecordedHead,
  formatAuditLine,
  isChainHead,
  GENESIS,
  headAfter,
  INITIAL_HEAD,
  parseAuditLine,
  scrubEvent,
  verifyAuditLines,
  type ChainHead,
} from '../../../../src/core/audit/auditChain';
import type { AuditEvent } from '../../../../src/core/audit/events';
import type { ClientId } from '../../../../src/core/clients';

const client = 'codex' as ClientId;
const events: AuditEvent[] = [
  { type: 'request', requestId: 'r1', client, credentials: ['DEPLOY_TOKEN'], command: 'npm run deploy', cwd: '/w', reason: 'ship it' },
  { type: 'decision', requestId: 'r1', client, decision: 'approved', by: 'person', durationSeconds: 600 },
  { type: 'grant-issued', grantId: 'g1', requestId: 'r1', client, credentials: ['DEPLOY_TOKEN'], command: 'npm run deploy', commandMatch: 'exact', cwd: '/w', expiresAt: '2026-01-01T00:10:00.000Z', maxRuns: 3 },
  { type: 'run-started', runId: 'u1', grantId: 'g1', client, credentials: ['DEPLOY_TOKEN'], command: 'npm run deploy', cwd: '/w' },
  { type: 'run-finished', runId: 'u1', grantId: 'g1', exitCode: 0, signal: null, durationMs: 1234, timedOut: false },
];

function chain(list: readonly AuditEvent[], start: ChainHead = INITIAL_HEAD): { lines: string[]; head: ChainHead } {
  let head = start;
  const lines: string[] = [];
  for (const [k, event] of list.entries()) {
    const { line, next } = formatAuditLine(head, new Date(Date.UTC(2026, 0, 1, 0, 0, k)), event);
    lines.push(line);
    head = next;
  }
  return { lines, head };
}

describe('audit chain', () => {
  it('formats {"seq","time","prev","event"} lines linked by SHA-256 from the genesis hash', () => {
    const { lines } = chain(events);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual(Object.keys(first), ['seq', 'time', 'prev', 'event']);
    assert.equal(first['seq'], 1);
    assert.equal(first['prev'], GENESIS);
    assert.equal(first['time'], '2026-01-01T00:00:00.000Z');
    const second = JSON.parse(lines[1]!) as Record<string, unknown>;
    assert.equal(second['prev'], createHash('sha256').update(lines[0]!).digest('hex'));
    for (const line of lines) assert.equal(line.includes('\n'), false);
  });

  it('verifies an intact chain (with or without a final newline)', () => {
    const { lines, head } = chain(events);
    assert.deepEqual(verifyAuditLines(lines), { ok: true, count: 5, head });
    assert.deepEqual(verifyAuditLines([...lines, '']), { ok: true, count: 5, head });
    assert.deepEqual(verifyAuditLines([]), { ok: true, count: 0, head: INITIAL_HEAD });
  });

  it('continues across files: the second file verifies from the first file’s head', () => {
    const first = chain(events.slice(0, 2));
    const second = chain(events.slice(2), first.head);
    assert.ok(verifyAuditLines(second.lines, first.head).ok);
    assert.equal(verifyAuditLines(second.lines).ok, false, 'a rotated file alone does not start at genesis');
    assert.deepEqual(headAfter(first.lines[1]!), first.head);
  });

  const tamperings: [string, (lines: string[]) => string[], number, RegExp][] = [
    ['an edited line', (l) => l.map((line, k) => (k === 1 ? line.replace('"person"', '"policy"') : line)), 3, /prev does not match/],
    ['a removed line', (l) => l.filter((_, k) => k !== 2), 3, /prev does not match/],
    ['an inserted line', (l) => [...l.slice(0, 2), l[1]!, ...l.slice(2)], 3, /prev does not match/],
    ['swapped lines', (l) => [l[0]!, l[2]!, l[1]!, ...l.slice(3)], 2, /prev does not match/],
    ['a removed first line', (l) => l.slice(1), 1, /removed from the start/],
    ['a truncated last line', (l) => [...l.slice(0, 4), l[4]!.slice(0, 20)], 5, /not valid JSON/],
    ['an empty line', (l) => [...l.slice(0, 2), '', ...l.slice(2)], 3, /empty line/],
    ['an extra field', (l) => l.map((line, k) => (k === 0 ? line.replace('{"seq"', '{"x":1,"seq"') : line)), 1, /unexpected fields/],
  ];
  for (const [name, tamper, line, why] of tamperings) {
    it(`reports the first broken link after ${name}`, () => {
      const result = verifyAuditLines(tamper(chain(events).lines));
      assert.equal(result.ok, false);
      if (!result.ok) {
        assert.equal(result.line, line);
        assert.match(result.why, why);
        assert.equal(result.count, line - 1);
      }
    });
  }

  it('is evidence, not a signature: a full re-hash verifies, but changes the head (honest limit)', () => {
    // Someone who rewrites a line and recomputes every later link gets a consistent chain; only a head
    // recorded elsewhere (an export, a backup) shows the difference.
    const forged = chain([events[0]!, { ...events[1]!, by: 'policy' } as AuditEvent, ...events.slice(2)]);
    assert.ok(verifyAuditLines(forged.lines).ok);
    assert.notEqual(forged.head.prev, chain(events).head.prev);
  });

  it('refuses seq gaps', () => {
    const { lines } = chain(events);
    const first = JSON.parse(lines[0]!) as { seq: number };
    first.seq = 7;
    const rewritten = JSON.stringify(first);
    const result = verifyAuditLines([rewritten]);
    assert.ok(!result.ok && /seq is 7, expected 1/.test(result.why));
  });

  it('parses lines and rejects malformed envelopes', () => {
    assert.ok(parseAuditLine(chain(events).lines[0]!).ok);
    for (const bad of ['[]', 'null', '{"seq":0,"time":"x","prev":"y","event":{}}', '{"seq":1,"time":"2026-01-01T00:00:00Z","prev":"abc","event":{"type":"x"}}']) {
      assert.equal(parseAuditLine(bad).ok, false, bad);
    }
  });

  it('scrubEvent passes every string and key through the scrubber, keeping structure', () => {
    const leaky: AuditEvent = { ...events[0]!, command: 'curl -H "Authorization: Bearer SECRETSECRET"', reason: 'SECRETSECRET' } as AuditEvent;
    const clean = scrubEvent(leaky, (text) => text.replaceAll('SECRETSECRET', '[redacted:X]'));
    assert.equal(JSON.stringify(clean).includes('SECRETSECRET'), false);
    assert.deepEqual((clean as unknown as { credentials: string[] }).credentials, ['DEPLOY_TOKEN']);
    assert.equal((clean as unknown as { type: string }).type, 'request');
  });

  it('a head recorded outside the log shows a cut or rewritten end; a head behind the log is fine', () => {
    const { lines, head } = chain(events);
    const cut = verifyAuditLines(lines.slice(0, 3));
    assert.ok(cut.ok, 'the chain alone cannot see a cut end');
    if (cut.ok) assert.match(checkRecordedHead(cut.head, head) ?? '', /ends after event 3, but Airlock wrote up to event 5/);
    const rewritten = chain([...events.slice(0, 4), { ...events[4]!, exitCode: 1 } as AuditEvent]);
    assert.match(checkRecordedHead(rewritten.head, head) ?? '', /end of the log was rewritten/);
    const behind = verifyAuditLines(lines.slice(0, 2));
    assert.ok(behind.ok);
    if (behind.ok) assert.equal(checkRecordedHead(head, behind.head), undefined);
    assert.equal(checkRecordedHead(head, undefined), undefined);
    assert.equal(checkRecordedHead(head, head), undefined);
  });

  it('isChainHead accepts only well-formed heads', () => {
    assert.ok(isChainHead({ seq: 3, prev: 'a'.repeat(64) }));
    for (const bad of [null, 1, {}, { seq: 0, prev: 'a'.repeat(64) }, { seq: 2, prev: 'xyz' }, { seq: '2', prev: 'a'.repeat(64) }]) assert.equal(isChainHead(bad), false);
  });
});
