import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { ConsentRequest } from '../../../src/core/consent/consent';
import { EXTENSION_ID } from '../../../src/shared/ids';
import type { AirlockConsentTestApi, AirlockTestApi } from '../../../src/testFacet/api';
import { until } from '../../support/until';

async function consent(): Promise<AirlockConsentTestApi> {
  const api = (await vscode.extensions.getExtension<AirlockTestApi>(EXTENSION_ID)?.activate()) as AirlockTestApi;
  assert.ok(api.consent, 'the consent test API is wired');
  return api.consent;
}

function request(overrides: Partial<ConsentRequest> = {}): ConsentRequest {
  const now = Date.now();
  return {
    id: randomUUID(),
    client: { id: 'codex', sessionId: 'integration', claimedName: 'codex-cli' },
    credentials: [{ name: 'DEPLOY_TOKEN', description: 'Deploy token', env: 'DEPLOY_TOKEN', store: 'VS Code SecretStorage', reference: 'secret:DEPLOY_TOKEN', definedByWorkspace: true }],
    command: 'npm run deploy',
    cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '/',
    reason: 'Integration test',
    limits: { defaultDurationSeconds: 900, maxDurationSeconds: 3600, maxRuns: null, allowPrefix: false },
    createdAt: now,
    deadline: now + 60_000,
    ...overrides,
  };
}

function consentTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('airlock.consent'));
}

describe('consent panel (real extension host)', () => {
  afterEach(async () => {
    for (const tab of consentTabs()) await vscode.window.tabGroups.close(tab);
  });

  it('a request opens the panel beside the editor and waits; cancelling denies it', async () => {
    const panel = await consent();
    const controller = new AbortController();
    const ask = request();
    const answer = panel.ask(ask, controller.signal);
    await until('the consent tab', () => consentTabs().length === 1);
    assert.deepEqual(panel.pending().map((r) => r.id), [ask.id]);
    controller.abort();
    assert.deepEqual(await answer, { decision: 'denied', reason: 'cancelled', blockClient: false });
    assert.equal(panel.pending().length, 0);
  });

  it('an unanswered request is denied at its deadline (on the system clock)', async () => {
    // A deadline already past: the panel's queue, on the real clock, denies it with reason timeout and
    // nothing is left pending, without the test depending on how fast a timer fires. That the denial
    // comes at the deadline and not before is proven with a fake clock (consentQueue.test.ts).
    const panel = await consent();
    const late = request({ deadline: Date.now() - 1 });
    const answer = await panel.ask(late, new AbortController().signal);
    assert.deepEqual(answer, { decision: 'denied', reason: 'timeout', blockClient: false });
    assert.ok(!panel.pending().some((r) => r.id === late.id));
  });

  it('closing the panel denies every pending request', async () => {
    const panel = await consent();
    const answers = [panel.ask(request(), new AbortController().signal), panel.ask(request(), new AbortController().signal)];
    await until('one consent tab with both requests', () => consentTabs().length === 1 && panel.pending().length === 2);
    for (const tab of consentTabs()) await vscode.window.tabGroups.close(tab);
    for (const answer of await Promise.all(answers)) assert.deepEqual(answer, { decision: 'denied', reason: 'panel-closed', blockClient: false });
  });

  it('no command and no test API member approves a request', async () => {
    const panel = await consent();
    const commands = (await vscode.commands.getCommands(true)).filter((id) => id.startsWith('airlock.'));
    assert.ok(commands.every((id) => !/approve|consent|allow|decide|accept/i.test(id)), commands.join(', '));
    const members = new Set<string>();
    for (let object: object | null = panel; object !== null && object !== Object.prototype; object = Object.getPrototypeOf(object) as object | null) {
      for (const name of Object.getOwnPropertyNames(object)) members.add(name);
    }
    assert.ok(![...members].some((name) => /approve|decide|answer|resolve/i.test(name)), [...members].join(', '));
  });
});
