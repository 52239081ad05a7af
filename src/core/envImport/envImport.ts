import { fail, ok, type Failure, type Outcome } from '../outcome';
import { validateCredentialName, validateEnvName } from '../secrets/envName';
import type { SecretReference } from '../secrets/reference';
import { parseReference } from '../secrets/referenceParser';
import { sameSecret, secretAppearsIn, SecretValue } from '../secrets/secretValue';
import type { ResolveOutcome, StoreFailureCode } from '../secrets/store';
import { plainL10n, type L10n } from '../../shared/l10n';

/**
 * Moving a `.env` file into Airlock: which entries go where, the credential definitions to write, the
 * rewritten file, and the order that loses nothing (every value stored and read back before the file is
 * touched). Pure: the adapter (src/adapters/vscode/envImport.ts) brings the parser, stores, settings and
 * file system. Values are `SecretValue`s from the moment the parser hands them over. Every message is
 * for the person (translated through the injected `L10n`) and names keys, names and references, never values.
 */

/** A dotenv parser (the `dotenv` package's `parse`, loaded lazily): text in, key → raw value out. */
export type DotenvParse = (text: string) => Readonly<Record<string, string>>;

/** One `KEY=value` of the file. The value is a SecretValue from here on. */
export interface EnvEntry {
  readonly key: string;
  readonly value: SecretValue;
}

/** A 1Password vault the person picked to create an item in (its id builds the reference; the title is shown). */
export interface OnePasswordVault {
  readonly id: string;
  readonly title: string;
}

/** What the person chose for one entry. */
export type EntryChoice =
  | { readonly kind: 'keep' }
  | { readonly kind: 'secret'; readonly name: string }
  | { readonly kind: 'op'; readonly name: string; readonly reference: string }
  | { readonly kind: 'op-create'; readonly name: string; readonly vault: OnePasswordVault; readonly title: string };

/** A credential as written to `airlock.credentials` in user settings: names and a reference, never a value. */
export interface CredentialDefinition {
  readonly name: string;
  readonly description: string;
  readonly env?: string;
  readonly source: string;
}

/** One entry that moves, with its parsed source and the definition it becomes. */
export interface PlannedMove {
  readonly key: string;
  readonly value: SecretValue;
  readonly reference: SecretReference;
  readonly definition: CredentialDefinition;
}

/**
 * One entry whose value goes into a new 1Password item: its reference (hence its definition's source) is
 * known only once the item exists, so runImport turns it into a PlannedMove after creating it.
 */
export interface PlannedCreation {
  readonly key: string;
  readonly value: SecretValue;
  readonly vault: OnePasswordVault;
  readonly title: string;
  /** The concealed field's label in the item (the env key, so the person recognises it in 1Password). */
  readonly field: string;
  readonly definition: Omit<CredentialDefinition, 'source'>;
}

export interface ImportPlan {
  /** Entries whose reference is known: SecretStorage, or an existing 1Password reference. */
  readonly moves: readonly PlannedMove[];
  /** Entries Airlock creates a 1Password item for (after every move is stored and checked). */
  readonly creations: readonly PlannedCreation[];
  readonly kept: readonly string[];
}

export type PlanFailure = 'invalid-credential-name' | 'invalid-env-name' | 'reserved-env-name' | 'invalid-reference' | 'duplicate-name' | 'name-taken' | 'invalid-item-title';

/** Longest item title Airlock proposes or accepts (1Password takes longer ones; a title is not a place for prose). */
export const MAX_ITEM_TITLE_LENGTH = 200;

/** The item title Airlock proposes for `key` of a file in `folder`: "<folder> <KEY>", trimmed to the limit. */
export function suggestItemTitle(folder: string | undefined, key: string): string {
  const title = folder === undefined || folder.trim() === '' ? key : `${folder.trim()} ${key}`;
  return title.slice(0, MAX_ITEM_TITLE_LENGTH);
}

/** Why an item title is refused, or undefined: not empty, not too long, no control characters. */
export function itemTitleProblem(title: string, l10n: L10n = plainL10n): string | undefined {
  if (title.trim() === '') return l10n.t('Enter a title for the 1Password item.');
  if (title.length > MAX_ITEM_TITLE_LENGTH) return l10n.t('The title is longer than {0} characters.', MAX_ITEM_TITLE_LENGTH);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(title)) return l10n.t('The title may not hold control characters (a line break, a tab…).');
  return undefined;
}

/**
 * Reads the entries of a `.env` text with `parse`. Empty values are left out (nothing to protect). Keys
 * come back in file order.
 */
