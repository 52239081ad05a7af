import { CLIENT_IDS, CLIENT_LABELS, type ClientId } from '../clients';
import { revealCapped } from '../text/untrustedText';
import type { L10n } from '../../shared/l10n';
import { formatAgo } from './l10n';

/** How a client reaches the endpoint: VS Code's MCP provider, the stdio bridge (token file), or plain HTTP. */
export type Connection = 'provider' | 'bridge' | 'http';

/** What Airlock knows of one client — never its token. */
export interface AgentFacts {
  readonly client: ClientId;
  readonly hasToken: boolean;
  /** Open MCP sessions of this client right now. */
  readonly sessions: number;
  readonly lastSeen: number | undefined;
  /** What its MCP `clientInfo` claimed (untrusted, already sanitised by the endpoint). */
  readonly claimedName: string | undefined;
  readonly connection: Connection | undefined;
}

export interface AgentRow {
  readonly id: string;
  readonly client: ClientId;
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
  /** `agent.connected` (has sessions), `agent.token` (has a token), `agent.none`. */
  readonly contextValue: 'agent.connected' | 'agent.token' | 'agent.none';
  readonly state: 'connected' | 'idle' | 'never' | 'none';
}

const connectionWords = (connection: Connection, l10n: L10n): string => {
  switch (connection) {
    case 'provider': return l10n.t('VS Code MCP provider');
    case 'bridge': return l10n.t('airlock-mcp bridge (stdio)');
    case 'http': return l10n.t('HTTP');
  }
};

/** One row per client Airlock knows: connected now, last seen, never — and how it connects. */
export function agentRows(facts: readonly AgentFacts[], now: number, l10n: L10n): AgentRow[] {
  const byClient = new Map(facts.map((fact) => [fact.client, fact]));
  return CLIENT_IDS.map((client) => {
    const fact = byClient.get(client) ?? { client, hasToken: false, sessions: 0, lastSeen: undefined, claimedName: undefined, connection: undefined };
    const state: AgentRow['state'] = fact.sessions > 0 ? 'connected' : fact.lastSeen !== undefined ? 'idle' : fact.hasToken ? 'never' : 'none';
    const seen = state === 'connected'
      ? (fact.sessions === 1 ? l10n.t('connected now') : l10n.t('connected now ({0} sessions)', fact.sessions))
      : fact.lastSeen !== undefined
        ? l10n.t('last seen {0}', formatAgo(now - fact.lastSeen, l10n))
        : fact.hasToken ? l10n.t('never connected') : l10n.t('not set up');
    const how = fact.connection === undefined ? undefined : connectionWords(fact.connection, l10n);
    return {
      id: `agent:${client}`,
      client,
      label: CLIENT_LABELS[client],
      description: how === undefined ? seen : `${seen} · ${how}`,
      tooltip: [
        CLIENT_LABELS[client],
        seen,
        how === undefined ? undefined : l10n.t('Connects through: {0}', how),
        fact.claimedName === undefined ? undefined : l10n.t('Last claimed name: {0} (claimed by the client, not verified)', revealCapped(fact.claimedName, 200)),
        fact.hasToken ? l10n.t('Has an Airlock token') : l10n.t('No token: connect it to issue one'),
      ].filter((line): line is string => line !== undefined).join('\n'),
      contextValue: state === 'connected' ? 'agent.connected' : fact.hasToken ? 'agent.token' : 'agent.none',
      state,
    };
  });
}
