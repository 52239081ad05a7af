import * as vscode from 'vscode';
import { Settings } from '../../shared/ids';
import type { OnePasswordAuth, OnePasswordAuthSource } from './onePasswordStore';
import type { SecretStorageLike } from './secretStorageStore';

/** SecretStorage key of the service-account token (outside `airlock.secret.*`: never a `secret:` reference). */
export const SERVICE_ACCOUNT_TOKEN_KEY = 'airlock.onePassword.serviceAccountToken';

/** `airlock.onePassword.account` from the person's user settings only (application scope). */
export function configuredAccount(): string | undefined {
  const value = vscode.workspace.getConfiguration().inspect<unknown>(Settings.onePasswordAccount)?.globalValue;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** `airlock.onePassword.timeoutSeconds` (user settings only), in milliseconds. */
export function configuredTimeoutMs(): number {
  const value = vscode.workspace.getConfiguration().inspect<unknown>(Settings.onePasswordTimeoutSeconds)?.globalValue;
  const seconds = typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 600 ? value : 30;
  return seconds * 1000;
}

/**
 * A stored service-account token wins; otherwise the desktop app for the configured account; otherwise
 * not connected. The token is read from SecretStorage at each sign-in and kept nowhere else.
 */
export function onePasswordAuthSource(secrets: SecretStorageLike): OnePasswordAuthSource {
  return {
    async current(): Promise<OnePasswordAuth | undefined> {
      const token = await secrets.get(SERVICE_ACCOUNT_TOKEN_KEY);
      if (token !== undefined && token !== '') return { kind: 'service-account', token };
      const account = configuredAccount();
      return account === undefined ? undefined : { kind: 'desktop', account };
    },
  };
}
