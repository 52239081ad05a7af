/**
 * E2E harness: a throwaway code-server with the packaged VSIX installed, opened in headless Chromium, and
 * helpers to use it like a person (command palette, notifications, webviews, terminal, screenshots) or
 * like an agent (discovery file + client token under `airlockHome`).
 *
 *   const sandbox = await launchSandbox({ userSettings: { ... } });
 *   try {
 *     await runCommand(sandbox.page, 'Airlock: Show Status');
 *     await waitForNotification(sandbox.page, /Airlock .* is active/);
 *     await screenshot(sandbox.page, 'status');
 *   } finally {
 *     await sandbox.close();
 *   }
 *
 * Run with `npm run test:e2e` (packages the VSIX first). One sandbox at a time: each is ≈2.3 GB.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import type { BrowserContext, Frame, Locator, Page } from 'playwright-core';
import type { ClientId } from '../../src/core/clients';
import { endpointRecordSchema, type EndpointRecord } from '../../src/core/connect/discoveryRecord';
import { clientTokenPath, endpointsDir } from '../../src/core/connect/paths';
import { connectMcpClient } from '../support/mcpClient';
import {
  copyFixture,
  createSandboxDirs,
  installVsix,
  launchBrowser,
  removeOnExit,
  repoRoot,
  sleep,
  startCodeServer,
  writeUserSettings,
  type CodeServer,
  type SandboxDirs,
} from '../../scripts/lib/sandbox';

export { sleep };
/** What is left on disk: every file of a sandbox holding a form of a value (see test/support/leakScan.ts). */
export { filesHoldingSecrets } from '../support/leakScan';

/** The VSIX under test: $AIRLOCK_E2E_VSIX (set by test/e2e/runner.mjs) or dist-vsix/airlock.vsix. */
export function vsixUnderTest(): string {
  const path = process.env['AIRLOCK_E2E_VSIX'] ?? join(repoRoot, 'dist-vsix/airlock.vsix');
  if (!existsSync(path)) throw new Error(`no VSIX at ${path}: run \`npm run package\` (npm run test:e2e does it)`);
  return path;
}

export interface SandboxOptions {
  /** Folder under test/fixtures/ (copied into the sandbox), or null for an empty window. Default 'demo'. */
  readonly fixture?: string | null;
  /** Merged over the base user settings (terminal GPU off, no telemetry, trust prompt off…). */
  readonly userSettings?: Readonly<Record<string, unknown>>;
  /** true (default): --disable-workspace-trust; false: workspace trust on, folder in Restricted Mode. */
  readonly trusted?: boolean;
  /** Extra environment for code-server and so the extension host (AIRLOCK_HOME is set already). */
  readonly env?: Readonly<Record<string, string>>;
  /** Install this VSIX (default: vsixUnderTest()); null installs nothing. */
  readonly vsix?: string | null;
  readonly viewport?: { width: number; height: number };
  /**
   * true (default when a VSIX is installed): also wait until Airlock is up — its endpoint record is written
   * only once the extension is composed and listening — so a test's first command does not spend its own
   * timeout on the extension host starting.
   */
  readonly waitForAirlock?: boolean;
}

export interface Sandbox {
  readonly page: Page;
  readonly context: BrowserContext;
  /** What the browser opened (`http://127.0.0.1:PORT/?folder=…`). */
  readonly url: string;
  readonly server: CodeServer;
  /** AIRLOCK_HOME of the extension host: `endpoints/<id>.json` discovery files, `clients/<client>.token`. */
  readonly airlockHome: string;
  /** The opened folder (a fresh copy of the fixture), or undefined. */
  readonly workspace: string | undefined;
  readonly dirs: SandboxDirs;
  /** Closes the browser, kills code-server's process group, deletes the sandbox. Safe to call twice. */
  close(): Promise<void>;
}

/** The pages of sandboxes not yet closed: a failed test leaves a picture of each (below). */
const openPages = new Set<Page>();

