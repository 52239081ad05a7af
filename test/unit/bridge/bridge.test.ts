// The stdio bridge as a real child process (run from source with tsx), relaying a real SDK client to a
// real endpoint in this process, through real discovery and token files in a temp AIRLOCK_HOME.
import { strict as assert } from 'node:assert';
import { mkdtempSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { spawn, spawnSync } from 'node:child_process';
import { systemClock } from '../../../src/core/clock';
import { silentLog } from '../../../src/core/log';
import { clientTokenPath } from '../../../src/core/connect/paths';
import { generateClientToken, TokenRegistry } from '../../../src/core/mcp/tokens';
import { listGrantsTool } from '../../../src/core/mcp/tools/listGrants';
import { startMcpHttpServer, type McpHttpEndpoint } from '../../../src/adapters/node/mcpHttpServer';
import { readEndpointRecords, writeEndpointRecord } from '../../../src/adapters/node/discovery';
import { writePrivateFile } from '../../../src/adapters/node/privateFiles';

const repo = join(__dirname, '..', '..', '..');
const bridgeSource = join(repo, 'src', 'bridge', 'main.ts');
// Resolved from here, not from the child's cwd (which is the test workspace).
const tsxLoader = pathToFileURL(require.resolve('tsx')).href;

describe('airlock-mcp bridge (child process, real transports)', function () {
  this.timeout(30_000);
  let home: string;
  let workspace: string;
  let endpoint: McpHttpEndpoint;
  const tokens = new TokenRegistry();
  const token = generateClientToken();

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'airlock-bridge-'));
    workspace = join(home, 'ws');
    mkdirSync(join(workspace, 'sub'), { recursive: true });
    tokens.set('codex', token);
    endpoint = await startMcpHttpServer({
      tools: () => [listGrantsTool({ activeGrants: () => [] })],
      tokens, isTrusted: () => true, scrub: (t) => t, log: silentLog, clock: systemClock,
      serverInfo: { name: 'airlock', version: '0.0.0' },
    });
    writeEndpointRecord(home, 'this-window', { url: endpoint.url, pid: process.pid, workspaceFolders: [workspace], version: '0.0.0' });
    writePrivateFile(clientTokenPath(home, 'codex'), `${token}\n`);
  });
  after(async () => {
    await endpoint.close();
    rmSync(home, { recursive: true, force: true });
  });

  const bridgeEnv = (): Record<string, string> => ({ PATH: process.env['PATH'] ?? '', AIRLOCK_HOME: home });
  const runBridge = (args: string[], cwd: string) =>
    spawnSync(process.execPath, ['--import', tsxLoader, bridgeSource, ...args], { cwd, env: bridgeEnv(), encoding: 'utf8', input: '', timeout: 20_000 });

  it('writes discovery and token files private to the user', () => {
    assert.equal(statSync(join(home, 'endpoints')).mode & 0o777, 0o700);
    assert.equal(statSync(join(home, 'endpoints', 'this-window.json')).mode & 0o777, 0o600);
    assert.equal(statSync(clientTokenPath(home, 'codex')).mode & 0o777, 0o600);
  });

  it('relays tools/list and tools/call from a subfolder of the workspace', async () => {
    const client = new Client({ name: 'bridge-test', version: '1.0.0' });
    await client.connect(new StdioClientTransport({
      command: process.execPath, args: ['--import', tsxLoader, bridgeSource, '--client', 'codex'], cwd: join(workspace, 'sub'), env: bridgeEnv(), stderr: 'pipe',
    }));
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name), ['list_grants']);
    const result = await client.callTool({ name: 'list_grants', arguments: {} });
    assert.deepEqual(result.structuredContent, { grants: [] });
    assert.equal(endpoint.sessions()[0]?.client, 'codex');
    await client.close();
  });

  it('fails clearly when no window holds the folder', () => {
    const run = runBridge(['--client', 'codex'], tmpdir());
    assert.equal(run.status, 1);
    assert.match(run.stderr, /no VS Code window has .* open/);
  });

  it('fails clearly when the client has no token', () => {
    const run = runBridge(['--client', 'cursor'], workspace);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /no token for Cursor/);
  });

  it('reports a refused (revoked or wrong) token on stderr, answers the pending request and exits 1', async () => {
    writePrivateFile(clientTokenPath(home, 'other'), `${generateClientToken()}\n`);
    const initialize = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
    const child = spawn(process.execPath, ['--import', tsxLoader, bridgeSource, '--client', 'other'], { cwd: workspace, env: bridgeEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.write(`${initialize}\n`); // stdin stays open, as a real client keeps it
    const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(status, 1);
    assert.equal(stderr.match(/refused Other MCP client's token/g)?.length, 1, stderr);
    const answer = JSON.parse(stdout.split('\n')[0] ?? '{}') as { id?: number; error?: { message: string } };
    assert.equal(answer.id, 1);
    assert.match(answer.error?.message ?? '', /Connect Other MCP client/);
  });

  it('rejects an unknown client', () => {
    const run = runBridge(['--client', 'evil'], workspace);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /unknown client/);
  });

  it('ignores and removes discovery files of dead processes', () => {
    writeFileSync(join(home, 'endpoints', 'dead.json'), JSON.stringify({ url: 'http://127.0.0.1:1/mcp', pid: 2 ** 22 + 12345, workspaceFolders: [workspace], version: '0' }));
    writeFileSync(join(home, 'endpoints', 'junk.json'), '{not json');
    const skipped: string[] = [];
    const records = readEndpointRecords(home, (file) => skipped.push(file));
    assert.deepEqual(records.map((r) => r.url), [endpoint.url]);
    assert.deepEqual(skipped.sort(), ['dead.json', 'junk.json']);
    assert.throws(() => statSync(join(home, 'endpoints', 'dead.json')));
  });
});
