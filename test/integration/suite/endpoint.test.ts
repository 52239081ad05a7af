import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import * as vscode from 'vscode';
import { clientTokenPath, launcherPath } from '../../../src/core/connect/paths';
import { Commands, EXTENSION_ID } from '../../../src/shared/ids';
import { mcpMessages } from '../../support/mcpResponse';
import { connectAs, connectHttpClient, initializeBody, jsonHeaders, liveEndpoint, rawRequest } from '../helpers/endpoint';

const workspace = (): string => {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder');
  return folder.uri.fsPath;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Polls `done` until it holds or the hang guard passes (the caller's assertion then judges). */
async function pollUntil(done: () => boolean | Promise<boolean>, hangGuardMs = 30_000): Promise<void> {
  const deadline = Date.now() + hangGuardMs;
  while (!(await done()) && Date.now() < deadline) await sleep(100);
}

describe('MCP endpoint (real extension host)', function () {
  this.timeout(60_000);

  it('comes up on 127.0.0.1 and publishes a private discovery file without any token', async () => {
    const { endpoint, url } = await liveEndpoint();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const file = endpoint.discoveryFile();
    assert.ok(file.startsWith(endpoint.discoveryDir));
    const record = JSON.parse(readFileSync(file, 'utf8')) as { url: string; pid: number; workspaceFolders: string[]; version: string };
    assert.equal(record.url, url);
    assert.equal(record.pid, process.pid);
    assert.deepEqual(record.workspaceFolders, [workspace()]);
    assert.equal(statSync(endpoint.discoveryDir).mode & 0o777, 0o700);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    for (const client of ['copilot', 'codex', 'other'] as const) {
      assert.ok(!readFileSync(file, 'utf8').includes(await endpoint.clientToken(client)));
    }
    assert.ok(existsSync(launcherPath(endpoint.airlockHome)), 'the airlock-mcp launcher was not written');
  });

  it('a real MCP SDK client over Streamable HTTP lists the tools and calls list_credentials', async () => {
    const client = await connectAs('other', 'sdk-http-client');
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    for (const name of ['list_credentials', 'list_grants']) assert.ok(names.includes(name), `${name} missing from ${names.join(', ')}`);
    const listCredentials = tools.find((t) => t.name === 'list_credentials');
    assert.equal(listCredentials?.annotations?.readOnlyHint, true);
    assert.ok(listCredentials?.outputSchema, 'list_credentials has no outputSchema');
    assert.match(listCredentials?.description ?? '', /never returned/);
    const result = await client.callTool({ name: 'list_credentials', arguments: {} });
    assert.notEqual(result.isError, true, JSON.stringify(result));
    assert.ok(Array.isArray((result.structuredContent as { credentials?: unknown }).credentials));
    const grants = await client.callTool({ name: 'list_grants', arguments: {} });
    assert.ok(Array.isArray((grants.structuredContent as { grants?: unknown }).grants));
    const { endpoint } = await liveEndpoint();
    const session = endpoint.sessions().find((s) => s.claimedName === 'sdk-http-client');
    assert.equal(session?.client, 'other');
    await client.close();
  });

  it('list_credentials reflects "airlock.credentials" with a policy preview, names only', async () => {
    const config = vscode.workspace.getConfiguration('airlock');
    await config.update('credentials', [{ name: 'ENDPOINT_TEST_TOKEN', description: 'For the endpoint test', source: 'secret:ENDPOINT_TEST_TOKEN' }], vscode.ConfigurationTarget.Global);
    const client = await connectAs('codex', 'credentials-probe');
    try {
      let listed: { name: string; env: string; store: string; policy: string }[] = [];
      await pollUntil(async () => {
        const result = await client.callTool({ name: 'list_credentials', arguments: {} });
        listed = (result.structuredContent as { credentials: typeof listed }).credentials;
        return listed.some((c) => c.name === 'ENDPOINT_TEST_TOKEN');
      });
      const entry = listed.find((c) => c.name === 'ENDPOINT_TEST_TOKEN');
      assert.deepEqual(entry && [entry.env, entry.store, entry.policy], ['ENDPOINT_TEST_TOKEN', 'secret', 'ask']);
    } finally {
      await client.close();
      await config.update('credentials', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('Connect Codex writes the config and token file (idempotent); the bridge relays through the launcher', async () => {
    const { endpoint } = await liveEndpoint();
    const home = process.env['HOME'] ?? '';
    assert.ok(home !== '' && !home.startsWith('/root') && !home.startsWith('/home/'), `HOME is not sandboxed: ${home}`);
    const first = await vscode.commands.executeCommand<{ outcome: string; path: string }>(Commands.connectCodex, { confirm: false });
    assert.ok(first.outcome === 'changed' || first.outcome === 'unchanged', JSON.stringify(first));
    assert.equal(first.path, join(home, '.codex', 'config.toml'));
    const config = readFileSync(first.path, 'utf8');
    assert.ok(config.includes('[mcp_servers.airlock]'));
    assert.ok(config.includes(launcherPath(endpoint.airlockHome)));
    const again = await vscode.commands.executeCommand<{ outcome: string }>(Commands.connectCodex, { confirm: false });
    assert.equal(again.outcome, 'unchanged');
    const tokenFile = clientTokenPath(endpoint.airlockHome, 'codex');
    assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
    assert.equal(readFileSync(tokenFile, 'utf8').trim(), await endpoint.clientToken('codex'));

    const client = new Client({ name: 'sdk-stdio-client', version: '1.0.0' });
    await client.connect(new StdioClientTransport({
      command: launcherPath(endpoint.airlockHome),
      args: ['--client', 'codex'],
      cwd: workspace(),
      env: { PATH: process.env['PATH'] ?? '', AIRLOCK_HOME: endpoint.airlockHome, HOME: home },
      stderr: 'pipe',
    }));
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === 'list_credentials'));
    const result = await client.callTool({ name: 'list_credentials', arguments: {} });
    assert.notEqual(result.isError, true);
    assert.ok(endpoint.sessions().some((s) => s.client === 'codex' && s.claimedName === 'sdk-stdio-client'));
    await client.close();
  });

  it('node dist/bridge.js fails clearly outside any open folder', async () => {
    const { endpoint } = await liveEndpoint();
    const bridge = join(vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath ?? '', 'dist', 'bridge.js');
    const run = spawnSync(process.execPath, [bridge, '--client', 'codex', '--workspace', '/'], {
      env: { AIRLOCK_HOME: endpoint.airlockHome, ELECTRON_RUN_AS_NODE: '1', PATH: process.env['PATH'] ?? '' },
      encoding: 'utf8', input: '', timeout: 20_000,
    });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /no VS Code window has \/ open/);
  });

  it('the MCP Inspector CLI (a client nobody here wrote) lists the tools through the bridge', async function () {
    this.timeout(90_000);
    const { endpoint } = await liveEndpoint();
    await vscode.commands.executeCommand(Commands.connectCodex, { confirm: false });
    const extensionPath = vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath ?? '';
    const inspector = join(extensionPath, 'node_modules', '@modelcontextprotocol', 'inspector', 'cli', 'build', 'cli.js');
    assert.ok(existsSync(inspector), `MCP Inspector not installed at ${inspector}`);
    const output = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [inspector, '--cli', launcherPath(endpoint.airlockHome), '--client', 'codex', '--method', 'tools/list'], {
        cwd: workspace(),
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', AIRLOCK_HOME: endpoint.airlockHome },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
    assert.equal(output.code, 0, output.stderr);
    const listed = JSON.parse(output.stdout) as { tools: { name: string }[] };
    assert.ok(listed.tools.some((t) => t.name === 'list_credentials'), output.stdout);
  });

  it('Connect Claude Code (project) and Cursor (user) edit their JSON configs; Disconnect removes only Airlock', async () => {
    const home = process.env['HOME'] ?? '';
    const claude = await vscode.commands.executeCommand<{ outcome: string; path: string }>(Commands.connectClaudeCode, { scope: 'project', confirm: false });
    assert.equal(claude.path, join(workspace(), '.mcp.json'));
    const claudeConfig = JSON.parse(readFileSync(claude.path, 'utf8')) as { mcpServers: { airlock: { command: string; args: string[]; type: string } } };
    assert.deepEqual(claudeConfig.mcpServers.airlock.args, ['--client', 'claude-code']);
    const cursor = await vscode.commands.executeCommand<{ outcome: string; path: string }>(Commands.connectCursor, { scope: 'user', confirm: false });
    assert.equal(cursor.path, join(home, '.cursor', 'mcp.json'));
    assert.equal((await vscode.commands.executeCommand<{ outcome: string }>(Commands.connectCursor, { scope: 'user', confirm: false })).outcome, 'unchanged');
    const removed = await vscode.commands.executeCommand<{ outcome: string }>(Commands.disconnectClaudeCode, { scope: 'project', confirm: false });
    assert.equal(removed.outcome, 'changed');
    const after = JSON.parse(readFileSync(claude.path, 'utf8')) as { mcpServers: Record<string, unknown> };
    assert.equal(after.mcpServers['airlock'], undefined);
  });

  it('Show Connection Info reports the URL and clients, never a token', async () => {
    const { endpoint, url } = await liveEndpoint();
    await endpoint.clientToken('codex');
    const info = await vscode.commands.executeCommand<{ url: string; lines: string[]; clients: { client: string; hasToken: boolean }[] }>(Commands.showConnectionInfo);
    assert.equal(info.url, url);
    assert.ok(info.clients.find((c) => c.client === 'codex')?.hasToken);
    let document: vscode.TextDocument | undefined;
    await pollUntil(() => (document = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'airlock-info')) !== undefined);
    assert.ok(document?.getText().includes(url), 'the connection info document does not show the URL');
    const text = JSON.stringify(info) + (document?.getText() ?? '');
    for (const client of ['copilot', 'codex', 'claude-code', 'cursor', 'other'] as const) {
      assert.ok(!text.includes(await endpoint.clientToken(client)), `${client}'s token is in the connection info`);
    }
  });

  describe('refusals against the live endpoint', () => {
    const cases: { name: string; status: number; request: (url: string, token: string) => Parameters<typeof rawRequest>[1] }[] = [
      { name: 'wrong Host (DNS rebinding)', status: 403, request: (_u, t) => ({ headers: { ...jsonHeaders(t), host: 'attacker.example' }, body: initializeBody }) },
      { name: 'Host with another port', status: 403, request: (u, t) => ({ headers: { ...jsonHeaders(t), host: `127.0.0.1:${Number(new URL(u).port) + 1}` }, body: initializeBody }) },
      { name: 'any Origin (a web page)', status: 403, request: (_u, t) => ({ headers: { ...jsonHeaders(t), origin: 'https://attacker.example' }, body: initializeBody }) },
      { name: 'CORS preflight', status: 403, request: () => ({ method: 'OPTIONS', headers: { origin: 'https://attacker.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } }) },
      { name: 'OPTIONS without Origin', status: 405, request: (_u, t) => ({ method: 'OPTIONS', headers: jsonHeaders(t) }) },
      { name: 'token in the query string', status: 400, request: (_u, t) => ({ path: `/mcp?access_token=${t}`, headers: jsonHeaders(), body: initializeBody }) },
      { name: 'no token', status: 401, request: () => ({ headers: jsonHeaders(), body: initializeBody }) },
      { name: 'wrong token', status: 401, request: () => ({ headers: jsonHeaders('A'.repeat(43)), body: initializeBody }) },
      { name: 'malformed JSON', status: 400, request: (_u, t) => ({ headers: jsonHeaders(t), body: '{"jsonrpc":"2.0",' }) },
      { name: 'deeply nested JSON', status: 400, request: (_u, t) => ({ headers: jsonHeaders(t), body: `${'['.repeat(50_000)}${']'.repeat(50_000)}` }) },
      { name: 'request without a session', status: 400, request: (_u, t) => ({ headers: jsonHeaders(t), body: JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/list' }) }) },
      { name: 'unknown session id', status: 404, request: (_u, t) => ({ headers: { ...jsonHeaders(t), 'mcp-session-id': 'not-a-session' }, body: JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/list' }) }) },
      { name: 'unsupported path', status: 404, request: (_u, t) => ({ path: '/', headers: jsonHeaders(t), body: initializeBody }) },
    ];
    for (const c of cases) {
      it(`refuses ${c.name} with ${c.status}, without CORS headers`, async () => {
        const { endpoint, url } = await liveEndpoint();
        const token = await endpoint.clientToken('other');
        const response = await rawRequest(url, c.request(url, token));
        assert.equal(response.status, c.status, response.body);
        assert.ok(!Object.keys(response.headers).some((h) => h.startsWith('access-control-')));
        assert.ok(!response.body.includes(token));
      });
    }

    it('answers malformed JSON with a JSON-RPC parse error (-32700)', async () => {
      const { endpoint, url } = await liveEndpoint();
      const response = await rawRequest(url, { headers: jsonHeaders(await endpoint.clientToken('other')), body: 'not json at all' });
      assert.equal(response.status, 400);
      assert.deepEqual(mcpMessages(response.headers['content-type'], response.body).map((m) => m.error?.code), [-32700]);
    });

    it('refuses a body over 1 MiB with 413', async () => {
      const { endpoint, url } = await liveEndpoint();
      const response = await rawRequest(url, { headers: jsonHeaders(await endpoint.clientToken('other')), body: Buffer.alloc(1024 * 1024 + 16, 0x20) });
      assert.ok(response.status === 413 || response.status === -1, `status ${response.status}`);
    });

    it('times out a body that trickles (408)', async function () {
      this.timeout(30_000);
      const { endpoint, url } = await liveEndpoint();
      const response = await rawRequest(url, { headers: { ...jsonHeaders(await endpoint.clientToken('other')), 'content-length': '4096' }, body: initializeBody, trickle: true });
      assert.equal(response.status, 408);
    });

    it('refuses a revoked token at once and closes its open session', async () => {
      const { endpoint, url } = await liveEndpoint();
      const token = await endpoint.clientToken('cursor');
      const client = await connectHttpClient(url, token, 'soon-revoked');
      await client.listTools();
      await endpoint.revoke('cursor');
      assert.ok(!endpoint.sessions().some((s) => s.client === 'cursor'), 'the revoked client still has a session');
      await assert.rejects(client.listTools());
      const response = await rawRequest(url, { headers: jsonHeaders(token), body: initializeBody });
      assert.equal(response.status, 401);
      await client.close().catch(() => undefined);
    });

    it('refuses the old token after rotation and accepts the new one', async () => {
      const { endpoint, url } = await liveEndpoint();
      const old = await endpoint.clientToken('claude-code');
      await endpoint.rotate('claude-code');
      const fresh = await endpoint.clientToken('claude-code');
      assert.notEqual(fresh, old);
      assert.equal((await rawRequest(url, { headers: jsonHeaders(old), body: initializeBody })).status, 401);
      const client = await connectHttpClient(url, fresh);
      await client.listTools();
      await client.close();
    });
  });

  it('stops when "airlock.endpoint.enabled" is turned off (discovery file removed) and comes back when on', async () => {
    const { endpoint, url } = await liveEndpoint();
    const file = endpoint.discoveryFile();
    const config = vscode.workspace.getConfiguration('airlock');
    await config.update('endpoint.enabled', false, vscode.ConfigurationTarget.Global);
    try {
      await pollUntil(() => endpoint.url() === undefined);
      assert.equal(endpoint.url(), undefined);
      assert.ok(!existsSync(file), 'the discovery file outlived the endpoint');
      await assert.rejects(rawRequest(url, { headers: jsonHeaders(await endpoint.clientToken('other')), body: initializeBody }));
    } finally {
      await config.update('endpoint.enabled', undefined, vscode.ConfigurationTarget.Global);
    }
    await pollUntil(() => endpoint.url() !== undefined);
    assert.ok(await endpoint.ready());
    assert.ok(existsSync(file));
    const client = await connectAs('other');
    await client.listTools();
    await client.close();
  });

  it('VS Code\'s own MCP client (Copilot) gets the definition from the provider and lists the tools', async function () {
    this.timeout(60_000);
    const { endpoint } = await liveEndpoint();
    // `workbench.mcp.listServer` makes VS Code activate the MCP collections (it asks our provider) and
    // opens a picker; it resolves only when the picker closes, so it is not awaited. `startServer('*')`
    // starts the servers known at that moment: it is repeated until VS Code's client has connected with
    // the Copilot token, whenever the provider's answer lands. The deadline is only a hang guard.
    let listed = false;
    const listing = Promise.resolve(vscode.commands.executeCommand('workbench.mcp.listServer')).finally(() => (listed = true));
    const deadline = Date.now() + 45_000;
    while (!endpoint.sessions().some((s) => s.client === 'copilot')) {
      if (Date.now() > deadline) assert.fail('VS Code did not connect with the Copilot token');
      await vscode.commands.executeCommand('workbench.mcp.startServer', '*', { autoTrustChanges: true, waitForLiveTools: true });
      if (!endpoint.sessions().some((s) => s.client === 'copilot')) await sleep(100);
    }
    // Close the picker (a close sent before it opened does nothing: repeat until the command returned).
    while (!listed) {
      if (Date.now() > deadline) assert.fail('the MCP server picker did not close');
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      await Promise.race([listing, sleep(100)]);
    }
    let names: string[] = [];
    while (!(names = vscode.lm.tools.map((t) => t.name)).some((n) => n.endsWith('list_credentials')) && Date.now() < deadline) await sleep(100);
    assert.ok(names.some((n) => /airlock/i.test(n) && n.endsWith('list_credentials')), `no Airlock tool in vscode.lm.tools: ${names.join(', ')}`);
  });
});
