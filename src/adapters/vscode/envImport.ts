import * as vscode from 'vscode';
import type { AuditSink, EnvImportEvent } from '../../core/audit/events';
import {
  credentialNameTaken, itemTitleProblem, mergeCredentialDefinitions, onePasswordWriteMessage, planImport, readEnvEntries, runImport, suggestCredentialName,
  suggestItemTitle, gitignoreLineFor, type CreatedItem, type CredentialDefinition, type EntryChoice, type FileAction, type ImportState, type OnePasswordVault,
} from '../../core/envImport/envImport';
import { fail } from '../../core/outcome';
import type { OnePasswordStore } from '../stores/onePasswordStore';
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
import { vscodeL10n } from './l10n';

export interface EnvImportDeps {
  readonly store: SecretStorageStore;
  /** 1Password: whether it is connected, its vaults, and creating an item (the SDK, loaded lazily). */
  readonly onePassword: Pick<OnePasswordStore, 'connected' | 'listVaults' | 'createItem'>;
  /** Every store behind the router a run resolves through: values are read back exactly as a run would. */
  readonly stores: SecretStore;
  readonly tracker: PromptTracker;
  readonly log: Log;
  readonly audit?: AuditSink;
}

/** What Import did; returned for tests, told to the person in messages. Names and references only, never values. */
export interface EnvImportResult {
  readonly outcome: 'done' | 'cancelled' | 'failed' | 'nothing';
  readonly moved: readonly string[];
  /** 1Password items Airlock created (also after a failure: they exist and the person was told where). */
  readonly created: readonly CreatedItem[];
  readonly file: FileAction;
  readonly gitignore: boolean;
  readonly message: string;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/** Translates through VS Code (the core takes this as its L10n). */
const l10n = vscodeL10n;

/**
 * **Airlock: Import .env File…** (Command Palette, Explorer context menu on `.env*`, and a code action in
 * the file). Each entry: keep, move to SecretStorage, create a 1Password item (when 1Password is
 * connected), or point at an existing 1Password reference. Every value is stored (or its item created)
 * and read back before settings or the file change (src/core/envImport/envImport.ts).
 */
export function registerEnvImport(deps: EnvImportDeps): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(Commands.importEnvFile, async (arg?: unknown) => {
      try {
        return await importEnvFile(deps, arg);
      } catch (error) {
        // Store, settings and file-system errors name keys and paths, never values (the 1Password store
        // never throws and keeps the SDK's text out of its outcomes).
        deps.log.error(`Import .env failed: ${error instanceof Error ? error.message : 'unknown error'}`);
        void vscode.window.showErrorMessage(vscode.l10n.t('Airlock: Import .env failed. See the Airlock output channel.'));
        return { outcome: 'failed', moved: [], created: [], file: 'keep', gitignore: false, message: 'failed' } satisfies EnvImportResult;
      }
    }),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file', pattern: '**/{.env,.env.*,*.env}' }, {
      provideCodeActions(document) {
        const action = new vscode.CodeAction(vscode.l10n.t('Move this file\'s values into Airlock…'), vscode.CodeActionKind.Refactor.append('airlock'));
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
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: vscode.l10n.t('Import into Airlock'), title: vscode.l10n.t('Airlock: Import .env File') });
  return picked?.[0];
}

type Where = 'secret' | 'op-create' | 'op' | 'keep';

