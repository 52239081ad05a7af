import * as vscode from 'vscode';
import type { ClientTokens } from '../adapters/vscode/clientTokens';
import type { EndpointService } from '../adapters/vscode/endpointService';
import { hasMcpProviderApi } from '../adapters/vscode/mcpProvider';
import { RowsTree } from '../adapters/vscode/views/rowsTree';
import { registerRunWithCredentials } from '../adapters/vscode/views/runWithCredentials';
import { parseAuditLine } from '../core/audit/auditChain';
import { auditRows, type AuditRow } from '../core/audit/auditView';
import type { AuditEvent } from '../core/audit/events';
import { CLIENT_IDS, CLIENT_LABELS, type ClientId } from '../core/clients';
import { previewPolicy } from '../core/mcp/tools/listCredentials';
import { activityRows, chainRow, insightRow, type ActivityRow } from '../core/views/activityModel';
import { agentRows, type AgentRow, type Connection } from '../core/views/agentsModel';
import { credentialRows, summarisePolicy, type CredentialRow } from '../core/views/credentialsModel';
import { countdownTicks, grantRow, type GrantRow } from '../core/views/grantsModel';
import { detectInsights, InsightNotifier, type Insight } from '../core/views/insights';
import type { L10n } from '../shared/l10n';
import { vscodeL10n } from '../adapters/vscode/l10n';
import { walkthroughStepOf } from '../core/views/walkthrough';
import { Commands, ConnectCommands, ContextKeys, Views, Walkthrough } from '../shared/ids';
import { viewsFacet } from '../testFacet/facets';
import type { AuditFeature } from './audit';
import type { Base, Contribution } from './feature';
import type { GrantsFeature } from './grants';
import type { PolicyFeature } from './policy';

/** How long an insight stays listed in the Activity view. */
const INSIGHT_SHOWN_MS = 24 * 60 * 60_000;


const connectCommandsOf = (client: ClientId): { readonly connect: string; readonly disconnect: string } | undefined =>
  Object.hasOwn(ConnectCommands, client) ? ConnectCommands[client as keyof typeof ConnectCommands] : undefined;
