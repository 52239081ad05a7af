/**
 * A person moves a `.env` file into Airlock: opens it, runs **Airlock: Import .env File…**, answers each
 * entry in the quick pick (three keys to SecretStorage, one kept), chooses comments for the file and a
 * .gitignore line. Then no value is left in any file of the sandbox outside SecretStorage, and the three
 * names are what Airlock lists as stored. Packaged VSIX in a throwaway code-server, headless Chromium.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCanary } from '../support/canary';
import { launchSandbox, runCommand, screenshot, sleep, waitForNotification, type Sandbox } from './harness';

const values = { E2E_API_KEY: makeCanary('e2e-a'), E2E_DB_PASSWORD: makeCanary('e2e-b'), E2E_SIGNING_KEY: makeCanary('e2e-c') };

/** Files under `root` holding `needle`, except the browser profile (where the web SecretStorage lives). */
function filesHolding(root: string, needle: string, skip: string): string[] {
  const hits: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (path === skip) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && statSync(path).size < 50 * 1024 * 1024 && readFileSync(path).includes(needle)) hits.push(path);
    }
  };
  walk(root);
  return hits;
}

describe('e2e: Import .env File moves three keys into SecretStorage (packaged VSIX)', function () {
  this.timeout(240_000);
  let sandbox: Sandbox | undefined;

  before(async () => {
    sandbox = await launchSandbox({ fixture: 'demo' });
  });

  after(async () => {
    await sandbox?.close();
  });

  it('answers each entry in the quick pick; the file keeps its comment and PORT, the values leave every file', async () => {
    assert.ok(sandbox?.workspace);
    const { page, workspace, dirs } = sandbox;
    const envPath = join(workspace, '.env.e2e');
    writeFileSync(envPath, [
      '# e2e settings — this comment stays',
      `E2E_API_KEY=${values.E2E_API_KEY}`,
      'E2E_PORT=8080',
      `E2E_DB_PASSWORD="${values.E2E_DB_PASSWORD}"`,
      `E2E_SIGNING_KEY='${values.E2E_SIGNING_KEY}'`,
      '',
    ].join('\n'));

    // Open the file (Quick Open), then run the command: it imports the active .env file.
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill('.env.e2e');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: '.env.e2e' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.press('Enter');
    await page.locator('.tab', { hasText: '.env.e2e' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await runCommand(page, 'Airlock: Import .env File…');

    const choose = async (shown: string, label: string): Promise<void> => {
      await page.locator('.quick-input-widget', { hasText: shown }).waitFor({ state: 'visible', timeout: 20_000 });
      await sleep(300);
      await input.fill(label);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor({ state: 'visible', timeout: 10_000 });
      await page.keyboard.press('Enter');
      await sleep(300);
    };
    for (const key of ['E2E_API_KEY', 'E2E_PORT', 'E2E_DB_PASSWORD', 'E2E_SIGNING_KEY']) {
      await choose(`: ${key}`, key === 'E2E_PORT' ? 'Keep in the file' : 'Move to VS Code SecretStorage');
      if (key === 'E2E_API_KEY') await screenshot(page, 'import-env-choice');
    }
    await choose('the values are safe in Airlock', 'Replace the moved values with comments');
    await choose('keep .env.e2e out of git', 'Add to .gitignore');
    await waitForNotification(page, 'moved E2E_API_KEY, E2E_DB_PASSWORD, E2E_SIGNING_KEY into Airlock', 20_000);
    await screenshot(page, 'import-env-done');

    const rewritten = readFileSync(envPath, 'utf8');
    assert.equal(rewritten, [
      '# e2e settings — this comment stays',
      '# E2E_API_KEY: moved into Airlock (secret:E2E_API_KEY)',
      'E2E_PORT=8080',
      '# E2E_DB_PASSWORD: moved into Airlock (secret:E2E_DB_PASSWORD)',
      '# E2E_SIGNING_KEY: moved into Airlock (secret:E2E_SIGNING_KEY)',
      '',
    ].join('\n'));
    assert.match(readFileSync(join(workspace, '.gitignore'), 'utf8'), /^\/\.env\.e2e$/m);
    const settings = readFileSync(join(dirs.userDataDir, 'User', 'settings.json'), 'utf8');
    for (const name of Object.keys(values)) assert.ok(settings.includes(`"source": "secret:${name}"`), `${name} is defined in user settings`);

    // The values: in no file of the sandbox (workspace, user data, HOME, AIRLOCK_HOME), nor in any frame.
    for (const value of Object.values(values)) {
      assert.deepEqual(filesHolding(dirs.root, value, dirs.browserProfile), [], 'a value is left in a file');
      for (const frame of page.frames()) assert.ok(!(await frame.content().catch(() => '')).includes(value), 'a value reached the page');
    }

    // Airlock lists the three names as stored (Update Secret's picker), without showing any value.
    await runCommand(page, 'Airlock: Update Secret');
    for (const name of Object.keys(values)) {
      await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ state: 'visible', timeout: 15_000 });
    }
    await page.keyboard.press('Escape');
  });
});
