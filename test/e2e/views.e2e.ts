/**
 * The Airlock view and the walkthrough, used like a person (packaged VSIX in code-server, Chromium): a
 * credential added through Add Secret appears in Credentials; Codex goes from "not set up" to "never
 * connected" to "connected now" in Agents; an approved request shows in Grants with a countdown and is
 * revoked from the row; each walkthrough step completes on the real event; Run Command with Credentials
 * runs in the terminal, scrubbed. Saves the screenshots the README and the walkthrough use
 * (test-results/e2e/; `npm run screenshots:copy` is not needed: the PNGs committed under media/ come from here).
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { findLeaks, makeCanary } from '../support/canary';
import { addSecretThroughUi, connectAgent, findFrame, issueCodexToken, launchSandbox, picture, runCommand, terminalText, waitForTerminalText, type Sandbox } from './harness';

const canary = makeCanary('views');
const LEAK = 'node scripts/leak.js';

const pane = (page: Page, title: string) => page.locator('.pane', { has: page.locator('.pane-header', { hasText: title }) }).first();
async function waitForRow(page: Page, view: string, text: string | RegExp, timeoutMs = 30_000) {
  const row = pane(page, view).locator('.monaco-list-row', { hasText: text }).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  return row;
}

describe('e2e: the Airlock view and the walkthrough (packaged VSIX)', function () {
  this.timeout(300_000);
  let sandbox: Sandbox | undefined;

  before(async () => {
    sandbox = await launchSandbox({ fixture: 'runner', viewport: { width: 1280, height: 800 }, userSettings: { 'airlock.consent.timeoutSeconds': 180, 'airlock.consent.agentWaitSeconds': 120 } });
  });
  after(async () => {
    await sandbox?.close();
  });

  it('opens the walkthrough with no step done, and the Airlock view with its welcome buttons', async () => {
    assert.ok(sandbox);
    const { page } = sandbox;
    await runCommand(page, 'Airlock: Get Started with Airlock');
    await page.locator('.gettingStartedContainer', { hasText: 'Store a secret' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await picture(page, 'walkthrough-start');
    await page.locator('.activitybar .action-item a[aria-label^="Airlock"]').first().click();
    await pane(page, 'Credentials').locator('.welcome-view-content', { hasText: 'Add a Secret' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await picture(page, 'view-welcome');
  });

  it('a credential added through Add Secret appears in Credentials (and completes "Store a secret")', async () => {
    assert.ok(sandbox);
    const { page } = sandbox;
    await addSecretThroughUi(page, 'CANARY_TOKEN', canary, 'add');
    const row = await waitForRow(page, 'Credentials', 'CANARY_TOKEN');
    assert.match(await row.innerText(), /SecretStorage/);
    await picture(page, 'view-credentials', 'walkthrough/credentials.png');
  });

  it('Codex goes from "not set up" to "never connected" to "connected now" in Agents', async () => {
    assert.ok(sandbox);
    const { page, airlockHome } = sandbox;
    await waitForRow(page, 'Agents', /Codex.*not set up/s);
    await issueCodexToken(page, airlockHome);
    await waitForRow(page, 'Agents', /Codex.*never connected/s);
    const agent = await connectAgent(airlockHome, 'e2e-views');
    try {
      await waitForRow(page, 'Agents', /Codex.*connected now/s);
      await picture(page, 'view-agents', 'walkthrough/agents.png');

      // An approved request: a grant with a countdown in Grants, revoked from its row.
      const asked = agent.client.callTool({ name: 'request_access', arguments: { credentials: ['CANARY_TOKEN'], command: LEAK, reason: 'e2e: views' } }, { timeout: 180_000 });
      asked.catch(() => undefined);
      const panel = await findFrame(page, 'vscode-button[aria-label="Approve"]', 60_000);
      await picture(page, 'consent-card', 'walkthrough/consent.png');
      // Approve is disarmed for a moment after the card appears: wait for it to arm, not for a fixed time.
      // (vscode-button reflects `disabled` to the attribute; a click on a disarmed button is ignored by the card).
      const armed = panel.locator('vscode-button[aria-label="Approve"]:not([disabled])').first();
      await armed.waitFor({ state: 'visible', timeout: 15_000 });
      await armed.click();
      const answer = await asked;
      assert.notEqual(answer.isError, true, JSON.stringify(answer));
      // Clicking the active container's icon would hide the side bar: click only when the view is not showing.
      if (!(await pane(page, 'Grants').isVisible())) await page.locator('.activitybar .action-item a[aria-label^="Airlock"]').first().click();
      const grant = await waitForRow(page, 'Grants', /expires in \d+:\d\d/);
      const first = /expires in (\d+:\d\d)/.exec(await grant.innerText())?.[1] ?? '';
      // The countdown ticks while the view is visible: a row with another remaining time appears.
      await pane(page, 'Grants').locator('.monaco-list-row', { hasText: /expires in \d+:\d\d/, hasNotText: `expires in ${first}` }).first().waitFor({ state: 'visible', timeout: 60_000 });
      await picture(page, 'view-grants');
      await grant.hover();
      await grant.locator('.action-label[aria-label="Revoke Grant"]').click();
      await pane(page, 'Grants').locator('.monaco-list-row', { hasText: /expires in/ }).first().waitFor({ state: 'detached', timeout: 15_000 });
    } finally {
      await agent.close();
    }
  });

  it('Activity lists the events, newest first, with the chain verified; every walkthrough step is complete', async () => {
    assert.ok(sandbox);
    const { page } = sandbox;
    await waitForRow(page, 'Activity', 'Hash chain verified');
    await waitForRow(page, 'Activity', 'Grant revoked');
    await picture(page, 'view-activity', 'walkthrough/activity.png');
    await picture(page, 'view', 'screenshots/view.png');
    await runCommand(page, 'Airlock: Get Started with Airlock');
    const container = page.locator('.gettingStartedContainer').first();
    await container.waitFor({ state: 'visible', timeout: 30_000 });
    // A completed step is a `button.getting-started-step` with aria-checked="true" (VS Code's walkthrough page).
    for (const step of ['storeSecret', 'connectAgent', 'approveRequest', 'seeActivity']) {
      await container.locator(`button.getting-started-step[data-step-id$="${step}"][aria-checked="true"]`).first().waitFor({ state: 'attached', timeout: 30_000 });
    }
    await picture(page, 'walkthrough-done', 'screenshots/walkthrough.png');
    await runCommand(page, 'View: Close All Editors');
    await container.waitFor({ state: 'detached', timeout: 15_000 });
  });

  it('Run Command with Credentials runs in the terminal, scrubbed, with no consent card', async () => {
    assert.ok(sandbox);
    const { page } = sandbox;
    await runCommand(page, 'Airlock: Run Command with Credentials…');
    await page.locator('.quick-input-widget', { hasText: 'Run Command with Credentials' }).waitFor({ state: 'visible', timeout: 15_000 });
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'CANARY_TOKEN' }).first().click();
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'The command to run' }).waitFor({ state: 'visible', timeout: 15_000 });
    const commandInput = page.locator('.quick-input-widget input[placeholder="npm run deploy"]');
    await commandInput.waitFor({ state: 'visible', timeout: 15_000 });
    await commandInput.fill(LEAK);
    await page.keyboard.press('Enter');
    const screen = await waitForTerminalText(page, /leak script done/, 60_000);
    assert.match(screen, /\[redacted:CANARY_TOKEN\]/);
    assert.deepEqual(findLeaks(await terminalText(page), [canary]), []);
    await picture(page, 'run-with-credentials', 'screenshots/run-terminal.png');
    for (const frame of page.frames()) assert.deepEqual(findLeaks(await frame.content().catch(() => ''), [canary]), []);
  });
});
