import { plainL10n, type L10n } from '../../shared/l10n';
import { parseAuditLine } from './auditChain';
import type { AuditEvent } from './events';

/** What the person can filter the audit view by. */
export interface AuditFilter {
  readonly client?: string;
  readonly credential?: string;
  readonly decision?: AuditDecision;
}

/** `approved`/`denied`: consent decisions; `refused`: a run Airlock refused. */
export type AuditDecision = 'approved' | 'denied' | 'refused';

export interface AuditRow {
  readonly seq: number;
  readonly time: string;
  readonly type: string;
  /** The client, also for events that only carry a grant or request id (looked up from earlier lines). */
  readonly client: string | undefined;
  readonly credentials: readonly string[];
  readonly decision: AuditDecision | undefined;
  /** One readable line; untrusted text (commands, reasons) is quoted and escaped. */
  readonly text: string;
}

/**
 * Turns audit lines into readable rows. Lines that do not parse are counted, not shown. Events that
 * refer to a request or grant inherit its client and credentials, so filters keep whole stories together.
 */
export function auditRows(lines: readonly string[]): { rows: AuditRow[]; unreadable: number } {
  const byRequest = new Map<string, { client: string; credentials: readonly string[] }>();
  const byGrant = new Map<string, { client: string; credentials: readonly string[] }>();
  const rows: AuditRow[] = [];
  let unreadable = 0;
  for (const line of lines) {
    if (line.length === 0) continue;
    const parsed = parseAuditLine(line);
    if (!parsed.ok) {
      unreadable++;
      continue;
    }
    const { seq, time } = parsed.record;
    const event = parsed.record.event as AuditEvent & Record<string, unknown>;
    const own = ownContext(event);
    let context = own;
    if (event.type === 'request') byRequest.set(event.requestId, { client: event.client, credentials: event.credentials });
    if (event.type === 'grant-issued') byGrant.set(event.grantId, { client: event.client, credentials: event.credentials });
    const grantId = typeof event['grantId'] === 'string' ? event['grantId'] : undefined;
    const requestId = typeof event['requestId'] === 'string' ? event['requestId'] : undefined;
    const inherited = (grantId !== undefined ? byGrant.get(grantId) : undefined) ?? (requestId !== undefined ? byRequest.get(requestId) : undefined);
    if (inherited !== undefined) {
      context = { client: own.client ?? inherited.client, credentials: own.credentials.length > 0 ? own.credentials : inherited.credentials };
    }
    rows.push({
      seq,
      time,
      type: event.type,
      client: context.client,
      credentials: context.credentials,
      decision: event.type === 'decision' ? event.decision : event.type === 'run-refused' ? 'refused' : undefined,
      text: describe(event),
    });
  }
  return { rows, unreadable };
}

function ownContext(event: AuditEvent & Record<string, unknown>): { client: string | undefined; credentials: readonly string[] } {
  const client = typeof event['client'] === 'string' ? event['client'] : undefined;
  const list = event['credentials'];
  const credentials = Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : [];
  if (event.type === 'secret-entry') return { client, credentials: [event.name] };
  return { client, credentials };
}

export function filterRows(rows: readonly AuditRow[], filter: AuditFilter): AuditRow[] {
  return rows.filter(
    (row) =>
      (filter.client === undefined || row.client === filter.client) &&
      (filter.credential === undefined || row.credentials.includes(filter.credential)) &&
      (filter.decision === undefined || row.decision === filter.decision),
  );
}

/** The distinct values each filter can take, sorted, for the filter pickers. */
export function filterChoices(rows: readonly AuditRow[]): { clients: string[]; credentials: string[]; decisions: AuditDecision[] } {
  const clients = new Set<string>();
  const credentials = new Set<string>();
  const decisions = new Set<AuditDecision>();
  for (const row of rows) {
    if (row.client !== undefined) clients.add(row.client);
    for (const name of row.credentials) credentials.add(name);
    if (row.decision !== undefined) decisions.add(row.decision);
  }
  return { clients: [...clients].sort(), credentials: [...credentials].sort(), decisions: [...decisions].sort() };
}

export function describeFilter(filter: AuditFilter, l10n: L10n = plainL10n): string {
  const parts: string[] = [];
  if (filter.client !== undefined) parts.push(l10n.t('client {0}', filter.client));
  if (filter.credential !== undefined) parts.push(l10n.t('credential {0}', filter.credential));
  if (filter.decision !== undefined) parts.push(l10n.t('decision {0}', filter.decision));
  return parts.length === 0 ? l10n.t('all events') : parts.join(', ');
}

/**
 * The whole view as plain text: a header (filter, chain status), then one line per event. Contains no
 * values — the log holds none — and escapes untrusted text so no control sequence reaches the editor.
 * The header is the person's language (`l10n`); each event's line stays English: it paraphrases an audit
 * record field by field, and the record's own words (codes, types, a settings problem's `why`) are English —
 * half-translated lines would read worse and match the exported JSONL less.
 */
