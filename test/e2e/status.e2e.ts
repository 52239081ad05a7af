import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchSandbox, runCommand, screenshot, waitForNotification, type Sandbox } from './harness';

const version = (JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;

describe('e2e: Airlock: Show Status from the command palette (packaged VSIX in code-server)', function () {
  this.timeout(180_000);
  let sandbox: Sandbox | undefined;

  before(async () => {
    sandbox = await launchSandbox({ fixture: 'demo' });
  });

  after(async () => {
    await sandbox?.close();
  });

  it('installed the packaged extension into the throwaway profile', () => {
    assert.ok(sandbox);
    const installed = readdirSync(sandbox.dirs.extensionsDir);
    assert.ok(installed.includes(`airlock-dev.airlock-${version}`), `extensions dir holds: ${installed.join(', ')}`);
  });

  it('runs "Airlock: Show Status" from the palette: a notification and the Airlock output channel show the report', async () => {
    assert.ok(sandbox);
    const { page } = sandbox;
    await runCommand(page, 'Airlock: Show Status');
    const text = await waitForNotification(page, 'is active');
    assert.match(text, new RegExp(`Airlock ${version.replace(/\./g, '\\.')} is active\\.`));
    // The command also reveals the output channel in the panel. The Output view renders only the lines in
    // sight, and lines logged after the report push it up: filter the view to the line, as a person would.
    const line = `Airlock ${version} is active.`;
    const panel = page.locator('.part.panel');
    await panel.locator('input[placeholder^="Filter"]').first().fill(line);
    await panel.locator('.view-lines', { hasText: line }).first().waitFor({ state: 'visible', timeout: 30_000 });
    const picture = await screenshot(page, 'show-status');
    assert.ok(readFileSync(picture).length > 10_000, 'the screenshot is suspiciously small');
  });
});
