import * as vscode from 'vscode';
import type { AuditSink } from '../../core/audit/events';
import type { Log } from '../../core/log';
import { validateCredentialName } from '../../core/secrets/envName';
import { vscodeL10n } from './l10n';
import { Commands, Settings } from '../../shared/ids';
import type { OwnSecrets } from '../../core/redaction/ownSecrets';
import { holdServiceAccountToken, SERVICE_ACCOUNT_TOKEN_KEY } from '../stores/onePasswordAuth';
import type { OnePasswordStore } from '../stores/onePasswordStore';
import type { SecretStorageLike, SecretStorageStore } from '../stores/secretStorageStore';
import { askInput, askPick, askSecretValue, auditSecretChange, offerCredentialEntry, type PromptTracker } from './secretEntry';

export interface SecretCommandDeps {
  readonly store: SecretStorageStore;
  readonly secrets: SecretStorageLike;
  readonly onePassword: OnePasswordStore;
  readonly tracker: PromptTracker;
  readonly log: Log;
  readonly audit?: AuditSink;
  /** The parsed policy's `onePassword` (user settings only): the account and the sign-in timeout. */
  readonly onePasswordSettings: () => { readonly account: string | undefined; readonly timeoutSeconds: number };
  /** Where a pasted service-account token is held (scrubbed from every surface) while it is checked and kept. */
  readonly own: OwnSecrets;
}

/**
 * **Airlock: Add / Update / Remove Secret** and **Connect / Disconnect 1Password**. Values and tokens go
 * from a masked input straight to SecretStorage; they are never logged, shown or passed as arguments
 * (a command may take a secret's *name* as its argument, never a value).
 */
