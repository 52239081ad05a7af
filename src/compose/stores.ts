import * as vscode from 'vscode';
import { holdServiceAccountToken, onePasswordAuthSource, releaseServiceAccountToken, SERVICE_ACCOUNT_TOKEN_KEY } from '../adapters/stores/onePasswordAuth';
import { loadBundledOnePasswordSdk, OnePasswordStore, type OnePasswordSdk } from '../adapters/stores/onePasswordStore';
import { SecretStorageStore } from '../adapters/stores/secretStorageStore';
import { registerEnvImport } from '../adapters/vscode/envImport';
import { registerSecretCommands } from '../adapters/vscode/secretCommands';
import { registerSecretScan } from '../adapters/vscode/secretScan';
import { PromptTracker, VscodeSecretEntry } from '../adapters/vscode/secretEntry';
import { requestSecretEntryTool } from '../core/mcp/tools/requestSecretEntry';
import type { OwnSecrets } from '../core/redaction/ownSecrets';
import { StoreRouter } from '../core/secrets/storeRouter';
import { storesFacet } from '../testFacet/facets';
import type { AuditFeature } from './audit';
import type { Base, Contribution } from './feature';
import type { PolicyFeature } from './policy';

export interface StoresFeature extends Contribution {
  /** Every store behind one router: the run path resolves a grant's references through it. */
  readonly stores: StoreRouter;
}

/**
 * Stores: SecretStorage (default) and 1Password (SDK loaded on first use), the secret commands and
 * request_secret_entry. Adding a store: one file, one line here.
 */
export function composeStores(base: Base, { policy, audit }: Pick<PolicyFeature, 'policy'> & Pick<AuditFeature, 'audit'>, own: OwnSecrets): StoresFeature {
  const { context, log, clock } = base;
  const onePasswordSettings = () => policy.current().onePassword;
  const secretStore = new SecretStorageStore(context.secrets, log);
  // Test build only: the integration tier swaps in a fake SDK (1Password cannot be reached from CI).
  const sdkOverride: { sdk?: OnePasswordSdk | undefined } = {};
  const onePassword = new OnePasswordStore({
    loadSdk: AIRLOCK_TEST_FACET && base.testMode ? () => (sdkOverride.sdk !== undefined ? Promise.resolve(sdkOverride.sdk) : loadBundledOnePasswordSdk()) : loadBundledOnePasswordSdk,
    auth: onePasswordAuthSource(context.secrets, () => onePasswordSettings().account, own),
    log,
    clock,
    integrationVersion: String(context.extension.packageJSON?.version ?? 'dev'),
  });
  const stores = new StoreRouter([{ store: secretStore }, { store: onePassword, timeoutMs: () => onePasswordSettings().timeoutSeconds * 1000 }], clock, log);
  const prompts = new PromptTracker();
  const secretEntryTool = requestSecretEntryTool({ entry: new VscodeSecretEntry(secretStore, prompts, log), log, audit });

  // Whether a service-account token is stored (not the token): for Show Status, kept current on change.
  const tokenState = { present: false };
  const refreshTokenState = async () => {
    const token = await context.secrets.get(SERVICE_ACCOUNT_TOKEN_KEY);
    tokenState.present = token !== undefined;
    // Held (scrubbed everywhere) from the moment Airlock knows of it, not only once it signs in.
    if (token !== undefined && token !== '') holdServiceAccountToken(own, token);
    else releaseServiceAccountToken(own);
  };
  void refreshTokenState();
  let account = onePasswordSettings().account;
  return {
    stores,
    tools: [secretEntryTool],
    disposables: [
      registerSecretCommands({ store: secretStore, secrets: context.secrets, onePassword, tracker: prompts, log, audit, onePasswordSettings, own }),
      registerEnvImport({ store: secretStore, onePassword, stores, tracker: prompts, log, audit }),
      registerSecretScan({ store: secretStore, tracker: prompts, log, audit }),
      policy.onDidChange((current) => {
        if (current.onePassword.account !== account) onePassword.forget();
        account = current.onePassword.account;
      }),
      context.secrets.onDidChange((event) => {
        if (event.key !== SERVICE_ACCOUNT_TOKEN_KEY) return;
        onePassword.forget();
        void refreshTokenState();
      }),
    ],
    status: [
      () => {
        const { account: configured, timeoutSeconds } = onePasswordSettings();
        const mode = tokenState.present ? vscode.l10n.t('service account') : configured === undefined ? vscode.l10n.t('not connected') : vscode.l10n.t('desktop app (account {0})', configured);
        return vscode.l10n.t('Stores: VS Code SecretStorage; 1Password: {0}, timeout {1} s.', mode, timeoutSeconds);
      },
    ],
    testFacet: AIRLOCK_TEST_FACET && base.testMode ? storesFacet({ router: stores, secretStorage: secretStore, onePassword, prompts, secretEntryTool }, own, (sdk) => {
      sdkOverride.sdk = sdk;
      onePassword.forget();
    }) : undefined,
  };
}
