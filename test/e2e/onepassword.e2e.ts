import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { launchSandbox, runCommand, screenshot, waitForNotification, type Sandbox } from './harness';

const version = (JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;

/**
 * A real 1Password account cannot be reached here. What this proves instead: the *packaged* extension
 * loads the SDK bundle (dist/onepassword-sdk.js) and runs its WASM core (dist/core_bg.wasm.br, brotli-compressed, decompressed on load) from the
 * installed VSIX — the malformed-token error below is produced inside that WASM.
 */
describe('e2e: 1Password SDK and WASM from the packaged VSIX', function () {
  this.timeout(180_000);
  let sandbox: Sandbox | undefined;

  before(async () => {
    // The SDK's first start (WebAssembly) counts against Airlock's own 1Password timeout: give it room,
    // so the verdict is the SDK's answer, never a timeout on a busy machine.
    sandbox = await launchSandbox({ fixture: 'demo', userSettings: { 'airlock.onePassword.timeoutSeconds': 600 } });
  });

  after(async () => {
    await sandbox?.close();
  });

  it('ships the SDK bundle and its WASM next to the extension bundle', () => {
    assert.ok(sandbox);
    const installed = join(sandbox.dirs.extensionsDir, `airlock-dev.airlock-${version}`);
    assert.ok(existsSync(join(installed, 'dist/onepassword-sdk.js')), 'dist/onepassword-sdk.js is missing from the VSIX');
    const wasm = join(installed, 'dist/core_bg.wasm.br');
    assert.ok(existsSync(wasm), 'dist/core_bg.wasm.br is missing from the VSIX');
    assert.ok(statSync(wasm).size > 1_000_000, 'core_bg.wasm.br is suspiciously small');
    assert.ok(!existsSync(join(installed, 'dist/core_bg.wasm')), 'the uncompressed wasm ships too');
    assert.ok(!readdirSync(installed).includes('node_modules'), 'the SDK is bundled, not shipped as node_modules');
  });

  it('Airlock: Connect 1Password with a malformed service-account token shows the SDK\'s own "invalid format" error and saves nothing', async () => {
    assert.ok(sandbox);
    const { page } = sandbox;
    const input = page.locator('.quick-input-widget input');

    await runCommand(page, 'Airlock: Connect 1Password');
    // Step 1: the sign-in mode (a quick pick).
    await page.locator('.quick-input-widget input[placeholder*="How should Airlock sign in"]').waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill('Service account token');
    // Enter picks the focused row: wait until the filter has focused this one.
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Service account token' }).waitFor({ state: 'visible', timeout: 30_000 });
    await page.keyboard.press('Enter');
    // Step 2: the masked token input.
    await page.locator('.quick-input-widget', { hasText: 'Paste the service-account token' }).waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await page.locator('.quick-input-widget input[type="password"]').count(), 1, 'the token input is masked');
    await page.keyboard.type('not-a-service-account-token');
    await page.keyboard.press('Enter');

    const text = await waitForNotification(page, /rejected the token/, 60_000);
    assert.match(text, /invalid format/, `expected the SDK's own message, got: ${text}`);
    assert.ok(!text.includes('not-a-service-account-token'), 'the token is never echoed');
    await screenshot(page, 'onepassword-malformed-token');
    // Nothing was saved: Show Status still reports 1Password as not connected.
    await runCommand(page, 'Airlock: Show Status');
    await waitForNotification(page, /1Password: not connected/);
  });
});
