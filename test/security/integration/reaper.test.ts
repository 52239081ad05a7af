// Nothing outlives a run: a script run over MCP (as an agent would) starts four processes that hold the
// canary and try to escape the run's process group — `setsid`, a double fork, one that drops the secret
// from its environment but keeps it in argv, one that drops the runner's marker variable — and the test
// checks by pid that none survives the run's end, a cancel, a revoke (killOnExpiry) or a timeout; then
// that no process on the machine holds the canary in its environment or argv. Death is polled for with a
// generous hang-guard deadline; no sleep is a verdict.
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { TaskRunner } from '../../../src/adapters/vscode/taskRunner';
import { createRedactor } from '../../../src/core/redaction/redactor';
import { SecretValue } from '../../../src/core/secrets/secretValue';
import type { AirlockTestApi } from '../../../src/testFacet/api';
import { findLeaks } from '../../support/canary';
import { connectMcpClient, type McpTestClient } from '../../support/mcpClient';
import { isGone } from '../../support/process';
import { until } from '../../support/until';
import { recordOutcomes } from '../support/figures';

const END = 'sh scripts/escape.sh end';
const HOLD = 'sh scripts/escape.sh hold';
const ESCAPEES = ['setsid', 'double-fork', 'argv', 'unmarked'];



const workspace = (): string => {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  return folder.uri.fsPath;
};
const pidFile = (): string => join(workspace(), 'escape-pids.txt');

/** The escapees' pids from "<kind> pid=<n>" lines, once all four are there. */
function escapees(text: string): Map<string, number> | undefined {
  const found = new Map([...text.matchAll(/^([a-z-]+) pid=(\d+)$/gm)].map((m) => [m[1] ?? '', Number(m[2])]));
  return ESCAPEES.every((kind) => (found.get(kind) ?? 0) > 0) ? found : undefined;
}

/** Processes (other than this one) whose environment or argv holds any promised form of the canary. */
function holdersOf(canary: string): number[] {
  const holders: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    for (const file of ['environ', 'cmdline']) {
      try {
        if (findLeaks(readFileSync(join('/proc', name, file)), [canary]).length > 0 && !isGone(Number(name))) holders.push(Number(name));
      } catch {
        // Gone, or not ours to read.
      }
    }
  }
  return [...new Set(holders)];
}