export function readEnvEntries(text: string, parse: DotenvParse): EnvEntry[] {
  const parsed = parse(text);
  return Object.keys(parsed)
    .filter((key) => (parsed[key] ?? '') !== '')
    .map((key) => ({ key, value: new SecretValue(parsed[key] ?? '') }));
}

/** A credential name for an env key: upper case, other characters as "_", starting with a letter. */
export function suggestCredentialName(key: string): string {
  let name = key.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  if (!/^[A-Z]/.test(name)) name = `ENV_${name}`.replace(/^ENV__+/, 'ENV_');
  return name.slice(0, 64);
}

/**
 * Turns the person's choices into a plan. Refuses (with a message naming the key, never a value) a
 * credential name that is invalid or used twice, a name `taken` already (a credential in user settings
 * with another source), an env key a credential may not set (`PATH`, `NODE_OPTIONS`, …) and a malformed
 * `op://` reference.
 */
export function planImport(
  entries: readonly EnvEntry[],
  choices: ReadonlyMap<string, EntryChoice>,
  file: string,
  taken: (name: string, source: string) => boolean = () => false,
  l10n: L10n = plainL10n,
): Outcome<ImportPlan, PlanFailure> {
  const moves: PlannedMove[] = [];
  const creations: PlannedCreation[] = [];
  const kept: string[] = [];
  const names = new Set<string>();
  for (const entry of entries) {
    const choice = choices.get(entry.key) ?? { kind: 'keep' };
    if (choice.kind === 'keep') {
      kept.push(entry.key);
      continue;
    }
    const name = validateCredentialName(choice.name, l10n);
    if (!name.ok) return fail(name.code, l10n.t('{0}: {1}', entry.key, name.message));
    if (names.has(choice.name)) return fail('duplicate-name', l10n.t('Two entries would both become the credential {0}; give one of them another name.', choice.name));
    names.add(choice.name);
    const env = validateEnvName(entry.key, l10n);
    if (!env.ok) return fail(env.code, l10n.t('{0}: {1}', entry.key, env.message));
    // English on purpose, like "Found in …" (Move into Airlock): a settings value is written once and read
    // in any language, by people and by agents reading settings.json.
    const description = `Imported from ${file}`;
    if (choice.kind === 'op-create') {
      const problem = itemTitleProblem(choice.title, l10n);
      if (problem !== undefined) return fail('invalid-item-title', l10n.t('{0}: {1}', entry.key, problem));
      // A new item's reference cannot be any existing source, so any credential of this name blocks it.
      if (taken(choice.name, '')) {
        return fail('name-taken', l10n.t('A credential named {0} already exists in your user settings with another source; choose another name.', choice.name));
      }
      creations.push({
        key: entry.key,
        value: entry.value,
        vault: choice.vault,
        title: choice.title,
        field: entry.key,
        definition: { name: choice.name, description, ...(entry.key === choice.name ? {} : { env: entry.key }) },
      });
      continue;
    }
    const raw = choice.kind === 'secret' ? `secret:${choice.name}` : choice.reference.trim();
    const reference = parseReference(raw);
    if (!reference.ok) return fail('invalid-reference', `${entry.key}: ${reference.message}`);
    if (choice.kind === 'op' && reference.value.kind === 'secret') {
      return fail('invalid-reference', l10n.t('{0}: a 1Password reference starts with op:// or op-env://.', entry.key));
    }
    if (taken(choice.name, reference.value.raw)) {
      return fail('name-taken', l10n.t('A credential named {0} already exists in your user settings with another source; choose another name.', choice.name));
    }
    moves.push({
      key: entry.key,
      value: entry.value,
      reference: reference.value,
      definition: {
        name: choice.name,
        description,
        ...(entry.key === choice.name ? {} : { env: entry.key }),
        source: reference.value.raw,
      },
    });
  }
  return ok({ moves, creations, kept });
}

/**
 * `existing` (the user's `airlock.credentials`) with the plan's definitions added; a definition already
 * present with the same name and source is not added twice. Entries Airlock does not understand stay.
 */
export function mergeCredentialDefinitions(existing: readonly unknown[], definitions: readonly CredentialDefinition[]): unknown[] {
  const sameAs = (item: unknown, definition: CredentialDefinition): boolean =>
    typeof item === 'object' && item !== null && (item as { name?: unknown }).name === definition.name && (item as { source?: unknown }).source === definition.source;
  return [...existing, ...definitions.filter((definition) => !existing.some((item) => sameAs(item, definition)))];
}

/** Whether an existing user credential blocks `name` (same name, another source). */
export function credentialNameTaken(existing: readonly unknown[], name: string, source: string): boolean {
  return existing.some((item) => {
    if (typeof item !== 'object' || item === null) return false;
    const record = item as { name?: unknown; source?: unknown };
    return record.name === name && record.source !== source;
  });
}

