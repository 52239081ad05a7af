import { strict as assert } from 'node:assert';
import { formatAuditLine, INITIAL_HEAD, type ChainHead } from '../../../../src/core/audit/auditChain';
import { auditRows, filterChoices, filterRows, renderAuditView } from '../../../../src/core/audit/auditView';
import type { AuditEvent } from '../../../../src/core/audit/events';
import type { ClientId } from '../../../../src/core/clients';
import { markingL10n } from '../../../support/markingL10n';

const codex = 'codex' as ClientId;
const claude = 'claude-code' as ClientId;
const events: AuditEvent[] = [
  { type: 'request', requestId: 'r1', client: codex, credentials: ['DEPLOY_TOKEN'], command: 'npm run deploy', cwd: '/w', reason: 'ship\n\x1b[31mnow\u202e' },
  { type: 'decision', requestId: 'r1', client: codex, decision: 'approved', by: 'person', durationSeconds: 600, maxRuns: 3, commandMatch: 'exact' },
  { type: 'grant-issued', grantId: 'g1', requestId: 'r1', client: codex, credentials: ['DEPLOY_TOKEN'], command: 'npm run deploy', commandMatch: 'exact', cwd: '/w', expiresAt: '2026-01-01T00:10:00.000Z', maxRuns: 3 },
  { type: 'run-started', runId: 'u1', grantId: 'g1', client: codex, credentials: ['DEPLOY_TOKEN'], command: 'npm run deploy', cwd: '/w' },
  { type: 'run-finished', runId: 'u1', grantId: 'g1', exitCode: 0, signal: null, durationMs: 1234, timedOut: false },
  { type: 'run-refused', client: codex, command: 'printenv', cwd: '/w', code: 'command-not-covered', grantId: 'g1' },
  { type: 'grant-revoked', grantId: 'g1', by: 'person' },
  { type: 'request', requestId: 'r2', client: claude, credentials: ['NPM_TOKEN'], command: 'npm publish', cwd: '/w', reason: 'release' },
  { type: 'decision', requestId: 'r2', client: claude, decision: 'denied', by: 'person' },
  { type: 'secret-entry', name: 'STRIPE_KEY', client: claude, outcome: 'stored' },
];

function lines(): string[] {
  let head: ChainHead = INITIAL_HEAD;
  return events.map((event, k) => {
    const { line, next } = formatAuditLine(head, new Date(Date.UTC(2026, 0, 1, 0, 0, k)), event);
    head = next;
    return line;
  });
}

