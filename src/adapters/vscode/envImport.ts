import * as vscode from 'vscode';
import type { AuditSink } from '../../core/audit/events';
import {
  credentialNameTaken, mergeCredentialDefinitions, planImport, readEnvEntries, runImport, suggestCredentialName,
  gitignoreLineFor, type EntryChoice, type FileAction,
} from '../../core/envImport/envImport';
import type { Log } from '../../core/log';
import { isEnvFileName, maskSecret } from '../../core/scan/plaintextSecrets';
import { validateCredentialName } from '../../core/secrets/envName';
import type { SecretReference } from '../../core/secrets/reference';
import { parseReference } from '../../core/secrets/referenceParser';
import type { ResolveOutcome, SecretStore } from '../../core/secrets/store';
import { Commands, Settings } from '../../shared/ids';
import type { SecretStorageStore } from '../stores/secretStorageStore';
import { askInput, askPick, auditSecretChange, type PromptTracker } from './secretEntry';
import { loadSecretScanner } from './secretScanLoader';

export interface EnvImportDeps {
  readonly store: SecretStorageStore;
  readonly onePassword: SecretStore;
  readonly tracker: PromptTracker;
  readonly log: Log;
  readonly audit?: AuditSink;
}

/** What Import did; returned for tests, told to the person in messages. Names only, never values. */
export interface EnvImportResult {
  readonly outcome: 'done' | 'cancelled' | 'failed' | 'nothing';
  readonly moved: readonly string[];
  readonly file: FileAction;
  readonly gitignore: boolean;
  readonly message: string;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * **Airlock: Import .env File…** (Command Palette, Explorer context menu on `.env*`, and a code action in
 * the file). Each entry: keep, move to SecretStorage, or point at an existing 1Password reference. Every
 * value is stored and read back before settings or the file change (src/core/envImport/envImport.ts).
 */
export function registerEnvImport(deps: EnvImportDeps): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(Commands.importEnvFile, async (arg?: unknown) => {
      try {
        return await importEnvFile(deps, arg);
      } catch (error) {
        // Store, settings and file-system errors name keys and paths, never values.
        deps.log.error(`Import .env failed: ${error instanceof Error ? error.message : 'unknown error'}`);
        void vscode.window.showErrorMessage('Airlock: Import .env failed. See the Airlock output channel.');
        return { outcome: 'failed', moved: [], file: 'keep', gitignore: false, message: 'failed' } satisfies EnvImportResult;
      }
    }),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file', pattern: '**/{.env,.env.*,*.env}' }, {
      provideCodeActions(document) {
        const action = new vscode.CodeAction('Move this file\'s values into Airlock…', vscode.CodeActionKind.Refactor.append('airlock'));
        action.command = { command: Commands.importEnvFile, title: action.title, arguments: [document.uri] };
        return [action];
      },
    }, { providedCodeActionKinds: [vscode.CodeActionKind.Refactor.append('airlock')] }),
  );
}

async function pickFile(arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active !== undefined && active.scheme === 'file' && isEnvFileName(basename(active.path))) return active;
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Import into Airlock', title: 'Airlock: Import .env File' });
  return picked?.[0];
}

