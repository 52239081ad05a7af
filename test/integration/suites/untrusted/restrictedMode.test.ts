import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands, EXTENSION_ID } from '../../../../src/shared/ids';

describe('Restricted Mode (workspace trust on, folder untrusted)', () => {
  it('opens the workspace untrusted', () => {
    assert.ok(vscode.workspace.workspaceFolders?.[0], 'no workspace folder is open');
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('still activates Airlock (limited support) and Show Status works', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    assert.equal(extension.isActive, true);
    const report = await vscode.commands.executeCommand<string[]>(Commands.showStatus);
    assert.match(report[0] ?? '', /is active/);
  });
});
