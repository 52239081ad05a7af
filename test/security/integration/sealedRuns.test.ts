// Sealed runs in the real extension host, driven over MCP as an agent would: host-bound credentials
// (the command sees a placeholder; the sandbox's proxy sends the value only to its host), the network
// allowlist, the read-only workspace, the PID namespace and the after-run write scan; then a machine
// without the sandbox (the test facet's probe answers "missing"): the card says so, and with
// airlock.run.sandbox "required" the request is refused with the fix. Every wait is for an event (a file,
// a process's death) with a hang-guard deadline; no sleep is a verdict.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { toCard } from '../../../src/core/consent/card';
import type { AirlockTestApi } from '../../../src/testFacet/api';
import { findLeaks } from '../../support/canary';
import { connectMcpClient, type McpTestClient } from '../../support/mcpClient';
import { until } from '../../support/until';
import { recordOutcomes } from '../support/figures';


const canary = (): string => `cnry${randomBytes(18).toString('hex')}`;
const workspace = (): string => {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  return folder.uri.fsPath;
};

/** Pids (not this process) whose environ or cmdline holds any form of one of `values`. */
function holders(values: readonly string[]): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    for (const file of ['environ', 'cmdline']) {
      try {
        if (findLeaks(readFileSync(join('/proc', name, file)), values).length > 0) found.push(Number(name));
      } catch {
        // Gone, or not ours.
      }
    }
  }
  return [...new Set(found)];
}

const processesWith = (marker: string): number[] =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return readFileSync(join('/proc', name, 'cmdline'), 'utf8').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);

