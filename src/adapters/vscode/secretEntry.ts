import * as vscode from 'vscode';
import type { AuditSink } from '../../core/audit/events';
import { CLIENT_LABELS, type ClientIdentity } from '../../core/clients';
import type { Log } from '../../core/log';
import { agentWrittenDescription, SHOWN_DESCRIPTION_LENGTH, type SecretEntry, type SecretEntryRequest } from '../../core/mcp/tools/requestSecretEntry';
import { quoteUntrusted, secretValueProblem } from '../../core/secrets/secretInput';
import { Settings } from '../../shared/ids';
import type { SecretStorageStore } from '../stores/secretStorageStore';
import { vscodeL10n } from './l10n';

/**
 * The quick input Airlock currently shows, for integration tests (exposed only through the test API):
 * they fill it with `setValue` and accept it with `workbench.action.acceptSelectedQuickOpenItem`, so the
 * real VS Code quick input runs. It can write, never read, the value.
 */
export interface OpenPrompt {
  readonly kind: 'input' | 'pick';
  readonly title: string;
  readonly prompt: string;
  readonly password: boolean;
  readonly items: readonly string[];
  setValue(value: string): void;
}

export class PromptTracker {
  current: OpenPrompt | undefined;
}

interface InputOptions {
  readonly title: string;
  readonly prompt: string;
  readonly placeholder?: string;
  readonly password: boolean;
  readonly value?: string;
  /** Checked as the person types (names) … */
  readonly validateLive?: (value: string) => string | undefined;
  /** … or only on Enter (values: no length hints while typing). */
  readonly validateOnAccept?: (value: string) => string | undefined;
  readonly signal?: AbortSignal;
}

/** A (masked) input box that stays open when focus moves away. Resolves undefined when dismissed. */
export function askInput(tracker: PromptTracker, options: InputOptions): Promise<string | undefined> {
  const box = vscode.window.createInputBox();
  box.title = options.title;
  box.prompt = options.prompt;
  box.password = options.password;
  box.ignoreFocusOut = true;
  if (options.placeholder !== undefined) box.placeholder = options.placeholder;
  if (options.value !== undefined) box.value = options.value;
  return new Promise((resolve) => {
    let done = false;
    const disposables: vscode.Disposable[] = [];
    const finish = (result: string | undefined): void => {
      if (done) return;
      done = true;
      if (tracker.current === open) tracker.current = undefined;
      options.signal?.removeEventListener('abort', onAbort);
      for (const d of disposables) d.dispose();
      box.hide();
      box.dispose();
      resolve(result);
    };
    const onAbort = (): void => finish(undefined);
    const open: OpenPrompt = {
      kind: 'input',
      title: options.title,
      prompt: options.prompt,
      password: options.password,
      items: [],
      setValue: (value) => {
        box.value = value;
      },
    };
    disposables.push(
      box.onDidChangeValue((value) => {
        box.validationMessage = options.validateLive?.(value);
      }),
      box.onDidAccept(() => {
        const value = box.value;
        const problem = options.validateLive?.(value) ?? options.validateOnAccept?.(value);
        if (problem !== undefined) {
          box.validationMessage = problem;
          return;
        }
        finish(value);
      }),
      box.onDidHide(() => finish(undefined)),
    );
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted === true) {
      finish(undefined);
      return;
    }
    tracker.current = open;
    box.show();
  });
}

export interface PickItem<T extends string> {
  readonly id: T;
  readonly label: string;
  readonly description?: string;
  readonly detail?: string;
}