async function importEnvFile(deps: EnvImportDeps, arg: unknown): Promise<EnvImportResult> {
  const result = (outcome: EnvImportResult['outcome'], message: string, extra: Partial<EnvImportResult> = {}): EnvImportResult => {
    if (outcome === 'failed') void vscode.window.showErrorMessage(vscode.l10n.t('Airlock: {0}', message));
    else if (outcome !== 'cancelled') void vscode.window.showInformationMessage(vscode.l10n.t('Airlock: {0}', message));
    return { outcome, moved: [], created: [], file: 'keep', gitignore: false, message, ...extra };
  };
  const cancelled = (): EnvImportResult => result('cancelled', vscode.l10n.t('Import cancelled; nothing was stored or changed.'));
  const uri = await pickFile(arg);
  if (uri === undefined) return result('cancelled', vscode.l10n.t('Cancelled.'));
  const name = basename(uri.path);
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
  if (open?.isDirty === true) return result('failed', vscode.l10n.t('{0} has unsaved changes; save it first, then import.', name));
  const text = decoder.decode(await vscode.workspace.fs.readFile(uri));
  // Never overwrite or delete what the person did not see: the file must still be what was imported.
  const unchangedSinceImport = async (): Promise<void> => {
    if (decoder.decode(await vscode.workspace.fs.readFile(uri)) !== text) throw new Error(vscode.l10n.t('{0} changed while you chose; it was left as it is', name));
  };
  const scanner = await loadSecretScanner();
  const entries = readEnvEntries(text, scanner.parseDotenv);
  if (entries.length === 0) return result('nothing', vscode.l10n.t('{0} holds no values to import.', name));

  const configuration = vscode.workspace.getConfiguration();
  const existingValue = configuration.inspect<unknown>(Settings.credentials)?.globalValue;
  const existing = Array.isArray(existingValue) ? (existingValue as unknown[]) : [];
  const choices = new Map<string, EntryChoice>();
  const chosenNames = new Set<string>();
  const title = vscode.l10n.t('Airlock: Import {0}', name);
  const folderName = vscode.workspace.getWorkspaceFolder(uri)?.name;
  // Offered only when 1Password is connected; dropped for the rest of the import once it refuses to list vaults.
  let canCreate = await deps.onePassword.connected();
  let vaults: readonly OnePasswordVault[] | undefined;
  let lastVault: string | undefined;
  try {
    for (const [index, entry] of entries.entries()) {
      const suggested = suggestCredentialName(entry.key);
      let where: Where | undefined;
      let vault: OnePasswordVault | undefined;
      while (where === undefined) {
        const picked = await askPick<Where>(deps.tracker, {
          title: vscode.l10n.t('{0} ({1}/{2}): {3}', title, index + 1, entries.length, entry.key),
          placeholder: vscode.l10n.t('Where should {0} ({1}) go?', entry.key, maskSecret(entry.value.length, vscodeL10n)),
          items: [
            { id: 'secret', label: vscode.l10n.t('Move to VS Code SecretStorage'), detail: vscode.l10n.t('Stored in the OS keychain as secret:{0}; agents ask for {0}, you approve each use.', suggested) },
            ...(canCreate ? [{ id: 'op-create' as const, label: vscode.l10n.t('Create a 1Password item'), detail: vscode.l10n.t('Airlock creates an item holding {0} in a vault you choose, and reads it back before changing the file.', entry.key) }] : []),
            { id: 'op', label: vscode.l10n.t('Use an existing 1Password item'), detail: vscode.l10n.t('Name its op:// reference; Airlock checks it holds the same value before changing the file.') },
            { id: 'keep', label: vscode.l10n.t('Keep in the file'), detail: vscode.l10n.t('Not a secret (a port, a URL…): leave it where it is.') },
          ],
        });
        if (picked === undefined) return cancelled();
        if (picked !== 'op-create') {
          where = picked;
          break;
        }
        if (vaults === undefined) {
          const listed = await deps.onePassword.listVaults(vscodeL10n);
          if (!listed.ok) {
            // Said in the person's words, then the other choices are offered again for this entry.
            canCreate = false;
            void vscode.window.showWarningMessage(vscode.l10n.t('Airlock: could not list your 1Password vaults. {0}', onePasswordWriteMessage(listed.code, l10n)));
            continue;
          }
          vaults = listed.value;
        }
        if (vaults.length === 0) {
          canCreate = false;
          void vscode.window.showWarningMessage(vscode.l10n.t('Airlock: this 1Password account sees no vault to create an item in.'));
          continue;
        }
        const ordered = [...vaults].sort((a, b) => (a.id === lastVault ? -1 : b.id === lastVault ? 1 : 0));
        const vaultId = await askPick(deps.tracker, {
          title: vscode.l10n.t('{0}: 1Password vault for {1}', title, entry.key),
          placeholder: vscode.l10n.t('The vault to create the item in (Escape: back to the choices for {0})', entry.key),
          items: ordered.map((candidate) => ({ id: candidate.id, label: candidate.title })),
        });
        vault = vaults.find((candidate) => candidate.id === vaultId);
        if (vault !== undefined) where = 'op-create';
      }
      if (where === 'keep') {
        choices.set(entry.key, { kind: 'keep' });
        continue;
      }
      const problem = async (value: string, source: string): Promise<string | undefined> => {
        const checked = validateCredentialName(value, vscodeL10n);
        if (!checked.ok) return checked.message;
        if (chosenNames.has(value)) return vscode.l10n.t('{0} is already used by another entry of this file.', value);
        if (credentialNameTaken(existing, value, source)) return vscode.l10n.t('A credential named {0} already exists in your user settings.', value);
        if (source.startsWith('secret:') && (await deps.store.has(value))) return vscode.l10n.t('A secret named {0} is already stored; choose another name (or remove it first).', value);
        return undefined;
      };
      // A new item's reference is not known yet: any credential of this name in user settings blocks it.
      const sourceFor = (credential: string): string => (where === 'secret' ? `secret:${credential}` : '');
      let credentialName = suggested;
      if ((where === 'secret' || where === 'op-create') && (await problem(suggested, sourceFor(suggested))) !== undefined) {
        const typed = await askInput(deps.tracker, {
          title: vscode.l10n.t('{0}: name for {1}', title, entry.key),
          prompt: (await problem(suggested, sourceFor(suggested))) ?? vscode.l10n.t('Credential name'),
          placeholder: 'DEPLOY_TOKEN',
          password: false,
          validateLive: (value) => (value === '' ? undefined : validateCredentialName(value).ok ? undefined : vscode.l10n.t('Upper-case letters, digits and "_", starting with a letter.')),
          validateOnAccept: (value) => (value === '' ? vscode.l10n.t('Enter a name (or press Escape to cancel).') : undefined),
        });
        if (typed === undefined) return cancelled();
        const still = await problem(typed, sourceFor(typed));
        if (still !== undefined) return result('failed', still);
        credentialName = typed;
      }
      if (where === 'secret') {
        choices.set(entry.key, { kind: 'secret', name: credentialName });
        chosenNames.add(credentialName);
        continue;
      }
      if (where === 'op-create' && vault !== undefined) {
        const itemTitle = await askInput(deps.tracker, {
          title: vscode.l10n.t('{0}: title of the new 1Password item for {1}', title, entry.key),
          prompt: vscode.l10n.t('Created in vault {0} with one concealed field, {1}.', vault.title, entry.key),
          value: suggestItemTitle(folderName, entry.key),
          password: false,
          validateLive: (value) => (value === '' ? undefined : itemTitleProblem(value, l10n)),
          validateOnAccept: (value) => itemTitleProblem(value, l10n),
        });
        if (itemTitle === undefined) return cancelled();
        lastVault = vault.id;
        choices.set(entry.key, { kind: 'op-create', name: credentialName, vault, title: itemTitle });
        chosenNames.add(credentialName);
        continue;
      }
      const reference = await askInput(deps.tracker, {
        title: vscode.l10n.t('{0}: 1Password reference for {1}', title, entry.key),
        prompt: vscode.l10n.t('The op:// reference of the 1Password field that holds {0} (copy it from the item\'s field menu).', entry.key),
        // eslint-disable-next-line no-restricted-syntax -- the reference syntax, the same in every language
        placeholder: 'op://vault/item/field',
        password: false,
        validateLive: (value) => {
          if (value === '') return undefined;
          const parsed = parseReference(value.trim(), vscodeL10n);
          return !parsed.ok ? parsed.message : parsed.value.kind === 'secret' ? vscode.l10n.t('Give a 1Password reference (op://… or op-env://…).') : undefined;
        },
        validateOnAccept: (value) => (value.trim() === '' ? vscode.l10n.t('Enter the reference (or press Escape to cancel).') : undefined),
      });
      if (reference === undefined) return cancelled();
      const still = await problem(credentialName, reference.trim());
      if (still !== undefined) return result('failed', still);
      choices.set(entry.key, { kind: 'op', name: credentialName, reference });
      chosenNames.add(credentialName);
    }

    const plan = planImport(entries, choices, name, (credential, source) => credentialNameTaken(existing, credential, source), l10n);
    if (!plan.ok) return result('failed', plan.message);
    if (plan.value.moves.length + plan.value.creations.length === 0) return result('nothing', vscode.l10n.t('Nothing to move: every entry of {0} stays in the file.', name));

    let gitignoreOffered = false;
    const readBack = async (reference: SecretReference): Promise<ResolveOutcome> => {
      const outcome = (await deps.stores.resolveAll([reference], new AbortController().signal)).get(reference.raw);
      return outcome ?? { ok: false, code: 'error', message: 'no answer from the store' };
    };
    const imported = await runImport(plan.value, text, scanner.parseDotenv, {
      store: (secretName, value) => deps.store.putSecret(secretName, value),
      createItem: async (vault, itemTitle, field, value) => {
        const created = await deps.onePassword.createItem(vault.id, itemTitle, field, value, vscodeL10n);
        return created.ok ? created : fail(created.code, onePasswordWriteMessage(created.code, l10n, true));
      },
      readBack,
      writeCredentials: async (definitions) => {
        const current = configuration.inspect<unknown>(Settings.credentials)?.globalValue;
        const list = Array.isArray(current) ? (current as unknown[]) : [];
        await configuration.update(Settings.credentials, mergeCredentialDefinitions(list, definitions), vscode.ConfigurationTarget.Global);
      },
      chooseFileAction: async (canRewrite) => {
        const action = await askPick(deps.tracker, {
          title: vscode.l10n.t('{0}: the values are safe in Airlock', title),
          placeholder: vscode.l10n.t('What should happen to {0}?', name),
          items: [
            ...(canRewrite ? [{ id: 'rewrite' as const, label: vscode.l10n.t('Replace the moved values with comments'), detail: vscode.l10n.t('Kept entries stay; each moved line becomes "# KEY: moved into Airlock (reference)".') }] : []),
            { id: 'delete' as const, label: vscode.l10n.t('Delete the file'), detail: vscode.l10n.t('Deleted for good (not to the trash, where the values would stay on disk).') },
            { id: 'keep' as const, label: vscode.l10n.t('Leave the file as it is'), detail: vscode.l10n.t('The values stay in plaintext on disk.') },
          ],
        });
        return action ?? 'keep';
      },
      replaceFile: async (rewritten) => {
        await unchangedSinceImport();
        await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(rewritten));
      },
      deleteFile: async () => {
        await unchangedSinceImport();
        await vscode.workspace.fs.delete(uri, { useTrash: false });
      },
    }, l10n);
    for (const entry of entries) entry.value.dispose();
    if (!imported.ok) {
      const state = 'state' in imported ? imported.state : undefined;
      if (state !== undefined) await auditImport(deps, name, 'failed', placedOf(state, []));
      if (state !== undefined && state.created.length > 0) {
        deps.log.warn(`Import .env stopped after creating 1Password items: ${state.created.map((item) => `${item.name} (${item.reference})`).join(', ')}.`);
      }
      if (imported.code === 'create-failed') {
        // 1Password refused: the file is untouched, so the person can start over and choose otherwise for
        // that entry (another vault, SecretStorage, an existing item). Not awaited: the command returns now.
        const again = vscode.l10n.t('Choose again');
        void vscode.window.showErrorMessage(vscode.l10n.t('Airlock: {0}', imported.message), again).then((picked) => {
          if (picked === again) void vscode.commands.executeCommand(Commands.importEnvFile, uri);
        });
        return { outcome: 'failed', moved: [], created: state?.created ?? [], file: 'keep', gitignore: false, message: imported.message };
      }
      return result('failed', imported.message, { created: state?.created ?? [] });
    }
    for (const stored of imported.value.stored) await auditSecretChange(deps.audit, deps.log, stored, 'stored');
    await auditImport(deps, name, 'imported', placedOf(imported.value, imported.value.definitions));
    const moved = imported.value.definitions.map((definition) => definition.name);
    deps.log.info(`Imported ${moved.join(', ')} from ${uri.fsPath} (file: ${imported.value.file}${
      imported.value.created.length > 0 ? `; created in 1Password: ${imported.value.created.map((item) => `${item.name} ${item.reference}`).join(', ')}` : ''}).`);
    gitignoreOffered = await offerGitignore(deps, uri);
    const where = imported.value.created.length === 0 ? '' : ` ${vscode.l10n.t('Created in 1Password: {0}.', imported.value.created.map((item) => vscode.l10n.t('{0} in vault {1}', item.name, item.vault)).join(', '))}`;
    const fileNote = imported.value.file === 'rewrite' ? ` ${vscode.l10n.t('{0} now has comments where the values were.', name)}` : imported.value.file === 'delete' ? ` ${vscode.l10n.t('{0} was deleted.', name)}` : '';
    return result('done', `${moved.length === 1
      ? vscode.l10n.t('moved {0} into Airlock and defined its credential in your user settings.', moved.join(', '))
      : vscode.l10n.t('moved {0} into Airlock and defined their credentials in your user settings.', moved.join(', '))}${where}${fileNote}`,
    { moved, created: imported.value.created, file: imported.value.file, gitignore: gitignoreOffered });
  } finally {
    for (const entry of entries) entry.value.dispose();
  }
}