// ── Rewriting the file ────────────────────────────────────────────────────────────────────────────────

const ASSIGNMENT = /^(\s*)(?:export\s+)?([\w.-]+)\s*(?:=|:\s)/;

/**
 * The file with each moved entry's line(s) replaced by a comment naming where the value went. A quoted
 * value that spans lines is replaced whole. The result is then *proved* with the parser: every moved key
 * is gone, every kept key has exactly its old value, and no moved value (nor any line of one) is left in
 * the text; otherwise nothing is returned (`verification-failed`) and the caller offers only to delete or
 * keep the file.
 */
export function rewriteEnvFile(text: string, moves: readonly PlannedMove[], parse: DotenvParse, l10n: L10n = plainL10n): Outcome<string, 'verification-failed'> {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  const byKey = new Map(moves.map((move) => [move.key, move]));
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const match = ASSIGNMENT.exec(line);
    const move = match ? byKey.get(match[2] ?? '') : undefined;
    if (!match || !move) {
      out.push(line);
      continue;
    }
    // A value opened by a quote and not closed on this line continues until the line that closes it.
    const rest = line.slice(match[0].length).trimStart();
    const quote = rest[0];
    if (quote === '"' || quote === "'" || quote === '`') {
      const closes = (segment: string): boolean => new RegExp(`(^|[^\\\\])${quote === '`' ? '`' : quote}`).test(segment);
      if (!closes(rest.slice(1))) {
        while (i + 1 < lines.length && !closes(lines[i + 1] ?? '')) i++;
        if (i + 1 < lines.length) i++;
      }
    }
    out.push(`${match[1] ?? ''}# ${move.key}: moved into Airlock (${move.definition.source})`);
  }
  const rewritten = out.join(eol);
  const before = parse(text);
  const after = parse(rewritten);
  const movedKeys = new Set(moves.map((move) => move.key));
  const keptSame = Object.keys(before).every((key) => movedKeys.has(key) || after[key] === before[key]);
  const noneLeft = moves.every((move) => after[move.key] === undefined && !secretAppearsIn(move.value, rewritten));
  const nothingNew = Object.keys(after).every((key) => key in before);
  if (!keptSame || !noneLeft || !nothingNew) {
    return fail('verification-failed', l10n.t('Airlock could not replace the values with comments safely in this file, so it left the file as it was.'));
  }
  return ok(rewritten);
}

// ── Creating 1Password items ───────────────────────────────────────────────────────────────────────

/** Why 1Password did not list vaults or create an item: a store failure, or a refusal to write there. */
export type OnePasswordWriteFailure = StoreFailureCode | 'read-only';

/**
 * What to tell the person when 1Password refuses to list vaults or create an item: their words for the
 * cause and what to do, never the SDK's text (which may quote the request, value included).
 */
export function onePasswordWriteMessage(code: OnePasswordWriteFailure, l10n: L10n = plainL10n, creating = false): string {
  // The request may have reached 1Password before the answer was lost: the item may exist after all.
  if (creating && (code === 'offline' || code === 'timeout' || code === 'error')) {
    return l10n.t('{0} The item may have been created anyway: look in the vault before you import again.', onePasswordWriteMessage(code, l10n));
  }
  switch (code) {
    case 'read-only':
      return l10n.t('1Password refused to create the item: this account may only read that vault (a service account can be given read-only access). Choose another vault, or another place for this value.');
    case 'not-found':
      return l10n.t('1Password refused: this account cannot see that vault, or may not create items in it. Choose another vault, or another place for this value.');
    case 'not-configured':
      return l10n.t('1Password is not connected. Run "Airlock: Connect 1Password", then import again.');
    case 'app-not-found':
      return l10n.t('The 1Password desktop app was not found, or its SDK integration is turned off (Settings → Developer → "Integrate with other apps").');
    case 'locked':
      return l10n.t('1Password is locked. Unlock the 1Password app, then try again.');
    case 'auth-expired':
      return l10n.t('The 1Password sign-in has expired. Run "Airlock: Connect 1Password" again, then import again.');
    case 'rate-limited':
      return l10n.t('1Password is rate-limiting requests. Wait a minute, then try again.');
    case 'offline':
      return l10n.t('1Password could not be reached: the network looks unreachable.');
    case 'timeout':
      return l10n.t('1Password did not answer in time. Try again in a moment.');
    case 'invalid-reference':
    case 'error':
      return l10n.t('1Password returned an error. Its details are not shown or logged: they may quote what was sent.');
  }
}

