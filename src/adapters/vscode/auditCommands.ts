import * as vscode from 'vscode';
import { auditRows, filterChoices, filterRows, renderAuditView, type AuditDecision, type AuditFilter } from '../../core/audit/auditView';
import type { Log } from '../../core/log';
import { Commands } from '../../shared/ids';
import { plainL10n, type L10n } from '../../shared/l10n';
import type { AuditFile, AuditVerifyResult } from '../node/auditFile';
import { vscodeL10n } from './l10n';

export const AUDIT_VIEW_SCHEME = 'airlock-audit';

export interface AuditCommandsDeps {
  readonly audit: AuditFile;
  readonly scrub: (text: string) => string;
  readonly log: Log;
  /** Test facet only (test build in Test mode): Export's target from the command argument, without a dialog. */
  readonly exportTarget?: ((arg: unknown) => vscode.Uri | undefined) | undefined;
}

/**
 * Airlock: Show / Verify / Export Audit Log. The view is a read-only virtual document rendered from
 * the log (which holds no values), passed through the live scrubber once more.
 */
export function registerAuditCommands(deps: AuditCommandsDeps): vscode.Disposable {
  const changed = new vscode.EventEmitter<vscode.Uri>();
  const provider: vscode.TextDocumentContentProvider = {
    onDidChange: changed.event,
    provideTextDocumentContent: async (uri) => {
      try {
        return deps.scrub(await renderView(deps.audit, filterFromUri(uri)));
      } catch (error) {
        return deps.scrub(`Airlock could not read the audit log in ${deps.audit.dir}: ${(error as Error).message}\n`);
      }
    },
  };
  return vscode.Disposable.from(
    changed,
    vscode.workspace.registerTextDocumentContentProvider(AUDIT_VIEW_SCHEME, provider),
    vscode.commands.registerCommand(Commands.showAuditLog, async (filterArg?: unknown) => {
      const filter = isFilter(filterArg) ? filterArg : await pickFilter(deps.audit);
      if (filter === undefined) return undefined;
      const uri = viewUri(filter);
      changed.fire(uri);
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(document, { preview: false });
      return uri.toString();
    }),
    vscode.commands.registerCommand(Commands.verifyAuditLog, async (): Promise<AuditVerifyResult | undefined> => {
      try {
        const result = await deps.audit.verify();
        if (result.ok) {
          void vscode.window.showInformationMessage(vscode.l10n.t('Airlock audit log verified: {0} in {1}, hash chain intact.', events(result.count, vscodeL10n), result.files === 1 ? vscode.l10n.t('1 file') : vscode.l10n.t('{0} files', result.files)));
        } else {
          deps.log.warn(`Audit log verification failed: ${brokenText(result, plainL10n)}`);
          void vscode.window.showErrorMessage(vscode.l10n.t('Airlock audit log is broken: {0}', brokenText(result, vscodeL10n)));
        }
        return result;
      } catch (error) {
        deps.log.error(`Could not read the audit log: ${(error as Error).message}`);
        void vscode.window.showErrorMessage(vscode.l10n.t('Airlock could not read the audit log in {0}: {1}', deps.audit.dir, (error as Error).message));
        return undefined;
      }
    }),
    vscode.commands.registerCommand(Commands.exportAuditLog, async (targetArg?: unknown) => {
      let target = deps.exportTarget?.(targetArg);
      if (target === undefined) {
        const stamp = new Date().toISOString().slice(0, 10);
        const home = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(deps.audit.dir);
        target = await vscode.window.showSaveDialog({
          title: vscode.l10n.t('Export Airlock Audit Log'),
          defaultUri: vscode.Uri.joinPath(home, `airlock-audit-${stamp}.jsonl`),
          filters: { [vscode.l10n.t('JSON Lines')]: ['jsonl'] },
          saveLabel: vscode.l10n.t('Export'),
        });
      }
      if (target === undefined) return undefined;
      try {
        const count = await deps.audit.exportTo(target.fsPath);
        void vscode.window.showInformationMessage(count === 1 ? vscode.l10n.t('Exported 1 audit event to {0}.', target.fsPath) : vscode.l10n.t('Exported {0} audit events to {1}.', count, target.fsPath));
        return count;
      } catch (error) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Airlock could not export the audit log to {0}: {1}', target.fsPath, (error as Error).message));
        return undefined;
      }
    }),
  );
}

