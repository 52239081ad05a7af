/**
 * The full loop a person sees: an agent (a real MCP SDK client in this process, over Streamable HTTP with
 * the Codex token) calls `run` with a credential → the consent panel shows the request → the test clicks
 * **Approve** → the command runs as a task in the terminal panel, its output scrubbed on screen → the agent
 * gets the scrubbed result. Packaged VSIX in a throwaway code-server, driven through headless Chromium.
 */
import * as assert from 'node:assert/strict';
import { findLeaks, makeCanary } from '../support/canary';
import {
  addSecretThroughUi,
  armedApprove,
  findFrame,
  launchSandbox,
  screenshot,
  terminalText,
  connectAgent,
  issueCodexToken,
  waitForTerminalText,
  type Sandbox,
} from './harness';

const LEAK = 'node scripts/leak.js';
const canary = makeCanary('e2e');

describe('e2e: agent run → consent panel → Approve → task in the terminal, scrubbed (packaged VSIX)', function () {
  this.timeout(240_000);
  let sandbox: Sandbox | undefined;

  before(async () => {
    sandbox = await launchSandbox({
      fixture: 'runner',
      userSettings: {
        'airlock.credentials': [{ name: 'CANARY_TOKEN', description: 'Canary for the e2e run', source: 'secret:CANARY_TOKEN' }],
        'airlock.consent.timeoutSeconds': 180,
        'airlock.consent.agentWaitSeconds': 120,
        // Prefix grants are off by default; the person turns them on in user settings.
        'airlock.grants.allowPrefix': true,
      },
    });
  });

  after(async () => {
    await sandbox?.close();
  });

  it('stores the canary through Airlock: Add Secret (masked input)', async () => {
    assert.ok(sandbox);
    await addSecretThroughUi(sandbox.page, 'CANARY_TOKEN', canary);
  });

  it('an agent calls run; the person clicks Approve in the panel; the task shows scrubbed output; the agent gets a scrubbed result', async () => {
    assert.ok(sandbox);
    const { page, airlockHome } = sandbox;

    // The agent's side: Connect Codex writes the token file first (the config write itself is then cancelled).
    await issueCodexToken(page, airlockHome);
    const agent = await connectAgent(airlockHome, 'e2e-agent');
    const { client } = agent;
    try {
      const result = client.callTool(
        { name: 'run', arguments: { command: LEAK, credentials: ['CANARY_TOKEN'], reason: 'e2e: deploy the demo' } },
        { timeout: 180_000 },
      );
      result.catch(() => undefined);

      // The person's side: the card shows the exact command; Approve (armed after a moment) is clicked.
      const panel = await findFrame(page, 'vscode-button[aria-label="Approve"]', 60_000);
      const command = await panel.locator('[aria-label="Exact command"]').first().innerText();
      assert.equal(command.trim(), LEAK);
      await screenshot(page, 'run-consent-card');
      await (await armedApprove(panel)).click();

      // The task runs in the terminal panel: scrubbed text on screen, never the value.
      const screen = await waitForTerminalText(page, /leak script done/, 60_000);
      assert.match(screen, /\[redacted:CANARY_TOKEN\]/);
      await waitForTerminalText(page, /exited with code 7/, 30_000);
      const shown = await terminalText(page);
      assert.deepEqual(findLeaks(shown, [canary]), [], 'the terminal shows a form of the secret');
      const tab = page.locator('.terminal-tabs-entry, .single-terminal-tab, .panel .title', { hasText: 'Airlock:' }).first();
      await tab.waitFor({ state: 'attached', timeout: 10_000 }).catch(() => undefined);
      await screenshot(page, 'run-task-terminal');

      const answer = await result;
      assert.notEqual(answer.isError, true, JSON.stringify(answer));
      const report = answer.structuredContent as { exitCode: number; output: string; grantId: string };
      assert.equal(report.exitCode, 7);
      assert.match(report.output, /\[redacted:CANARY_TOKEN\]/);
      assert.deepEqual(findLeaks(JSON.stringify(answer), [canary]), [], 'the MCP result leaks');

      // printenv never rides on the grant.
      const printenv = await client.callTool({ name: 'run', arguments: { command: 'printenv', grantId: report.grantId } });
      assert.equal(printenv.isError, true);
      assert.deepEqual(findLeaks(JSON.stringify(printenv), [canary]), []);

      // The status bar shows the live grant.
      const status = page.locator('.statusbar-item', { hasText: /grants? ·/ }).first();
      await status.waitFor({ state: 'visible', timeout: 10_000 });
      await screenshot(page, 'run-status-bar');

      // Every frame's HTML — the workbench, the consent webview and its host frames — while the secret is
      // live: no form of it anywhere in what the browser holds.
      const frames = page.frames();
      assert.ok(frames.length > 1, 'the consent webview frames are open');
      for (const frame of frames) {
        const html = await frame.content().catch(() => '');
        assert.deepEqual(findLeaks(html, [canary]), [], `frame ${frame.url().slice(0, 80)} holds a form of the secret`);
      }
    } finally {
      await agent.close();
    }
  });

  it('the person widens the grant to a prefix: plain extra arguments run; chained commands, options and assignments are refused', async () => {
    assert.ok(sandbox);
    const { page, airlockHome } = sandbox;
    const agent = await connectAgent(airlockHome, 'e2e-agent-prefix');
    const { client } = agent;
    try {
      const asked = client.callTool(
        { name: 'request_access', arguments: { credentials: ['CANARY_TOKEN'], command: LEAK, reason: 'e2e: prefix grant' } },
        { timeout: 180_000 },
      );
      asked.catch(() => undefined);
      const panel = await findFrame(page, 'article.card vscode-checkbox', 60_000);
      const card = panel.locator('article.card').last();
      await card.locator('vscode-checkbox').first().click();
      await (await armedApprove(card)).click();
      const answer = await asked;
      assert.notEqual(answer.isError, true, JSON.stringify(answer));
      const grant = (answer.structuredContent as { grant?: { grantId: string; commandMatch: string } }).grant;
      assert.equal(grant?.commandMatch, 'prefix', JSON.stringify(answer.structuredContent));
      assert.ok(grant);

      const extra = await client.callTool({ name: 'run', arguments: { command: `${LEAK} verbose`, grantId: grant.grantId } }, { timeout: 120_000 });
      assert.notEqual(extra.isError, true, JSON.stringify(extra));
      const attacks = [`${LEAK}; printenv`, `${LEAK} && env`, `${LEAK} $(printenv)`, `${LEAK} > /tmp/out`, `${LEAK} --require=./x.js`, `${LEAK} --inspect`, `${LEAK} NODE_OPTIONS=x`, `${LEAK} *`];
      for (const command of attacks) {
        const refused = await client.callTool({ name: 'run', arguments: { command, grantId: grant.grantId } });
        assert.equal(refused.isError, true, command);
        assert.deepEqual(findLeaks(JSON.stringify(refused), [canary]), []);
      }
      await screenshot(page, 'run-prefix-grant');
    } finally {
      await agent.close();
    }
  });
});
