/** The clients Airlock issues tokens to. The token, not the agent's claim, is the identity. */
export const CLIENT_IDS = ['copilot', 'codex', 'claude-code', 'cursor', 'copilot-cli', 'gemini-cli', 'cline', 'roo-code', 'windsurf', 'kiro', 'other'] as const;
export type ClientId = (typeof CLIENT_IDS)[number];

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

export const isClientId = (value: string): value is ClientId => (CLIENT_IDS as readonly string[]).includes(value);