describe('security (real extension host): sealed runs', function () {
  recordOutcomes('sealed runs (real host)', { tried: 'checks', held: 'held' });
  this.timeout(180_000);
  let api: AirlockTestApi;
  let agent: McpTestClient;
  let server: Server;
  let port = 0;
  const seen: { path: string; authorization: string }[] = [];
  const values = { HOST_TOKEN: canary(), OTHER_TOKEN: canary(), ENV_TOKEN: canary(), ASK_TOKEN: canary() };
  const all = Object.values(values);

  before(async function () {
    if (process.platform !== 'linux') this.skip();
    api = (await vscode.extensions.getExtension('airlock-dev.airlock')!.activate()) as AirlockTestApi;
    assert.ok(api.endpoint && api.stores && api.grants && api.consent && api.policy, 'endpoint, stores, grants, consent and policy are wired');
    for (const [name, value] of Object.entries(values)) await api.stores.secretStorage.put(name, value);
    const tls = process.env['AIRLOCK_TEST_TLS_DIR'];
    assert.ok(tls, 'the launch mints a test CA (test/security/run.ts)');
    server = createServer({ key: readFileSync(join(tls, 'leaf.key')), cert: readFileSync(join(tls, 'leaf.crt')) }, (req, res) => {
      seen.push({ path: req.url ?? '', authorization: String(req.headers['authorization'] ?? '') });
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
    port = (server.address() as AddressInfo).port;
    const url = await api.endpoint.ready();
    assert.ok(url);
    agent = await connectMcpClient(url, await api.endpoint.clientToken('codex'), 'security-sealed');
    mkdirSync(join(workspace(), 'out'), { recursive: true });
  });

  after(async () => {
    api?.grants?.simulateSandbox(undefined);
    await vscode.workspace.getConfiguration('airlock').update('run.sandbox', undefined, vscode.ConfigurationTarget.Global);
    await agent?.close();
    api?.grants?.revokeAllAsPerson();
    server?.close();
  });

  const call = async (name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const result = (await agent.client.callTool({ name, arguments: args }, { timeout: 120_000 })) as Record<string, unknown>;
    assert.deepEqual(findLeaks(JSON.stringify(result), all), [], `the ${name} result leaks a value`);
    return result;
  };
  const text = (result: Record<string, unknown>): string => ((result['content'] as { text?: string }[] | undefined) ?? []).map((c) => c.text ?? '').join('\n');
  const run = (credentials: string[], command: string, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> =>
    call('run', { credentials, command, reason: 'sealed-run test', ...extra });
  const curl = (path: string, header: string): string => `curl -fsS --noproxy '' --max-time 20 https://localhost:${port}${path} -H "${header}"`;

  it('the sandbox is available here (setup installs bubblewrap and socat); Show Status says so', async () => {
    const report = (await vscode.commands.executeCommand<string[]>('airlock.showStatus')) ?? [];
    assert.ok(report.some((line) => /^Sandbox: available/.test(line)), report.join('\n'));
  });

  it('host-bound: the server gets the real value; the command, its printout and every /proc/*/environ hold only the placeholder; A\'s placeholder sent to B\'s host stays a placeholder', async () => {
    rmSync(join(workspace(), 'go'), { force: true });
    rmSync(join(workspace(), 'out', 'ready'), { force: true });
    const command = [
      `printf 'raw=%s\\n' "$HOST_TOKEN"`,
      `printf 'rev=%s\\n' "$(printf '%s' "$HOST_TOKEN" | rev)"`,
      `printf 'b64=%s\\n' "$(printf '%s' "$HOST_TOKEN" | base64 -w0)"`,
      'echo ready > out/ready',
      'i=0; while [ ! -f go ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done',
      curl('/bound', 'Authorization: Bearer $HOST_TOKEN'),
      'echo',
      curl('/cross', 'Authorization: Bearer $OTHER_TOKEN'),
      'echo " rc=$?"',
    ].join('; ');
    const pending = run(['HOST_TOKEN', 'OTHER_TOKEN'], command, { writes: ['out'] });
    await until('the command to be ready', () => existsSync(join(workspace(), 'out', 'ready')), 60_000);
    // While the command runs: no process of this user holds any form of either value.
    assert.deepEqual(holders([values.HOST_TOKEN, values.OTHER_TOKEN]), [], 'a process holds a host-bound value in its environment or argv');
    writeFileSync(join(workspace(), 'go'), '');
    const result = await pending;
    const output = text(result);
    assert.ok(result['isError'] !== true, output);
    const raw = /raw=(\S+)/.exec(output)?.[1] ?? '';
    assert.match(raw, /^\S{8,}$/, output);
    assert.notEqual(raw, values.HOST_TOKEN);
    assert.ok(!output.includes('[redacted:HOST_TOKEN]'), 'the printout held nothing to scrub: only the placeholder');
    const bound = seen.find((s) => s.path === '/bound');
    assert.equal(bound?.authorization, `Bearer ${values.HOST_TOKEN}`, 'the server on the credential\'s host receives the real value');
    const cross = seen.find((s) => s.path === '/cross');
    assert.ok(cross, output);
    assert.ok(!cross.authorization.includes(values.OTHER_TOKEN) && !cross.authorization.includes(values.HOST_TOKEN), 'A\'s placeholder reached B\'s host unswapped');
    assert.match(cross.authorization, /^Bearer \S{8,}$/);
  });

  it('sealed: a host not allowed fails inside the command, and the server never sees it', async () => {
    const result = await run(['ENV_TOKEN'], `${curl('/denied', 'X-Note: none')}; echo "rc=$?"`);
    const output = text(result);
    assert.match(output, /rc=[1-9]/, output);
    assert.ok(!seen.some((s) => s.path === '/denied'));
  });

  it('sealed: writing into the workspace outside the declared paths fails; inside them works', async () => {
    rmSync(join(workspace(), 'outside.txt'), { force: true });
    const result = await run(['ENV_TOKEN'], 'echo x > outside.txt; echo "rc=$?"; echo y > out/inside.txt; echo "rc2=$?"', { writes: ['out'] });
    const output = text(result);
    assert.match(output, /rc=[1-9]/, output);
    assert.match(output, /rc2=0/, output);
    assert.ok(!existsSync(join(workspace(), 'outside.txt')));
    assert.equal(readFileSync(join(workspace(), 'out', 'inside.txt'), 'utf8'), 'y\n');
  });

  it('sealed: a setsid grandchild is gone when the run ends', async () => {
    const marker = `3000.${Date.now() % 100000}${Math.floor(Math.random() * 1000)}`;
    const result = await run(['ENV_TOKEN'], `setsid sleep ${marker} </dev/null >/dev/null 2>&1 & echo started`);
    assert.match(text(result), /started/);
    await until('the setsid grandchild to die with the run', () => processesWith(marker).length === 0);
  });

  it('sealed: Ctrl+C in the task terminal stops the sandboxed command', async () => {
    // A Node process, as the runner launch's Ctrl+C test uses.
    // A tag of this run's own, so a sleeper some earlier run left behind cannot decide this test.
    const marker = `sleep-${randomBytes(6).toString('hex')}`;
    const command = `node scripts/sleep.js ${marker}`;
    const running = run(['ENV_TOKEN'], command, { timeoutSeconds: 60 });
    await until('the sleeper to start', () => processesWith(marker).length > 0);
    // Its own printout in the task terminal: the terminal is attached, so the key press reaches Airlock.
    await until('the sleeper to print in its terminal', () => /sleeping pid=\d+/.test(api.grants?.terminalText().slice(-2000) ?? ''));
    const terminal = await until('the task terminal', () => [...vscode.window.terminals].reverse().find((t) => t.name.startsWith(`Airlock: ${command}`)));
    terminal.sendText('\x03', false);
    const result = await running;
    assert.doesNotMatch(text(result), /killed after its timeout/, text(result));
    await until('the sleeper to die with the sandbox', () => processesWith(marker).length === 0);
  });

  it('sealed: a secret written into a declared write path is caught: the agent gets an error, the audit the finding, never the value', async () => {
    rmSync(join(workspace(), 'out', 'leak.txt'), { force: true });
    const result = await run(['ENV_TOKEN'], `printf '%s' "$ENV_TOKEN" | base64 > out/leak.txt; echo "the output"`, { writes: ['out'] });
    const message = text(result);
    assert.equal(result['isError'], true, message);
    assert.match(message, /wrote a credential into a file/);
    assert.match(message, /out\/leak\.txt: holds ENV_TOKEN/);
    assert.ok(!message.includes('the output'));
    const auditDir = api.auditDir;
    assert.ok(auditDir);
    const audit = await until('the run-write-leak audit line', () => {
      const lines = readdirSync(auditDir).map((file) => readFileSync(join(auditDir, file), 'utf8')).join('\n');
      return lines.includes('"run-write-leak"') ? lines : undefined;
    });
    assert.match(audit, /"run-write-leak".*leak\.txt.*"credential":"ENV_TOKEN"/);
    assert.deepEqual(findLeaks(audit, all), []);
  });

  it('not sealed (sandbox missing, whenAvailable): the card says so and names the fix; a host-bound credential is refused', async () => {
    api.grants!.simulateSandbox({ available: false, platform: 'linux', missing: ['bwrap', 'socat'] });
    const asked = await call('request_access', { credentials: ['ASK_TOKEN'], command: 'npm run deploy', reason: 'card check', network: ['registry.example.com'], writes: ['out'] });
    assert.match(text(asked), /pending|not answered/i);
    const request = await until('the consent card', () => api.consent!.pending().find((r) => r.credentials.some((c) => c.name === 'ASK_TOKEN')));
    const card = toCard(request);
    assert.equal(card.seal?.sealed, false);
    assert.match(card.seal?.text ?? '', /Not sealed: the sandbox needs bwrap, socat.*Fix: sudo apt install bubblewrap socat/);
    assert.deepEqual(card.network, ['registry.example.com']);
    assert.equal(card.writes?.length, 1);
    assert.match(card.credentials[0]?.delivery ?? '', /environment/);

    const bound = await call('request_access', { credentials: ['HOST_TOKEN'], command: 'true', reason: 'host-bound unsealed' });
    assert.equal(bound['isError'], true);
    assert.match(text(bound), /HOST_TOKEN is bound to hosts and can only be used in a sealed run.*Fix: sudo apt install bubblewrap socat/);
  });

  it('required with no sandbox: the request is refused with the clear reason and the fix', async () => {
    api.grants!.simulateSandbox({ available: false, platform: 'linux', missing: ['bwrap'] });
    await vscode.workspace.getConfiguration('airlock').update('run.sandbox', 'required', vscode.ConfigurationTarget.Global);
    await until('the policy to read the setting', () => api.policy!.current().limits.sandbox === 'required');
    const refused = await call('request_access', { credentials: ['ENV_TOKEN'], command: 'true', reason: 'required' });
    assert.equal(refused['isError'], true);
    assert.match(text(refused), /airlock\.run\.sandbox: "required".*bwrap.*Fix: sudo apt install bubblewrap/);
    const ran = await run(['ENV_TOKEN'], 'echo should-not-run');
    assert.equal(ran['isError'], true);
    assert.ok(!text(ran).includes('should-not-run\n'));
  });
});
