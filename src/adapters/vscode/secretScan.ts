import * as vscode from 'vscode';
import type { AuditSink } from '../../core/audit/events';
import { credentialNameTaken, mergeCredentialDefinitions } from '../../core/envImport/envImport';
import type { Log } from '../../core/log';
import { diagnosticsFor, isEnvFileName, isScannedOnOpen, ruleLabel, type SecretDiagnostic } from '../../core/scan/plaintextSecrets';
import { validateCredentialName } from '../../core/secrets/envName';
import { parseReference } from '../../core/secrets/referenceParser';
import { sameSecret, SecretValue } from '../../core/secrets/secretValue';
import { Commands, Settings } from '../../shared/ids';
import type { SecretStorageStore } from '../stores/secretStorageStore';
import { askInput, auditSecretChange, type PromptTracker } from './secretEntry';
import { loadSecretScanner } from './secretScanLoader';
import { vscodeL10n } from './l10n';

export interface SecretScanDeps {
  readonly store: SecretStorageStore;
  readonly tracker: PromptTracker;
  readonly log: Log;
  readonly audit?: AuditSink;
}

/** What a workspace scan found (counts and places, never values); returned for tests. */
export interface ScanSummary {
  readonly files: number;
  readonly findings: readonly { readonly path: string; readonly start: number; readonly end: number; readonly message: string; readonly suggestedName: string }[];
}

export interface MoveResult {
  readonly outcome: 'moved' | 'cancelled' | 'failed' | 'import';
  readonly name?: string;
  readonly message: string;
}

const DIAGNOSTIC_CODE = 'plaintext-secret';
const DIAGNOSTIC_SOURCE = 'Airlock';
const MAX_FILE_BYTES = 512 * 1024;
const MAX_FILES = 5000;
const EXCLUDE = '{**/node_modules/**,**/.git/**,**/dist/**,**/out/**,**/build/**,**/.venv/**,**/vendor/**}';
const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Plaintext secrets as diagnostics (Problems panel), found by secretlint's recommended rules: on demand
 * (**Airlock: Find Plaintext Secrets in Workspace**) and when a `.env*` or config file is opened or saved.
 * The message is masked (src/core/scan/plaintextSecrets.ts); the quick fix **Move into Airlock** stores
 * the value, reads it back, defines the credential and only then replaces the value with `${NAME}`.
 */
