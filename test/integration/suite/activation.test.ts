import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { Commands, EXTENSION_ID, OUTPUT_CHANNEL_NAME } from '../../../src/shared/ids';
import type { AirlockTestApi } from '../../../src/testFacet/api';

function airlock(): vscode.Extension<AirlockTestApi | undefined> {
  const extension = vscode.extensions.getExtension<AirlockTestApi | undefined>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded in this extension host`);
  return extension;
}

/** The runner's temp sandbox (code-server's user data, HOME and AIRLOCK_HOME live below it). */
function sandbox(): string {
  const root = process.env['AIRLOCK_TEST_SANDBOX'];
  assert.ok(root, 'AIRLOCK_TEST_SANDBOX is not set: run through npm run test:integration');
  return root;
}

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));
  } catch {
    return [];
  }
}

describe('activation (real extension host)', () => {
  it('loads the extension under development and activates it', async () => {
    const extension = airlock();
    await extension.activate();
    assert.equal(extension.isActive, true);
    assert.equal(extension.packageJSON.name, 'airlock');
  });

  it('returns the test API because VS Code runs it in Test mode', async () => {
    const api = await airlock().activate();
    assert.ok(api, 'activate() returned no test API');
    assert.equal(typeof api.log.info, 'function');
  });

  it('registers Airlock: Show Status, which reports that Airlock is active', async () => {
    await airlock().activate();
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes(Commands.showStatus), `${Commands.showStatus} is not registered`);
    const report = await vscode.commands.executeCommand<string[]>(Commands.showStatus);
    assert.ok(Array.isArray(report));
    assert.match(report[0] ?? '', /^Airlock \S+ is active\./);
  });

  it(`writes to the "${OUTPUT_CHANNEL_NAME}" output channel`, async () => {
    const api = await airlock().activate();
    assert.ok(api);
    // A log output channel is backed by a file in the server's logs folder; find the probe line there.
    const probe = `integration probe ${randomUUID()}`;
    api.log.info(probe);
    const logsRoot = join(sandbox(), 'user-data', 'logs');
    const deadline = Date.now() + 30_000; // hang guard: the log file is flushed when VS Code gets to it
    let found: string | undefined;
    while (found === undefined && Date.now() < deadline) {
      found = filesUnder(logsRoot).find((file) => basename(file) === `${OUTPUT_CHANNEL_NAME}.log` && readFileSync(file, 'utf8').includes(probe));
      if (found === undefined) await new Promise((done) => setTimeout(done, 200));
    }
    assert.ok(found, `no ${OUTPUT_CHANNEL_NAME}.log under ${logsRoot} received the probe line`);
  });

  it('runs in the workspace the runner opened, with AIRLOCK_HOME pointing into the sandbox', () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder is open');
    assert.equal(folder.uri.fsPath, process.env['AIRLOCK_TEST_WORKSPACE']);
    assert.equal(vscode.workspace.isTrusted, true);
    assert.ok(process.env['AIRLOCK_HOME'], 'AIRLOCK_HOME is not set in the extension host');
    assert.equal(process.env['AIRLOCK_HOME'], process.env['AIRLOCK_TEST_HOME']);
  });
});