// ── Committing: store every value, read each back, then (only then) touch settings and the file ─────

/** Why a 1Password item could not be created, in the person's words (never the SDK's text, never the value). */
export type CreateItemOutcome = Outcome<string, string>;

/** What runImport needs from the outside world. */
export interface ImportSteps {
  /** Writes a value to SecretStorage under `name`; may throw. */
  store(name: string, value: SecretValue): Promise<void>;
  /**
   * Creates a 1Password item titled `title` in `vault` with one concealed field labelled `field` holding
   * `value`, and answers its `op://` reference (built from the ids 1Password returned). Never throws.
   */
  createItem(vault: OnePasswordVault, title: string, field: string, value: SecretValue): Promise<CreateItemOutcome>;
  /** Resolves a reference (SecretStorage or 1Password) to read a value back, as a run would. */
  readBack(reference: SecretReference): Promise<ResolveOutcome>;
  /** Adds the definitions to the user's `airlock.credentials`. */
  writeCredentials(definitions: readonly CredentialDefinition[]): Promise<void>;
  /** Asks what to do with the file once everything is stored. */
  chooseFileAction(canRewrite: boolean): Promise<FileAction>;
  /** Replaces the file's text; refuses (throws) if the file changed since it was read. */
  replaceFile(text: string): Promise<void>;
  deleteFile(): Promise<void>;
}

export type FileAction = 'rewrite' | 'delete' | 'keep';

/** A 1Password item Airlock created: which credential, in which vault, under which reference. */
export interface CreatedItem {
  readonly name: string;
  readonly key: string;
  readonly vault: string;
  readonly title: string;
  readonly reference: string;
}

/** What exists where after an import (or after a failed one): names and references, never values. */
export interface ImportState {
  /** Credential names whose values were written to SecretStorage. */
  readonly stored: readonly string[];
  /** Credential names that point at an existing 1Password reference (nothing was written there). */
  readonly referenced: readonly string[];
  /** 1Password items Airlock created. */
  readonly created: readonly CreatedItem[];
}

export interface ImportReport extends ImportState {
  readonly file: FileAction;
  /** Every credential defined in user settings (moves, then creations), as written. */
  readonly definitions: readonly CredentialDefinition[];
}

export type ImportFailure = 'store-failed' | 'create-failed' | 'read-back-failed' | 'settings-failed' | 'file-failed';

/** A failed import, with what it had already put where (the person is told; the adapter audits it). */
export type ImportFailed = Failure<ImportFailure> & { readonly state: ImportState };

/**
 * Runs a plan so that a failure half-way loses nothing: every SecretStorage value is written and read
 * back, every existing 1Password reference is read and compared with the file's value, then every new
 * 1Password item is created and read back through the same resolution a run uses, and only then are
 * the credential definitions written and the file changed (as the person chooses). A failure stops
 * before the file is touched and says what was already stored or created where. Messages name keys,
 * names and references, never values.
 *
 * Items are created last so that a refusal elsewhere (a reference that holds another value, a locked
 * keychain) stops the import before anything is written to 1Password. An item Airlock created is not
 * deleted when a later step fails: deleting is a second 1Password write that fails for the same reasons
 * the import did (offline, locked, rate-limited, a service account allowed to create but not delete), so
 * a rollback could not be promised anyway; the item holds exactly the file's value, which is still in
 * the untouched file, so nothing is lost or exposed beyond the vault the person chose; and the failure
 * names each item and its reference, so the person can reuse it ("Use an existing 1Password item") on
 * the next try or delete it in 1Password.
 */