/** Where each credential of an import went (names and references only), for the audit. */
function placedOf(state: ImportState, definitions: readonly CredentialDefinition[]): EnvImportEvent['placed'] {
  const created = new Map(state.created.map((item) => [item.name, item.reference]));
  const placed: EnvImportEvent['placed'][number][] = state.stored.map((name) => ({ name, store: 'secret', reference: `secret:${name}`, created: false }));
  for (const item of state.created) placed.push({ name: item.name, store: 'op', reference: item.reference, created: true });
  for (const definition of definitions) {
    if (created.has(definition.name) || state.stored.includes(definition.name)) continue;
    const kind = parseReference(definition.source);
    placed.push({ name: definition.name, store: kind.ok ? kind.value.kind : 'op', reference: definition.source, created: false });
  }
  return placed;
}

async function auditImport(deps: EnvImportDeps, file: string, outcome: EnvImportEvent['outcome'], placed: EnvImportEvent['placed']): Promise<void> {
  try {
    await deps.audit?.append({ type: 'env-import', file, outcome, credentials: placed.map((p) => p.name), placed });
  } catch {
    deps.log.warn(`Could not audit the import of ${file}.`);
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
    title: vscode.l10n.t('Airlock: keep {0} out of git?', relative),
    placeholder: vscode.l10n.t('Add "{0}" to .gitignore', line),
    items: [
      { id: 'add', label: vscode.l10n.t('Add to .gitignore'), detail: vscode.l10n.t('Appends {0} to {1}/.gitignore.', line, folder.name) },
      { id: 'skip', label: vscode.l10n.t('Not now') },
    ],
  });
  if (answer !== 'add') return false;
  const separator = current === '' || current.endsWith('\n') ? '' : '\n';
  await vscode.workspace.fs.writeFile(gitignoreUri, new TextEncoder().encode(`${current}${separator}${line}\n`));
  return true;
}

const basename = (path: string): string => path.split('/').pop() ?? path;
