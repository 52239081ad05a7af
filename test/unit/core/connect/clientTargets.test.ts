import { strict as assert } from 'node:assert';
import { parse as parseJsonc } from 'jsonc-parser';
import { CLIENT_IDS } from '../../../../src/core/clients';
import { connectJsonConfig, disconnectJsonConfig } from '../../../../src/core/connect/clientConfig';
import { CLIENT_TARGETS, isJsonClient, type JsonClient } from '../../../../src/core/connect/clientTargets';
import { plainL10n } from '../../../../src/shared/l10n';
import { markingL10n } from '../../../support/markingL10n';

const places = { home: '/home/me', folder: '/work/app', globalStorage: '/home/me/.config/Code/User/globalStorage', env: {} };
const bridge = (client: string) => ({ command: '/home/me/.airlock/bin/airlock-mcp', args: ['--client', client] });

// A config a person wrote: comments, another server, a setting of the client's own.
const ORIGINAL = `{
  // my servers — keep this comment
  "theme": "dark", /* inline comment */
  "mcpServers": {
    // the GitHub server
    "github": { "command": "gh-mcp", "args": ["serve"] }
  }
}
`;

describe('client targets (documented MCP config files)', () => {
  it('l10n: each scope description is translated whole, its file name an argument (never translated)', () => {
    assert.equal(CLIENT_TARGETS['claude-code'].describe.project?.(markingL10n), '«.mcp.json in the workspace folder»');
    assert.equal(CLIENT_TARGETS['claude-code'].describe.user?.(markingL10n), '«~/.claude.json (all projects)»');
    assert.equal(CLIENT_TARGETS.cline.describe.user?.(markingL10n), "«Cline's cline_mcp_settings.json in this VS Code's global storage»");
    assert.equal(CLIENT_TARGETS['roo-code'].describe.user?.(plainL10n), "Roo Code's mcp_settings.json in this VS Code's global storage");
    for (const target of Object.values(CLIENT_TARGETS)) for (const scope of target.scopes) assert.ok(target.describe[scope] !== undefined, scope);
  });

  const expectedPaths: Record<JsonClient, Partial<Record<'user' | 'project', string>>> = {
    'claude-code': { user: '/home/me/.claude.json', project: '/work/app/.mcp.json' },
    cursor: { user: '/home/me/.cursor/mcp.json', project: '/work/app/.cursor/mcp.json' },
    'copilot-cli': { user: '/home/me/.copilot/mcp-config.json' },
    'gemini-cli': { user: '/home/me/.gemini/settings.json', project: '/work/app/.gemini/settings.json' },
    cline: { user: '/home/me/.config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json' },
    'roo-code': { user: '/home/me/.config/Code/User/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json', project: '/work/app/.roo/mcp.json' },
    windsurf: { user: '/home/me/.codeium/windsurf/mcp_config.json' },
    kiro: { user: '/home/me/.kiro/settings/mcp.json', project: '/work/app/.kiro/settings/mcp.json' },
  };

  it('every JSON client is a client id, and each scope has the documented path', () => {
    for (const client of Object.keys(CLIENT_TARGETS)) assert.ok((CLIENT_IDS as readonly string[]).includes(client), client);
    for (const [client, paths] of Object.entries(expectedPaths) as [JsonClient, Record<string, string>][]) {
      assert.deepEqual([...CLIENT_TARGETS[client].scopes].sort(), Object.keys(paths).sort(), client);
      for (const [scope, path] of Object.entries(paths)) assert.equal(CLIENT_TARGETS[client].path(scope as 'user' | 'project', places), path, `${client} ${scope}`);
    }
    assert.ok(isJsonClient('kiro') && !isJsonClient('codex') && !isJsonClient('toString'));
  });

  it('COPILOT_HOME moves the Copilot CLI config, as the CLI does', () => {
    assert.equal(CLIENT_TARGETS['copilot-cli'].path('user', { ...places, env: { COPILOT_HOME: '/tmp/ch' } }), '/tmp/ch/mcp-config.json');
  });

  it('the entries have the shape each client documents', () => {
    assert.deepEqual(CLIENT_TARGETS['copilot-cli'].entry(bridge('copilot-cli')), { type: 'local', command: '/home/me/.airlock/bin/airlock-mcp', args: ['--client', 'copilot-cli'], tools: ['*'] });
    assert.deepEqual(CLIENT_TARGETS['gemini-cli'].entry(bridge('gemini-cli')), { command: '/home/me/.airlock/bin/airlock-mcp', args: ['--client', 'gemini-cli'] });
    assert.deepEqual(CLIENT_TARGETS.windsurf.entry(bridge('windsurf')), { command: '/home/me/.airlock/bin/airlock-mcp', args: ['--client', 'windsurf'] });
    for (const client of ['cline', 'roo-code', 'kiro'] as const) assert.equal(CLIENT_TARGETS[client].entry(bridge(client))['disabled'], false);
  });

  for (const client of ['copilot-cli', 'gemini-cli', 'cline', 'roo-code', 'windsurf', 'kiro'] as const) {
    it(`${client}: connect keeps comments, other servers and settings; is idempotent; disconnect removes only Airlock`, () => {
      const entry = CLIENT_TARGETS[client].entry(bridge(client));
      const connected = connectJsonConfig(ORIGINAL, entry);
      assert.ok(connected.ok && connected.value.kind === 'changed');
      const text = connected.value.text;
      // jsonc-parser re-indents the sibling it inserts after; the comments and every value stay.
      for (const kept of ['// my servers — keep this comment', '/* inline comment */', '// the GitHub server', '"theme": "dark"']) {
        assert.ok(text.includes(kept), `${client} lost ${kept}`);
      }
      const parsed = parseJsonc(text) as { mcpServers: Record<string, unknown> };
      assert.deepEqual(parsed.mcpServers['airlock'], entry);
      assert.deepEqual(parsed.mcpServers['github'], { command: 'gh-mcp', args: ['serve'] });
      const again = connectJsonConfig(text, entry);
      assert.ok(again.ok && again.value.kind === 'unchanged');
      const removed = disconnectJsonConfig(text);
      assert.ok(removed.ok && removed.value.kind === 'changed');
      assert.deepEqual(parseJsonc(removed.value.text), parseJsonc(ORIGINAL));
      assert.ok(removed.value.text.includes('// the GitHub server'));
    });
  }

  it('an empty (new) file becomes a config with only Airlock', () => {
    const connected = connectJsonConfig('', CLIENT_TARGETS.kiro.entry(bridge('kiro')));
    assert.ok(connected.ok && connected.value.kind === 'changed');
    assert.deepEqual(parseJsonc(connected.value.text), { mcpServers: { airlock: CLIENT_TARGETS.kiro.entry(bridge('kiro')) } });
  });
});
