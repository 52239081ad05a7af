import { strict as assert } from 'node:assert';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse as parseTomlRaw } from 'smol-toml';

// smol-toml builds null-prototype objects; compare plain data.
const parseToml = (text: string): unknown => JSON.parse(JSON.stringify(parseTomlRaw(text)));
import {
  connectCodexToml, connectJsonConfig, disconnectCodexToml, disconnectJsonConfig, type BridgeEntry, type ConfigEdit,
} from '../../../../src/core/connect/clientConfig';
import type { Outcome } from '../../../../src/core/outcome';
import { markingL10n } from '../../../support/markingL10n';

const entry: BridgeEntry = { command: '/home/me/.airlock/bin/airlock-mcp', args: ['--client', 'codex'] };

function changed(result: Outcome<ConfigEdit>): string {
  assert.ok(result.ok, result.ok ? '' : result.message);
  assert.equal(result.value.kind, 'changed');
  return result.value.kind === 'changed' ? result.value.text : '';
}
function unchanged(result: Outcome<ConfigEdit>): void {
  assert.ok(result.ok, result.ok ? '' : result.message);
  assert.equal(result.value.kind, 'unchanged');
}

describe('client config editing', () => {
  describe('Codex config.toml', () => {
    const original = [
      '# My Codex settings — keep this comment',
      'model = "o3" # inline comment',
      '',
      '[mcp_servers.github]',
      '# the GitHub server',
      'command = "gh-mcp"',
      'args = ["serve"]',
      '',
      '# profiles below',
      '[profiles.fast]',
      'model = "o4-mini"',
      '',
    ].join('\n');

    it('adds [mcp_servers.airlock] and keeps every comment and entry', () => {
      const text = changed(connectCodexToml(original, entry));
      assert.ok(text.startsWith(original.trimEnd()), text);
      for (const line of original.split('\n')) assert.ok(text.includes(line), line);
      const parsed = parseToml(text) as { mcp_servers: Record<string, unknown>; model: string };
      assert.deepEqual(parsed.mcp_servers['airlock'], { command: entry.command, args: [...entry.args] });
      assert.deepEqual(parsed.mcp_servers['github'], { command: 'gh-mcp', args: ['serve'] });
      assert.equal(parsed.model, 'o3');
    });

    it('is idempotent', () => {
      const once = changed(connectCodexToml(original, entry));
      unchanged(connectCodexToml(once, entry));
    });

    it('updates an existing section in place, keeping its other keys and the tables around it', () => {
      const existing = original.replace('[profiles.fast]', '[mcp_servers.airlock]\ncommand = "/old/airlock-mcp"\nargs = []\nstartup_timeout_sec = 20\n\n[mcp_servers.airlock.env]\nX = "1"\n\n[profiles.fast]');
      const text = changed(connectCodexToml(existing, entry));
      const parsed = parseToml(text) as { mcp_servers: { airlock: Record<string, unknown> } };
      assert.deepEqual(parsed.mcp_servers.airlock, { command: entry.command, args: [...entry.args], startup_timeout_sec: 20, env: { X: '1' } });
      assert.ok(text.includes('# profiles below'));
      assert.ok(text.indexOf('[mcp_servers.airlock]') < text.indexOf('[profiles.fast]'));
    });

    it('writes into an empty file', () => {
      const text = changed(connectCodexToml('', entry));
      assert.deepEqual(parseToml(text), { mcp_servers: { airlock: { command: entry.command, args: [...entry.args] } } });
    });

    it('keeps CRLF line endings', () => {
      const text = changed(connectCodexToml(original.replace(/\n/g, '\r\n'), entry));
      assert.ok(!/[^\r]\n/.test(text), 'a bare LF slipped in');
    });

    it('quotes paths with spaces and quotes safely', () => {
      const tricky = { command: '/home/o\'brien/my "tools"/airlock-mcp', args: ['--client', 'codex'] };
      const text = changed(connectCodexToml(original, tricky));
      assert.equal((parseToml(text) as { mcp_servers: { airlock: { command: string } } }).mcp_servers.airlock.command, tricky.command);
    });

    it('refuses invalid TOML and layouts it cannot edit safely, changing nothing', () => {
      const invalid = connectCodexToml('model = \n[', entry);
      assert.equal(!invalid.ok && invalid.code, 'invalid_config');
      const inline = connectCodexToml('[mcp_servers]\nairlock = { command = "x" }\n', entry);
      assert.equal(!inline.ok && inline.code, 'unsupported_layout');
      const dotted = connectCodexToml('mcp_servers.airlock.command = "x"\n', entry);
      assert.equal(!dotted.ok && dotted.code, 'unsupported_layout');
    });

    it('l10n: the person reads why nothing changed in their language (every refusal, TOML and JSON)', () => {
      const cases = [
        connectCodexToml('model = \n[', entry, markingL10n),
        connectCodexToml('[mcp_servers]\nairlock = { command = "x" }\n', entry, markingL10n),
        disconnectCodexToml('mcp_servers.airlock.command = "x"\n', markingL10n),
        connectJsonConfig('{ "a": ', {}, markingL10n),
        connectJsonConfig('[]', {}, markingL10n),
        connectJsonConfig('{ "mcpServers": 1 }', {}, markingL10n),
        disconnectJsonConfig('{ "a": ', markingL10n),
      ];
      for (const edit of cases) assert.ok(!edit.ok && /^«.*»$/s.test(edit.message), edit.ok ? 'ok' : edit.message);
      const inline = connectCodexToml('[mcp_servers]\nairlock = { command = "x" }\n', entry);
      assert.ok(!inline.ok);
      assert.equal(inline.message, 'The "airlock" MCP server is defined in a form Airlock does not edit (inline table, dotted keys or duplicates); edit it by hand.');
    });

    it('disconnect removes the section and its sub-tables, leaves everything else', () => {
      const connected = changed(connectCodexToml(original, entry)) + '\n[mcp_servers.airlock.env]\nA = "b"\n';
      const text = changed(disconnectCodexToml(connected));
      assert.equal((parseToml(text) as { mcp_servers: Record<string, unknown> }).mcp_servers['airlock'], undefined);
      assert.deepEqual(parseToml(text), parseToml(original));
      for (const line of original.split('\n').filter((l) => l.startsWith('#'))) assert.ok(text.includes(line), line);
      unchanged(disconnectCodexToml(text));
      unchanged(disconnectCodexToml(original));
    });

    it('connect then disconnect round-trips to the original text', () => {
      const text = changed(disconnectCodexToml(changed(connectCodexToml(original, entry))));
      assert.equal(text.trimEnd(), original.trimEnd());
    });
  });

  describe('JSON configs (Claude Code .mcp.json / ~/.claude.json, Cursor mcp.json)', () => {
    const claudeEntry = { type: 'stdio', command: entry.command, args: ['--client', 'claude-code'] };
    const original = [
      '{',
      '  // servers for this project',
      '  "mcpServers": {',
      '    "github": { "command": "gh-mcp", "args": ["serve"] }, // keep me',
      '  },',
      '  "other": true',
      '}',
      '',
    ].join('\n');

    it('adds mcpServers.airlock and keeps comments and other servers', () => {
      const text = changed(connectJsonConfig(original, claudeEntry));
      assert.ok(text.includes('// servers for this project'));
      assert.ok(text.includes('// keep me'));
      const parsed = parseJsonc(text) as { mcpServers: Record<string, unknown>; other: boolean };
      assert.deepEqual(parsed.mcpServers['airlock'], claudeEntry);
      assert.deepEqual(parsed.mcpServers['github'], { command: 'gh-mcp', args: ['serve'] });
      assert.equal(parsed.other, true);
    });

    it('is idempotent and updates a stale entry', () => {
      const once = changed(connectJsonConfig(original, claudeEntry));
      unchanged(connectJsonConfig(once, claudeEntry));
      const moved = changed(connectJsonConfig(once, { ...claudeEntry, command: '/new/airlock-mcp' }));
      assert.equal((parseJsonc(moved) as { mcpServers: { airlock: { command: string } } }).mcpServers.airlock.command, '/new/airlock-mcp');
    });

    it('creates the structure in an empty or missing file', () => {
      for (const empty of ['', '  \n', '{}']) {
        const text = changed(connectJsonConfig(empty, claudeEntry));
        assert.deepEqual(JSON.parse(text), { mcpServers: { airlock: claudeEntry } });
      }
    });

    it('refuses invalid JSON and non-object roots', () => {
      for (const bad of ['{ "mcpServers": ', '[1]', '{"mcpServers": 3}']) {
        const result = connectJsonConfig(bad, claudeEntry);
        assert.equal(!result.ok && result.code, 'invalid_config', bad);
      }
    });

    it('disconnect removes only mcpServers.airlock', () => {
      const connected = changed(connectJsonConfig(original, claudeEntry));
      const text = changed(disconnectJsonConfig(connected));
      assert.ok(text.includes('// keep me'));
      assert.deepEqual(parseJsonc(text), parseJsonc(original));
      unchanged(disconnectJsonConfig(text));
      unchanged(disconnectJsonConfig(''));
    });

    it('keeps tab indentation', () => {
      const tabbed = '{\n\t"mcpServers": {\n\t\t"x": {}\n\t}\n}\n';
      const text = changed(connectJsonConfig(tabbed, claudeEntry));
      assert.ok(text.includes('\n\t\t"airlock"'), text);
    });
  });
});