export function renderAuditView(
  rows: readonly AuditRow[],
  options: { filter: AuditFilter; total: number; unreadable: number; chain: string; files: number; limit?: number; l10n?: L10n },
): string {
  const l10n = options.l10n ?? plainL10n;
  const limit = options.limit ?? MAX_VIEW_ROWS;
  const shown = rows.length > limit ? rows.slice(rows.length - limit) : rows;
  const filter = describeFilter(options.filter, l10n);
  const showing =
    shown.length === rows.length
      ? options.files === 1
        ? l10n.t('Showing {0} of {1} events ({2}) from 1 file.', rows.length, options.total, filter)
        : l10n.t('Showing {0} of {1} events ({2}) from {3} files.', rows.length, options.total, filter, options.files)
      : options.files === 1
        ? l10n.t('Showing the latest {0} of {1} matching of {2} events ({3}) from 1 file. Export the log for all of them.', shown.length, rows.length, options.total, filter)
        : l10n.t('Showing the latest {0} of {1} matching of {2} events ({3}) from {4} files. Export the log for all of them.', shown.length, rows.length, options.total, filter, options.files);
  const header = [
    l10n.t('Airlock audit log'),
    showing,
    l10n.t('Hash chain: {0}', options.chain),
    ...(options.unreadable > 0 ? [l10n.t('{0} line(s) could not be read; run "Airlock: Verify Audit Log".', options.unreadable)] : []),
    '',
  ];
  const body = shown.map((row) => {
    const when = row.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
    return `${when}  #${String(row.seq).padEnd(5)} ${row.type.padEnd(14)} ${row.text}`;
  });
  return [...header, ...(body.length === 0 ? [l10n.t('(no events match)')] : body), ''].join('\n');
}

/** The view shows the most recent events only: a text editor is no place for millions of lines. */
export const MAX_VIEW_ROWS = 5000;
const MAX_SHOWN = 300;
/** Untrusted text, quoted and escaped (newlines, ESC and other controls become visible escapes). */
function show(text: unknown): string {
  const value = typeof text === 'string' ? text : String(text);
  const clipped = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
  return JSON.stringify(clipped).replace(/[\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

const list = (names: readonly string[]): string => (names.length === 0 ? '(none)' : names.map(show).join(', '));

function describe(event: AuditEvent): string {
  switch (event.type) {
    case 'request':
      return `${show(event.client)} asked for ${list(event.credentials)} to run ${show(event.command)} in ${show(event.cwd)}` +
        `${event.claimedClient !== undefined ? ` (claims to be ${show(event.claimedClient)})` : ''}; reason: ${show(event.reason)} [request ${show(event.requestId)}]`;
    case 'decision': {
      const terms = [
        event.durationSeconds !== undefined ? `${event.durationSeconds} s` : undefined,
        event.maxRuns !== undefined ? (event.maxRuns === null ? 'unlimited runs' : `${event.maxRuns} run(s)`) : undefined,
        event.commandMatch,
      ].filter((term) => term !== undefined);
      return `${event.decision.toUpperCase()} by ${event.by} for ${show(event.client)}${terms.length > 0 ? ` (${terms.join(', ')})` : ''}` +
        `${event.detail !== undefined ? `: ${show(event.detail)}` : ''}${event.policyNote !== undefined ? `; asked because ${show(event.policyNote)}` : ''} [request ${show(event.requestId)}]`;
    }
    case 'grant-issued':
      return `grant ${show(event.grantId)} for ${show(event.client)}: ${list(event.credentials)}, ${event.commandMatch} ${show(event.command)} in ${show(event.cwd)}, ` +
        `expires ${show(event.expiresAt)}, ${event.maxRuns === null ? 'unlimited runs' : `${event.maxRuns} run(s)`}` +
        `${event.network !== undefined && event.network.length > 0 ? `, network ${list(event.network)}` : ''}${event.writes !== undefined && event.writes.length > 0 ? `, writes ${list(event.writes)}` : ''}`;
    case 'run-started':
      return `run ${show(event.runId)} of ${show(event.command)} in ${show(event.cwd)} with ${list(event.credentials)} for ${show(event.client)}${event.sealed === undefined ? '' : event.sealed ? ', sealed' : ', not sealed'} [grant ${show(event.grantId)}]`;
    case 'run-write-leak':
      return `run ${show(event.runId)} WROTE A CREDENTIAL: ${event.findings.map((f) => `${show(f.path)} (${f.credential !== undefined ? show(f.credential) : `not scanned: ${show(f.unscanned)}`})`).join(', ')} [grant ${show(event.grantId)}]`;
    case 'run-finished':
      return `run ${show(event.runId)} ended: ${event.exitCode !== null ? `exit ${event.exitCode}` : `signal ${show(event.signal)}`} after ${event.durationMs} ms` +
        `${event.timedOut ? ' (timed out)' : ''} [grant ${show(event.grantId)}]`;
    case 'run-incomplete':
      return `run ${show(event.runId)} did not finish (${event.why}) [grant ${show(event.grantId)}]`;
    case 'run-refused':
      return `REFUSED ${show(event.command)} in ${show(event.cwd)} for ${show(event.client)}: ${show(event.code)}${event.grantId !== undefined ? ` [grant ${show(event.grantId)}]` : ''}`;
    case 'grant-expired':
      return `grant ${show(event.grantId)} expired (${event.why === 'time' ? 'time is up' : 'no runs left'})`;
    case 'grant-revoked':
      return `grant ${show(event.grantId)} revoked by ${event.by}`;
    case 'secret-entry':
      return `secret ${show(event.name)} ${event.outcome}${event.client !== undefined ? ` (asked by ${show(event.client)})` : ''}`;
    case 'env-import':
      return `.env ${show(event.file)} ${event.outcome === 'imported' ? 'imported' : 'import failed'}: ${
        // A line read back from disk is not trusted to have the shape it was written with.
        (Array.isArray(event.placed) ? event.placed : []).map((p) => `${show(p.name)} → ${show(p.reference)}${p.created === true ? ' (item created)' : ''}`).join(', ') || 'nothing stored'}`;
    case 'settings-ignored':
      return `setting ${show(event.setting)} ignored: ${show(event.why)}`;
    default:
      return show(JSON.stringify(event));
  }
}