export function registerSecretCommands(deps: SecretCommandDeps): vscode.Disposable {
  // `what` names the command in the (English) log; `label` is the same name for the person.
  const run = (what: string, label: string, action: (arg: unknown) => Promise<void>) => async (arg: unknown) => {
    try {
      await action(arg);
    } catch (error) {
      // SecretStorage or settings failures: their messages name keys and paths, not values.
      deps.log.error(`${what} failed: ${error instanceof Error ? error.message : 'unknown error'}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Airlock: {0} failed. See the Airlock output channel.', label));
    }
  };
  return vscode.Disposable.from(
    vscode.commands.registerCommand(Commands.addSecret, run('Add Secret', vscode.l10n.t('Add Secret'), (arg) => addSecret(deps, arg))),
    vscode.commands.registerCommand(Commands.updateSecret, run('Update Secret', vscode.l10n.t('Update Secret'), (arg) => updateSecret(deps, arg))),
    vscode.commands.registerCommand(Commands.removeSecret, run('Remove Secret', vscode.l10n.t('Remove Secret'), (arg) => removeSecret(deps, arg))),
    vscode.commands.registerCommand(Commands.connectOnePassword, run('Connect 1Password', vscode.l10n.t('Connect 1Password'), () => connectOnePassword(deps))),
    vscode.commands.registerCommand(Commands.disconnectOnePassword, run('Disconnect 1Password', vscode.l10n.t('Disconnect 1Password'), () => disconnectOnePassword(deps))),
  );
}

const nameProblem = (value: string): string | undefined => {
  const checked = validateCredentialName(value, vscodeL10n);
  return checked.ok ? undefined : checked.message;
};

async function askName(deps: SecretCommandDeps, title: string, arg: unknown): Promise<string | undefined> {
  if (typeof arg === 'string' && nameProblem(arg) === undefined) return arg;
  return askInput(deps.tracker, {
    title,
    prompt: vscode.l10n.t('Name of the secret (upper case letters, digits and "_"), e.g. DEPLOY_TOKEN'),
    placeholder: 'DEPLOY_TOKEN',
    password: false,
    validateLive: (value) => (value === '' ? undefined : nameProblem(value)),
    validateOnAccept: (value) => (value === '' ? vscode.l10n.t('Enter a name (or press Escape to cancel).') : undefined),
  });
}

/** Picks one of the stored names, or asks for a name where the host cannot list SecretStorage keys. */
async function pickStoredName(deps: SecretCommandDeps, title: string, arg: unknown): Promise<string | undefined> {
  if (typeof arg === 'string' && nameProblem(arg) === undefined) return arg;
  const names = await deps.store.names();
  if (names === undefined) return askName(deps, title, undefined);
  if (names.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Airlock: no secrets are stored yet. Run "Airlock: Add Secret" first.'));
    return undefined;
  }
  return askPick(deps.tracker, {
    title,
    placeholder: vscode.l10n.t('Which secret?'),
    items: names.map((name) => ({ id: name, label: name, description: `secret:${name}` })),
  });
}

async function addSecret(deps: SecretCommandDeps, arg: unknown): Promise<void> {
  const title = vscode.l10n.t('Airlock: Add Secret');
  const name = await askName(deps, title, arg);
  if (name === undefined) return;
  if (await deps.store.has(name)) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Airlock: a secret named {0} already exists. Use "Airlock: Update Secret" to replace its value.', name));
    return;
  }
  const value = await askSecretValue(deps.tracker, { title, prompt: vscode.l10n.t('Value for {0}', name) });
  if (value === undefined) return;
  await deps.store.put(name, value);
  await auditSecretChange(deps.audit, deps.log, name, 'stored');
  deps.log.info(`Stored secret ${name} in SecretStorage.`);
  await offerCredentialEntry(deps.tracker, deps.log, { name, description: '' });
  void vscode.window.showInformationMessage(vscode.l10n.t('Airlock: stored {0} in VS Code SecretStorage (reference: {1}).', name, `secret:${name}`));
}

async function updateSecret(deps: SecretCommandDeps, arg: unknown): Promise<void> {
  const title = vscode.l10n.t('Airlock: Update Secret');
  const name = await pickStoredName(deps, title, arg);
  if (name === undefined) return;
  if (!(await deps.store.has(name))) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Airlock: no secret named {0} is stored. Use "Airlock: Add Secret".', name));
    return;
  }
  const value = await askSecretValue(deps.tracker, { title, prompt: vscode.l10n.t('New value for {0} (replaces the stored one)', name) });
  if (value === undefined) return;
  await deps.store.put(name, value);
  await auditSecretChange(deps.audit, deps.log, name, 'updated');
  deps.log.info(`Updated secret ${name} in SecretStorage.`);
  void vscode.window.showInformationMessage(vscode.l10n.t('Airlock: updated {0}. Grants already running keep the value they started with.', name));
}

async function removeSecret(deps: SecretCommandDeps, arg: unknown): Promise<void> {
  const title = vscode.l10n.t('Airlock: Remove Secret');
  const name = await pickStoredName(deps, title, arg);
  if (name === undefined) return;
  if (!(await deps.store.has(name))) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Airlock: no secret named {0} is stored.', name));
    return;
  }
  const confirm = await askPick(deps.tracker, {
    title,
    placeholder: vscode.l10n.t('Remove {0} from VS Code SecretStorage? This cannot be undone.', name),
    items: [
      { id: 'cancel', label: vscode.l10n.t('Cancel') },
      { id: 'remove', label: vscode.l10n.t('Remove {0}', name), detail: vscode.l10n.t('Credentials whose source is {0} stop working until it is added again.', `secret:${name}`) },
    ],
  });
  if (confirm !== 'remove') return;
  await deps.store.remove(name);
  await auditSecretChange(deps.audit, deps.log, name, 'removed');
  deps.log.info(`Removed secret ${name} from SecretStorage.`);
  void vscode.window.showInformationMessage(vscode.l10n.t('Airlock: removed {0}.', name));
}

async function connectOnePassword(deps: SecretCommandDeps): Promise<void> {
  const title = vscode.l10n.t('Airlock: Connect 1Password');
  const mode = await askPick(deps.tracker, {
    title,
    placeholder: vscode.l10n.t('How should Airlock sign in to 1Password?'),
    items: [
      {
        id: 'desktop',
        label: vscode.l10n.t('Desktop app'),
        detail: vscode.l10n.t('The 1Password app asks you to approve (biometric unlock). Needs "Integrate with other apps" turned on in 1Password.'),
      },
      { id: 'service-account', label: vscode.l10n.t('Service account token'), detail: vscode.l10n.t('For a dedicated service account; the token is kept in VS Code SecretStorage.') },
    ],
  });
  if (mode === undefined) return;
  const timeoutMs = deps.onePasswordSettings().timeoutSeconds * 1000;

  if (mode === 'desktop') {
    const previous = deps.onePasswordSettings().account;
    const account = await askInput(deps.tracker, {
      title,
      prompt: vscode.l10n.t('Your 1Password account name as shown at the top of the app\'s sidebar (or its sign-in address or ID)'),
      // eslint-disable-next-line no-restricted-syntax -- an example address, the same in every language
      placeholder: 'my.1password.com',
      password: false,
      ...(previous === undefined ? {} : { value: previous }),
      validateOnAccept: (value) => (value.trim() === '' ? vscode.l10n.t('Enter the account name.') : value.length > 256 ? vscode.l10n.t('At most 256 characters.') : undefined),
    });
    if (account === undefined) return;
    await vscode.workspace.getConfiguration().update(Settings.onePasswordAccount, account.trim(), vscode.ConfigurationTarget.Global);
    await deps.secrets.delete(SERVICE_ACCOUNT_TOKEN_KEY);
    deps.onePassword.forget();
    const outcome = await deps.onePassword.verify({ kind: 'desktop', account: account.trim() }, timeoutMs, vscodeL10n);
    if (outcome.ok) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Airlock: connected to 1Password through the desktop app (account {0}).', account.trim()));
    } else {
      void vscode.window.showWarningMessage(vscode.l10n.t('Airlock: saved the account, but signing in failed. {0}{1}', outcome.message, details(outcome.sdkMessage)));
    }
    return;
  }

  const token = await askInput(deps.tracker, {
    title,
    prompt: vscode.l10n.t('Paste the service-account token (it starts with "ops_"). It is masked and kept in VS Code SecretStorage.'),
    password: true,
    validateOnAccept: (value) => (value.trim() === '' ? vscode.l10n.t('Paste the token (or press Escape to cancel).') : undefined),
  });
  if (token === undefined) return;
  const trimmed = token.trim();
  const outcome = await deps.onePassword.verify({ kind: 'service-account', token: holdServiceAccountToken(deps.own, trimmed) }, timeoutMs, vscodeL10n);
  if (!outcome.ok && !['offline', 'timeout', 'rate-limited'].includes(outcome.code)) {
    // The SDK's own words help the person here; a token is never echoed back even if the SDK did.
    void vscode.window.showErrorMessage(vscode.l10n.t('Airlock: 1Password rejected the token, so it was not saved. {0}{1}', outcome.message, details(outcome.sdkMessage, trimmed)));
    return;
  }
  await deps.secrets.store(SERVICE_ACCOUNT_TOKEN_KEY, trimmed);
  deps.onePassword.forget();
  deps.log.info('Stored a 1Password service-account token in SecretStorage.');
  if (outcome.ok) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Airlock: connected to 1Password with the service account.'));
  } else {
    void vscode.window.showWarningMessage(vscode.l10n.t('Airlock: saved the token, but could not check it now. {0}', outcome.message));
  }
}

async function disconnectOnePassword(deps: SecretCommandDeps): Promise<void> {
  await deps.secrets.delete(SERVICE_ACCOUNT_TOKEN_KEY);
  if (deps.onePasswordSettings().account !== undefined) {
    await vscode.workspace.getConfiguration().update(Settings.onePasswordAccount, undefined, vscode.ConfigurationTarget.Global);
  }
  deps.onePassword.forget();
  deps.log.info('Disconnected 1Password (token removed, account setting cleared).');
  void vscode.window.showInformationMessage(vscode.l10n.t('Airlock: disconnected 1Password. op:// and op-env:// credentials fail until you connect again.'));
}

function details(sdkMessage: string | undefined, token?: string): string {
  if (sdkMessage === undefined || sdkMessage === '') return '';
  const safe = token !== undefined && token.length > 0 ? sdkMessage.split(token).join('[token]') : sdkMessage;
  return vscode.l10n.t(' (1Password: {0})', safe.length > 300 ? `${safe.slice(0, 300)}…` : safe);
}
