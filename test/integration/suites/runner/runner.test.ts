import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { TaskRunner } from '../../../../src/adapters/vscode/taskRunner';
import { createRedactor } from '../../../../src/core/redaction/redactor';
import { Commands, EXTENSION_ID } from '../../../../src/shared/ids';
import type { AirlockGrantsTestApi, AirlockTestApi } from '../../../../src/testFacet/api';
import { findLeaks, makeCanary } from '../../../support/canary';
import { connectMcpClient } from '../../../support/mcpClient';
import { isAlive } from '../../../support/process';
import { until } from '../../../support/until';

const LEAK = 'node scripts/leak.js';
const SLEEP = 'node scripts/sleep.js';
const ASK = 'node scripts/ask.js';
const canary = makeCanary('runner');

async function airlock(): Promise<AirlockTestApi & { grants: AirlockGrantsTestApi }> {
  const extension = vscode.extensions.getExtension<AirlockTestApi | undefined>(EXTENSION_ID);
  assert.ok(extension);
  const api = await extension.activate();
  assert.ok(api?.grants, 'the grants test API is missing');
  return api as AirlockTestApi & { grants: AirlockGrantsTestApi };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

/**
 * Every file on disk an agent or a person could read that Airlock (or VS Code on its behalf) wrote: the
 * sandbox's user data (logs incl. the output channel, global/workspace storage incl. state databases,
 * the audit log), AIRLOCK_HOME, and the workspace. SecretStorage's own backing file is where the canary
 * legitimately lives, so the test reports files and lets the caller decide.
 */
function diskLeaks(): { scanned: string[]; leaks: { file: string; forms: string[] }[] } {
  const roots = [join(process.env['AIRLOCK_TEST_SANDBOX'] ?? '/nonexistent', 'user-data'), process.env['AIRLOCK_HOME'] ?? '', process.env['AIRLOCK_TEST_WORKSPACE'] ?? ''];
  const scanned: string[] = [];
  const leaks: { file: string; forms: string[] }[] = [];
  for (const file of roots.filter((r) => r !== '').flatMap(filesUnder)) {
    let size = 0;
    try {
      size = statSync(file).size;
    } catch {
      continue;
    }
    if (size > 64 * 1024 * 1024) continue;
    scanned.push(file);
    const found = findLeaks(readFileSync(file), [canary]);
    if (found.length > 0) leaks.push({ file, forms: [...new Set(found.map((l) => l.form))] });
  }
  return { scanned, leaks };
}

describe('grants & runner (real extension host, canary secrets)', function () {
  this.timeout(60_000);

  before(async () => {
    const api = await airlock();
    assert.ok(api.stores, 'the stores test API is missing');
    await api.stores.secretStorage.put('CANARY_TOKEN', canary);
    await api.stores.secretStorage.put('SHORT_TOKEN', 'short');
  });

  after(async () => {
    const api = await airlock();
    api.grants.revokeAllAsPerson();
  });

  it('over MCP (real SDK client, Streamable HTTP, codex token): request_access → run → scrubbed result; printenv refused', async () => {
    const api = await airlock();
    assert.ok(api.endpoint, 'the endpoint test API is missing');
    const url = await api.endpoint.ready();
    assert.ok(url, 'the endpoint is not running');
    const { client, transport } = await connectMcpClient(url, await api.endpoint.clientToken('codex'), 'runner-integration');
    try {
      const tools = (await client.listTools()).tools.map((t) => t.name);
      for (const name of ['request_access', 'await_access', 'run', 'revoke']) assert.ok(tools.includes(name), `${name} not served: ${tools.join(', ')}`);

      const asked = await client.callTool({ name: 'request_access', arguments: { credentials: ['CANARY_TOKEN'], command: LEAK, reason: 'MCP leak scan', maxRuns: 2 } });
      assert.notEqual(asked.isError, true, JSON.stringify(asked));
      const grant = (asked.structuredContent as { status: string; grant?: { grantId: string; client: string } }).grant;
      assert.ok(grant, JSON.stringify(asked));
      assert.equal(grant.client, 'codex', 'the token, not the claimed name, is the identity');

      const ran = await client.callTool({ name: 'run', arguments: { command: LEAK, grantId: grant.grantId } }, { timeout: 60_000 });
      assert.notEqual(ran.isError, true, JSON.stringify(ran));
      const report = ran.structuredContent as { exitCode: number; output: string; runsLeft: number };
      assert.equal(report.exitCode, 7);
      assert.match(report.output, /\[redacted:CANARY_TOKEN\]/);
      assert.equal(report.runsLeft, 1);
      assert.deepEqual(findLeaks(JSON.stringify(ran), [canary]), [], 'the MCP result leaks');

      const printenv = await client.callTool({ name: 'run', arguments: { command: 'printenv', grantId: grant.grantId } });
      assert.equal(printenv.isError, true);
      assert.match(JSON.stringify(printenv.content), /covers only the command/);
      assert.deepEqual(findLeaks(JSON.stringify(printenv), [canary]), []);

      const revoked = await client.callTool({ name: 'revoke', arguments: { grantId: 'all' } });
      assert.notEqual(revoked.isError, true, JSON.stringify(revoked));
      assert.ok(!api.grants.snapshot().some((g) => g.grantId === grant.grantId));
    } finally {
      await transport.terminateSession().catch(() => undefined);
      await client.close();
    }
  });

  it('request_access (allow rule) → run prints the secret in every encoding → nothing leaks to the agent or the terminal', async () => {
    const api = await airlock();
    const codex = api.grants.as('codex');
    const approved = await codex.requestAccess({ credentials: ['CANARY_TOKEN'], command: LEAK, reason: 'integration: leak scan', maxRuns: 3 });
    assert.equal(approved.status, 'approved', JSON.stringify(approved));
    assert.ok(approved.status === 'approved');
    assert.equal(approved.grant.cwd, process.env['AIRLOCK_TEST_WORKSPACE']);
    assert.ok(api.grants.snapshot().some((g) => g.grantId === approved.grant.grantId));

    const outcome = await codex.run({ command: LEAK, grantId: approved.grant.grantId });
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
    assert.ok(outcome.status === 'finished');
    assert.equal(outcome.report.exitCode, 7);
    assert.match(outcome.report.output, /leak script done/);
    assert.match(outcome.report.output, /FORCE_COLOR=1/);
    assert.match(outcome.report.output, /raw:.*\[redacted:CANARY_TOKEN\]/);
    assert.match(outcome.report.output, /split: \[redacted:CANARY_TOKEN\] end/);
    assert.match(outcome.report.output, /stderr: \[redacted:CANARY_TOKEN\]/);
    assert.deepEqual(findLeaks(JSON.stringify(outcome), [canary]), [], 'the run result leaks');
    assert.equal(outcome.report.runsLeft, 2);

    const terminal = await until('the terminal to show the end of the run', () => {
      const text = api.grants.terminalText();
      return text.includes('exited with code 7') ? text : undefined;
    });
    assert.match(terminal, /\[redacted:CANARY_TOKEN\]/);
    assert.match(terminal, /\r\n/, 'newlines are converted for the terminal');
    assert.deepEqual(findLeaks(terminal, [canary]), [], 'the terminal leaks');

    const task = vscode.window.terminals.find((t) => t.name.startsWith(`Airlock: ${LEAK} — Codex, 1 credential, expires`));
    assert.ok(task, `no task terminal named for the run among: ${vscode.window.terminals.map((t) => t.name).join(' | ')}`);
  });

  it('no allow rule: the request waits in the consent panel → pending after agentWaitSeconds; await_access (same client only) → denied on consent timeout', async function () {
    const api = await airlock();
    const codex = api.grants.as('codex');
    assert.ok(api.policy);
    const { agentWaitSeconds, consentTimeoutSeconds } = api.policy.current().limits;
    // The consent deadline is set before the request's code insight (which runs git) and Airlock's wait timer
    // after it: a consent timeout well beyond the wait keeps "pending" the answer on a slow machine too.
    assert.ok(agentWaitSeconds === 3 && consentTimeoutSeconds === 20, 'the launch sets agentWaitSeconds 3, consent timeout 20');
    // A marker timer of agentWaitSeconds, set before the request: Airlock's own wait timer (same
    // duration, this extension host's event loop) is set later, and Node runs same-duration timers in the
    // order they were set, so the marker fires first exactly when Airlock waited the full agentWaitSeconds.
    // The verdict is that order, not a measured time.
    let marker = false;
    const markerTimer = setTimeout(() => (marker = true), agentWaitSeconds * 1000);
    const first = await codex.requestAccess({ credentials: ['CANARY_TOKEN'], command: `${LEAK} --not-allowed`, reason: 'pending flow' });
    clearTimeout(markerTimer);
    assert.ok(first.status === 'pending', JSON.stringify(first));
    assert.ok(marker, 'pending only after agentWaitSeconds');
    assert.ok(api.consent?.pending().some((r) => r.id === first.requestId), 'the request still waits in the consent panel');
    assert.match(first.message, /await_access/);
    const stranger = await api.grants.as('cursor').awaitAccess(first.requestId);
    assert.ok(stranger.status === 'denied' && stranger.code === 'unknown-request', 'only the asking client may await');
    // Each await_access waits agentWaitSeconds at most: ask again until the consent timeout answers.
    let outcome = await codex.awaitAccess(first.requestId);
    while (outcome.status === 'pending') outcome = await codex.awaitAccess(first.requestId);
    assert.ok(outcome.status === 'denied' && outcome.code === 'timeout', JSON.stringify(outcome));
    assert.ok(!api.grants.snapshot().some((g) => g.command.includes('--not-allowed')));
  });

  it('printenv, env, echo $X and /proc/self/environ never ride on that grant', async () => {
    const api = await airlock();
    const codex = api.grants.as('codex');
    const approved = await codex.requestAccess({ credentials: ['CANARY_TOKEN'], command: LEAK, reason: 'binding check' });
    assert.ok(approved.status === 'approved');
    for (const command of ['printenv', 'env', 'echo $CANARY_TOKEN', 'cat /proc/self/environ', `${LEAK}; printenv`]) {
      const refused = await codex.run({ command, grantId: approved.grant.grantId });
      assert.ok(refused.status === 'refused' && refused.code === 'command-not-covered', `${command}: ${JSON.stringify(refused)}`);
    }
    const other = await api.grants.as('cursor').run({ command: LEAK, grantId: approved.grant.grantId });
    assert.ok(other.status === 'refused' && other.code === 'grant-not-found', 'another client cannot use the grant');
    assert.equal(api.grants.snapshot().find((g) => g.grantId === approved.grant.grantId)?.runsLeft, null);
  });

  it('refuses a secret shorter than 8 characters, naming the credential', async () => {
    const api = await airlock();
    const outcome = await api.grants.as('codex').run({ command: LEAK, credentials: ['SHORT_TOKEN'] });
    assert.ok(outcome.status === 'refused' && outcome.code === 'secret-too-short', JSON.stringify(outcome));
    assert.match(outcome.message, /SHORT_TOKEN/);
  });

  it('revoke ends the grant: no new runs', async () => {
    const api = await airlock();
    const codex = api.grants.as('codex');
    const approved = await codex.requestAccess({ credentials: ['CANARY_TOKEN'], command: LEAK, reason: 'revoke check' });
    assert.ok(approved.status === 'approved');
    assert.deepEqual(api.grants.as('cursor').revoke(approved.grant.grantId), { revoked: 0 }, 'only the owner revokes');
    assert.deepEqual(codex.revoke(approved.grant.grantId), { revoked: 1 });
    const refused = await codex.run({ command: LEAK, grantId: approved.grant.grantId });
    assert.equal(refused.status, 'refused');
    assert.ok(!api.grants.snapshot().some((g) => g.grantId === approved.grant.grantId));
  });

  it('expiry ends the grant (on time to the millisecond: leaseManager.test.ts, with a fake clock)', async () => {
    const api = await airlock();
    const codex = api.grants.as('codex');
    const approved = await codex.requestAccess({ credentials: ['CANARY_TOKEN'], command: LEAK, reason: 'expiry check', durationSeconds: 1 });
    assert.ok(approved.status === 'approved');
    await until('the grant to expire', () => !api.grants.snapshot().some((g) => g.grantId === approved.grant.grantId));
    const refused = await codex.run({ command: LEAK, grantId: approved.grant.grantId });
    assert.equal(refused.status, 'refused');
  });

  it('a timeout kills the process group and the result says so', async () => {
    const api = await airlock();
    // The run's clock starts before its terminal opens: 10 s leaves the child room to start on a busy
    // machine (the sleeper itself sleeps far longer), and its pid is taken when it starts.
    const running = api.grants.as('codex').run({ command: SLEEP, credentials: ['CANARY_TOKEN'], timeoutSeconds: 10 });
    const pid = await until('the child to start', () => api.grants.runningPids()[0]);
    const outcome = await running;
    assert.ok(outcome.status === 'finished', JSON.stringify(outcome));
    assert.equal(outcome.report.timedOut, true);
    assert.equal(outcome.report.stoppedBy, 'timeout');
    await until('the child to be gone', () => !isAlive(pid));
  });

  it('killOnExpiry kills the running task when its grant expires', async () => {
    const api = await airlock();
    const config = vscode.workspace.getConfiguration('airlock');
    await config.update('grants.killOnExpiry', true, vscode.ConfigurationTarget.Global);
    try {
      // The policy re-reads settings on change: wait for it to hold the value, not for a fixed time.
      await until('the policy to read killOnExpiry', () => api.policy?.current().limits.killOnExpiry === true);
      const codex = api.grants.as('codex');
      const approved = await codex.requestAccess({ credentials: ['CANARY_TOKEN'], command: SLEEP, reason: 'kill on expiry', durationSeconds: 10 });
      assert.ok(approved.status === 'approved');
      const running = codex.run({ command: SLEEP, grantId: approved.grant.grantId });
      const pid = await until('the child to start', () => api.grants.runningPids()[0]);
      const outcome = await running;
      assert.ok(outcome.status === 'finished' && outcome.report.stoppedBy === 'grant-ended', JSON.stringify(outcome));
      await until('the child to be gone', () => !isAlive(pid));
    } finally {
      await config.update('grants.killOnExpiry', undefined, vscode.ConfigurationTarget.Global);
      await until('the policy to drop killOnExpiry', () => api.policy?.current().limits.killOnExpiry === false);
    }
  });

  it('the person can answer a prompt in the task terminal (stdin works)', async () => {
    const api = await airlock();
    const running = api.grants.as('codex').run({ command: ASK, credentials: ['CANARY_TOKEN'], timeoutSeconds: 20 });
    const terminal = await until('the ask terminal', () => vscode.window.terminals.find((t) => t.name.startsWith(`Airlock: ${ASK}`)));
    await until('the prompt', () => api.grants.terminalText().includes('Continue? [y/N]'));
    terminal.sendText('yes', true);
    const outcome = await running;
    assert.ok(outcome.status === 'finished', JSON.stringify(outcome));
    assert.match(outcome.report.output, /answer=yes/);
    assert.equal(outcome.report.exitCode, 0);
  });

  it('Ctrl+C in the task terminal interrupts the command (SIGINT to its process group)', async () => {
    const api = await airlock();
    const running = api.grants.as('codex').run({ command: SLEEP, credentials: ['CANARY_TOKEN'], timeoutSeconds: 30 });
    const pid = await until('the child to start', () => api.grants.runningPids()[0]);
    await until('the sleeper to print', () => /sleeping pid=\d+/.test(api.grants.terminalText().slice(-2000)));
    const terminal = await until('the sleep terminal', () => [...vscode.window.terminals].reverse().find((t) => t.name.startsWith(`Airlock: ${SLEEP}`)));
    terminal.sendText('\x03', false);
    const outcome = await running;
    assert.ok(outcome.status === 'finished', JSON.stringify(outcome));
    assert.equal(outcome.report.timedOut, false);
    assert.ok(outcome.report.signal === 'SIGINT' || outcome.report.exitCode === 130, JSON.stringify(outcome.report));
    await until('the child to be gone', () => !isAlive(pid));
  });

  it('a cwd that leaves the workspace through a symlink (or ..) is refused', async () => {
    const api = await airlock();
    const workspace = process.env['AIRLOCK_TEST_WORKSPACE'];
    assert.ok(workspace);
    const outside = mkdtempSync(join(tmpdir(), 'airlock-outside-'));
    symlinkSync(outside, join(workspace, 'escape'));
    const codex = api.grants.as('codex');
    for (const cwd of ['escape', join(workspace, 'escape'), join(workspace, '..'), '/etc']) {
      const outcome = await codex.requestAccess({ credentials: ['CANARY_TOKEN'], command: LEAK, reason: 'escape', cwd });
      assert.ok(outcome.status === 'denied' && outcome.code === 'cwd-outside-workspace', `${cwd}: ${JSON.stringify(outcome)}`);
    }
    const inside = await codex.requestAccess({ credentials: ['CANARY_TOKEN'], command: LEAK, reason: 'inside', cwd: 'scripts/..' });
    assert.ok(inside.status === 'approved' && inside.grant.cwd === workspace, JSON.stringify(inside));
  });

  it('the person revokes from the status bar quick pick (audited as the person)', async () => {
    const api = await airlock();
    api.grants.revokeAllAsPerson();
    const approved = await api.grants.as('codex').requestAccess({ credentials: ['CANARY_TOKEN'], command: LEAK, reason: 'status bar revoke' });
    assert.ok(approved.status === 'approved');
    // The quick pick opens after a round trip the test cannot see; an accept that arrives before it does
    // nothing, and one that arrives before its items closes it with no pick. So: accept until the command
    // returns, and run it again until the grant is gone. The deadline is only a hang guard.
    const deadline = Date.now() + 30_000;
    while (api.grants.snapshot().length > 0) {
      if (Date.now() > deadline) assert.fail('the grant was not revoked from the quick pick');
      let returned = false;
      const managing = Promise.resolve(vscode.commands.executeCommand(Commands.manageGrants)).finally(() => (returned = true));
      while (!returned && Date.now() < deadline) {
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        await Promise.race([managing, sleep(100)]);
      }
    }
    assert.ok(api.auditDir);
    const auditDir = api.auditDir;
    const lines = await until('the revoke in the audit log', () => {
      const text = filesUnder(auditDir).filter((f) => f.endsWith('.jsonl')).map((f) => readFileSync(f, 'utf8')).join('');
      return text.includes(approved.grant.grantId) && /"grant-revoked"[^\n]*"by":"person"/.test(text) ? text : undefined;
    });
    // Every step of the lifecycle is in the audit log by now.
    for (const type of ['request', 'decision', 'grant-issued', 'run-started', 'run-finished', 'run-refused', 'run-incomplete', 'grant-expired', 'grant-revoked']) {
      assert.ok(lines.includes(`"type":"${type}"`), `no ${type} event in the audit log`);
    }
  });

  it('shutdown: disposing the runner kills each child’s whole process group at once (grandchildren too)', async () => {
    const api = await airlock();
    const workspace = process.env['AIRLOCK_TEST_WORKSPACE'];
    assert.ok(workspace);
    let shown = '';
    const runner = new TaskRunner(api.log, undefined, (_runId, text) => void (shown += text));
    const result = runner.run(
      {
        runId: 'shutdown-test',
        grantId: 'none',
        command: `${SLEEP} & ${SLEEP}; wait`,
        cwd: workspace,
        title: 'Airlock: shutdown test',
        secrets: [],
        redactor: createRedactor([]),
        outputLimitBytes: 4096,
      },
      new AbortController().signal,
    );
    const pids = await until('both sleepers', () => {
      const found = [...shown.matchAll(/sleeping pid=(\d+)/g)].map((m) => Number(m[1]));
      return found.length === 2 ? found : undefined;
    });
    runner.dispose();
    const outcome = await result;
    assert.equal(outcome.signal, 'SIGKILL');
    for (const pid of pids) await until(`sleeper ${pid} to be gone`, () => !isAlive(pid));
  });

  it('globalState and workspaceState hold no form of the canary', async () => {
    const api = await airlock();
    const state = api.grants.stateSnapshot();
    assert.ok(state.startsWith('['), state.slice(0, 100));
    assert.deepEqual(findLeaks(state, [canary]), []);
  });

  it('nothing on disk holds the canary: output channel log, audit log, global/workspace state, workspace', async () => {
    // The scan is not vacuous: it reads the output channel's log and the audit log, which hold this run.
    // They are flushed asynchronously: wait until both are on disk (the deadline only stops a hang).
    const written = (scanned: readonly string[]) => ({
      outputLog: scanned.find((f) => f.endsWith('/Airlock.log') && readFileSync(f, 'utf8').includes('Airlock activated')),
      auditLog: scanned.find((f) => /audit/.test(f) && readFileSync(f, 'utf8').includes('"run-started"')),
    });
    await until('the output channel log and the audit log on disk', () => {
      const w = written(diskLeaks().scanned);
      return w.outputLog !== undefined && w.auditLog !== undefined;
    }, 30_000).catch(() => undefined);
    const { scanned, leaks } = diskLeaks();
    const { outputLog, auditLog } = written(scanned);
    assert.ok(outputLog, 'the Airlock output channel log was not among the scanned files');
    assert.ok(auditLog, `no audit file with run-started lines among the scanned files`);
    assert.match(readFileSync(auditLog, 'utf8'), /CANARY_TOKEN/, 'the audit log names the credential');
    assert.deepEqual(leaks, [], `canary found on disk:\n${JSON.stringify(leaks, null, 2)}`);
  });
});
