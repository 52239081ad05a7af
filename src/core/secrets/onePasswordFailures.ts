import { fail, type Failure } from '../outcome';
import type { StoreFailureCode } from './store';

/**
 * Maps what the 1Password SDK reports into typed store failures. Pure: the adapter
 * (src/adapters/stores/onePasswordStore.ts) tells which SDK error class it caught; this module reads the
 * message only to pick a code. The returned message is written here, for a person and an agent alike; it
 * never repeats the SDK's text, which can name accounts, vaults or paths.
 */

/** The SDK's typed error classes (src/errors.ts in @1password/sdk), as the adapter identified them. */
export type OnePasswordErrorClass = 'auth-expired' | 'desktop-session-expired' | 'rate-limited' | 'other';

export type OnePasswordFailure = Failure<StoreFailureCode>;

const SETUP_HINT = 'Run "Airlock: Connect 1Password" to set it up again.';

/** Ordered: the first matching rule wins (e.g. "desktop application not found" is not an item). */
const MESSAGE_RULES: readonly (readonly [RegExp, () => OnePasswordFailure])[] = [
  [
    /native library is not available|desktop application not found|failed to send message to desktop app|integrations? is (?:not )?enabled|integration setting/i,
    () =>
      fail(
        'app-not-found',
        'The 1Password desktop app was not found, or its SDK integration is turned off. Install and open 1Password, ' +
          'turn on Settings → Developer → "Integrate with other apps", then try again.',
      ),
  ],
  [/\blocked\b/i, () => fail('locked', '1Password is locked. Unlock the 1Password app, then try again.')],
  [/rate limit/i, () => rateLimited()],
  [
    /token had invalid format|invalid service account token|service account deserialization/i,
    () => fail('not-configured', `The 1Password service-account token is malformed. ${SETUP_HINT}`),
  ],
  [
    /bad service account token|not authenticated|unauthori[sz]ed|auth(?:entication)? expired|session expired/i,
    () => authExpired(),
  ],
  [
    /error sending request|fetch failed|network|connection (?:refused|reset|aborted)|host unreachable|dns|ENOTFOUND|ECONNREFUSED|ECONNRESET|EAI_AGAIN/i,
    () => fail('offline', '1Password could not be reached: the network looks unreachable. Check the connection, then try again.'),
  ],
  [/request timeout|timed out/i, () => fail('timeout', '1Password did not answer in time. Try again in a moment.')],
  [
    /permission/i,
    () => fail('not-found', 'The 1Password account has no access to that vault or item. Check the vault permissions.'),
  ],
  [/resource not found|not found/i, () => fail('not-found', 'The 1Password item, field or vault was not found.')],
  [
    /secret reference|parsing/i,
    () => fail('invalid-reference', 'The 1Password secret reference is not valid. Use "op://Vault/Item/field".'),
  ],
];

function rateLimited(): OnePasswordFailure {
  return fail('rate-limited', '1Password is rate-limiting requests. Wait a minute, then try again.');
}

function authExpired(): OnePasswordFailure {
  return fail('auth-expired', `The 1Password sign-in has expired or was revoked. ${SETUP_HINT}`);
}

/**
 * Classifies an error thrown by the SDK (client creation or a call). Contract: the result names no
 * value and none of the SDK's own text.
 */
export function classifyOnePasswordError(errorClass: OnePasswordErrorClass, message: string): OnePasswordFailure {
  switch (errorClass) {
    case 'auth-expired':
      return authExpired();
    case 'desktop-session-expired':
      return fail('auth-expired', 'The 1Password desktop-app session expired. Unlock 1Password and approve Airlock again, then retry.');
    case 'rate-limited':
      return rateLimited();
    case 'other':
      break;
  }
  for (const [pattern, failure] of MESSAGE_RULES) if (pattern.test(message)) return failure();
  return fail('error', '1Password returned an error. See the Airlock output channel for details, then try again.');
}

/**
 * Classifies one reference's error from `secrets.resolveAll` (the SDK's `ResolveReferenceError.type`),
 * naming the reference (never a value).
 */
export function classifyReferenceError(type: string, reference: string): OnePasswordFailure {
  switch (type) {
    case 'parsing':
      return fail('invalid-reference', `${reference} is not a valid 1Password secret reference. Use "op://Vault/Item/field".`);
    case 'vaultNotFound':
      return fail('not-found', `The vault in ${reference} was not found, or the account has no access to it.`);
    case 'itemNotFound':
      return fail('not-found', `The item in ${reference} was not found in its vault.`);
    case 'fieldNotFound':
    case 'noMatchingSections':
      return fail('not-found', `The field (or section) in ${reference} was not found in its item.`);
    case 'tooManyVaults':
    case 'tooManyItems':
    case 'tooManyMatchingFields':
      return fail(
        'invalid-reference',
        `${reference} matches more than one ${type === 'tooManyVaults' ? 'vault' : type === 'tooManyItems' ? 'item' : 'field'}; use the unique ID instead of the name.`,
      );
    default:
      return fail('error', `1Password could not resolve ${reference} (${sanitizeType(type)}).`);
  }
}

/** The error `type` is an SDK enum tag; keep it only if it looks like one. */
function sanitizeType(type: string): string {
  return /^[A-Za-z]{1,64}$/.test(type) ? type : 'unknown error';
}