describe('audit view', () => {
  it('attributes grant and request events to their client and credentials', () => {
    const { rows, unreadable } = auditRows([...lines(), 'garbage']);
    assert.equal(unreadable, 1);
    const finished = rows.find((row) => row.type === 'run-finished')!;
    assert.equal(finished.client, 'codex');
    assert.deepEqual(finished.credentials, ['DEPLOY_TOKEN']);
    assert.equal(rows.find((row) => row.type === 'grant-revoked')!.client, 'codex');
  });

  it('filters by client, credential and decision', () => {
    const { rows } = auditRows(lines());
    assert.equal(filterRows(rows, { client: 'claude-code' }).length, 3);
    assert.deepEqual(filterRows(rows, { credential: 'DEPLOY_TOKEN' }).map((row) => row.seq), [1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(filterRows(rows, { decision: 'denied' }).map((row) => row.seq), [9]);
    assert.deepEqual(filterRows(rows, { decision: 'refused' }).map((row) => row.type), ['run-refused']);
    assert.deepEqual(filterChoices(rows), { clients: ['claude-code', 'codex'], credentials: ['DEPLOY_TOKEN', 'NPM_TOKEN', 'STRIPE_KEY'], decisions: ['approved', 'denied', 'refused'] });
  });

  it('renders readable lines and escapes untrusted text (no newline, ESC or bidi override gets through)', () => {
    const { rows } = auditRows(lines());
    const text = renderAuditView(rows, { filter: {}, total: rows.length, unreadable: 0, chain: 'intact (10 events)', files: 1 });
    assert.match(text, /Showing 10 of 10 events \(all events\) from 1 file\./);
    assert.match(text, /2026-01-01 00:00:01Z {2}#2 {5}decision {7}APPROVED by person for "codex" \(600 s, 3 run\(s\), exact\)/);
    assert.match(text, /reason: "ship\\n\\u001b\[31mnow\\u202e"/);
    assert.equal(text.includes('\x1b'), false);
    assert.equal(text.includes('\u202e'), false);
    assert.match(text, /run "u1" ended: exit 0 after 1234 ms/);
    assert.match(text, /REFUSED "printenv" in "\/w" for "codex": "command-not-covered"/);
    const empty = renderAuditView([], { filter: { client: 'x' }, total: 10, unreadable: 2, chain: 'intact', files: 2 });
    assert.match(empty, /\(no events match\)/);
    assert.match(empty, /2 line\(s\) could not be read/);
    const limited = renderAuditView(rows, { filter: {}, total: rows.length, unreadable: 0, chain: 'intact', files: 1, limit: 3 });
    assert.match(limited, /Showing the latest 3 of 10 matching of 10 events/);
    assert.match(limited, /#10 /);
    assert.doesNotMatch(limited, /#7 /);
  });
  it('l10n: the header is the person’s language, the event lines stay English (the record’s words)', () => {
    const { rows } = auditRows(lines());
    const text = renderAuditView(rows, { filter: { client: 'codex' }, total: rows.length, unreadable: 1, chain: 'ok', files: 2, l10n: markingL10n });
    const [title, showing, chain, unreadable] = text.split('\n');
    assert.equal(title, '«Airlock audit log»');
    assert.equal(showing, `«Showing ${rows.length} of ${rows.length} events («client codex») from 2 files.»`);
    assert.equal(chain, '«Hash chain: ok»');
    assert.equal(unreadable, '«1 line(s) could not be read; run "Airlock: Verify Audit Log".»');
    assert.match(text, /APPROVED by person for "codex" \(600 s, 3 run\(s\), exact\)/);
    assert.equal(text.split('\n').slice(5).some((line) => line.includes('«')), false);
    const limited = renderAuditView(rows, { filter: {}, total: rows.length, unreadable: 0, chain: 'ok', files: 1, limit: 3, l10n: markingL10n });
    assert.match(limited, /^«Airlock audit log»\n«Showing the latest 3 of 10 matching of 10 events \(«all events»\) from 1 file\. Export the log for all of them\.»/);
    assert.match(renderAuditView([], { filter: {}, total: 0, unreadable: 0, chain: 'ok', files: 1, l10n: markingL10n }), /«\(no events match\)»/);
  });

  it('shows an .env import: each credential with where it went and whether Airlock created the item; filterable by name', () => {
    const event: AuditEvent = {
      type: 'env-import', file: '.env', outcome: 'failed', credentials: ['PORT_KEY', 'API_KEY'],
      placed: [
        { name: 'PORT_KEY', store: 'secret', reference: 'secret:PORT_KEY', created: false },
        { name: 'API_KEY', store: 'op', reference: 'op://vaultid/itemid/credential', created: true },
      ],
    };
    const { line } = formatAuditLine(INITIAL_HEAD, new Date(Date.UTC(2026, 0, 1)), event);
    const { rows } = auditRows([line]);
    assert.equal(rows[0]!.text, '.env ".env" import failed: "PORT_KEY" → "secret:PORT_KEY", "API_KEY" → "op://vaultid/itemid/credential" (item created)');
    assert.deepEqual(rows[0]!.credentials, ['PORT_KEY', 'API_KEY']);
    // A tampered line without `placed` is shown, not thrown on.
    const { line: bare } = formatAuditLine(INITIAL_HEAD, new Date(Date.UTC(2026, 0, 1)), { ...event, placed: undefined } as unknown as AuditEvent);
    assert.match(auditRows([bare]).rows[0]!.text, /nothing stored$/);
  });
});