async function importEnvFile(deps: EnvImportDeps, arg: unknown): Promise<EnvImportResult> {
  const result = (outcome: EnvImportResult['outcome'], message: string, extra: Partial<EnvImportResult> = {}): EnvImportResult => {
    if (outcome === 'failed') void vscode.window.showErrorMessage(`Airlock: ${message}`);
    else if (outcome !== 'cancelled') void vscode.window.showInformationMessage(`Airlock: ${message}`);
    return { outcome, moved: [], file: 'keep', gitignore: false, message, ...extra };
  };
  const uri = await pickFile(arg);
  if (uri === undefined) return result('cancelled', 'Cancelled.');
  const name = basename(uri.path);
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
  if (open?.isDirty === true) return result('failed', `${name} has unsaved changes; save it first, then import.`);
  const text = decoder.decode(await vscode.workspace.fs.readFile(uri));
  const scanner = await loadSecretScanner();
  const entries = readEnvEntries(text, scanner.parseDotenv);
  if (entries.length === 0) return result('nothing', `${name} holds no values to import.`);

  const configuration = vscode.workspace.getConfiguration();
  const existingValue = configuration.inspect<unknown>(Settings.credentials)?.globalValue;
  const existing = Array.isArray(existingValue) ? (existingValue as unknown[]) : [];
  const choices = new Map<string, EntryChoice>();
  const chosenNames = new Set<string>();
  const title = `Airlock: Import ${name}`;
  try {
    for (const [index, entry] of entries.entries()) {
      const suggested = suggestCredentialName(entry.key);
      const where = await askPick(deps.tracker, {
        title: `${title} (${index + 1}/${entries.length}): ${entry.key}`,
        placeholder: `Where should ${entry.key} (${maskSecret(entry.value.length)}) go?`,
        items: [
          { id: 'secret', label: 'Move to VS Code SecretStorage', detail: `Stored in the OS keychain as secret:${suggested}; agents ask for ${suggested}, you approve each use.` },
          { id: 'op', label: 'Use an existing 1Password item', detail: 'Name its op:// reference; Airlock checks it holds the same value before changing the file.' },
          { id: 'keep', label: 'Keep in the file', detail: 'Not a secret (a port, a URL…): leave it where it is.' },
        ],
      });
      if (where === undefined) return result('cancelled', 'Import cancelled; nothing was stored or changed.');
      if (where === 'keep') {
        choices.set(entry.key, { kind: 'keep' });
        continue;
      }
      const problem = async (value: string, source: string): Promise<string | undefined> => {
        const checked = validateCredentialName(value);
        if (!checked.ok) return checked.message;
        if (chosenNames.has(value)) return `${value} is already used by another entry of this file.`;
        if (credentialNameTaken(existing, value, source)) return `A credential named ${value} already exists in your user settings.`;
        if (source.startsWith('secret:') && (await deps.store.has(value))) return `A secret named ${value} is already stored; choose another name (or remove it first).`;
        return undefined;
      };
      let credentialName = suggested;
      if (where === 'secret' && (await problem(suggested, `secret:${suggested}`)) !== undefined) {
        const typed = await askInput(deps.tracker, {
          title: `${title}: name for ${entry.key}`,
          prompt: (await problem(suggested, `secret:${suggested}`)) ?? 'Credential name',
          placeholder: 'DEPLOY_TOKEN',
          password: false,
          validateLive: (value) => (value === '' ? undefined : validateCredentialName(value).ok ? undefined : 'Upper-case letters, digits and "_", starting with a letter.'),
          validateOnAccept: (value) => (value === '' ? 'Enter a name (or press Escape to cancel).' : undefined),
        });
        if (typed === undefined) return result('cancelled', 'Import cancelled; nothing was stored or changed.');
        const still = await problem(typed, `secret:${typed}`);
        if (still !== undefined) return result('failed', still);
        credentialName = typed;
      }
      if (where === 'secret') {
        choices.set(entry.key, { kind: 'secret', name: credentialName });
        chosenNames.add(credentialName);
        continue;
      }
      const reference = await askInput(deps.tracker, {
        title: `${title}: 1Password reference for ${entry.key}`,
        prompt: `The op:// reference of the 1Password field that holds ${entry.key} (copy it from the item's field menu).`,
        placeholder: 'op://vault/item/field',
        password: false,
        validateLive: (value) => {
          if (value === '') return undefined;
          const parsed = parseReference(value.trim());
          return !parsed.ok ? parsed.message : parsed.value.kind === 'secret' ? 'Give a 1Password reference (op://… or op-env://…).' : undefined;
        },
        validateOnAccept: (value) => (value.trim() === '' ? 'Enter the reference (or press Escape to cancel).' : undefined),
      });
      if (reference === undefined) return result('cancelled', 'Import cancelled; nothing was stored or changed.');
      const still = await problem(credentialName, reference.trim());
      if (still !== undefined && !still.startsWith('A secret named')) return result('failed', still);
      choices.set(entry.key, { kind: 'op', name: credentialName, reference });
      chosenNames.add(credentialName);
    }

    const plan = planImport(entries, choices, name, (credential, source) => credentialNameTaken(existing, credential, source));
    if (!plan.ok) return result('failed', plan.message);
    if (plan.value.moves.length === 0) return result('nothing', `Nothing to move: every entry of ${name} stays in the file.`);

    let gitignoreOffered = false;
    const readBack = async (reference: SecretReference): Promise<ResolveOutcome> => {
      const store = reference.kind === 'secret' ? deps.store : deps.onePassword;
      const outcome = (await store.resolveAll([reference], new AbortController().signal)).get(reference.raw);
      return outcome ?? { ok: false, code: 'error', message: 'no answer from the store' };
    };
    const imported = await runImport(plan.value, text, scanner.parseDotenv, {
      store: (secretName, value) => deps.store.putSecret(secretName, value),
      readBack,
      writeCredentials: async (definitions) => {
        const current = configuration.inspect<unknown>(Settings.credentials)?.globalValue;
        const list = Array.isArray(current) ? (current as unknown[]) : [];
        await configuration.update(Settings.credentials, mergeCredentialDefinitions(list, definitions), vscode.ConfigurationTarget.Global);
      },
      chooseFileAction: async (canRewrite) => {
        const action = await askPick(deps.tracker, {
          title: `${title}: the values are safe in Airlock`,
          placeholder: `What should happen to ${name}?`,
          items: [
            ...(canRewrite ? [{ id: 'rewrite' as const, label: 'Replace the moved values with comments', detail: 'Kept entries stay; each moved line becomes "# KEY: moved into Airlock (reference)".' }] : []),
            { id: 'delete' as const, label: 'Delete the file', detail: 'Deleted for good (not to the trash, where the values would stay on disk).' },
            { id: 'keep' as const, label: 'Leave the file as it is', detail: 'The values stay in plaintext on disk.' },
          ],
        });
        return action ?? 'keep';
      },
      replaceFile: async (rewritten) => {
        // Never overwrite what the person did not see: the file must still be what was imported.
        const now = decoder.decode(await vscode.workspace.fs.readFile(uri));
        if (now !== text) throw new Error(`${name} changed while you chose; it was left as it is`);
        await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(rewritten));
      },
      deleteFile: () => Promise.resolve(vscode.workspace.fs.delete(uri, { useTrash: false })),
    });
    for (const entry of entries) entry.value.dispose();
    if (!imported.ok) return result('failed', imported.message);
    for (const stored of imported.value.stored) await auditSecretChange(deps.audit, deps.log, stored, 'stored');
    const moved = plan.value.moves.map((move) => move.definition.name);
    deps.log.info(`Imported ${moved.join(', ')} from ${uri.fsPath} (file: ${imported.value.file}).`);
    gitignoreOffered = await offerGitignore(deps, uri);
    return result('done', `moved ${moved.join(', ')} into Airlock and defined ${moved.length === 1 ? 'its credential' : 'their credentials'} in your user settings.${
      imported.value.file === 'rewrite' ? ` ${name} now has comments where the values were.` : imported.value.file === 'delete' ? ` ${name} was deleted.` : ''
    }`, { moved, file: imported.value.file, gitignore: gitignoreOffered });
  } finally {
    for (const entry of entries) entry.value.dispose();
  }
}

