import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ClientId } from '../../core/clients';
import type { Clock } from '../../core/clock';
import { endpointsDir } from '../../core/connect/paths';
import type { Log } from '../../core/log';
import type { AnyToolDefinition } from '../../core/mcp/toolDefinition';
import type { Policy } from '../../core/policy/policy';
import { removeEndpointRecord, writeEndpointRecord } from '../node/discovery';
import { writeLauncher } from '../node/launcher';
import type { McpHttpEndpoint, SessionEvent } from '../node/mcpHttpServer';
import type { ClientTokens } from './clientTokens';
import { Settings } from '../../shared/ids';

export interface ClientSeen {
  readonly lastSeen: number;
  /** What the client's MCP `clientInfo` claimed (sanitised; untrusted). */
  readonly claimedName?: string;
}

/**
 * Loads dist/mcp-endpoint.js (its own esbuild entry: the MCP SDK server and transport) when the endpoint
 * starts, after activation has returned: evaluating the SDK is not work activation should pay for.
 */
function loadMcpHttpServer(): typeof import('../node/mcpHttpServer') {
  // Resolved next to dist/features.js at run time; esbuild keeps this path external.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./mcp-endpoint.js') as typeof import('../node/mcpHttpServer');
}

const LAST_SEEN_KEY = 'airlock.clientsLastSeen';
const LAST_SEEN_WRITE_INTERVAL_MS = 60_000;

export interface EndpointServiceOptions {
  readonly context: vscode.ExtensionContext;
  readonly log: Log;
  readonly clock: Clock;
  /** The live redactor. */
  readonly scrub: (text: string) => string;
  /** What each new session serves (every feature's tools, concatenated once by compose). */
  readonly tools: () => readonly AnyToolDefinition[];
  /** The parsed settings: `endpoint.enabled`/`port` are read from here, and a change of either restarts. */
  readonly policy: { current(): Policy; readonly onDidChange: vscode.Event<Policy> };
  readonly tokens: ClientTokens;
  readonly home: string;
  readonly version: string;
}

/**
 * Runs the MCP endpoint for this window: starts it (without blocking activation), restarts it when
 * `airlock.endpoint.enabled`/`port` change, publishes the discovery file, refreshes the bridge launcher,
 * closes a client's sessions when its token is revoked, and tracks "last seen" per client (no tokens).
 */
export class EndpointService implements vscode.Disposable {
  private endpoint: McpHttpEndpoint | undefined;
  private readonly discoveryId = randomUUID();
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  private readonly disposables: vscode.Disposable[] = [];
  private starting: Promise<string | undefined> = Promise.resolve(undefined);
  /** What Show Status reports while no endpoint is listening. */
  private phase: 'starting' | 'disabled' | 'failed' | 'stopped' = 'stopped';
  private readonly seen: Partial<Record<ClientId, ClientSeen>>;
  private lastSeenWrite = 0;
  private disposed = false;
  /** The endpoint settings of the latest (re)start. */
  private configured: Policy['endpoint'] = { enabled: true, port: 0 };

  /** Fired with the new URL (or undefined when stopped) whenever the endpoint (re)starts or stops. */
  readonly onDidChange = this.changed.event;
  private readonly sessionsChanged = new vscode.EventEmitter<{ readonly kind: 'opened' | 'closed'; readonly client: ClientId }>();
  /** Fired when an MCP session of a client opens or closes (the Agents view and the walkthrough listen). */
  readonly onDidChangeSessions = this.sessionsChanged.event;

