import type { StoreFailureCode } from '../errorCodes';
import type { Failure } from '../outcome';
import type { ReferenceKind, SecretReference } from './reference';
import type { SecretValue } from './secretValue';

export type { StoreFailureCode };

export type ResolveOutcome = { readonly ok: true; readonly value: SecretValue } | Failure<StoreFailureCode>;

/**
 * A source of secret values. Implementations live in src/adapters/stores; adding a store (Vault, AWS,
 * Bitwarden) is one new file that implements this and registers its reference kind.
 *
 * Contract: never throws for an expected failure; never puts a value in a message; honours `signal`.
 */
export interface SecretStore {
  /** The reference kinds this store resolves. */
  readonly kinds: readonly ReferenceKind[];
  /** A short human label for consent cards and errors, e.g. "VS Code SecretStorage", "1Password". */
  readonly label: string;
  /** Resolves every reference in one call; the map is keyed by `reference.raw`. */
  resolveAll(references: readonly SecretReference[], signal: AbortSignal): Promise<ReadonlyMap<string, ResolveOutcome>>;
}
