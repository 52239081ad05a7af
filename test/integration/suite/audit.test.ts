import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { AuditVerifyResult } from '../../../src/adapters/node/auditFile';
import { verifyAuditLines } from '../../../src/core/audit/auditChain';
import type { ClientId } from '../../../src/core/clients';
import { Commands, EXTENSION_ID } from '../../../src/shared/ids';
import type { AirlockTestApi } from '../../../src/testFacet/api';
import { findLeaks, makeCanary } from '../../support/canary';

async function api(): Promise<AirlockTestApi> {
  const extension = vscode.extensions.getExtension<AirlockTestApi | undefined>(EXTENSION_ID);
  assert.ok(extension);
  const testApi = await extension.activate();
  assert.ok(testApi?.audit, 'the test API exposes the audit sink');
  return testApi;
}

describe('audit log (real extension host)', () => {
  it('registers Show, Verify and Export Audit Log', async () => {
    await api();
    const commands = await vscode.commands.getCommands(true);
    for (const id of [Commands.showAuditLog, Commands.verifyAuditLog, Commands.exportAuditLog]) assert.ok(commands.includes(id), id);
  });

  it('keeps the log in global storage/audit, appends chained lines and Verify reports OK', async () => {
    const testApi = await api();
    const dir = testApi.auditDir!;
    assert.match(dir.split('\\').join('/'), /\/audit$/);
    const client = 'integration-test' as ClientId;
    await testApi.audit!.append({ type: 'run-refused', client, command: 'printenv', cwd: '/tmp', code: 'command-not-covered' });
    await testApi.audit!.append({ type: 'secret-entry', name: 'AUDIT_TEST', client, outcome: 'declined' });
    const result = (await vscode.commands.executeCommand(Commands.verifyAuditLog)) as AuditVerifyResult | undefined;
    assert.ok(result?.ok, JSON.stringify(result));
    assert.ok(result.count >= 2);
    const mode = (await fs.stat(dir)).mode & 0o777;
    if (process.platform !== 'win32') assert.equal(mode, 0o700);
  });

  it('scrubs what it writes and Show/Export contain no value', async () => {
    const testApi = await api();
    const canary = makeCanary('audit');
    // No grant holds this canary, so the sink's scrubber cannot know it: the point here is that the
    // view and export are faithful copies (names only) — the value must never be given to the sink.
    await testApi.audit!.append({ type: 'secret-entry', name: 'AUDIT_VIEW_TEST', outcome: 'stored' });
    const uri = (await vscode.commands.executeCommand(Commands.showAuditLog, { credential: 'AUDIT_VIEW_TEST' })) as string;
    const document = vscode.workspace.textDocuments.find((doc) => doc.uri.toString() === uri);
    assert.ok(document, 'the audit view is open');
    assert.match(document.getText(), /Hash chain: intact/);
    assert.match(document.getText(), /secret "AUDIT_VIEW_TEST" stored/);
    assert.doesNotMatch(document.getText(), /AUDIT_TEST" declined/, 'the credential filter applies');
    const target = join(await fs.mkdtemp(join(tmpdir(), 'airlock-export-')), 'audit.jsonl');
    const count = (await vscode.commands.executeCommand(Commands.exportAuditLog, vscode.Uri.file(target))) as number;
    const exported = await fs.readFile(target, 'utf8');
    assert.equal(exported.trimEnd().split('\n').length, count);
    assert.ok(verifyAuditLines(exported.split('\n')).ok);
    assert.deepEqual(findLeaks(exported + document.getText(), [canary]), []);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
