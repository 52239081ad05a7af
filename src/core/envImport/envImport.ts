import { fail, ok, type Outcome } from '../outcome';
import { validateCredentialName, validateEnvName } from '../secrets/envName';
import type { SecretReference } from '../secrets/reference';
import { parseReference } from '../secrets/referenceParser';
import { sameSecret, secretAppearsIn, SecretValue } from '../secrets/secretValue';
import type { ResolveOutcome } from '../secrets/store';

/**
 * Moving a `.env` file into Airlock: which entries go where, the credential definitions to write, the
 * rewritten file, and the order that loses nothing (every value stored and read back before the file is
 * touched). Pure: the adapter (src/adapters/vscode/envImport.ts) brings the parser, stores, settings and
 * file system. Values are `SecretValue`s from the moment the parser hands them over.
 */

/** A dotenv parser (the `dotenv` package's `parse`, loaded lazily): text in, key → raw value out. */
export type DotenvParse = (text: string) => Readonly<Record<string, string>>;

/** One `KEY=value` of the file. The value is a SecretValue from here on. */
export interface EnvEntry {
  readonly key: string;
  readonly value: SecretValue;
}

/** What the person chose for one entry. */
export type EntryChoice =
  | { readonly kind: 'keep' }
  | { readonly kind: 'secret'; readonly name: string }
  | { readonly kind: 'op'; readonly name: string; readonly reference: string };

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

export interface ImportPlan {
  readonly moves: readonly PlannedMove[];
  readonly kept: readonly string[];
}

export type PlanFailure = 'invalid-credential-name' | 'invalid-env-name' | 'reserved-env-name' | 'invalid-reference' | 'duplicate-name' | 'name-taken';

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
): Outcome<ImportPlan, PlanFailure> {
  const moves: PlannedMove[] = [];
  const kept: string[] = [];
  const names = new Set<string>();
  for (const entry of entries) {
    const choice = choices.get(entry.key) ?? { kind: 'keep' };
    if (choice.kind === 'keep') {
      kept.push(entry.key);
      continue;
    }
    const name = validateCredentialName(choice.name);
    if (!name.ok) return fail(name.code, `${entry.key}: ${name.message}`);
    if (names.has(choice.name)) return fail('duplicate-name', `Two entries would both become the credential ${choice.name}; give one of them another name.`);
    names.add(choice.name);
    const env = validateEnvName(entry.key);
    if (!env.ok) return fail(env.code, `${entry.key}: ${env.message}`);
    const raw = choice.kind === 'secret' ? `secret:${choice.name}` : choice.reference.trim();
    const reference = parseReference(raw);
    if (!reference.ok) return fail('invalid-reference', `${entry.key}: ${reference.message}`);
    if (choice.kind === 'op' && reference.value.kind === 'secret') {
      return fail('invalid-reference', `${entry.key}: a 1Password reference starts with op:// or op-env://.`);
    }
    if (taken(choice.name, reference.value.raw)) {
      return fail('name-taken', `A credential named ${choice.name} already exists in your user settings with another source; choose another name.`);
    }
    moves.push({
      key: entry.key,
      value: entry.value,
      reference: reference.value,
      definition: {
        name: choice.name,
        description: `Imported from ${file}`,
        ...(entry.key === choice.name ? {} : { env: entry.key }),
        source: reference.value.raw,
      },
    });
  }
  return ok({ moves, kept });
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
export function rewriteEnvFile(text: string, moves: readonly PlannedMove[], parse: DotenvParse): Outcome<string, 'verification-failed'> {
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
    return fail('verification-failed', 'Airlock could not replace the values with comments safely in this file, so it left the file as it was.');
  }
  return ok(rewritten);
}

// ── Committing: store every value, read each back, then (only then) touch settings and the file ─────

/** What runImport needs from the outside world. */
export interface ImportSteps {
  /** Writes a value to SecretStorage under `name`; may throw. */
  store(name: string, value: SecretValue): Promise<void>;
  /** Resolves a reference (SecretStorage or 1Password) to read a value back. */
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

export interface ImportReport {
  readonly stored: readonly string[];
  readonly referenced: readonly string[];
  readonly file: FileAction;
}

export type ImportFailure = 'store-failed' | 'read-back-failed' | 'settings-failed' | 'file-failed';

/**
 * Runs a plan so that a failure half-way loses nothing: every SecretStorage value is written and read
 * back, every 1Password reference is read and compared with the file's value, and only then are the
 * credential definitions written and the file changed (as the person chooses). A failure stops before
 * the file is touched and says which names were already stored. Messages name keys, never values.
 */
export async function runImport(plan: ImportPlan, originalText: string, parse: DotenvParse, steps: ImportSteps): Promise<Outcome<ImportReport, ImportFailure>> {
  const stored: string[] = [];
  const referenced: string[] = [];
  const sofar = (): string => (stored.length === 0 ? ' Nothing was stored.' : ` Already stored in SecretStorage: ${stored.join(', ')}.`) + ' The file was not changed.';
  for (const move of plan.moves) {
    if (move.reference.kind === 'secret') {
      try {
        await steps.store(move.reference.name, move.value);
      } catch {
        return fail('store-failed', `Could not store ${move.definition.name} in VS Code SecretStorage.${sofar()}`);
      }
      stored.push(move.definition.name);
    }
    const back = await steps.readBack(move.reference);
    if (!back.ok) return fail('read-back-failed', `Could not read ${move.definition.name} back from ${move.reference.raw}: ${back.message}${sofar()}`);
    const same = sameSecret(back.value, move.value);
    back.value.dispose();
    if (!same) {
      return fail(
        'read-back-failed',
        move.reference.kind === 'secret'
          ? `${move.definition.name} read back from SecretStorage differs from the file's value.${sofar()}`
          : `${move.reference.raw} holds a different value from ${move.key} in the file; check the reference.${sofar()}`,
      );
    }
    if (move.reference.kind !== 'secret') referenced.push(move.definition.name);
  }
  try {
    await steps.writeCredentials(plan.moves.map((move) => move.definition));
  } catch {
    return fail('settings-failed', `The values are stored, but Airlock could not write the credentials to your user settings.${sofar()}`);
  }
  if (plan.moves.length === 0) return ok({ stored, referenced, file: 'keep' });
  const rewritten = rewriteEnvFile(originalText, plan.moves, parse);
  const action = await steps.chooseFileAction(rewritten.ok);
  try {
    if (action === 'rewrite' && rewritten.ok) await steps.replaceFile(rewritten.value);
    else if (action === 'delete') await steps.deleteFile();
  } catch (error) {
    return fail('file-failed', `The values are stored and the credentials defined, but the file could not be changed: ${error instanceof Error ? error.message : 'unknown error'}`);
  }
  return ok({ stored, referenced, file: action === 'rewrite' && !rewritten.ok ? 'keep' : action });
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