// A root hook (this module is loaded by every e2e file): when a test fails, save what the window showed,
// test-results/e2e/failed-<test title>.png, since the error alone rarely says why a wait gave up.
if (typeof afterEach === 'function') {
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const page of openPages) await screenshot(page, `failed-${this.currentTest.title}`.slice(0, 100)).catch(() => undefined);
  });
}

/** Starts a throwaway code-server with the VSIX installed and opens it in Chromium; waits for the workbench. */
export async function launchSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const dirs = createSandboxDirs('e2e');
  removeOnExit(dirs.root);
  const vsix = options.vsix === undefined ? vsixUnderTest() : options.vsix;
  if (vsix !== null) installVsix(dirs, vsix);
  const fixture = options.fixture === undefined ? 'demo' : options.fixture;
  const workspace = fixture === null ? undefined : copyFixture(dirs, fixture);
  writeUserSettings(dirs.userDataDir, options.userSettings ?? {});
  const server = await startCodeServer({ dirs, trusted: options.trusted ?? true, ...(options.env === undefined ? {} : { env: options.env }) });
  let context: BrowserContext | undefined;
  try {
    const launched = await launchBrowser(dirs, options.viewport);
    openPages.add(launched.page);
    context = launched.context;
    const url = server.urlFor(workspace);
    // The workbench's own elements say when it is up; the page's load event (a 19 MB bundle) is no signal.
    await launched.page.goto(url, { waitUntil: 'commit', timeout: 60_000 });
    await launched.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    // The status bar appears once the workbench (and its remote connection) is up.
    await launched.page.locator('.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
    if (vsix !== null && options.waitForAirlock !== false) await waitForEndpoint(dirs.airlockHome, 120_000);
    let closed = false;
    const browser = context;
    return {
      page: launched.page,
      context: browser,
      url,
      server,
      airlockHome: dirs.airlockHome,
      workspace,
      dirs,
      async close() {
        if (closed) return;
        closed = true;
        openPages.delete(launched.page);
        await browser.close().catch(() => undefined);
        await server.stop();
      },
    };
  } catch (error) {
    await context?.close().catch(() => undefined);
    await server.stop();
    throw error;
  }
}

// ── acting like a person ─────────────────────────────────────────────────────────────────────────────

/**
 * Picks a row of a (single-choice) quick pick: Enter when it is the focused row, as a person types it,
 * otherwise a click. A click waits for the row to hold still, and quick-pick rows can keep moving on a
 * busy machine (a CI run waited 30 s on "View: Close All Editors").
 */
export async function pickRow(page: Page, row: Locator): Promise<void> {
  if (((await row.getAttribute('class')) ?? '').split(/\s+/).includes('focused')) await page.keyboard.press('Enter');
  else await row.click({ force: true });
}

/**
 * Opens the command palette (F1), types `title` and runs the entry whose label is `title`. Retries while
 * the window is still loading extension contributions (the entry appears once the extension host has
 * scanned the extensions); screenshots test-results/e2e/runCommand-failed.png when it gives up.
 */
export async function runCommand(page: Page, title: string, timeoutMs = 60_000): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: title }) }).first();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (!(await input.isVisible())) await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      // A quick input still closing (a picker just answered) counts as visible but takes no text: give up
      // on it quickly (Playwright's default is 30 s) and try again with a fresh palette.
      await input.fill(`>${title}`, { timeout: 5_000 });
      await row.waitFor({ state: 'visible', timeout: 5_000 });
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        await screenshot(page, 'runCommand-failed').catch(() => undefined);
        throw new Error(`could not find "${title}" in the command palette: ${error instanceof Error ? error.message : String(error)}`);
      }
      await page.keyboard.press('Escape');
      await sleep(1_000);
    }
  }
  // Run it once (never retried: the command may not be idempotent). The palette closes, or the command
  // replaces it with its own quick input / input box (whose value does not start with '>').
  await pickRow(page, row);
  const closeDeadline = Date.now() + 30_000;
  while ((await input.isVisible()) && (await input.inputValue()).startsWith('>')) {
    if (Date.now() > closeDeadline) throw new Error(`the command palette stayed open after choosing "${title}"`);
    await sleep(100);
  }
}