/** A single-choice quick pick that stays open when focus moves away. The first item is preselected. */
export function askPick<T extends string>(
  tracker: PromptTracker,
  options: { readonly title: string; readonly placeholder: string; readonly items: readonly PickItem<T>[]; readonly signal?: AbortSignal },
): Promise<T | undefined> {
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { readonly id: T }>();
  pick.title = options.title;
  pick.placeholder = options.placeholder;
  pick.ignoreFocusOut = true;
  pick.matchOnDetail = false;
  pick.items = options.items.map((item) => ({
    id: item.id,
    label: item.label,
    ...(item.description === undefined ? {} : { description: item.description }),
    ...(item.detail === undefined ? {} : { detail: item.detail }),
  }));
  return new Promise((resolve) => {
    let done = false;
    const disposables: vscode.Disposable[] = [];
    const finish = (result: T | undefined): void => {
      if (done) return;
      done = true;
      if (tracker.current === open) tracker.current = undefined;
      options.signal?.removeEventListener('abort', onAbort);
      for (const d of disposables) d.dispose();
      pick.hide();
      pick.dispose();
      resolve(result);
    };
    const onAbort = (): void => finish(undefined);
    const open: OpenPrompt = {
      kind: 'pick',
      title: options.title,
      prompt: options.placeholder,
      password: false,
      items: options.items.map((item) => item.label),
      setValue: (value) => {
        pick.value = value;
      },
    };
    disposables.push(
      pick.onDidAccept(() => finish(pick.selectedItems[0]?.id ?? pick.activeItems[0]?.id)),
      pick.onDidHide(() => finish(undefined)),
    );
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted === true) {
      finish(undefined);
      return;
    }
    tracker.current = open;
    pick.show();
  });
}