  constructor(private readonly options: EndpointServiceOptions) {
    this.seen = { ...options.context.globalState.get<Partial<Record<ClientId, ClientSeen>>>(LAST_SEEN_KEY, {}) };
    this.disposables.push(
      this.changed,
      this.sessionsChanged,
      options.policy.onDidChange(({ endpoint }) => {
        if (endpoint.enabled !== this.configured.enabled || endpoint.port !== this.configured.port) this.restart();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.publish()),
    );
    const revoked = options.tokens.registry.onTokenInvalidated((client) => void this.endpoint?.closeClientSessions(client));
    this.disposables.push({ dispose: () => revoked.dispose() });
  }

  get url(): string | undefined {
    return this.endpoint?.url;
  }

  /** One line for Show Status: where it listens, or why it does not (yet). */
  describe(): string {
    if (this.endpoint) return vscode.l10n.t('MCP endpoint: {0} ({1} session(s)).', this.endpoint.url, this.endpoint.sessions().length);
    switch (this.phase) {
      case 'starting': return vscode.l10n.t('MCP endpoint: starting.');
      case 'disabled': return vscode.l10n.t('MCP endpoint: disabled ("{0}" is off).', Settings.endpointEnabled);
      case 'failed': return vscode.l10n.t('MCP endpoint: could not start (see the Airlock output channel).');
      default: return vscode.l10n.t('MCP endpoint: not running.');
    }
  }

  /** Resolves once the current (re)start attempt is over: the URL, or undefined when disabled/failed. */
  ready(): Promise<string | undefined> {
    return this.starting;
  }

  lastSeen(): Readonly<Partial<Record<ClientId, ClientSeen>>> {
    return this.seen;
  }

  sessions(): ReturnType<McpHttpEndpoint['sessions']> {
    return this.endpoint?.sessions() ?? [];
  }

  discoveryFile(): string {
    return join(endpointsDir(this.options.home), `${this.discoveryId}.json`);
  }

  /** Starts the endpoint in the background. */
  start(): void {
    this.phase = 'starting';
    this.starting = this.starting.then(() => this.startNow());
  }

  restart(): void {
    this.phase = 'starting';
    this.starting = this.starting.then(async () => {
      await this.stopNow();
      return this.startNow();
    });
  }

  dispose(): void {
    this.disposed = true;
    for (const d of this.disposables.splice(0)) d.dispose();
    void this.stopNow();
  }

  private async startNow(): Promise<string | undefined> {
    if (this.disposed || this.endpoint) return this.endpoint?.url;
    this.configured = this.options.policy.current().endpoint;
    const { enabled, port } = this.configured;
    if (!enabled) {
      this.options.log.info('MCP endpoint is disabled ("airlock.endpoint.enabled" is off).');
      this.phase = 'disabled';
      this.changed.fire(undefined);
      return undefined;
    }
    const { log, clock, scrub, tools, tokens, home, version } = this.options;
    try {
      writeLauncher(home, join(this.options.context.extensionPath, 'dist', 'bridge.js'));
    } catch (error) {
      log.warn(`Could not write the airlock-mcp launcher: ${String(error)}`);
    }
    try {
      await tokens.load();
      const { startMcpHttpServer } = loadMcpHttpServer();
      this.endpoint = await startMcpHttpServer({
        tools,
        tokens: tokens.registry,
        isTrusted: () => vscode.workspace.isTrusted,
        scrub,
        log,
        clock,
        port,
        serverInfo: { name: 'airlock', version },
        onActivity: (event) => this.recordActivity(event),
      });
    } catch (error) {
      const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      log.error(`MCP endpoint could not start: ${inUse ? `port ${port} is in use` : String(error)}`);
      this.phase = 'failed';
      const reason = inUse ? vscode.l10n.t('port {0} is in use', port) : String(error);
      void vscode.window.showWarningMessage(vscode.l10n.t('Airlock: the MCP endpoint could not start ({0}). Check "{1}".', reason, Settings.endpointPort));
      this.changed.fire(undefined);
      return undefined;
    }
    if (this.disposed) {
      await this.stopNow();
      return undefined;
    }
    this.publish();
    this.changed.fire(this.endpoint.url);
    return this.endpoint.url;
  }

  private async stopNow(): Promise<void> {
    const endpoint = this.endpoint;
    this.endpoint = undefined;
    try {
      removeEndpointRecord(this.options.home, this.discoveryId);
    } catch (error) {
      this.options.log.warn(`Could not remove the endpoint discovery file: ${String(error)}`);
    }
    if (endpoint) {
      await endpoint.close();
      if (!this.disposed) this.changed.fire(undefined);
    }
  }

  /** Writes (or rewrites) this window's discovery file: URL, pid, folders, version — no token. */
  private publish(): void {
    if (!this.endpoint) return;
    try {
      writeEndpointRecord(this.options.home, this.discoveryId, {
        url: this.endpoint.url,
        pid: process.pid,
        workspaceFolders: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
        version: this.options.version,
      });
    } catch (error) {
      this.options.log.warn(`Could not write the endpoint discovery file: ${String(error)}`);
    }
  }

  private recordActivity(event: SessionEvent): void {
    if (event.kind !== 'request') this.sessionsChanged.fire({ kind: event.kind, client: event.session.client });
    if (event.kind === 'closed') return;
    const { client, claimedName, lastSeen } = event.session;
    this.seen[client] = { lastSeen, ...(claimedName === undefined ? {} : { claimedName }) };
    const now = this.options.clock.now();
    if (event.kind === 'opened' || now - this.lastSeenWrite > LAST_SEEN_WRITE_INTERVAL_MS) {
      this.lastSeenWrite = now;
      void this.options.context.globalState.update(LAST_SEEN_KEY, this.seen);
    }
  }
}
