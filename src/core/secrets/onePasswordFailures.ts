import { plainL10n, type L10n } from '../../shared/l10n';
import { fail, type Failure } from '../outcome';
import type { StoreFailureCode } from './store';

/**
 * Maps what the 1Password SDK reports into typed store failures. Pure: the adapter
 * (src/adapters/stores/onePasswordStore.ts) tells which SDK error class it caught; this module reads the
 * message only to pick a code. The returned message is written here, for a person and an agent alike; it
 * never repeats the SDK's text, which can name accounts, vaults or paths. It is English by default (what
 * a run's failure tells the agent); what the person sees (Connect 1Password, the .env import) passes their
 * translator.
 */

/** The SDK's typed error classes (src/errors.ts in @1password/sdk), as the adapter identified them. */
export type OnePasswordErrorClass = 'auth-expired' | 'desktop-session-expired' | 'rate-limited' | 'other';

export type OnePasswordFailure = Failure<StoreFailureCode>;

/** Ordered: the first matching rule wins (e.g. "desktop application not found" is not an item). */
const MESSAGE_RULES: readonly (readonly [RegExp, (l10n: L10n) => OnePasswordFailure])[] = [
  [
    /native library is not available|desktop application not found|failed to send message to desktop app|integrations? is (?:not )?enabled|integration setting/i,
    (l10n) =>
      fail(
        'app-not-found',
        l10n.t('The 1Password desktop app was not found, or its SDK integration is turned off. Install and open 1Password, turn on Settings → Developer → "Integrate with other apps", then try again.'),
      ),
  ],
  [/\blocked\b/i, (l10n) => fail('locked', l10n.t('1Password is locked. Unlock the 1Password app, then try again.'))],
  [/rate limit/i, (l10n) => rateLimited(l10n)],
  [
    /token had invalid format|invalid service account token|service account deserialization/i,
    (l10n) => fail('not-configured', l10n.t('The 1Password service-account token is malformed. Run "Airlock: Connect 1Password" to set it up again.')),
  ],
  [
    /bad service account token|not authenticated|unauthori[sz]ed|auth(?:entication)? expired|session expired/i,
    (l10n) => authExpired(l10n),
  ],
  [
    /error sending request|fetch failed|network|connection (?:refused|reset|aborted)|host unreachable|dns|ENOTFOUND|ECONNREFUSED|ECONNRESET|EAI_AGAIN/i,
    (l10n) => fail('offline', l10n.t('1Password could not be reached: the network looks unreachable. Check the connection, then try again.')),
  ],
  [/request timeout|timed out/i, (l10n) => fail('timeout', l10n.t('1Password did not answer in time. Try again in a moment.'))],
  [
    /permission/i,
    (l10n) => fail('not-found', l10n.t('The 1Password account has no access to that vault or item. Check the vault permissions.')),
  ],
  [/resource not found|not found/i, (l10n) => fail('not-found', l10n.t('The 1Password item, field or vault was not found.'))],
  [
    /secret reference|parsing/i,
    (l10n) => fail('invalid-reference', l10n.t('The 1Password secret reference is not valid. Use "{0}".', 'op://Vault/Item/field')),
  ],
];

function rateLimited(l10n: L10n): OnePasswordFailure {
  return fail('rate-limited', l10n.t('1Password is rate-limiting requests. Wait a minute, then try again.'));
}

function authExpired(l10n: L10n): OnePasswordFailure {
  return fail('auth-expired', l10n.t('The 1Password sign-in has expired or was revoked. Run "Airlock: Connect 1Password" to set it up again.'));
}

/**
 * Classifies an error thrown by the SDK (client creation or a call). Contract: the result names no
 * value and none of the SDK's own text.
 */
export function classifyOnePasswordError(errorClass: OnePasswordErrorClass, message: string, l10n: L10n = plainL10n): OnePasswordFailure {
  switch (errorClass) {
    case 'auth-expired':
      return authExpired(l10n);
    case 'desktop-session-expired':
      return fail('auth-expired', l10n.t('The 1Password desktop-app session expired. Unlock 1Password and approve Airlock again, then retry.'));
    case 'rate-limited':
      return rateLimited(l10n);
    case 'other':
      break;
  }
  for (const [pattern, failure] of MESSAGE_RULES) if (pattern.test(message)) return failure(l10n);
  return fail('error', l10n.t('1Password returned an error. See the Airlock output channel for details, then try again.'));
}

/**
 * Classifies one reference's error from `secrets.resolveAll` (the SDK's `ResolveReferenceError.type`),
 * naming the reference (never a value).
 */
export function classifyReferenceError(type: string, reference: string, l10n: L10n = plainL10n): OnePasswordFailure {
  switch (type) {
    case 'parsing':
      return fail('invalid-reference', l10n.t('{0} is not a valid 1Password secret reference. Use "{1}".', reference, 'op://Vault/Item/field'));
    case 'vaultNotFound':
      return fail('not-found', l10n.t('The vault in {0} was not found, or the account has no access to it.', reference));
    case 'itemNotFound':
      return fail('not-found', l10n.t('The item in {0} was not found in its vault.', reference));
    case 'fieldNotFound':
    case 'noMatchingSections':
      return fail('not-found', l10n.t('The field (or section) in {0} was not found in its item.', reference));
    case 'tooManyVaults':
      return fail('invalid-reference', l10n.t('{0} matches more than one vault; use the unique ID instead of the name.', reference));
    case 'tooManyItems':
      return fail('invalid-reference', l10n.t('{0} matches more than one item; use the unique ID instead of the name.', reference));
    case 'tooManyMatchingFields':
      return fail('invalid-reference', l10n.t('{0} matches more than one field; use the unique ID instead of the name.', reference));
    default:
      return fail('error', l10n.t('1Password could not resolve {0} ({1}).', reference, sanitizeType(type)));
  }
}

/** The error `type` is an SDK enum tag; keep it only if it looks like one. */
function sanitizeType(type: string): string {
  return /^[A-Za-z]{1,64}$/.test(type) ? type : 'unknown error';
}