/** The masked value prompt shared by the commands and agent-requested entry. */
export function askSecretValue(
  tracker: PromptTracker,
  options: { readonly title: string; readonly prompt: string; readonly signal?: AbortSignal },
): Promise<string | undefined> {
  return askInput(tracker, {
    title: options.title,
    prompt: options.prompt,
    placeholder: vscode.l10n.t('The value is masked and goes straight to VS Code SecretStorage'),
    password: true,
    validateOnAccept: (value) => secretValueProblem(value, vscodeL10n),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}

/**
 * After a value is stored, offers to add a credential for it to the person's user settings
 * (`airlock.credentials`, `source: "secret:NAME"`). Does nothing if one with that name exists there.
 */
export async function offerCredentialEntry(
  tracker: PromptTracker,
  log: Log,
  entry: { readonly name: string; readonly description: string; readonly env?: string },
): Promise<void> {
  const configuration = vscode.workspace.getConfiguration();
  const current = configuration.inspect<unknown>(Settings.credentials)?.globalValue;
  const existing = Array.isArray(current) ? (current as unknown[]) : [];
  if (existing.some((e) => typeof e === 'object' && e !== null && (e as { name?: unknown }).name === entry.name)) {
    return;
  }
  const answer = await askPick(tracker, {
    title: vscode.l10n.t('Airlock: make {0} available to agents?', entry.name),
    placeholder: vscode.l10n.t('Add a credential "{0}" (source {1}) to your user settings', entry.name, `secret:${entry.name}`),
    items: [
      { id: 'add', label: vscode.l10n.t('Add credential {0}', entry.name), detail: vscode.l10n.t('Adds it to "{0}" in your user settings; agents can then request access (you approve each use).', Settings.credentials) },
      { id: 'skip', label: vscode.l10n.t('Not now'), detail: vscode.l10n.t('The secret stays stored; add a credential later in settings.') },
    ],
  });
  if (answer !== 'add') return;
  const credential = {
    name: entry.name,
    description: entry.description,
    ...(entry.env === undefined || entry.env === entry.name ? {} : { env: entry.env }),
    source: `secret:${entry.name}`,
  };
  await configuration.update(Settings.credentials, [...existing, credential], vscode.ConfigurationTarget.Global);
  log.info(`Added credential ${entry.name} (secret:${entry.name}) to user settings.`);
}

/** "Copilot" or "Other MCP client (claims “Foo 1.2”)": the claim is untrusted and marked as such. */
export function describeClient(client: ClientIdentity): string {
  const label = CLIENT_LABELS[client.id];
  if (client.claimedName === undefined || client.claimedName === '') return label;
  const claimed = [client.claimedName, client.claimedVersion].filter((part) => part !== undefined && part !== '').join(' ');
  return vscode.l10n.t('{0} (claims {1})', label, quoteUntrusted(claimed, 60));
}

/**
 * The person's side of `request_secret_entry`: a quick pick saying which client asks and why (the reason
 * quoted and capped, "Decline" preselected so a stray Enter declines), then a masked input whose value
 * goes straight to SecretStorage, then the credential offer. The agent learns only stored/declined.
 */
export class VscodeSecretEntry implements SecretEntry {
  constructor(
    private readonly store: SecretStorageStore,
    private readonly tracker: PromptTracker,
    private readonly log: Log,
  ) {}

  /** A stored secret of that name, or a credential of that name in any settings layer. */
  async exists(name: string): Promise<boolean> {
    // A store that cannot answer counts as "exists": refusing is the safe side.
    if (await this.store.has(name).catch(() => true)) return true;
    const inspected = vscode.workspace.getConfiguration().inspect<unknown>(Settings.credentials);
    const layers = [inspected?.globalValue, inspected?.workspaceValue, inspected?.workspaceFolderValue];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      layers.push(vscode.workspace.getConfiguration(undefined, folder.uri).inspect<unknown>(Settings.credentials)?.workspaceFolderValue);
    }
    return layers.some((layer) => Array.isArray(layer) && layer.some((e: unknown) => typeof e === 'object' && e !== null && (e as { name?: unknown }).name === name));
  }

  async ask(request: SecretEntryRequest): Promise<'stored' | 'declined'> {
    const who = describeClient(request.client);
    const reason = quoteUntrusted(request.description, SHOWN_DESCRIPTION_LENGTH);
    // The tool refused existing names already; checked again because a value may have been stored since.
    if (await this.exists(request.name)) return 'declined';
    const title = vscode.l10n.t('Airlock: {0} asks you to enter a secret for {1}', who, request.name);
    const choice = await askPick(this.tracker, {
      title,
      placeholder: vscode.l10n.t('The agent\'s reason (unverified): {0}', reason),
      items: [
        { id: 'decline', label: vscode.l10n.t('Decline'), detail: vscode.l10n.t('The agent is told you declined.') },
        {
          id: 'enter',
          label: vscode.l10n.t('Enter a value for {0}…', request.name),
          detail: vscode.l10n.t('Typed into a masked input and stored in VS Code SecretStorage. The agent never sees it.'),
        },
      ],
      signal: request.signal,
    });
    if (choice !== 'enter') return 'declined';
    const value = await askSecretValue(this.tracker, {
      title,
      prompt: vscode.l10n.t('Value for {0} (requested by {1}; reason: {2})', request.name, who, reason),
      signal: request.signal,
    });
    if (value === undefined) return 'declined';
    await this.store.put(request.name, value);
    this.log.info(`${who} asked for ${request.name}; the person stored a value in SecretStorage.`);
    // Answered before the agent hears back, so a credential it then looks for is already there.
    try {
      await offerCredentialEntry(this.tracker, this.log, {
        name: request.name,
        description: agentWrittenDescription(CLIENT_LABELS[request.client.id], request.description),
        ...(request.env === undefined ? {} : { env: request.env }),
      });
    } catch (error) {
      this.log.warn(`Could not add the credential ${request.name}: ${error instanceof Error ? error.message : 'unknown error'}`);
    }
    return 'stored';
  }
}

/** For secretCommands.ts: audits a person's own secret change, if an audit sink exists. */
export async function auditSecretChange(
  audit: AuditSink | undefined,
  log: Log,
  name: string,
  outcome: 'stored' | 'updated' | 'removed',
): Promise<void> {
  try {
    await audit?.append({ type: 'secret-entry', name, outcome });
  } catch {
    log.warn(`Could not audit the change to secret ${name}.`);
  }
}