export function registerSecretScan(deps: SecretScanDeps): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('airlock-secrets');
  const found = new Map<string, SecretDiagnostic[]>();

  const publish = (uri: vscode.Uri, text: string, diagnostics: SecretDiagnostic[]): void => {
    found.set(uri.toString(), diagnostics);
    const lineStarts = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
    const position = (offset: number): vscode.Position => {
      let low = 0;
      let high = lineStarts.length - 1;
      while (low < high) {
        const mid = (low + high + 1) >> 1;
        if ((lineStarts[mid] ?? 0) <= offset) low = mid;
        else high = mid - 1;
      }
      return new vscode.Position(low, offset - (lineStarts[low] ?? 0));
    };
    collection.set(uri, diagnostics.map((d) => {
      const diagnostic = new vscode.Diagnostic(new vscode.Range(position(d.start), position(d.end)), d.message, vscode.DiagnosticSeverity.Warning);
      diagnostic.source = DIAGNOSTIC_SOURCE;
      diagnostic.code = DIAGNOSTIC_CODE;
      return diagnostic;
    }));
  };

  const scanText = async (uri: vscode.Uri, text: string): Promise<SecretDiagnostic[]> => {
    if (text.length > MAX_FILE_BYTES || text.includes('\u0000')) return [];
    const scanner = await loadSecretScanner();
    const diagnostics = diagnosticsFor(text, await scanner.scanText(uri.fsPath, text), vscodeL10n);
    publish(uri, text, diagnostics);
    return diagnostics;
  };

  const scanDocument = async (document: vscode.TextDocument): Promise<void> => {
    if (document.uri.scheme !== 'file') return;
    if (!isScannedOnOpen(basename(document.uri.path)) && !found.has(document.uri.toString())) return;
    try {
      await scanText(document.uri, document.getText());
    } catch (error) {
      deps.log.warn(`Secret scan of ${document.uri.fsPath} failed: ${error instanceof Error ? error.message : 'unknown error'}`);
    }
  };

  const scanWorkspace = async (): Promise<ScanSummary> => {
    const files = await vscode.workspace.findFiles('**/*', EXCLUDE, MAX_FILES);
    const findings: ScanSummary['findings'][number][] = [];
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Airlock: looking for plaintext secrets…'), cancellable: true }, async (progress, token) => {
      for (const [index, uri] of files.entries()) {
        if (token.isCancellationRequested) break;
        if (index % 50 === 0) progress.report({ message: vscode.l10n.t('{0}/{1} files', index, files.length) });
        try {
          const stat = await vscode.workspace.fs.stat(uri);
          if (stat.size > MAX_FILE_BYTES) continue;
          const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
          const text = open?.getText() ?? decoder.decode(await vscode.workspace.fs.readFile(uri));
          for (const d of await scanText(uri, text)) findings.push({ path: uri.fsPath, start: d.start, end: d.end, message: d.message, suggestedName: d.suggestedName });
        } catch (error) {
          deps.log.warn(`Secret scan skipped ${uri.fsPath}: ${error instanceof Error ? error.message : 'unknown error'}`);
        }
      }
    });
    const places = new Set(findings.map((f) => f.path)).size;
    deps.log.info(`Secret scan: ${findings.length} plaintext secret(s) in ${places} of ${files.length} file(s).`);
    if (findings.length === 0) void vscode.window.showInformationMessage(vscode.l10n.t('Airlock: no plaintext secrets found in {0} file(s).', files.length));
    else {
      const open = vscode.l10n.t('Open Problems');
      void vscode.window.showWarningMessage(vscode.l10n.t('Airlock: {0} plaintext secret(s) in {1} file(s). See the Problems panel; the quick fix moves each into Airlock.', findings.length, places), open)
        .then((choice) => choice === open ? vscode.commands.executeCommand('workbench.actions.view.problems') : undefined);
    }
    return { files: files.length, findings };
  };

  const moveIntoAirlock = async (rawUri: unknown, start: unknown, end: unknown): Promise<MoveResult> => {
    if (!(rawUri instanceof vscode.Uri) || typeof start !== 'number' || typeof end !== 'number') return { outcome: 'failed', message: vscode.l10n.t('Run this from a plaintext-secret warning.') };
    const uri = rawUri;
    if (isEnvFileName(basename(uri.path))) {
      await vscode.commands.executeCommand(Commands.importEnvFile, uri);
      return { outcome: 'import', message: vscode.l10n.t('Ran Import .env File.') };
    }
    const document = await vscode.workspace.openTextDocument(uri);
    if (document.isDirty) return report({ outcome: 'failed', message: vscode.l10n.t('Save the file first, then run the quick fix again.') });
    const text = document.getText();
    // The finding must still be there, at the same place: a stale quick fix must not move other text.
    const current = await scanText(uri, text);
    const finding = current.find((d) => d.start === start && d.end === end);
    if (finding === undefined) return report({ outcome: 'failed', message: vscode.l10n.t('The file changed since the scan; look at the warning again.') });
    const existingValue = vscode.workspace.getConfiguration().inspect<unknown>(Settings.credentials)?.globalValue;
    const existing = Array.isArray(existingValue) ? (existingValue as unknown[]) : [];
    const problem = async (name: string): Promise<string | undefined> => {
      const checked = validateCredentialName(name, vscodeL10n);
      if (!checked.ok) return checked.message;
      if (credentialNameTaken(existing, name, `secret:${name}`)) return vscode.l10n.t('A credential named {0} already exists in your user settings.', name);
      if (await deps.store.has(name)) return vscode.l10n.t('A secret named {0} is already stored; choose another name.', name);
      return undefined;
    };
    const name = await askInput(deps.tracker, {
      title: vscode.l10n.t('Airlock: Move into Airlock'),
      prompt: vscode.l10n.t('Name for this {0}. It is stored in VS Code SecretStorage and replaced in the file by {1}.', finding.kind, '${NAME}'),
      placeholder: finding.suggestedName,
      value: finding.suggestedName,
      password: false,
      validateLive: (value) => (value === '' ? undefined : validateCredentialName(value).ok ? undefined : vscode.l10n.t('Upper-case letters, digits and "_", starting with a letter.')),
      validateOnAccept: (value) => (value === '' ? vscode.l10n.t('Enter a name (or press Escape to cancel).') : undefined),
    });
    if (name === undefined) return { outcome: 'cancelled', message: vscode.l10n.t('Cancelled.') };
    const blocked = await problem(name);
    if (blocked !== undefined) return report({ outcome: 'failed', message: blocked });
    const reference = parseReference(`secret:${name}`);
    if (!reference.ok) return report({ outcome: 'failed', message: reference.message });

    const value = new SecretValue(text.slice(finding.start, finding.end));
    try {
      // Store, read back, define; only then touch the file (a failure before here changes nothing in it).
      await deps.store.putSecret(name, value);
      const back = (await deps.store.resolveAll([reference.value], new AbortController().signal)).get(reference.value.raw);
      const same = back?.ok === true && sameSecret(back.value, value);
      if (back?.ok === true) back.value.dispose();
      if (!same) return report({ outcome: 'failed', message: vscode.l10n.t('{0} did not read back from SecretStorage as stored; the file was not changed.', name) });
      await auditSecretChange(deps.audit, deps.log, name, 'stored');
      const configuration = vscode.workspace.getConfiguration();
      await configuration.update(
        Settings.credentials,
        // English on purpose: a settings value is written once, read in any language (and by agents that
        // read settings.json), and must not change with the locale of whoever moved the secret.
        mergeCredentialDefinitions(existing, [{ name, description: `Found in ${basename(uri.path)}`, source: `secret:${name}` }]),
        vscode.ConfigurationTarget.Global,
      );
      // Written to disk directly, not saved through the editor: an editor save would put the old text
      // (with the value) into VS Code's local history. The file must still be exactly what was scanned.
      const onDisk = decoder.decode(await vscode.workspace.fs.readFile(uri));
      if (document.isDirty || document.getText() !== text || onDisk !== text) {
        return report({ outcome: 'failed', message: vscode.l10n.t('{0} is stored, but the file changed meanwhile (or has unsaved changes), so Airlock did not edit it; replace the value with {1} yourself.', name, `\${${name}}`) });
      }
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(`${text.slice(0, finding.start)}\${${name}}${text.slice(finding.end)}`));
    } finally {
      value.dispose();
    }
    await scanText(uri, decoder.decode(await vscode.workspace.fs.readFile(uri)));
    deps.log.info(`Moved a plaintext ${ruleLabel(finding.ruleId)} from ${uri.fsPath} into SecretStorage as ${name}.`);
    return report({ outcome: 'moved', name, message: vscode.l10n.t('moved it into SecretStorage as {0} (credential defined in your user settings); the file now says {1}.', name, `\${${name}}`) });
  };

  const report = (result: MoveResult): MoveResult => {
    if (result.outcome === 'failed') void vscode.window.showErrorMessage(vscode.l10n.t('Airlock: {0}', result.message));
    else if (result.outcome === 'moved') void vscode.window.showInformationMessage(vscode.l10n.t('Airlock: {0}', result.message));
    return result;
  };

  // Files already open are scanned after activation, not during it: the first scan requires the scanner
  // bundle, and activation time is a tracked target.
  const initial = setTimeout(() => {
    for (const document of vscode.workspace.textDocuments) void scanDocument(document);
  }, 0);
  return vscode.Disposable.from(
    { dispose: () => clearTimeout(initial) },
    collection,
    vscode.workspace.onDidOpenTextDocument((document) => void scanDocument(document)),
    vscode.workspace.onDidSaveTextDocument((document) => void scanDocument(document)),
    vscode.workspace.onDidDeleteFiles((event) => {
      for (const uri of event.files) {
        found.delete(uri.toString());
        collection.delete(uri);
      }
    }),
    vscode.commands.registerCommand(Commands.findPlaintextSecrets, async () => {
      try {
        return await scanWorkspace();
      } catch (error) {
        deps.log.error(`Secret scan failed: ${error instanceof Error ? error.message : 'unknown error'}`);
        void vscode.window.showErrorMessage(vscode.l10n.t('Airlock: the secret scan failed. See the Airlock output channel.'));
        return { files: 0, findings: [] } satisfies ScanSummary;
      }
    }),
    vscode.commands.registerCommand(Commands.moveSecretIntoAirlock, async (uri: unknown, start: unknown, end: unknown) => {
      try {
        return await moveIntoAirlock(uri, start, end);
      } catch (error) {
        deps.log.error(`Move into Airlock failed: ${error instanceof Error ? error.message : 'unknown error'}`);
        return report({ outcome: 'failed', message: vscode.l10n.t('Move into Airlock failed. See the Airlock output channel.') });
      }
    }),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, {
      provideCodeActions(document, _range, context) {
        return context.diagnostics
          .filter((d) => d.source === DIAGNOSTIC_SOURCE && d.code === DIAGNOSTIC_CODE)
          .map((d) => {
            const action = new vscode.CodeAction(vscode.l10n.t('Move into Airlock'), vscode.CodeActionKind.QuickFix);
            action.diagnostics = [d];
            action.isPreferred = true;
            action.command = {
              command: Commands.moveSecretIntoAirlock,
              title: vscode.l10n.t('Move into Airlock'),
              arguments: [document.uri, document.offsetAt(d.range.start), document.offsetAt(d.range.end)],
            };
            return action;
          });
      },
    }, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
  );
}

const basename = (path: string): string => path.split('/').pop() ?? path;