export async function runImport(
  plan: ImportPlan,
  originalText: string,
  parse: DotenvParse,
  steps: ImportSteps,
  l10n: L10n = plainL10n,
): Promise<Outcome<ImportReport, ImportFailure> | ImportFailed> {
  const stored: string[] = [];
  const referenced: string[] = [];
  const created: CreatedItem[] = [];
  const state = (): ImportState => ({ stored: [...stored], referenced: [...referenced], created: [...created] });
  const sofar = (): string => {
    const parts: string[] = [];
    if (stored.length > 0) parts.push(l10n.t('Already stored in SecretStorage: {0}.', stored.join(', ')));
    if (created.length > 0) {
      parts.push(l10n.t('Already created in 1Password (delete them there, or reuse them with "Use an existing 1Password item"): {0}.',
        created.map((item) => l10n.t('{0} in vault {1} as {2}', item.name, item.vault, item.reference)).join('; ')));
    }
    if (parts.length === 0) parts.push(l10n.t('Nothing was stored.'));
    parts.push(l10n.t('The file was not changed.'));
    return ` ${parts.join(' ')}`;
  };
  const failed = (code: ImportFailure, message: string): ImportFailed => ({ ...fail(code, `${message}${sofar()}`), state: state() });
  const settled: PlannedMove[] = [];

  /** Reads `move` back as a run would and compares it with the file's value; a failure message or undefined. */
  const check = async (move: PlannedMove, createdHere: boolean): Promise<string | undefined> => {
    const back = await steps.readBack(move.reference);
    if (!back.ok) return l10n.t('Could not read {0} back from {1}: {2}', move.definition.name, move.reference.raw, back.message);
    const same = sameSecret(back.value, move.value);
    back.value.dispose();
    if (same) return undefined;
    if (move.reference.kind === 'secret') return l10n.t('{0} read back from SecretStorage differs from the file\'s value.', move.definition.name);
    return createdHere
      ? l10n.t('The 1Password item created for {0} ({1}) reads back a different value from {2} in the file.', move.definition.name, move.reference.raw, move.key)
      : l10n.t('{0} holds a different value from {1} in the file; check the reference.', move.reference.raw, move.key);
  };

  for (const move of plan.moves) {
    if (move.reference.kind === 'secret') {
      try {
        await steps.store(move.reference.name, move.value);
      } catch {
        return failed('store-failed', l10n.t('Could not store {0} in VS Code SecretStorage.', move.definition.name));
      }
      stored.push(move.definition.name);
    }
    const problem = await check(move, false);
    if (problem !== undefined) return failed('read-back-failed', problem);
    if (move.reference.kind !== 'secret') referenced.push(move.definition.name);
    settled.push(move);
  }

  for (const creation of plan.creations) {
    const item = await steps.createItem(creation.vault, creation.title, creation.field, creation.value);
    if (!item.ok) {
      return failed('create-failed', l10n.t('Could not create a 1Password item for {0} in vault {1}: {2}', creation.definition.name, creation.vault.title, item.message));
    }
    const reference = parseReference(item.value);
    if (!reference.ok || reference.value.kind !== 'op') {
      // Not expected from the adapter; said plainly rather than written to settings.
      return failed('create-failed', l10n.t('1Password created an item for {0}, but Airlock could not build a valid reference to it.', creation.definition.name));
    }
    created.push({ name: creation.definition.name, key: creation.key, vault: creation.vault.title, title: creation.title, reference: reference.value.raw });
    const move: PlannedMove = { key: creation.key, value: creation.value, reference: reference.value, definition: { ...creation.definition, source: reference.value.raw } };
    const problem = await check(move, true);
    if (problem !== undefined) return failed('read-back-failed', problem);
    settled.push(move);
  }

  const definitions = settled.map((move) => move.definition);
  try {
    await steps.writeCredentials(definitions);
  } catch {
    return failed('settings-failed', l10n.t('The values are stored, but Airlock could not write the credentials to your user settings.'));
  }
  if (settled.length === 0) return ok({ ...state(), definitions, file: 'keep' });
  const rewritten = rewriteEnvFile(originalText, settled, parse, l10n);
  const action = await steps.chooseFileAction(rewritten.ok);
  try {
    if (action === 'rewrite' && rewritten.ok) await steps.replaceFile(rewritten.value);
    else if (action === 'delete') await steps.deleteFile();
  } catch (error) {
    // File-system errors name paths, never values (the adapter's own errors say "changed while you chose").
    return {
      ...fail('file-failed', l10n.t('The values are stored and the credentials defined, but the file could not be changed: {0}', error instanceof Error ? error.message : 'unknown error')),
      state: state(),
    };
  }
  return ok({ ...state(), definitions, file: action === 'rewrite' && !rewritten.ok ? 'keep' : action });
}

// ── .gitignore ────────────────────────────────────────────────────────────────────────────────────────

/**
 * The line to append to a `.gitignore` so it ignores `relativePath` (a path inside the folder, with "/"),
 * or undefined when a line already names it exactly (as `path`, `/path`, or its base name). Not a full
 * gitignore matcher: a broader pattern the person wrote (`.env*`) is recognised only in those forms.
 */
export function gitignoreLineFor(gitignore: string, relativePath: string): string | undefined {
  const path = relativePath.replace(/^\/+/, '');
  const base = path.split('/').pop() ?? path;
  const lines = gitignore.split(/\r?\n/).map((line) => line.trim());
  const covered = lines.some((line) => line === path || line === `/${path}` || line === base || (line === '.env*' && base.startsWith('.env')) || (line === '*.env' && base.endsWith('.env')));
  return covered ? undefined : `/${path}`;
}
