import { revealCapped } from './text/untrustedText';
/** The clients Airlock issues tokens to. The token, not the agent's claim, is the identity. */
export const CLIENT_IDS = ['copilot', 'codex', 'claude-code', 'cursor', 'copilot-cli', 'gemini-cli', 'cline', 'roo-code', 'windsurf', 'kiro', 'other'] as const;
/** An agent: what a token identifies. */
export type AgentId = (typeof CLIENT_IDS)[number];
/**
 * Who a grant or run is for: an agent, or `person` — the person at the keyboard running a command
 * themselves ("Run Command with Credentials…"). `person` is not in CLIENT_IDS, so no token, bridge,
 * policy rule or MCP session can ever be it.
 */
export const PERSON = 'person';
export type ClientId = AgentId | typeof PERSON;

export const CLIENT_LABELS: Readonly<Record<ClientId, string>> = {
  copilot: 'Copilot',
  codex: 'Codex',
  'claude-code': 'Claude Code',
  cursor: 'Cursor',
  'copilot-cli': 'GitHub Copilot CLI',
  'gemini-cli': 'Gemini CLI',
  cline: 'Cline',
  'roo-code': 'Roo Code',
  windsurf: 'Windsurf',
  kiro: 'Kiro',
  other: 'Other MCP client',
  person: 'You',
};

/** Who is asking: the token's client (trusted) plus what the MCP `clientInfo` claimed (untrusted). */
export interface ClientIdentity {
  readonly id: ClientId;
  /** The MCP session the request came in on. */
  readonly sessionId: string;
  /** `clientInfo.name`/`version` from `initialize`; shown marked "claimed". */
  readonly claimedName?: string;
  readonly claimedVersion?: string;
}

/** Whether `value` names an agent (never `person`). */
export const isClientId = (value: string): value is AgentId => (CLIENT_IDS as readonly string[]).includes(value);

/**
 * How a person reads a client id from a grant or the audit log: an agent's or the person's label ("You");
 * anything else (a hand-edited log line) revealed by the one untrusted-text rule.
 */
export const clientLabel = (client: string): string =>
  isClientId(client) || client === PERSON ? CLIENT_LABELS[client as ClientId] : revealCapped(client, 60);
