/**
 * The consent panel as a person uses it: a real MCP SDK client (the agent, Codex's token, Streamable HTTP)
 * calls `request_access`; the panel opens beside the editor; the test reads the card, clicks **Approve**
 * and **Deny**, answers with the keyboard only, watches the countdown auto-deny, and saves screenshots in
 * the dark and light themes. Packaged VSIX in a throwaway code-server, driven through headless Chromium.
 */
import * as assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/client';
import type { Frame, Page } from 'playwright-core';
import { armedApprove, connectAgent, findFrame, issueCodexToken, launchSandbox, picture, runCommand, screenshot, sleep, waitForNotification, type Agent, type Sandbox } from './harness';

const TIMEOUT_SECONDS = 20;
// Markup the card must show as text. (A reason holding a hidden character such as U+202E never reaches a
// card: the MCP boundary refuses it, naming the character — checked below.)
const HOSTILE_REASON = 'Deploy the fix <img src=x onerror="alert(1)"> **now**';
const APPROVE = 'vscode-button[aria-label="Approve"]';

type CallResult = Awaited<ReturnType<Client['callTool']>>;

/** The card for the newest request in the consent webview, once it shows `command`. */
async function cardFor(page: Page, command: string): Promise<{ frame: Frame; card: ReturnType<Frame['locator']> }> {
  const frame = await findFrame(page, APPROVE, 60_000);
  const card = frame.locator('article.card', { has: frame.locator('[aria-label="Exact command"]', { hasText: command }) }).last();
  await card.waitFor({ state: 'visible', timeout: 30_000 });
  return { frame, card };
}

function requestAccess(client: Client, command: string, reason: string): Promise<CallResult> {
  const call = client.callTool({ name: 'request_access', arguments: { credentials: ['DEPLOY_TOKEN'], command, reason } }, { timeout: 120_000 });
  call.catch(() => undefined);
  return call;
}

const textOf = (result: CallResult): string =>
  (Array.isArray(result.content) ? result.content : []).map((part) => ('text' in part && typeof part.text === 'string' ? part.text : '')).join('\n');

const USER_SETTINGS = { 'airlock.consent.timeoutSeconds': TIMEOUT_SECONDS, 'airlock.consent.agentWaitSeconds': 60, 'workbench.colorTheme': 'Default Dark Modern' };

/** Switches the theme through Preferences: Color Theme, as a person would. */
async function setTheme(sandbox: Sandbox, theme: string, kind: 'vs' | 'vs-dark' | 'hc-black'): Promise<void> {
  const { page } = sandbox;
  await runCommand(page, 'Preferences: Color Theme');
  const input = page.locator('.quick-input-widget input');
  await input.fill(theme);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: theme }).first().waitFor({ state: 'visible', timeout: 10_000 })
    .catch(async (error: unknown) => {
      await screenshot(page, 'consent-theme-picker-failed');
      throw error;
    });
  await page.keyboard.press('Enter');
  await page.locator(`.monaco-workbench.${kind}`).waitFor({ state: 'attached', timeout: 30_000 });
  await input.waitFor({ state: 'hidden', timeout: 15_000 });
}

