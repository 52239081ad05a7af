import type { OwnSecrets } from '../../core/redaction/ownSecrets';
import type { SecretValue } from '../../core/secrets/secretValue';
import type { OnePasswordAuth, OnePasswordAuthSource } from './onePasswordStore';
import type { SecretStorageLike } from './secretStorageStore';

/** SecretStorage key of the service-account token (outside `airlock.secret.*`: never a `secret:` reference). */
export const SERVICE_ACCOUNT_TOKEN_KEY = 'airlock.onePassword.serviceAccountToken';

/** The name a slipped service-account token is scrubbed to. */
const HELD_NAME = 'onepassword-service-account-token';

/** Holds a service-account token (read from SecretStorage or just pasted) as a scrubbed SecretValue. */
export function holdServiceAccountToken(own: OwnSecrets, raw: string): SecretValue {
  return own.hold(HELD_NAME, raw);
}

/** Stops holding the service-account token (it was removed from SecretStorage). */
export function releaseServiceAccountToken(own: OwnSecrets): void {
  own.release(HELD_NAME);
}

/**
 * A stored service-account token wins; otherwise the desktop app for `account()` (the parsed policy's
 * `onePassword.account`, user settings only); otherwise not connected. The token is read from SecretStorage
 * at each sign-in, as a SecretValue held in OwnSecrets (scrubbed from every surface) until it is replaced.
 */
export function onePasswordAuthSource(secrets: SecretStorageLike, account: () => string | undefined, own: OwnSecrets): OnePasswordAuthSource {
  return {
    async current(): Promise<OnePasswordAuth | undefined> {
      const token = await secrets.get(SERVICE_ACCOUNT_TOKEN_KEY);
      if (token !== undefined && token !== '') return { kind: 'service-account', token: holdServiceAccountToken(own, token) };
      releaseServiceAccountToken(own);
      const configured = account();
      return configured === undefined ? undefined : { kind: 'desktop', account: configured };
    },
  };
}