const l10n: L10n = vscodeL10n;
const timeOfDay = (iso: string): string => new Date(iso).toLocaleTimeString();
const rowArg = <K extends string>(arg: unknown, key: K): string | undefined => {
  if (typeof arg === 'string') return arg;
  const value = typeof arg === 'object' && arg !== null ? (arg as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : undefined;
};

/**
 * The Airlock view container: Credentials, Grants (live countdown while visible), Agents, Activity (recent
 * audit events, the verify-chain status, insights) — each refreshed from events, never polled — and the
 * walkthrough's context keys, set when the real event happens.
 */
export function composeViews(
  base: Base,
  { policy }: Pick<PolicyFeature, 'policy'>,
  { audit }: Pick<AuditFeature, 'audit'>,
  { leases, access }: Pick<GrantsFeature, 'leases' | 'access'>,
  { tokens, endpoint }: { readonly tokens: ClientTokens; readonly endpoint: EndpointService },
): Contribution {
  const { clock, log, context } = base;
  const disposables: vscode.Disposable[] = [];
  const folders = (): string[] => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);

  // ── walkthrough ──
  const done = new Set<string>();
  const complete = (key: string): void => {
    if (done.has(key)) return;
    done.add(key);
    void vscode.commands.executeCommand('setContext', key, true);
  };
  const fromEvent = (event: AuditEvent): void => {
    const step = walkthroughStepOf(event);
    if (step !== undefined) complete(ContextKeys[step]);
  };

  // ── Credentials ──
  const credentials = new RowsTree<CredentialRow>(Views.credentials, () => {
    const current = policy.current();
    const open = folders();
    return credentialRows(current.credentials, (name) => summarisePolicy((client) => previewPolicy(current, name, client, open)), l10n);
  });
  disposables.push(credentials, policy.onDidChange(() => credentials.refresh()));

  // ── Grants ──
  const grants = new RowsTree<GrantRow>(Views.grants, () => leases.active().map((grant) => grantRow(grant, clock.now(), l10n)), () => new vscode.ThemeIcon('key'));
  let ticker: NodeJS.Timeout | undefined;
  const syncTicker = (): void => {
    const tick = countdownTicks(grants.view.visible, leases.active().length);
    if (tick && ticker === undefined) ticker = setInterval(() => grants.refresh(), 1000);
    if (!tick && ticker !== undefined) {
      clearInterval(ticker);
      ticker = undefined;
    }
  };
  const leaseSubscription = leases.onEvent(() => {
    grants.refresh();
    syncTicker();
  });
  disposables.push(
    grants,
    { dispose: () => leaseSubscription.dispose() },
    { dispose: () => ticker !== undefined && clearInterval(ticker) },
    grants.view.onDidChangeVisibility(() => {
      grants.refresh();
      syncTicker();
    }),
  );

  // ── Agents ──
  const connectionOf = (client: ClientId): Connection | undefined => {
    if (client === 'copilot') return hasMcpProviderApi() ? 'provider' : undefined;
    if (!tokens.registry.has(client)) return undefined;
    return tokens.hasTokenFile(client) ? 'bridge' : 'http';
  };
  const agents = new RowsTree<AgentRow>(Views.agents, () => {
    const open = endpoint.sessions();
    const seen = endpoint.lastSeen();
    return agentRows(
      CLIENT_IDS.map((client) => ({
        client,
        hasToken: tokens.registry.has(client),
        sessions: open.filter((s) => s.client === client).length,
        lastSeen: seen[client]?.lastSeen,
        claimedName: seen[client]?.claimedName,
        connection: connectionOf(client),
      })),
      clock.now(),
      l10n,
    );
  }, (row) => new vscode.ThemeIcon(row.state === 'connected' ? 'circle-filled' : row.state === 'none' ? 'circle-slash' : 'circle-outline'));
  const tokenSubscription = tokens.registry.onDidChange(() => agents.refresh());
  disposables.push(
    agents,
    { dispose: () => tokenSubscription.dispose() },
    endpoint.onDidChangeSessions((event) => {
      agents.refresh();
      if (event.kind === 'opened') complete(ContextKeys.agentConnected);
    }),
    agents.view.onDidChangeVisibility(() => agents.refresh()),
  );

  // ── Activity ──
  let rows: AuditRow[] = [];
  let insights: Insight[] = [];
  let chain: Parameters<typeof chainRow>[0];
  const notifier = new InsightNotifier(clock, clock.now());
  const activity = new RowsTree<ActivityRow>(Views.activity, () => {
    const now = clock.now();
    return [
      chainRow(chain, l10n),
      ...insights.filter((insight) => now - insight.time < INSIGHT_SHOWN_MS).reverse().map((insight) => insightRow(insight, timeOfDay)),
      ...activityRows(rows, l10n, timeOfDay),
    ];
  });
  const notify = (fresh: readonly Insight[]): void => {
    for (const insight of fresh) {
      const show = l10n.t('Show Activity');
      void vscode.window.showWarningMessage(l10n.t('Airlock: {0}.', insight.message), show).then((picked) => {
        if (picked === show) void vscode.commands.executeCommand(`${Views.activity}.focus`);
      });
    }
  };
  // One reload at a time; events during one ask for exactly one more.
  let loading: Promise<void> | undefined;
  let again = false;
  const reload = (): Promise<void> => {
    if (loading !== undefined) {
      again = true;
      return loading;
    }
    loading = (async () => {
      do {
        again = false;
        try {
          const [lines, verified] = await Promise.all([audit.readLines(), audit.verify()]);
          rows = auditRows(lines).rows;
          chain = verified;
          const current = policy.current();
          insights = detectInsights(rows, { usualHours: current.insights.usualHours, minuteOfDay: (ms) => { const d = new Date(ms); return d.getHours() * 60 + d.getMinutes(); } }, l10n);
          notify(notifier.take(insights));
          if (done.size < 2) for (const line of lines) { const parsed = parseAuditLine(line); if (parsed.ok) fromEvent(parsed.record.event as AuditEvent); }
        } catch (error) {
          log.warn(`Could not read the audit log for the Activity view: ${error instanceof Error ? error.message : 'unknown error'}`);
        }
        activity.refresh();
        if (activity.view.visible && rows.length > 0) complete(ContextKeys.activitySeen);
      } while (again);
    })().finally(() => (loading = undefined));
    return loading;
  };
  const appended = audit.onAppended((event) => {
    fromEvent(event);
    void reload();
  });
  disposables.push(
    activity,
    { dispose: () => appended.dispose() },
    activity.view.onDidChangeVisibility(() => {
      if (activity.view.visible) void reload();
    }),
  );
  void reload();

  // ── commands ──
  const pickClient = async (arg: unknown): Promise<ClientId | undefined> => {
    const given = rowArg(arg, 'client');
    if (given !== undefined && (CLIENT_IDS as readonly string[]).includes(given)) return given as ClientId;
    const picked = await vscode.window.showQuickPick(CLIENT_IDS.map((client) => ({ label: CLIENT_LABELS[client], client })), { title: l10n.t('Airlock: Connect an Agent'), placeHolder: l10n.t('Which agent?') });
    return picked?.client;
  };
  disposables.push(
    vscode.commands.registerCommand(Commands.revokeGrant, (arg?: unknown) => {
      const id = rowArg(arg, 'grantId');
      return id === undefined ? vscode.commands.executeCommand(Commands.manageGrants) : leases.revoke(id, 'person');
    }),
    vscode.commands.registerCommand(Commands.revokeAllGrants, () => leases.revokeAll('person')),
    vscode.commands.registerCommand(Commands.revealReference, async (arg?: unknown) => {
      const name = rowArg(arg, 'name');
      const credential = policy.current().credentials.find((c) => c.name === name);
      if (credential === undefined) return;
      const copy = l10n.t('Copy Reference');
      // The reference says where the value lives; it is not the value.
      const picked = await vscode.window.showInformationMessage(l10n.t('Airlock: {0} is read from {1} (environment variable {2}).', credential.name, credential.source.raw, credential.env), copy);
      if (picked === copy) await vscode.env.clipboard.writeText(credential.source.raw);
    }),
    vscode.commands.registerCommand(Commands.viewUpdateSecret, (arg?: unknown) => vscode.commands.executeCommand(Commands.updateSecret, rowArg(arg, 'secretName'))),
    vscode.commands.registerCommand(Commands.viewRemoveSecret, (arg?: unknown) => vscode.commands.executeCommand(Commands.removeSecret, rowArg(arg, 'secretName'))),
    vscode.commands.registerCommand(Commands.viewRotateToken, (arg?: unknown) => vscode.commands.executeCommand(Commands.rotateClientToken, rowArg(arg, 'client'))),
    vscode.commands.registerCommand(Commands.viewRevokeToken, (arg?: unknown) => vscode.commands.executeCommand(Commands.revokeClientToken, rowArg(arg, 'client'))),
    vscode.commands.registerCommand(Commands.connectAgent, async (arg?: unknown) => {
      const client = await pickClient(arg);
      if (client === undefined) return;
      const own = connectCommandsOf(client);
      if (own !== undefined) return vscode.commands.executeCommand(own.connect);
      if (client === 'copilot') {
        void vscode.window.showInformationMessage(l10n.t('Airlock: Copilot connects through VS Code itself. Open Chat in Agent mode; the Airlock tools are listed under MCP servers.'));
        return;
      }
      return vscode.commands.executeCommand(Commands.showConnectionInfo);
    }),
    vscode.commands.registerCommand(Commands.disconnectAgent, async (arg?: unknown) => {
      const client = await pickClient(arg);
      if (client === undefined) return;
      const own = connectCommandsOf(client);
      return vscode.commands.executeCommand(own !== undefined ? own.disconnect : Commands.revokeClientToken, ...(own !== undefined ? [] : [client]));
    }),
    vscode.commands.registerCommand(Commands.refreshActivity, () => reload()),
    registerRunWithCredentials({ credentials: () => policy.current().credentials, access }),
    vscode.commands.registerCommand(Commands.openWalkthrough, () =>
      vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#${Walkthrough.id}`, false),
    ),
  );

  return {
    disposables,
    status: [() => l10n.t('Views: {0} grant(s) listed, {1} audit event(s) read, {2} insight(s).', leases.active().length, rows.length, insights.length)],
    testFacet: AIRLOCK_TEST_FACET && base.testMode ? viewsFacet({ credentials, grants, agents, activity, reload, walkthrough: () => [...done] }) : undefined,
  };
}