describe('e2e: consent panel — read the card, Approve, Deny, keyboard, countdown, themes (packaged VSIX)', function () {
  this.timeout(300_000);
  let sandbox: Sandbox | undefined;
  let client: Client | undefined;
  let agent: Agent | undefined;
  const cspViolations: string[] = [];

  before(async () => {
    // The demo workspace defines DEPLOY_TOKEN itself (so the card flags it); a short consent timeout in
    // user settings lets the countdown test finish.
    sandbox = await launchSandbox({
      fixture: 'demo',
      userSettings: USER_SETTINGS,
    });
    const { page, airlockHome } = sandbox;
    page.on('console', (message) => {
      const where = message.location().url;
      if (/Content Security Policy|Refused to/i.test(message.text()) && /webview/i.test(where)) cspViolations.push(`${where}: ${message.text()}`);
    });
    await issueCodexToken(page, airlockHome);
    agent = await connectAgent(airlockHome, 'e2e-agent');
    client = agent.client;
  });

  after(async () => {
    await agent?.close();
    await sandbox?.close();
  });

  it('a reason holding a hidden character (U+202E) is refused before any card, naming the character', async () => {
    assert.ok(sandbox && client);
    const refused = await requestAccess(client, 'npm run deploy', 'Deploy the fix\u202E');
    assert.equal(refused.isError, true, textOf(refused));
    assert.match(textOf(refused), /U\+202E/);
  });

  it('an agent request opens the panel and a notification; the card shows exactly what is asked; Approve grants it', async () => {
    assert.ok(sandbox && client);
    const { page } = sandbox;
    const result = requestAccess(client, 'npm run deploy', HOSTILE_REASON);
    await waitForNotification(page, /Codex asks for DEPLOY_TOKEN/, 60_000);
    const { frame, card } = await cardFor(page, 'npm run deploy');

    const text = await card.innerText();
    assert.match(text, /Codex asks for DEPLOY_TOKEN/);
    assert.match(text, /claims to be “e2e-agent 1\.0\.0”/);
    assert.match(text, /defined by this workspace/);
    assert.match(text, /secret:DEPLOY_TOKEN/);
    assert.match(text, /Auto-deny in \d:\d\d/);
    assert.match(text, /package\.json script "deploy"/);
    assert.match(text, /node scripts\/deploy\.js/);
    // The agent's reason is quoted plain text: the markup is shown, never interpreted; bidi revealed.
    const reason = await card.locator('blockquote').innerText();
    assert.ok(reason.includes('<img src=x onerror="alert(1)">'), reason);
    assert.equal(await frame.locator('img').count(), 0, 'the reason became markup');
    assert.equal(await card.locator('[aria-label="Working directory"]').count(), 1);
    // Exactly these accessible names.
    assert.equal(await card.getByRole('button', { name: 'Approve', exact: true }).count(), 1);
    assert.equal(await card.getByRole('button', { name: 'Deny', exact: true }).count(), 1);
    assert.equal(await card.getByRole('button', { name: 'Deny and block this client for this session', exact: true }).count(), 1);
    await picture(page, 'consent-card-dark', 'screenshots/consent-dark.png');
    // vscode-elements' Lit styles load under the panel's CSP (constructable stylesheets, no inline style).
    const styled = await frame.evaluate('document.querySelector("vscode-button")?.shadowRoot?.adoptedStyleSheets?.length ?? 0');
    assert.ok(Number(styled) > 0, 'vscode-button has no adopted stylesheet');

    await (await armedApprove(card)).click(); // Approve arms a moment after the card appears.
    const answer = await result;
    assert.notEqual(answer.isError, true, textOf(answer));
    const structured = answer.structuredContent as { status: string; grant?: { command: string; credentials: string[] } };
    assert.equal(structured.status, 'approved');
    assert.equal(structured.grant?.command, 'npm run deploy');
    assert.deepEqual(structured.grant?.credentials, ['DEPLOY_TOKEN']);
    await card.waitFor({ state: 'detached', timeout: 15_000 });
  });

  it('Deny refuses the request', async () => {
    assert.ok(sandbox && client);
    const result = requestAccess(client, 'npm run migrate', 'Run the migration');
    const { card } = await cardFor(sandbox.page, 'npm run migrate');
    await card.getByRole('button', { name: 'Deny', exact: true }).click();
    const answer = await result;
    assert.equal(answer.isError, true);
    assert.match(textOf(answer), /denied/i);
    await card.waitFor({ state: 'detached', timeout: 15_000 });
  });

  it('is keyboard-operable: Tab reaches Approve, Enter approves', async () => {
    assert.ok(sandbox && client);
    const { page } = sandbox;
    const result = requestAccess(client, 'npm test', 'Run the tests with the token');
    const { frame, card } = await cardFor(page, 'npm test');
    await armedApprove(card); // a disarmed Approve is out of the tab order
    // Clicking the checked radio changes nothing and really gives the webview keyboard focus (a
    // programmatic focus() inside a frame does not move the page's focus into it).
    await card.locator('vscode-radio[checked]').first().click();
    let reached = false;
    for (let i = 0; i < 30 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await frame.evaluate('document.activeElement?.getAttribute("aria-label")')) === 'Approve';
    }
    assert.ok(reached, 'Tab never reached Approve');
    await page.keyboard.press('Enter');
    const answer = await result;
    assert.notEqual(answer.isError, true, textOf(answer));
    assert.equal((answer.structuredContent as { status: string }).status, 'approved');
  });

  it('follows the light theme', async () => {
    assert.ok(sandbox && client);
    const { page } = sandbox;
    await setTheme(sandbox, 'Light Modern', 'vs');
    const result = requestAccess(client, 'npm run deploy -- --dry-run', 'Check the deploy in light mode');
    const { frame, card } = await cardFor(page, 'npm run deploy -- --dry-run');
    const background = String(await frame.evaluate('getComputedStyle(document.body).backgroundColor'));
    const [r = 0, g = 0, b = 0] = (background.match(/\d+/g) ?? []).map(Number);
    assert.ok(r + g + b > 600, `light background expected, got ${background}`);
    await picture(page, 'consent-card-light', 'screenshots/consent-light.png');
    await card.getByRole('button', { name: 'Deny', exact: true }).click();
    assert.equal((await result).isError, true);
    await setTheme(sandbox, 'Dark Modern', 'vs-dark');
  });

  it('follows a high-contrast theme', async () => {
    assert.ok(sandbox && client);
    const { page } = sandbox;
    await setTheme(sandbox, 'Dark High Contrast', 'hc-black');
    const result = requestAccess(client, 'npm run deploy -- --hc', 'Check the deploy in high contrast');
    const { card } = await cardFor(page, 'npm run deploy -- --hc');
    await screenshot(page, 'consent-card-high-contrast');
    await card.getByRole('button', { name: 'Deny', exact: true }).click();
    assert.equal((await result).isError, true);
    await setTheme(sandbox, 'Dark Modern', 'vs-dark');
  });

  it('the webview ran without a single Content Security Policy violation', () => {
    assert.deepEqual(cspViolations, []);
  });

  it(`an unanswered request is denied when the countdown ends (${TIMEOUT_SECONDS} s)`, async function () {
    this.timeout(120_000);
    assert.ok(sandbox && client);
    // The request's deadline is its creation + TIMEOUT_SECONDS, and it is created after `started`.
    const started = Date.now();
    const result = requestAccess(client, 'npm run deploy -- --later', 'Nobody answers this one');
    let answered = false;
    void result.then(() => (answered = true), () => (answered = true));
    const { card } = await cardFor(sandbox.page, 'npm run deploy -- --later');
    const countdown = card.locator('[role="timer"]');
    const first = await countdown.innerText();
    // The countdown moves: it ticks each second (the deadline is a hang guard, not the verdict).
    const moveDeadline = Date.now() + 30_000;
    while (!answered && (await countdown.innerText()) === first && Date.now() < moveDeadline) await sleep(100);
    assert.ok(!answered, 'denied before the countdown moved');
    assert.notEqual(await countdown.innerText(), first, 'the countdown moves');
    const answer = await result;
    assert.equal(answer.isError, true);
    assert.match(textOf(answer), /in time|no answer|timed out|timeout/i);
    // Not before the deadline: a slow machine only adds to this span; the one second covers Node
    // scheduling the host's timer against its loop clock (milliseconds), never load.
    assert.ok(Date.now() - started >= (TIMEOUT_SECONDS - 1) * 1000, 'denied only at the deadline');
    await card.waitFor({ state: 'detached', timeout: 15_000 });
  });
});