describe('security (real extension host): nothing outlives a run', function () {
  recordOutcomes('nothing outlives a run (real host)', { tried: 'endings × 4 escapees', held: 'none survived' });
  this.timeout(120_000);
  let api: AirlockTestApi;
  let agent: McpTestClient;
  let canary = '';
  const started: number[] = [];

  before(async function () {
    if (process.platform !== 'linux') this.skip();
    api = (await vscode.extensions.getExtension('airlock-dev.airlock')!.activate()) as AirlockTestApi;
    assert.ok(api.endpoint && api.stores && api.grants, 'endpoint, stores and grants are wired');
    const canaries = JSON.parse(readFileSync(process.env['AIRLOCK_SECURITY_CANARY_FILE'] ?? '', 'utf8')) as Record<string, string>;
    canary = canaries['CANARY_TOKEN'] ?? '';
    assert.ok(canary.length >= 24);
    await api.stores.secretStorage.put('CANARY_TOKEN', canary);
    const url = await api.endpoint.ready();
    assert.ok(url);
    agent = await connectMcpClient(url, await api.endpoint.clientToken('codex'), 'security-reaper');
  });

  beforeEach(() => rmSync(pidFile(), { force: true }));

  after(async () => {
    // A failing run (today's code) must not leave 300-second sleepers and an endless loop behind.
    for (const pid of started) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone, as it should be.
      }
    }
    await agent?.close();
    api?.grants?.revokeAllAsPerson();
  });

  const call = async (name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<Record<string, unknown>> => {
    const result = (await agent.client.callTool({ name, arguments: args }, { timeout: 90_000, ...(signal === undefined ? {} : { signal }) })) as Record<string, unknown>;
    assert.deepEqual(findLeaks(JSON.stringify(result), [canary]), [], `the ${name} result leaks the canary`);
    return result;
  };

  const grant = async (command: string): Promise<string> => {
    const asked = await call('request_access', { credentials: ['CANARY_TOKEN'], command, reason: 'reaper test' });
    const grantId = (asked['structuredContent'] as { grant?: { grantId: string } } | undefined)?.grant?.grantId;
    assert.ok(grantId, `not approved: ${JSON.stringify(asked).slice(0, 300)}`);
    return grantId;
  };

  /** Waits until the escapees reported their pids in the workspace file (the agent can read it). */
  const escapeesStarted = async (): Promise<Map<string, number>> => {
    const pids = await until('the escapees to start', () => (existsSync(pidFile()) ? escapees(readFileSync(pidFile(), 'utf8')) : undefined), 30_000);
    started.push(...pids.values());
    return pids;
  };

  const noneSurvives = async (pids: Map<string, number>): Promise<void> => {
    for (const [kind, pid] of pids) await until(`the ${kind} escapee (pid ${pid}) to be gone`, () => isGone(pid));
    await until('no process to hold the canary', () => holdersOf(canary).length === 0 || undefined);
  };

  it('the run ends: setsid, double-fork, argv-holding and unmarked descendants are killed', async () => {
    const grantId = await grant(END);
    const ran = await call('run', { command: END, grantId });
    assert.notEqual(ran['isError'], true, JSON.stringify(ran).slice(0, 500));
    const output = (ran['structuredContent'] as { output: string }).output;
    assert.match(output, /escape: all started \(end\)/);
    const pids = escapees(output);
    assert.ok(pids, output);
    started.push(...pids.values());
    await noneSurvives(pids);
    // The audit says how many were killed (a count, never a value).
    const auditDir = api.auditDir;
    assert.ok(auditDir);
    const finished = await until('the run-finished audit event', () =>
      readdirSync(auditDir, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.jsonl'))
        .flatMap((f) => readFileSync(join(auditDir, f), 'utf8').split('\n'))
        .find((line) => line.includes('"run-finished"') && line.includes(grantId)),
    );
    const reaped = Number(/"reaped":(\d+)/.exec(finished)?.[1]);
    assert.ok(reaped >= 4, finished);
    assert.deepEqual(findLeaks(finished, [canary]), []);
  });

  it('the agent cancels the run (MCP notifications/cancelled): none survives', async () => {
    const grantId = await grant(HOLD);
    const cancel = new AbortController();
    const running = call('run', { command: HOLD, grantId }, cancel.signal).then(
      () => 'finished',
      () => 'cancelled',
    );
    const pids = await escapeesStarted();
    cancel.abort('agent cancels');
    assert.equal(await running, 'cancelled');
    await noneSurvives(pids);
  });

  it('the agent revokes the grant while the run lasts (killOnExpiry): none survives', async () => {
    const grantId = await grant(HOLD);
    const running = call('run', { command: HOLD, grantId });
    const pids = await escapeesStarted();
    const revoked = await call('revoke', { grantId });
    assert.notEqual(revoked['isError'], true, JSON.stringify(revoked));
    const ran = await running;
    assert.equal((ran['structuredContent'] as { stoppedBy?: string }).stoppedBy, 'grant-ended', JSON.stringify(ran).slice(0, 500));
    await noneSurvives(pids);
  });

  it('the run times out: none survives', async () => {
    const grantId = await grant(HOLD);
    // 15 s: room for the terminal, sh and the escapees to start on a busy machine before the clock ends it.
    const running = call('run', { command: HOLD, grantId, timeoutSeconds: 15 });
    const pids = await escapeesStarted();
    const ran = await running;
    assert.equal((ran['structuredContent'] as { stoppedBy?: string }).stoppedBy, 'timeout', JSON.stringify(ran).slice(0, 500));
    await noneSurvives(pids);
  });

  it('shutdown (the runner disposed while the run lasts): none survives', async () => {
    // What the extension's dispose does when VS Code closes; there is no MCP call for it.
    const value = new SecretValue(canary);
    const runner = new TaskRunner(api.log);
    const result = runner.run(
      {
        runId: 'reaper-shutdown',
        grantId: 'none',
        command: HOLD,
        cwd: workspace(),
        title: 'Airlock: reaper shutdown test',
        secrets: [{ credential: 'CANARY_TOKEN', env: 'CANARY_TOKEN', value }],
        redactor: createRedactor([{ name: 'CANARY_TOKEN', value }]),
        outputLimitBytes: 4096,
      },
      new AbortController().signal,
    );
    const pids = await escapeesStarted();
    runner.dispose();
    const outcome = await result;
    assert.equal(outcome.signal, 'SIGKILL');
    await noneSurvives(pids);
  });
});