/** "1 event" / "N events". */
function events(count: number, l10n: L10n): string {
  return count === 1 ? l10n.t('1 event') : l10n.t('{0} events', count);
}

/** Where the chain breaks: English for the log (plainL10n), translated for the person. */
function brokenText(result: Extract<AuditVerifyResult, { ok: false }>, l10n: L10n): string {
  return l10n.t('first broken link at {0}, line {1}: {2} ({3} before it verified).', result.file ?? l10n.t('the log'), result.line, result.why, events(result.count, l10n));
}

async function renderView(audit: AuditFile, filter: AuditFilter): Promise<string> {
  const [lines, verified] = await Promise.all([audit.readLines(), audit.verify()]);
  const { rows, unreadable } = auditRows(lines);
  const chain = verified.ok ? vscode.l10n.t('intact ({0})', events(verified.count, vscodeL10n)) : vscode.l10n.t('BROKEN — {0}', brokenText(verified, vscodeL10n));
  return renderAuditView(filterRows(rows, filter), { filter, total: rows.length, unreadable, chain, files: verified.files, l10n: vscodeL10n });
}

async function pickFilter(audit: AuditFile): Promise<AuditFilter | undefined> {
  const { rows } = auditRows(await audit.readLines());
  const choices = filterChoices(rows);
  type Which = 'all' | 'client' | 'credential' | 'decision';
  const kinds: (vscode.QuickPickItem & { which: Which })[] = [
    { label: vscode.l10n.t('All events'), which: 'all', description: `${rows.length}` },
    { label: vscode.l10n.t('Filter by client…'), which: 'client', description: choices.clients.join(', ') },
    { label: vscode.l10n.t('Filter by credential…'), which: 'credential', description: choices.credentials.join(', ') },
    // The decisions are the audit log's own words (what the filter matches), so they stay as written.
    { label: vscode.l10n.t('Filter by decision…'), which: 'decision', description: 'approved, denied, refused' },
  ];
  const picked = await vscode.window.showQuickPick(kinds, { title: vscode.l10n.t('Airlock: Show Audit Log'), placeHolder: vscode.l10n.t('Which events?') });
  if (picked === undefined) return undefined;
  if (picked.which === 'all') return {};
  const values = picked.which === 'client' ? choices.clients : picked.which === 'credential' ? choices.credentials : (['approved', 'denied', 'refused'] as const);
  const value = await vscode.window.showQuickPick([...values], { title: picked.label, placeHolder: values.length === 0 ? vscode.l10n.t('No events yet') : vscode.l10n.t('Choose one') });
  if (value === undefined) return undefined;
  if (picked.which === 'client') return { client: value };
  if (picked.which === 'credential') return { credential: value };
  return { decision: value as AuditDecision };
}

function viewUri(filter: AuditFilter): vscode.Uri {
  const query = new URLSearchParams();
  if (filter.client !== undefined) query.set('client', filter.client);
  if (filter.credential !== undefined) query.set('credential', filter.credential);
  if (filter.decision !== undefined) query.set('decision', filter.decision);
  return vscode.Uri.from({ scheme: AUDIT_VIEW_SCHEME, path: 'Airlock Audit Log.log', query: query.toString() });
}

function filterFromUri(uri: vscode.Uri): AuditFilter {
  const query = new URLSearchParams(uri.query);
  const decision = query.get('decision');
  return {
    ...(query.get('client') !== null ? { client: query.get('client')! } : {}),
    ...(query.get('credential') !== null ? { credential: query.get('credential')! } : {}),
    ...(decision === 'approved' || decision === 'denied' || decision === 'refused' ? { decision } : {}),
  };
}

function isFilter(value: unknown): value is AuditFilter {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return Object.entries(record).every(([key, inner]) => ['client', 'credential', 'decision'].includes(key) && typeof inner === 'string');
}

/** Global-state key of the audit chain's head after this machine's latest append (a hash, no value). */
export const AUDIT_HEAD_KEY = 'airlock.audit.head';
