// Import a .env file and Move a plaintext secret into Airlock, in the real extension host: the real
// quick inputs are answered (as the secret command tests do), then every file of the sandbox is scanned
// for the values, which may appear nowhere but in SecretStorage.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { EnvImportResult } from '../../../src/adapters/vscode/envImport';
import type { MoveResult } from '../../../src/adapters/vscode/secretScan';
import { parseReference } from '../../../src/core/secrets/referenceParser';
import { Commands, EXTENSION_ID, Settings } from '../../../src/shared/ids';
import type { AirlockStoresTestApi, AirlockTestApi } from '../../../src/testFacet/api';
import { filesHoldingSecrets } from '../../support/leakScan';
import { until } from '../../support/until';
import { FakeOnePassword } from '../helpers/fakeOnePassword';
import { answer, waitForPrompt } from '../helpers/prompts';


async function storesApi(): Promise<AirlockStoresTestApi> {
  const api = await vscode.extensions.getExtension<AirlockTestApi | undefined>(EXTENSION_ID)?.activate();
  assert.ok(api?.stores, 'the test API has no stores section');
  return api.stores;
}

const workspace = (): string => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
const canary = (label: string) => `${label}-${randomBytes(16).toString('hex')}`;

async function resolveValue(api: AirlockStoresTestApi, raw: string): Promise<boolean> {
  const reference = parseReference(raw);
  assert.ok(reference.ok);
  const result = (await api.router.resolveAll([reference.value], new AbortController().signal)).get(raw);
  return result?.ok === true;
}