/** Offers to add the file to its folder's .gitignore; true when the line was added. */
async function offerGitignore(deps: EnvImportDeps, uri: vscode.Uri): Promise<boolean> {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (folder === undefined) return false;
  const relative = uri.path.slice(folder.uri.path.length).replace(/^\/+/, '');
  const gitignoreUri = vscode.Uri.joinPath(folder.uri, '.gitignore');
  let current = '';
  try {
    current = decoder.decode(await vscode.workspace.fs.readFile(gitignoreUri));
  } catch {
    current = '';
  }
  const line = gitignoreLineFor(current, relative);
  if (line === undefined) return false;
  const answer = await askPick(deps.tracker, {
    title: `Airlock: keep ${relative} out of git?`,
    placeholder: `Add "${line}" to .gitignore`,
    items: [
      { id: 'add', label: 'Add to .gitignore', detail: `Appends ${line} to ${folder.name}/.gitignore.` },
      { id: 'skip', label: 'Not now' },
    ],
  });
  if (answer !== 'add') return false;
  const separator = current === '' || current.endsWith('\n') ? '' : '\n';
  await vscode.workspace.fs.writeFile(gitignoreUri, new TextEncoder().encode(`${current}${separator}${line}\n`));
  return true;
}

const basename = (path: string): string => path.split('/').pop() ?? path;
