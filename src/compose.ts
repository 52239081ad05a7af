import * as vscode from 'vscode';
import { createLogChannel, type Scrub } from './adapters/vscode/logChannel';
import { registerStatusCommand, type StatusLine } from './adapters/vscode/statusCommand';
import type { AnyToolDefinition } from './core/mcp/toolDefinition';
import type { AirlockTestApi } from './shared/testApi';
import { onePasswordAuthSource, configuredTimeoutMs, SERVICE_ACCOUNT_TOKEN_KEY } from './adapters/stores/onePasswordAuth';
import { loadBundledOnePasswordSdk, OnePasswordStore } from './adapters/stores/onePasswordStore';
import { SecretStorageStore } from './adapters/stores/secretStorageStore';
import { registerSecretCommands } from './adapters/vscode/secretCommands';
import { PromptTracker, VscodeSecretEntry } from './adapters/vscode/secretEntry';
import { systemClock } from './core/clock';
import { requestSecretEntryTool } from './core/mcp/tools/requestSecretEntry';
import { StoreRouter } from './core/secrets/storeRouter';
import { Settings } from './shared/ids';

/**
 * The one place where adapters are built and handed to the core. Each feature registers through
 * `context.subscriptions`, so deactivation disposes everything it made.
 */
export async function compose(context: vscode.ExtensionContext): Promise<AirlockTestApi> {
  // The live scrubber: replaced by the redactor over every secret currently held (grants section).
  const scrubRef: { current: Scrub } = { current: (text) => text };
  const { log, channel } = createLogChannel(() => scrubRef.current);
  context.subscriptions.push(channel);
  const statusLines: StatusLine[] = [];
  const tools: AnyToolDefinition[] = [];
  const testApi: AirlockTestApi = { log };

  // ── audit ─────────────────────────────────────────────────────────────────────────────────────────

  // ── policy & consent ──────────────────────────────────────────────────────────────────────────────

  // ── stores ────────────────────────────────────────────────────────────────────────────────────────
  // SecretStorage (default) and 1Password (SDK loaded on first use). Adding a store: one file, one line here.
  const secretStore = new SecretStorageStore(context.secrets, log);
  const onePassword = new OnePasswordStore({
    loadSdk: loadBundledOnePasswordSdk,
    auth: onePasswordAuthSource(context.secrets),
    log,
    clock: systemClock,
    integrationVersion: String(context.extension.packageJSON?.version ?? 'dev'),
  });
  /** Every store behind one router: the run path resolves a grant's references through `stores`. */
  const stores = new StoreRouter([{ store: secretStore }, { store: onePassword, timeoutMs: configuredTimeoutMs }], systemClock, log);
  const prompts = new PromptTracker();
  context.subscriptions.push(
    registerSecretCommands({ store: secretStore, secrets: context.secrets, onePassword, tracker: prompts, log }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(Settings.onePasswordAccount)) onePassword.forget();
    }),
    context.secrets.onDidChange((event) => {
      if (event.key === SERVICE_ACCOUNT_TOKEN_KEY) onePassword.forget();
    }),
  );
  const secretEntryTool = requestSecretEntryTool({ entry: new VscodeSecretEntry(secretStore, prompts, log), log });
  tools.push(secretEntryTool);
  if (context.extensionMode === vscode.ExtensionMode.Test) {
    testApi.stores = { router: stores, secretStorage: secretStore, onePassword, prompts, secretEntryTool };
  }

  // ── grants & runner ───────────────────────────────────────────────────────────────────────────────

  // ── endpoint (last: serves the tools registered above) ───────────────────────────────────────────

  context.subscriptions.push(registerStatusCommand(log, channel, statusLines));
  log.info(`Airlock activated (${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'} UI, workspace ${vscode.workspace.isTrusted ? 'trusted' : 'not trusted'}).`);
  void tools;
  return testApi;
}
