import type { AuditEventType } from '../audit/events';
import type { AuditRow } from '../audit/auditView';
import { revealCapped } from '../text/untrustedText';
import { clientLabel } from '../clients';
import type { L10n } from '../../shared/l10n';
import type { Insight } from './insights';

export interface ActivityRow {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  /** The audit view's full line: untrusted text quoted and escaped. */
  readonly tooltip: string;
  readonly icon: 'check' | 'close' | 'warning' | 'play' | 'key' | 'history' | 'shield' | 'pass' | 'error';
}

/** How many audit events the Activity view lists (the full log: Show Audit Log). */
export const ACTIVITY_ROWS = 50;

const who = (client: string | undefined): string => (client === undefined ? '' : clientLabel(client));
/** Short and single-line, every hidden character revealed by the one untrusted-text rule: the label is where untrusted names are shown unquoted. */
const tidy = (text: string, max = 60): string => revealCapped(text, max);

type Labelled = { label: string; icon: ActivityRow['icon'] };

/**
 * One label per audit event type. A `Record` over the event union, so a new event type does not compile
 * until it has its words here (it would otherwise show as its raw type name).
 */
const LABELS: { readonly [K in AuditEventType]: (row: AuditRow, names: string, l10n: L10n) => Labelled } = {
  request: (row, names, l10n) => ({ label: l10n.t('{0} asked for {1}', who(row.client), names), icon: 'key' }),
  decision: (row, _names, l10n) => row.decision === 'approved'
    ? { label: l10n.t('Approved for {0}', who(row.client)), icon: 'check' }
    : { label: l10n.t('Denied for {0}', who(row.client)), icon: 'close' },
  'grant-issued': (row, names, l10n) => ({ label: l10n.t('Grant for {0}: {1}', who(row.client), names), icon: 'key' }),
  'run-started': (_row, names, l10n) => ({ label: l10n.t('Run with {0}', names), icon: 'play' }),
  'run-write-leak': (_row, _names, l10n) => ({ label: l10n.t('A run wrote a secret into a file'), icon: 'error' }),
  'run-finished': (_row, _names, l10n) => ({ label: l10n.t('Run ended'), icon: 'pass' }),
  'run-incomplete': (_row, _names, l10n) => ({ label: l10n.t('Run did not finish'), icon: 'warning' }),
  'run-refused': (row, _names, l10n) => ({ label: l10n.t('Run refused for {0}', who(row.client)), icon: 'close' }),
  'grant-expired': (_row, _names, l10n) => ({ label: l10n.t('Grant expired'), icon: 'history' }),
  'grant-revoked': (_row, _names, l10n) => ({ label: l10n.t('Grant revoked'), icon: 'close' }),
  'secret-entry': (_row, names, l10n) => ({ label: l10n.t('Secret {0}', names), icon: 'shield' }),
  'settings-ignored': (_row, _names, l10n) => ({ label: l10n.t('Setting ignored'), icon: 'warning' }),
  'env-import': (_row, names, l10n) => ({ label: l10n.t('.env import: {0}', names), icon: 'shield' }),
};

const isEventType = (type: string): type is AuditEventType => Object.prototype.hasOwnProperty.call(LABELS, type);

function labelOf(row: AuditRow, l10n: L10n): Labelled {
  const names = tidy(row.credentials.join(', '));
  // A line from a newer Airlock (an unknown type) shows its type, revealed and capped.
  return isEventType(row.type) ? LABELS[row.type](row, names, l10n) : { label: tidy(row.type), icon: 'history' };
}

/** The latest audit events, newest first, as rows (time of day in `description`). */
export function activityRows(rows: readonly AuditRow[], l10n: L10n, timeOfDay: (iso: string) => string, limit = ACTIVITY_ROWS): ActivityRow[] {
  return rows.slice(-limit).reverse().map((row) => {
    const { label, icon } = labelOf(row, l10n);
    return { id: `audit:${row.seq}:${row.time}`, label, description: timeOfDay(row.time), tooltip: `#${row.seq} ${row.time}\n${row.text}`, icon };
  });
}

/** An insight as a row with the warning icon. */
export function insightRow(insight: Insight, timeOfDay: (iso: string) => string): ActivityRow {
  return { id: `insight:${insight.kind}:${insight.client}:${insight.time}`, label: insight.message, description: timeOfDay(new Date(insight.time).toISOString()), tooltip: insight.message, icon: 'warning' };
}

/** The verify-chain status as a row. */
export function chainRow(result: { ok: true; count: number } | { ok: false; line: number; why: string; file?: string } | undefined, l10n: L10n): ActivityRow {
  if (result === undefined) return { id: 'chain', label: l10n.t('Hash chain: not checked yet'), description: '', tooltip: l10n.t('Run "Airlock: Verify Audit Log".'), icon: 'history' };
  return result.ok
    ? { id: 'chain', label: l10n.t('Hash chain verified'), description: l10n.t('{0} events', result.count), tooltip: l10n.t('Every line of the audit log chains to the one before it.'), icon: 'pass' }
    : { id: 'chain', label: l10n.t('Hash chain BROKEN at line {0}', result.line), description: tidy(result.why), tooltip: `${result.file ?? ''}\n${result.why}`, icon: 'error' };
}