/**
 * Waits for a notification whose text matches; returns its full text. A toast can hide itself before a
 * loaded machine sees it, so when none shows in time the Notification Center (which keeps every
 * notification) is opened and searched before giving up.
 */
export async function waitForNotification(page: Page, text: string | RegExp, timeoutMs = 30_000): Promise<string> {
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  try {
    await toast.waitFor({ state: 'visible', timeout: timeoutMs });
    // A toast hides itself after a while: if it went between the two calls, the Notification Center has it.
    return (await toast.innerText({ timeout: 2_000 })).trim();
  } catch (toastMissed) {
    await runCommand(page, 'Notifications: Show Notifications');
    const kept = page.locator('.notifications-center .notification-list-item', { hasText: text }).first();
    try {
      await kept.waitFor({ state: 'visible', timeout: 15_000 });
      return (await kept.innerText()).trim();
    } catch {
      throw toastMissed;
    } finally {
      await page.keyboard.press('Escape');
    }
  }
}

/**
 * What Add Secret asks after the value: nothing when `name` is already a credential in user settings
 * ('defined'); otherwise it offers to add one, and the person picks "Add credential NAME" ('add') or
 * "Not now" ('skip').
 */
export type CredentialOffer = 'defined' | 'add' | 'skip';

/**
 * Stores `value` as `name` through **Airlock: Add Secret** like a person: types the name, checks the value
 * input is masked (a password box), types the value, answers the credential offer, and waits for the
 * "stored NAME" notification.
 */
export async function addSecretThroughUi(page: Page, name: string, value: string, offer: CredentialOffer = 'defined'): Promise<void> {
  const widget = (text: string): Locator => page.locator('.quick-input-widget', { hasText: text });
  await runCommand(page, 'Airlock: Add Secret');
  await widget('Name of the secret').waitFor({ state: 'visible', timeout: 15_000 });
  await page.locator('.quick-input-widget input').fill(name);
  await page.keyboard.press('Enter');
  await widget(`Value for ${name}`).waitFor({ state: 'visible', timeout: 15_000 });
  const masked = await page.locator('.quick-input-widget input[type="password"]').count();
  if (masked !== 1) throw new Error(`the value input for ${name} is not masked`);
  await page.keyboard.type(value);
  await page.keyboard.press('Enter');
  if (offer !== 'defined') {
    const label = offer === 'add' ? `Add credential ${name}` : 'Not now';
    await widget(`Add credential ${name}`).waitFor({ state: 'visible', timeout: 15_000 });
    await pickRow(page, page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first());
  }
  await waitForNotification(page, `stored ${name} in VS Code SecretStorage`);
}

/**
 * The frame (page, webview host or the webview's inner content frame) that contains `selector`.
 * Webviews are nested same-origin iframes; this searches them all until `timeoutMs`.
 */
export async function findFrame(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame.isDetached()) continue;
      const handle = await frame.$(selector).catch(() => null);
      if (handle !== null) {
        await handle.dispose();
        return frame;
      }
    }
    if (Date.now() > deadline) throw new Error(`no frame contains ${selector} after ${timeoutMs} ms`);
    await sleep(200);
  }
}

/**
 * The Approve button inside `scope` (a consent webview frame or one card) once it is armed: the panel
 * disarms it for a moment after a card appears and marks that with the `disabled` attribute, so this
 * waits for the attribute to go instead of for time. The deadline is only a hang guard.
 */
export async function armedApprove(scope: { locator(selector: string): Locator }, timeoutMs = 30_000): Promise<Locator> {
  const approve = scope.locator('vscode-button[aria-label="Approve"]:not([disabled])').last();
  await approve.waitFor({ state: 'visible', timeout: timeoutMs });
  return approve;
}

