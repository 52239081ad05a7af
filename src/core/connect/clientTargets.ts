import { join } from 'node:path';
import type { Say } from '../../shared/l10n';
import type { BridgeEntry } from './clientConfig';

/**
 * Where the JSON-configured clients keep their MCP servers, and the entry each expects for Airlock's
 * bridge. Every one of these files is `{ "mcpServers": { "<name>": { … } } }` (edited by
 * connectJsonConfig, which keeps comments and other servers). Each path is the one its documentation
 * names; the link is beside it.
 */
export type JsonClient = 'claude-code' | 'cursor' | 'copilot-cli' | 'gemini-cli' | 'cline' | 'roo-code' | 'windsurf' | 'kiro';
export type Scope = 'user' | 'project';

export interface ClientTarget {
  /** Scopes in the order the picker offers them (the first is the usual choice). */
  readonly scopes: readonly Scope[];
  /** Shown in the scope picker (the person's language; file names stay as they are). */
  readonly describe: Readonly<Partial<Record<Scope, Say>>>;
  /** The config file for a scope. */
  path(scope: Scope, where: TargetPlaces): string;
  /** The `mcpServers.airlock` entry this client expects. */
  entry(bridge: BridgeEntry): Record<string, string | string[] | boolean>;
}

export interface TargetPlaces {
  /** The person's home directory. */
  readonly home: string;
  /** The workspace folder (project scope). */
  readonly folder: string;
  /** This VS Code's `User/globalStorage` folder (where VS Code extensions such as Cline and Roo Code keep settings). */
  readonly globalStorage: string;
  /** The environment, for overrides a client documents (COPILOT_HOME). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

const stdio = (bridge: BridgeEntry) => ({ command: bridge.command, args: [...bridge.args] });

export const CLIENT_TARGETS: Readonly<Record<JsonClient, ClientTarget>> = {
  'claude-code': {
    scopes: ['project', 'user'],
    describe: { project: (l10n) => l10n.t('{0} in the workspace folder', '.mcp.json'), user: (l10n) => l10n.t('{0} (all projects)', '~/.claude.json') },
    path: (scope, p) => (scope === 'user' ? join(p.home, '.claude.json') : join(p.folder, '.mcp.json')),
    entry: (bridge) => ({ type: 'stdio', ...stdio(bridge) }),
  },
  cursor: {
    scopes: ['user', 'project'],
    describe: { user: (l10n) => l10n.t('{0} (all projects)', '~/.cursor/mcp.json'), project: (l10n) => l10n.t('{0} in the workspace folder', '.cursor/mcp.json') },
    path: (scope, p) => (scope === 'user' ? join(p.home, '.cursor', 'mcp.json') : join(p.folder, '.cursor', 'mcp.json')),
    entry: stdio,
  },
  // GitHub Copilot CLI: "Details of your configured MCP servers are stored in the mcp-config.json file,
  // which is located, by default, in the ~/.copilot directory"
  // (https://docs.github.com/en/copilot/how-tos/use-copilot-agents/use-copilot-cli, "Add an MCP server").
  // A local server is `"type": "local"` with `command`, `args` and the `tools` it may use ("*": all);
  // `copilot mcp list` (1.0.102) reads $COPILOT_HOME/mcp-config.json when COPILOT_HOME is set.
  'copilot-cli': {
    scopes: ['user'],
    describe: { user: (l10n) => l10n.t('{0} (all projects)', '~/.copilot/mcp-config.json') },
    path: (_scope, p) => join(p.env['COPILOT_HOME'] ?? join(p.home, '.copilot'), 'mcp-config.json'),
    entry: (bridge) => ({ type: 'local', ...stdio(bridge), tools: ['*'] }),
  },
  // Gemini CLI: user settings ~/.gemini/settings.json, project settings .gemini/settings.json, with an
  // `mcpServers` object of `{ command, args }` (https://geminicli.com/docs/cli/configuration/,
  // https://geminicli.com/docs/tools/mcp-server/).
  'gemini-cli': {
    scopes: ['user', 'project'],
    describe: { user: (l10n) => l10n.t('{0} (all projects)', '~/.gemini/settings.json'), project: (l10n) => l10n.t('{0} in the workspace folder', '.gemini/settings.json') },
    path: (scope, p) => (scope === 'user' ? join(p.home, '.gemini', 'settings.json') : join(p.folder, '.gemini', 'settings.json')),
    entry: stdio,
  },
  // Cline (VS Code extension saoudrizwan.claude-dev): "Settings are stored in cline_mcp_settings.json"
  // (https://docs.cline.bot/mcp/configuring-mcp-servers), in the extension's global storage:
  // <VS Code user dir>/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json.
  cline: {
    scopes: ['user'],
    describe: { user: (l10n) => l10n.t("{0}'s {1} in this VS Code's global storage", 'Cline', 'cline_mcp_settings.json') },
    path: (_scope, p) => join(p.globalStorage, 'saoudrizwan.claude-dev', 'settings', 'cline_mcp_settings.json'),
    entry: (bridge) => ({ ...stdio(bridge), disabled: false }),
  },
  // Roo Code (rooveterinaryinc.roo-cline): global mcp_settings.json (in its global storage) and project
  // .roo/mcp.json, "Precedence: … the project-level configuration takes precedence"
  // (https://docs.roocode.com/features/mcp/using-mcp-in-roo).
  'roo-code': {
    scopes: ['project', 'user'],
    describe: { project: (l10n) => l10n.t('{0} in the workspace folder', '.roo/mcp.json'), user: (l10n) => l10n.t("{0}'s {1} in this VS Code's global storage", 'Roo Code', 'mcp_settings.json') },
    path: (scope, p) => (scope === 'user'
      ? join(p.globalStorage, 'rooveterinaryinc.roo-cline', 'settings', 'mcp_settings.json')
      : join(p.folder, '.roo', 'mcp.json')),
    entry: (bridge) => ({ ...stdio(bridge), disabled: false }),
  },
  // Windsurf (Cascade): ~/.codeium/windsurf/mcp_config.json, `mcpServers` of `{ command, args }`
  // (https://docs.windsurf.com/windsurf/cascade/mcp#mcp_config-json).
  windsurf: {
    scopes: ['user'],
    describe: { user: () => '~/.codeium/windsurf/mcp_config.json' },
    path: (_scope, p) => join(p.home, '.codeium', 'windsurf', 'mcp_config.json'),
    entry: stdio,
  },
  // Kiro: user ~/.kiro/settings/mcp.json, workspace .kiro/settings/mcp.json; workspace wins
  // (https://kiro.dev/docs/mcp/configuration/, "Configuration locations").
  kiro: {
    scopes: ['user', 'project'],
    describe: { user: (l10n) => l10n.t('{0} (all projects)', '~/.kiro/settings/mcp.json'), project: (l10n) => l10n.t('{0} in the workspace folder', '.kiro/settings/mcp.json') },
    path: (scope, p) => (scope === 'user' ? join(p.home, '.kiro', 'settings', 'mcp.json') : join(p.folder, '.kiro', 'settings', 'mcp.json')),
    entry: (bridge) => ({ ...stdio(bridge), disabled: false }),
  },
};

export const isJsonClient = (client: string): client is JsonClient => Object.hasOwn(CLIENT_TARGETS, client);