describe('Import .env File and Move into Airlock', function () {
  this.timeout(120_000);

  it('imports three keys into SecretStorage, keeps one, rewrites the file with comments, adds it to .gitignore; no value left in any file', async () => {
    const api = await storesApi();
    const values = { IMPORT_API_KEY: canary('imp-a'), IMPORT_DB_PASSWORD: canary('imp-b'), IMPORT_SIGNING: canary('imp-c') };
    const envPath = join(workspace(), '.env.import');
    writeFileSync(envPath, [
      '# demo settings — this comment stays',
      `IMPORT_API_KEY=${values.IMPORT_API_KEY}`,
      'IMPORT_PORT=8080',
      `IMPORT_DB_PASSWORD="${values.IMPORT_DB_PASSWORD}"`,
      `export IMPORT_SIGNING='${values.IMPORT_SIGNING}'`,
      '',
    ].join('\n'));
    const running = vscode.commands.executeCommand<EnvImportResult>(Commands.importEnvFile, vscode.Uri.file(envPath));
    for (const key of ['IMPORT_API_KEY', 'IMPORT_PORT', 'IMPORT_DB_PASSWORD', 'IMPORT_SIGNING']) {
      const prompt = await waitForPrompt(api, (p) => p.kind === 'pick' && p.title.endsWith(`: ${key}`), `choice for ${key}`);
      assert.ok(!prompt.title.includes('imp-') && !prompt.prompt.includes('imp-'), 'a value reached a prompt');
      await answer(prompt, key === 'IMPORT_PORT' ? 'Keep in the file' : 'Move to VS Code SecretStorage');
    }
    await answer(await waitForPrompt(api, (p) => p.kind === 'pick' && p.title.includes('the values are safe'), 'file action'), 'Replace the moved values with comments');
    await answer(await waitForPrompt(api, (p) => p.kind === 'pick' && p.title.includes('out of git'), '.gitignore offer'), 'Add to .gitignore');
    const result = await running;
    assert.equal(result.outcome, 'done', result.message);
    assert.deepEqual(result.moved, ['IMPORT_API_KEY', 'IMPORT_DB_PASSWORD', 'IMPORT_SIGNING']);
    assert.equal(result.file, 'rewrite');
    assert.equal(result.gitignore, true);

    const rewritten = readFileSync(envPath, 'utf8');
    assert.ok(rewritten.includes('# demo settings — this comment stays'));
    assert.ok(rewritten.includes('IMPORT_PORT=8080'));
    assert.ok(rewritten.includes('# IMPORT_API_KEY: moved into Airlock (secret:IMPORT_API_KEY)'));
    assert.ok(readFileSync(join(workspace(), '.gitignore'), 'utf8').includes('/.env.import'));
    for (const name of Object.keys(values)) assert.ok(await resolveValue(api, `secret:${name}`), `${name} is in SecretStorage`);
    const credentials = vscode.workspace.getConfiguration().inspect<{ name: string; source: string }[]>(Settings.credentials)?.globalValue ?? [];
    for (const name of Object.keys(values)) assert.ok(credentials.some((c) => c.name === name && c.source === `secret:${name}`), `${name} defined in user settings`);

    // No form of any value on disk in the sandbox (SecretStorage is sealed in the browser profile's localStorage).
    const sandbox = process.env['AIRLOCK_TEST_SANDBOX'] ?? '';
    assert.ok(sandbox !== '' && existsSync(sandbox));
    assert.deepEqual(filesHoldingSecrets(sandbox, values), [], 'a value is left in a file');
  });

  it('a line added to the file while the person chooses is never lost: "Delete the file" leaves it as it is', async () => {
    const api = await storesApi();
    const value = canary('imp-del');
    const envPath = join(workspace(), '.env.delete');
    writeFileSync(envPath, `IMPORT_DEL_KEY=${value}\n`);
    const running = vscode.commands.executeCommand<EnvImportResult>(Commands.importEnvFile, vscode.Uri.file(envPath));
    await answer(await waitForPrompt(api, (p) => p.kind === 'pick' && p.title.endsWith(': IMPORT_DEL_KEY'), 'choice'), 'Move to VS Code SecretStorage');
    const action = await waitForPrompt(api, (p) => p.kind === 'pick' && p.title.includes('the values are safe'), 'file action');
    // Someone (an editor, the agent) adds a line while the question is open.
    writeFileSync(envPath, `IMPORT_DEL_KEY=${value}\nADDED_LATER=keep-me\n`);
    await answer(action, 'Delete the file');
    const result = await running;
    assert.equal(result.outcome, 'failed');
    assert.match(result.message, /changed while you chose/);
    assert.equal(readFileSync(envPath, 'utf8'), `IMPORT_DEL_KEY=${value}\nADDED_LATER=keep-me\n`, 'the file is still there, with the added line');
  });

  describe('Create a 1Password item (a fake SDK through the test facet)', () => {
    const ACCOUNT = 'airlock-test.1password.example';
    const VAULTS = [{ id: 'vaultdev0001', title: 'Dev' }, { id: 'vaultro00002', title: 'Read Only' }];
    let fake: FakeOnePassword;

    beforeEach(async () => {
      const api = await storesApi();
      fake = new FakeOnePassword(VAULTS, new Set(['vaultro00002']));
      api.simulateOnePasswordSdk(fake);
      await vscode.workspace.getConfiguration().update(Settings.onePasswordAccount, ACCOUNT, vscode.ConfigurationTarget.Global);
      const whole = await vscode.extensions.getExtension<AirlockTestApi | undefined>(EXTENSION_ID)?.activate();
      await until('the policy to see the 1Password account', () => whole?.policy?.current().onePassword.account === ACCOUNT);
    });

    afterEach(async () => {
      (await storesApi()).simulateOnePasswordSdk(undefined);
      const configuration = vscode.workspace.getConfiguration();
      await configuration.update(Settings.onePasswordAccount, undefined, vscode.ConfigurationTarget.Global);
      const credentials = configuration.inspect<{ name: string }[]>(Settings.credentials)?.globalValue ?? [];
      await configuration.update(Settings.credentials, credentials.filter((c) => c.name !== 'OP_API_KEY'), vscode.ConfigurationTarget.Global);
    });

    const startImport = async (file: string, value: string): Promise<{ api: AirlockStoresTestApi; envPath: string; text: string; running: Thenable<EnvImportResult> }> => {
      const api = await storesApi();
      const envPath = join(workspace(), file);
      const text = `OP_API_KEY=${value}\nOP_PORT=8080\n`;
      writeFileSync(envPath, text);
      const running = vscode.commands.executeCommand<EnvImportResult>(Commands.importEnvFile, vscode.Uri.file(envPath));
      return { api, envPath, text, running };
    };

    const chooseCreate = async (api: AirlockStoresTestApi, vault: string, title: string): Promise<void> => {
      const choice = await waitForPrompt(api, (p) => p.kind === 'pick' && p.title.endsWith(': OP_API_KEY'), 'choice for OP_API_KEY');
      assert.ok(choice.items.includes('Create a 1Password item'), `offered: ${choice.items.join(', ')}`);
      await answer(choice, 'Create a 1Password item');
      const vaults = await waitForPrompt(api, (p) => p.kind === 'pick' && p.title.includes('1Password vault for OP_API_KEY'), 'vault pick');
      assert.deepEqual([...vaults.items].sort(), ['Dev', 'Read Only']);
      await answer(vaults, vault);
      await answer(await waitForPrompt(api, (p) => p.kind === 'input' && p.title.includes('title of the new 1Password item'), 'item title'), title);
      await answer(await waitForPrompt(api, (p) => p.kind === 'pick' && p.title.endsWith(': OP_PORT'), 'choice for OP_PORT'), 'Keep in the file');
    };

    it('creates the item in the chosen vault (one concealed field), reads it back, defines the credential by the created reference, rewrites the file; the value is on no surface', async () => {
      const value = canary('imp-op');
      const { api, envPath, running } = await startImport('.env.opcreate', value);
      await chooseCreate(api, 'Dev', 'demo OP_API_KEY');
      await answer(await waitForPrompt(api, (p) => p.kind === 'pick' && p.title.includes('the values are safe'), 'file action'), 'Replace the moved values with comments');
      await answer(await waitForPrompt(api, (p) => p.kind === 'pick' && p.title.includes('out of git'), '.gitignore offer'), 'Not now');
      const result = await running;
      assert.equal(result.outcome, 'done', result.message);
      assert.equal(fake.created.length, 1);
      const params = fake.created[0]!;
      assert.deepEqual({ vaultId: params.vaultId, title: params.title, category: params.category, fields: params.fields?.map((f) => ({ ...f, value: f.value === value })) },
        { vaultId: 'vaultdev0001', title: 'demo OP_API_KEY', category: 'ApiCredentials', fields: [{ id: 'credential', title: 'OP_API_KEY', fieldType: 'Concealed', value: true }] });
      const reference = 'op://vaultdev0001/fakeitem0001/credential';
      assert.deepEqual(result.created.map((item) => item.reference), [reference]);
      assert.ok(await resolveValue(api, reference), 'the created reference resolves through the router');
      const credentials = vscode.workspace.getConfiguration().inspect<{ name: string; source: string }[]>(Settings.credentials)?.globalValue ?? [];
      assert.ok(credentials.some((c) => c.name === 'OP_API_KEY' && c.source === reference), 'defined in user settings by the created reference');
      assert.equal(readFileSync(envPath, 'utf8'), `# OP_API_KEY: moved into Airlock (${reference})\nOP_PORT=8080\n`);
      assert.ok(!result.message.includes(value));
      const sandbox = process.env['AIRLOCK_TEST_SANDBOX'] ?? '';
      assert.deepEqual(filesHoldingSecrets(sandbox, { OP_API_KEY: value }), [], 'the value is left in a file (settings, audit, logs, the .env)');
      const audit = filesHoldingSecrets(sandbox, { REFERENCE: reference }).filter((hit) => hit.includes('audit'));
      assert.ok(audit.length > 0, 'the audit names the created reference');
    });

    it('a vault the account may only read: the person is told so (never the value, though the SDK error quotes it) and nothing changes', async () => {
      const value = canary('imp-ro');
      const { api, envPath, text, running } = await startImport('.env.opreadonly', value);
      await chooseCreate(api, 'Read Only', 'demo OP_API_KEY');
      const result = await running;
      assert.equal(result.outcome, 'failed');
      assert.match(result.message, /may only read that vault/);
      assert.match(result.message, /Nothing was stored\. The file was not changed\./);
      assert.ok(!result.message.includes(value));
      assert.equal(fake.created.length, 1, 'the SDK was asked once');
      assert.equal(readFileSync(envPath, 'utf8'), text, 'the file is untouched');
      const credentials = vscode.workspace.getConfiguration().inspect<{ name: string }[]>(Settings.credentials)?.globalValue ?? [];
      assert.ok(!credentials.some((c) => c.name === 'OP_API_KEY' && JSON.stringify(c).includes('vaultro')), 'no credential defined');
      const sandbox = process.env['AIRLOCK_TEST_SANDBOX'] ?? '';
      assert.deepEqual(filesHoldingSecrets(sandbox, { OP_API_KEY: value }, [envPath]), [], 'the value reached a file other than the .env (log, audit, settings)');
    });
  });

  it('a plaintext token in a config file shows as a masked diagnostic; the quick fix moves it and leaves ${NAME}', async () => {
    const api = await storesApi();
    const token = `ghp_${randomBytes(18).toString('hex').slice(0, 36)}`;
    const path = join(workspace(), 'service.config.json');
    writeFileSync(path, `{\n  "name": "demo",\n  "deployToken": "${token}"\n}\n`);
    const uri = vscode.Uri.file(path);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const airlockDiagnostics = (): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Airlock');
    const diagnostics = await until('the scan of the opened file', () => (airlockDiagnostics().length > 0 ? airlockDiagnostics() : undefined));
    assert.equal(diagnostics.length, 1, 'one Airlock diagnostic on the planted token');
    const diagnostic = diagnostics[0]!;
    for (let i = 0; i + 6 <= token.length; i++) assert.ok(!diagnostic.message.includes(token.slice(i, i + 6)), `the message leaks: ${diagnostic.message}`);
    assert.match(diagnostic.message, /Plaintext GitHub token in this file: •+ \(40 characters\)/);

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title === 'Move into Airlock');
    assert.ok(fix?.command, 'the quick fix is offered');
    const running = vscode.commands.executeCommand<MoveResult>(fix.command.command, ...(fix.command.arguments ?? []));
    const name = `DEPLOY_TOKEN_${randomBytes(3).toString('hex').toUpperCase()}`;
    await answer(await waitForPrompt(api, (p) => p.kind === 'input' && p.title === 'Airlock: Move into Airlock', 'name input'), name);
    const result = await running;
    assert.equal(result.outcome, 'moved', result.message);
    const text = readFileSync(path, 'utf8');
    assert.ok(text.includes(`"deployToken": "\${${name}}"`), text);
    assert.ok(await resolveValue(api, `secret:${name}`));
    await until('the warning to go once the value is moved', () => airlockDiagnostics().length === 0);
    const sandbox = process.env['AIRLOCK_TEST_SANDBOX'] ?? '';
    assert.deepEqual(filesHoldingSecrets(sandbox, { [name]: token }), [], 'the token is left in a file');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
