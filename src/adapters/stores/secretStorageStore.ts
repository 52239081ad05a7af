import type * as vscode from 'vscode';
import type { Log } from '../../core/log';
import { fail, ok } from '../../core/outcome';
import { STORE_LABELS, type SecretReference } from '../../core/secrets/reference';
import type { ResolveOutcome, SecretStore } from '../../core/secrets/store';
import { revealSecret, SecretValue } from '../../core/secrets/secretValue';

/** Namespace of Airlock's entries in SecretStorage, so they never collide with other keys it keeps. */
export const SECRET_KEY_PREFIX = 'airlock.secret.';

export const secretStorageKey = (name: string): string => `${SECRET_KEY_PREFIX}${name}`;

/**
 * The VS Code SecretStorage calls Airlock uses (the real `vscode.SecretStorage` satisfies it). `keys()`
 * arrived after the engine Airlock supports (1.101), so it is optional and probed at run time.
 */
export type SecretStorageLike = Pick<vscode.SecretStorage, 'get' | 'store' | 'delete'> & {
  readonly keys?: (() => Thenable<string[]>) | undefined;
};

/**
 * `secret:<NAME>` from VS Code SecretStorage (the OS keychain), under `airlock.secret.<NAME>`.
 * Contract: never throws; a missing secret is `not-found` with a message naming the command that adds it;
 * a SecretStorage failure is `error` without its details (they go to the log).
 */
export class SecretStorageStore implements SecretStore {
  readonly kinds = ['secret'] as const;
  readonly label = STORE_LABELS.secret;

  constructor(
    private readonly storage: SecretStorageLike,
    private readonly log: Log,
  ) {}

  async resolveAll(references: readonly SecretReference[], _signal: AbortSignal): Promise<ReadonlyMap<string, ResolveOutcome>> {
    const results = new Map<string, ResolveOutcome>();
    await Promise.all(
      references.map(async (reference) => {
        results.set(reference.raw, await this.resolveOne(reference));
      }),
    );
    return results;
  }

  private async resolveOne(reference: SecretReference): Promise<ResolveOutcome> {
    if (reference.kind !== 'secret') {
      return fail('invalid-reference', `VS Code SecretStorage cannot resolve ${reference.raw}.`);
    }
    let value: string | undefined;
    try {
      value = await this.storage.get(secretStorageKey(reference.name));
    } catch (error) {
      this.log.error(`SecretStorage could not read ${reference.raw}: ${error instanceof Error ? error.message : 'unknown error'}`);
      return fail('error', `VS Code SecretStorage could not read ${reference.raw}. Is the OS keychain available?`);
    }
    if (value === undefined || value === '') {
      return fail('not-found', `No secret named ${reference.name} is stored. Run "Airlock: Add Secret" to add it.`);
    }
    return ok(new SecretValue(value));
  }

  /** Stores (or replaces) a value. Only the person's own input reaches here (commands, secret entry). */
  async put(name: string, value: string): Promise<void> {
    await this.storage.store(secretStorageKey(name), value);
  }

  /**
   * Stores a value that arrived as a `SecretValue` (read from a `.env` file or a plaintext secret in the
   * workspace): the raw value goes from here to SecretStorage and nowhere else.
   */
  async putSecret(name: string, value: SecretValue): Promise<void> {
    await this.storage.store(secretStorageKey(name), revealSecret(value, 'store'));
  }

  async has(name: string): Promise<boolean> {
    return (await this.storage.get(secretStorageKey(name))) !== undefined;
  }

  async remove(name: string): Promise<void> {
    await this.storage.delete(secretStorageKey(name));
  }

  /** Names of the stored secrets (never their values), sorted; undefined where the host cannot list keys. */
  async names(): Promise<string[] | undefined> {
    if (typeof this.storage.keys !== 'function') return undefined;
    const keys = await this.storage.keys();
    return keys
      .filter((key) => key.startsWith(SECRET_KEY_PREFIX))
      .map((key) => key.slice(SECRET_KEY_PREFIX.length))
      .sort();
  }
}
