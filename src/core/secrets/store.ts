import type { Failure } from '../outcome';
import type { ReferenceKind, SecretReference } from './reference';
import type { SecretValue } from './secretValue';

/** Why a store could not give a value. Each has a human message that names no value. */
export type StoreFailureCode =
  | 'not-found' //          the item, field, vault or secret does not exist
  | 'not-configured' //     e.g. 1Password chosen but no account or service-account token set up
  | 'app-not-found' //      1Password desktop app missing or its SDK integration disabled
  | 'locked' //             the store (or desktop app) is locked
  | 'auth-expired' //       token or desktop session expired
  | 'rate-limited'
  | 'offline' //            network unreachable
  | 'timeout' //            no answer within the store timeout
  | 'invalid-reference'
  | 'error'; //             anything else (message carries no details that could leak)

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
