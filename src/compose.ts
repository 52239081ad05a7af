import { homedir } from 'node:os';
import { join } from 'node:path';

import * as vscode from 'vscode';

import { AuditFile } from './adapters/node/auditFile';
import { configuredAccount, configuredTimeoutMs, onePasswordAuthSource, SERVICE_ACCOUNT_TOKEN_KEY } from './adapters/stores/onePasswordAuth';
import { loadBundledOnePasswordSdk, OnePasswordStore } from './adapters/stores/onePasswordStore';
import { SecretStorageStore } from './adapters/stores/secretStorageStore';
import { AUDIT_HEAD_KEY, readAuditMaxFileBytes, registerAuditCommands } from './adapters/vscode/auditCommands';
import { ClientTokens } from './adapters/vscode/clientTokens';
import { readCommandInsight } from './adapters/vscode/commandInsight';
import { registerCodeChanges } from './adapters/vscode/codeChanges';
import { NodeCodePins } from './adapters/node/codePin';
import { registerConnectCommands } from './adapters/vscode/connectCommands';
import { registerConnectionInfoCommand } from './adapters/vscode/connectionInfo';
import { ConsentPanel } from './adapters/vscode/consentPanel';
import { EndpointService } from './adapters/vscode/endpointService';
import { createGrantsRunner, grantsTestApi, terminalTranscript } from './adapters/vscode/grantsRunner';
import { createLogChannel, type Scrub } from './adapters/vscode/logChannel';
import { registerMcpProvider } from './adapters/vscode/mcpProvider';
import { registerSecretCommands } from './adapters/vscode/secretCommands';
import { PromptTracker, VscodeSecretEntry } from './adapters/vscode/secretEntry';
import { createPolicySettings } from './adapters/vscode/settings';
import { registerStatusCommand, type StatusLine } from './adapters/vscode/statusCommand';
import { isChainHead, type ChainHead } from './core/audit/auditChain';
import type { AuditSink } from './core/audit/events';
import { systemClock } from './core/clock';
import { airlockHome, endpointsDir } from './core/connect/paths';
import type { AnyToolDefinition } from './core/mcp/toolDefinition';
import { listCredentialsTool, previewPolicy, type ListCredentialsDeps } from './core/mcp/tools/listCredentials';
import { listGrantsTool, type ListGrantsDeps } from './core/mcp/tools/listGrants';
import { requestSecretEntryTool } from './core/mcp/tools/requestSecretEntry';
import type { Policy } from './core/policy/policy';
import { LiveSecrets } from './core/redaction/liveSecrets';
import { StoreRouter } from './core/secrets/storeRouter';
import { Settings } from './shared/ids';
import type { AirlockTestApi } from './shared/testApi';

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
  // Hash-chained JSONL in global storage (shared by every window; the sink locks across them). Every
  // event passes the live scrubber. `audit` is what the other sections append to; append rejects when
  // the log cannot be written, and callers then refuse the run.
  const auditDir = join(context.globalStorageUri.fsPath, 'audit');
  // The head after the latest append, kept outside the log: Verify then also sees a cut or rewritten end.
  const recordedHead = {
    get: () => {
      const value: unknown = context.globalState.get(AUDIT_HEAD_KEY);
      return isChainHead(value) ? value : undefined;
    },
    set: (head: ChainHead) => context.globalState.update(AUDIT_HEAD_KEY, head),
  };
  const auditFile = new AuditFile({ dir: auditDir, maxFileBytes: readAuditMaxFileBytes, scrub: (text) => scrubRef.current(text), recordedHead });
  const audit: AuditSink = auditFile;
  context.subscriptions.push(
    registerAuditCommands({ audit: auditFile, scrub: (text) => scrubRef.current(text), log, testMode: context.extensionMode === vscode.ExtensionMode.Test }),
  );
  if (context.extensionMode === vscode.ExtensionMode.Test) {
    testApi.audit = audit;
    testApi.auditDir = auditDir;
  }

  // ── policy & consent ──────────────────────────────────────────────────────────────────────────────
  // `policy`: the settings parsed into a typed Policy (user settings define what is possible; workspace
  // values only tighten and count for nothing when untrusted). `consent`: the panel, the only place a
  // request is approved. `commandInsight`: what `npm run X` / `make X` really runs, for the cards.
  const policySettings = createPolicySettings(log, () => channel.show(true), (problems) => {
    for (const problem of problems) {
      audit.append({ type: 'settings-ignored', setting: problem.setting, why: problem.message }).catch(() => log.warn('Could not audit a settings problem.'));
    }
  });
  const policy: { current(): Policy } = policySettings;
  const codeChanges = registerCodeChanges(log);
  context.subscriptions.push(codeChanges);
  const consent = new ConsentPanel(context.extensionUri, systemClock, log, (request) => codeChanges.show(request));
  const commandInsight = readCommandInsight;
  context.subscriptions.push(policySettings, consent);
  statusLines.push(() => {
    const current = policy.current();
    return `Policy: ${current.credentials.length} credential(s), ${current.ruleLayers.reduce((n, layer) => n + layer.rules.length, 0)} rule(s), ${policySettings.problems().length} settings problem(s), workspace ${current.trusted ? 'trusted' : 'untrusted (its settings ignored)'}; ${consent.pending().length} consent request(s) pending.`;
  });
  if (context.extensionMode === vscode.ExtensionMode.Test) {
    testApi.policy = { current: () => policy.current(), problems: () => policySettings.problems() };
    testApi.consent = { ask: (request, signal) => consent.ask(request, signal), pending: () => consent.pending() };
  }

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
    registerSecretCommands({ store: secretStore, secrets: context.secrets, onePassword, tracker: prompts, log, audit }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(Settings.onePasswordAccount)) onePassword.forget();
    }),
    context.secrets.onDidChange((event) => {
      if (event.key === SERVICE_ACCOUNT_TOKEN_KEY) onePassword.forget();
    }),
  );
  const secretEntryTool = requestSecretEntryTool({ entry: new VscodeSecretEntry(secretStore, prompts, log), log, audit });
  tools.push(secretEntryTool);
  // Whether a service-account token is stored (not the token): for Show Status, kept current on change.
  const tokenState = { present: false };
  const refreshTokenState = async () => {
    tokenState.present = (await context.secrets.get(SERVICE_ACCOUNT_TOKEN_KEY)) !== undefined;
  };
  void refreshTokenState();
  context.subscriptions.push(context.secrets.onDidChange((event) => void (event.key === SERVICE_ACCOUNT_TOKEN_KEY && refreshTokenState())));
  statusLines.push(() => {
    const account = configuredAccount();
    const mode = tokenState.present ? 'service account' : account === undefined ? 'not connected' : `desktop app (account ${account})`;
    return `Stores: VS Code SecretStorage; 1Password: ${mode}, timeout ${configuredTimeoutMs() / 1000} s.`;
  });
  if (context.extensionMode === vscode.ExtensionMode.Test) {
    testApi.stores = { router: stores, secretStorage: secretStore, onePassword, prompts, secretEntryTool };
  }

  // ── grants & runner ───────────────────────────────────────────────────────────────────────────────
  // `live`: every secret a run holds right now; the log channel, audit and every MCP result scrub through
  // it. `grants`: lease manager + access service + task runner + status bar + request_access, await_access,
  // run, revoke. Disposing kills every child (audited run-incomplete), forgets grants, cancels requests.
  const live = new LiveSecrets();
  scrubRef.current = live.scrub;
  const transcript = context.extensionMode === vscode.ExtensionMode.Test ? terminalTranscript() : undefined;
  const grants = createGrantsRunner({
    log, clock: systemClock, audit, consent, policy, stores, live, insight: commandInsight, pins: new NodeCodePins(), ...(transcript === undefined ? {} : { tap: transcript.tap }),
  });
  context.subscriptions.push(grants);
  tools.push(...grants.tools);
  statusLines.push(() => `Grants: ${grants.leases.active().length} active, ${grants.runner.pids.length} command(s) running.`);
  if (transcript !== undefined) testApi.grants = grantsTestApi(grants, transcript, [context.globalState, context.workspaceState]);

  // ── endpoint (last: serves the tools registered above) ───────────────────────────────────────────
  // list_credentials / list_grants read the live policy and leases (the tools show a caller its own grants).
  const endpointSources: ListCredentialsDeps & ListGrantsDeps = {
    credentials: (client) => {
      const current = policy.current();
      const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
      return current.credentials.map((credential) => ({ credential, preview: previewPolicy(current, credential.name, client, folders, systemClock.now()) }));
    },
    activeGrants: () => grants.leases.active(),
  };
  tools.unshift(listCredentialsTool(endpointSources), listGrantsTool(endpointSources));
  const airlockHomeDir = airlockHome(process.env, homedir());
  const clientTokens = new ClientTokens(context.secrets, airlockHomeDir, log);
  const extensionVersion = String(context.extension.packageJSON?.version ?? 'dev');
  const endpoint = new EndpointService({
    context, log, clock: systemClock, scrub: (text) => scrubRef.current(text), tools, tokens: clientTokens, home: airlockHomeDir, version: extensionVersion,
  });
  context.subscriptions.push(
    clientTokens,
    endpoint,
    registerMcpProvider(endpoint, clientTokens, extensionVersion, log),
    registerConnectCommands({ tokens: clientTokens, home: airlockHomeDir, log, testMode: context.extensionMode === vscode.ExtensionMode.Test }),
    registerConnectionInfoCommand(endpoint, clientTokens, airlockHomeDir, log, channel),
  );
  endpoint.start(); // in the background: activation does not wait for the socket
  statusLines.push(() => endpoint.describe());
  if (context.extensionMode === vscode.ExtensionMode.Test) {
    testApi.endpoint = {
      ready: () => endpoint.ready(),
      url: () => endpoint.url,
      clientToken: (client) => clientTokens.ensure(client),
      rotate: (client) => clientTokens.rotate(client),
      revoke: (client) => clientTokens.revoke(client),
      sessions: () => endpoint.sessions(),
      airlockHome: airlockHomeDir,
      discoveryDir: endpointsDir(airlockHomeDir),
      discoveryFile: () => endpoint.discoveryFile(),
    };
  }

  context.subscriptions.push(registerStatusCommand(log, channel, statusLines));
  log.info(`Airlock activated (${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'} UI, workspace ${vscode.workspace.isTrusted ? 'trusted' : 'not trusted'}).`);
  return testApi;
}
