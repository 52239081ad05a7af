/**
 * A person connects Codex: "Airlock: Connect Codex" from the palette shows the exact change as a diff and
 * asks in a modal; Write edits ~/.codex/config.toml keeping their comments and other servers; then Codex
 * (here: a real MCP SDK client launching the configured command, as Codex would) lists Airlock's tools
 * through the launcher and the stdio bridge. Packaged VSIX in a throwaway code-server.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { parse as parseToml } from 'smol-toml';
import { launchSandbox, runCommand, screenshot, waitForClientToken, waitForEndpoint, waitForNotification, type Sandbox } from './harness';

const ORIGINAL = [
  '# my Codex settings: keep this comment',
  'model = "o3"',
  '',
  '[mcp_servers.github]',
  'command = "gh-mcp" # and this one',
  '',
].join('\n');

describe('e2e: Airlock: Connect Codex (diff preview, modal, comment-preserving edit, working bridge)', function () {
  this.timeout(240_000);
  let sandbox: Sandbox | undefined;
  let configPath = '';

  before(async () => {
    sandbox = await launchSandbox({ fixture: 'demo' });
    configPath = join(sandbox.dirs.home, '.codex', 'config.toml');
    mkdirSync(join(sandbox.dirs.home, '.codex'), { recursive: true });
    writeFileSync(configPath, ORIGINAL);
  });

  after(async () => {
    await sandbox?.close();
  });

  it('shows the change as a diff and asks before writing; Write keeps the person\'s comments', async () => {
    assert.ok(sandbox);
    const { page } = sandbox;
    await waitForEndpoint(sandbox.airlockHome);
    await runCommand(page, 'Airlock: Connect Codex');
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'config.toml' }).first();
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    // The diff editor behind the modal shows the proposed section.
    await page.locator('.monaco-diff-editor').first().waitFor({ state: 'attached', timeout: 15_000 });
    await screenshot(page, 'connect-codex-preview');
    assert.equal(readFileSync(configPath, 'utf8'), ORIGINAL, 'written before the person confirmed');
    await dialog.locator('.monaco-button', { hasText: /^Write$/ }).first().click();
    await waitForNotification(page, 'Codex connected', 30_000);

    const written = readFileSync(configPath, 'utf8');
    assert.ok(written.startsWith(ORIGINAL.trimEnd()), written);
    const parsed = parseToml(written) as { mcp_servers: Record<string, { command: string; args?: string[] }> };
    assert.equal(parsed.mcp_servers['github']?.command, 'gh-mcp');
    assert.equal(parsed.mcp_servers['airlock']?.command, join(sandbox.airlockHome, 'bin', 'airlock-mcp'));
    assert.deepEqual(parsed.mcp_servers['airlock']?.args, ['--client', 'codex']);
  });

  it('running it again changes nothing (idempotent, no modal)', async () => {
    assert.ok(sandbox);
    const before = readFileSync(configPath, 'utf8');
    await runCommand(sandbox.page, 'Airlock: Connect Codex');
    await waitForNotification(sandbox.page, 'already connected', 30_000);
    // "already connected" is the command's last step; the confirmation modal, when there is one, comes
    // before the write and so before any report: none can appear after it.
    assert.equal(await sandbox.page.locator('.monaco-dialog-box').count(), 0);
    assert.equal(readFileSync(configPath, 'utf8'), before);
  });

  it('the configured command (launcher → bridge) serves Airlock\'s tools to a stdio MCP client', async () => {
    assert.ok(sandbox?.workspace);
    await waitForClientToken(sandbox.airlockHome, 'codex');
    const config = parseToml(readFileSync(configPath, 'utf8')) as { mcp_servers: { airlock: { command: string; args: string[] } } };
    const client = new Client({ name: 'codex-stand-in', version: '1.0.0' });
    await client.connect(new StdioClientTransport({
      command: config.mcp_servers.airlock.command,
      args: config.mcp_servers.airlock.args,
      cwd: sandbox.workspace,
      env: { PATH: process.env['PATH'] ?? '', HOME: sandbox.dirs.home, AIRLOCK_HOME: sandbox.airlockHome },
      stderr: 'pipe',
    }));
    try {
      const { tools } = await client.listTools();
      assert.ok(tools.some((t) => t.name === 'list_credentials'), tools.map((t) => t.name).join(', '));
      const result = await client.callTool({ name: 'list_grants', arguments: {} });
      assert.deepEqual(result.structuredContent, { grants: [] });
    } finally {
      await client.close();
    }
  });
});