/** Saves a full-window screenshot to test-results/e2e/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = join(repoRoot, 'test-results/e2e');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path });
  return path;
}

/**
 * A screenshot that also ships or illustrates the README: saved like `screenshot`, and with
 * AIRLOCK_UPDATE_SCREENSHOTS=1 copied to `media/<target>`, so the committed pictures come from a real run.
 */
export async function picture(page: Page, name: string, target?: string): Promise<string> {
  const path = await screenshot(page, name);
  if (target !== undefined && process.env['AIRLOCK_UPDATE_SCREENSHOTS'] === '1') {
    mkdirSync(join(repoRoot, 'media', target, '..'), { recursive: true });
    copyFileSync(path, join(repoRoot, 'media', target));
  }
  return path;
}

/**
 * The text of every terminal row in the DOM (terminal GPU acceleration is off in the sandbox, so xterm
 * renders rows as DOM nodes). Rows of all terminals in the panel, top to bottom.
 */
export async function terminalText(page: Page): Promise<string> {
  const rows = await page.locator('.xterm-rows > div').allInnerTexts();
  return rows.map((row) => row.replace(/\u00a0/g, ' ').trimEnd()).join('\n');
}

/** Waits until the terminal text matches `pattern`; returns the whole text. */
export async function waitForTerminalText(page: Page, pattern: string | RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await terminalText(page);
    if (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`terminal text did not match ${String(pattern)} within ${timeoutMs} ms; it shows:\n${text}`);
    await sleep(250);
  }
}

// ── acting like an agent ─────────────────────────────────────────────────────────────────────────────

/** Every valid endpoint discovery record under `airlockHome/endpoints/` (what a bridge would read). */
export function endpointRecords(airlockHome: string): EndpointRecord[] {
  const dir = endpointsDir(airlockHome);
  if (!existsSync(dir)) return [];
  const records: EndpointRecord[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    try {
      const parsed = endpointRecordSchema.safeParse(JSON.parse(readFileSync(join(dir, name), 'utf8')));
      if (parsed.success) records.push(parsed.data);
    } catch {
      // being written right now; the next poll reads it
    }
  }
  return records;
}

/** Waits for the window's endpoint discovery record (Airlock activates on startup finished). */
export async function waitForEndpoint(airlockHome: string, timeoutMs = 30_000): Promise<EndpointRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [record] = endpointRecords(airlockHome);
    if (record !== undefined) return record;
    if (Date.now() > deadline) throw new Error(`no endpoint record under ${endpointsDir(airlockHome)} after ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** Waits for `airlockHome/clients/<client>.token` (written by the Connect command) and returns the token. */
export async function waitForClientToken(airlockHome: string, client: ClientId, timeoutMs = 30_000): Promise<string> {
  const path = clientTokenPath(airlockHome, client);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (existsSync(path)) {
      const token = readFileSync(path, 'utf8').trim();
      if (token !== '') return token;
    }
    if (Date.now() > deadline) throw new Error(`no client token at ${path} after ${timeoutMs} ms`);
    await sleep(250);
  }
}

/**
 * Runs "Airlock: Connect Codex" like a person, which makes Airlock write Codex's token file, and cancels
 * the config write at its confirmation dialog (the tests need the token, not a ~/.codex change).
 */
export async function issueCodexToken(page: Page, airlockHome: string): Promise<void> {
  await runCommand(page, 'Airlock: Connect Codex');
  await waitForClientToken(airlockHome, 'codex');
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: 30_000 });
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
}

/** An agent: a real MCP SDK client on the window's endpoint (Streamable HTTP) with Codex's token. */
export interface Agent {
  readonly client: Client;
  /** Ends the MCP session (DELETE) and closes the client; never throws. */
  close(): Promise<void>;
}

/** Connects an agent as Codex; the token file must exist (see issueCodexToken). */
export async function connectAgent(airlockHome: string, name: string): Promise<Agent> {
  const token = await waitForClientToken(airlockHome, 'codex');
  const endpoint = await waitForEndpoint(airlockHome);
  const { client, close } = await connectMcpClient(endpoint.url, token, name);
  return { client, close };
}
