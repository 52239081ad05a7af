/**
 * The Airlock view's tree items after real events, in a real extension host (runner launch: CANARY_TOKEN
 * defined, an allow rule for `node scripts/leak.js`, allowWithoutConsent on in user settings):
 * a secret added through Airlock: Add Secret → a Credentials row; Cursor gets a token → "never connected",
 * connects over MCP → "connected now"; request_access answered by the allow rule → a Grants row with a
 * countdown; the view's Revoke Grant command → the row is gone and the grant with it.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { OpenPrompt } from '../../../../src/adapters/vscode/secretEntry';
import { Commands, ContextKeys, EXTENSION_ID, Settings } from '../../../../src/shared/ids';
import type { AirlockTestApi, AirlockViewsTestApi, ViewRowSnapshot } from '../../../../src/testFacet/api';
import { makeCanary } from '../../../support/canary';
import { connectMcpClient } from '../../../support/mcpClient';

const LEAK = 'node scripts/leak.js';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function airlock(): Promise<AirlockTestApi & { views: AirlockViewsTestApi }> {
  const extension = vscode.extensions.getExtension<AirlockTestApi | undefined>(EXTENSION_ID);
  assert.ok(extension);
  const api = await extension.activate();
  assert.ok(api?.views, 'the views test API is missing');
  return api as AirlockTestApi & { views: AirlockViewsTestApi };
}

/** Waits for a state (polling is only how the wait is done; the verdict is the state itself). */
async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const rowOf = (rows: readonly ViewRowSnapshot[], id: string): ViewRowSnapshot | undefined => rows.find((row) => row.id === id);

async function waitForPrompt(api: AirlockTestApi, predicate: (prompt: OpenPrompt) => boolean, what: string): Promise<OpenPrompt> {
  const prompt = await until(what, () => {
    const current = api.stores?.prompts.current;
    return current !== undefined && predicate(current) ? current : undefined;
  });
  await sleep(150); // let the workbench render it before typing into it
  return prompt;
}

async function answer(prompt: OpenPrompt, value: string): Promise<void> {
  prompt.setValue(value);
  await sleep(200);
  await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
}

describe('views: tree items after real events (real extension host)', function () {
  this.timeout(90_000);

  it('a secret added through Add Secret becomes a Credentials row (SecretStorage, asks you) and completes the first walkthrough step', async () => {
    const api = await airlock();
    const name = `IT_VIEW_${randomBytes(3).toString('hex').toUpperCase()}`;
    const before = vscode.workspace.getConfiguration().inspect<unknown[]>(Settings.credentials)?.globalValue;
    assert.equal(rowOf(api.views.viewRows('credentials'), `credential:${name}`), undefined);
    try {
      const running = vscode.commands.executeCommand(Commands.addSecret);
      await answer(await waitForPrompt(api, (p) => p.kind === 'input' && !p.password && p.title === 'Airlock: Add Secret', 'name input'), name);
      await answer(await waitForPrompt(api, (p) => p.kind === 'input' && p.password, 'masked value input'), makeCanary('views-it'));
      await answer(await waitForPrompt(api, (p) => p.kind === 'pick' && p.title.includes(`make ${name} available`), 'credential offer'), `Add credential ${name}`);
      await running;
      const row = await until('the Credentials row', () => rowOf(api.views.viewRows('credentials'), `credential:${name}`));
      assert.equal(row.label, name);
      assert.equal(row.contextValue, 'credential.secret');
      assert.match(row.description, /^VS Code SecretStorage · asks you$/);
      await until('the secretStored walkthrough key', () => api.views.walkthroughKeys().includes(ContextKeys.secretStored));
    } finally {
      await api.stores?.secretStorage.remove(name);
      await vscode.workspace.getConfiguration().update(Settings.credentials, before, vscode.ConfigurationTarget.Global);
    }
    await until('the Credentials row to go with the setting', () => rowOf(api.views.viewRows('credentials'), `credential:${name}`) === undefined);
  });

  it('Cursor: "not set up" → token → "never connected" → MCP session → "connected now"; an allow-rule grant is a Grants row, revoked from the view', async () => {
    const api = await airlock();
    assert.ok(api.endpoint && api.grants && api.stores);
    await api.stores.secretStorage.put('CANARY_TOKEN', makeCanary('views-grant'));
    const url = await api.endpoint.ready();
    assert.ok(url);
    const agentRow = () => rowOf(api.views.viewRows('agents'), 'agent:cursor');
    assert.match(agentRow()?.description ?? '', /not set up/);
    assert.equal(agentRow()?.contextValue, 'agent.none');

    const token = await api.endpoint.clientToken('cursor');
    await until('"never connected"', () => /never connected/.test(agentRow()?.description ?? ''));
    assert.equal(agentRow()?.contextValue, 'agent.token');

    const agent = await connectMcpClient(url, token, 'cursor-views-it');
    try {
      const connected = await until('"connected now"', () => (/connected now/.test(agentRow()?.description ?? '') ? agentRow() : undefined));
      assert.equal(connected.label, 'Cursor');
      assert.equal(connected.contextValue, 'agent.connected');
      await until('the agentConnected walkthrough key', () => api.views.walkthroughKeys().includes(ContextKeys.agentConnected));

      const asked = await agent.client.callTool({ name: 'request_access', arguments: { credentials: ['CANARY_TOKEN'], command: LEAK, reason: 'views: a grant row', maxRuns: 2 } });
      assert.notEqual(asked.isError, true, JSON.stringify(asked));
      const grantId = (asked.structuredContent as { grant?: { grantId: string } }).grant?.grantId;
      assert.ok(grantId, JSON.stringify(asked));
      const grantRow = await until('the Grants row', () => rowOf(api.views.viewRows('grants'), `grant:${grantId}`));
      assert.equal(grantRow.label, LEAK);
      assert.equal(grantRow.contextValue, 'grant');
      assert.match(grantRow.description, /^Cursor · expires in \d+:\d\d · 2 runs left$/);

      // The inline action passes the row; the command revokes exactly that grant as the person.
      await vscode.commands.executeCommand(Commands.revokeGrant, { grantId });
      await until('the Grants row to go', () => rowOf(api.views.viewRows('grants'), `grant:${grantId}`) === undefined);
      assert.ok(!api.grants.snapshot().some((grant) => grant.grantId === grantId), 'the grant itself is revoked');
      await api.views.reloadActivity();
      const activity = api.views.viewRows('activity');
      assert.ok(activity.some((row) => row.label === 'Grant revoked'), JSON.stringify(activity.map((row) => row.label)));
      assert.equal(activity[0]?.label, 'Hash chain verified');
    } finally {
      await agent.close();
      await api.endpoint.revoke('cursor');
    }
    await until('Cursor back to "not set up" once its token is revoked', () => agentRow()?.contextValue === 'agent.none');
  });
});
