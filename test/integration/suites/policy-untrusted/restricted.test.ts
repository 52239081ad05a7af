import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { evaluate, type PolicyDecision } from '../../../../src/core/policy/evaluate';
import type { Policy } from '../../../../src/core/policy/policy';
import { EXTENSION_ID } from '../../../../src/shared/ids';
import type { AirlockTestApi } from '../../../../src/testFacet/api';

// test/fixtures/policy in Restricted Mode (workspace trust ON, folder not trusted). The same user settings
// as the `policy` launch; every value in the repository's .vscode/settings.json must count for nothing.

async function api(): Promise<AirlockTestApi> {
  return (await vscode.extensions.getExtension<AirlockTestApi>(EXTENSION_ID)?.activate()) as AirlockTestApi;
}

function decide(current: Policy, command: string, credentials = ['DEPLOY_TOKEN']): PolicyDecision {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(folder);
  return evaluate({ client: 'codex', credentials, command, cwd: folder, workspaceFolders: [folder] }, current);
}

describe('policy in an untrusted workspace ignores every workspace value (real extension host)', () => {
  it('runs in Restricted Mode with the repository settings present', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const current = (await api()).policy?.current();
    assert.equal(current?.trusted, false);
  });

  it('only the person\'s credentials exist, unredirected', async () => {
    const current = (await api()).policy!.current();
    assert.deepEqual(current.credentials.map((c) => [c.name, c.source.raw, c.origin]), [['DEPLOY_TOKEN', 'secret:DEPLOY_TOKEN', 'user']]);
    assert.equal(decide(current, 'npm run deploy', ['REPO_TOKEN']).kind, 'deny');
  });

  it('decisions and limits are exactly those of the user settings', async () => {
    const current = (await api()).policy!.current();
    assert.deepEqual(current.limits, {
      defaultDurationSeconds: 900,
      maxDurationSeconds: 3600,
      allowWithoutConsent: true,
      consentTimeoutSeconds: 120,
      agentWaitSeconds: 45,
      allowPrefix: false,
      killOnExpiry: false,
      outputLimitKiB: 64,
      maxRunTimeoutSeconds: 600,
    });
    assert.equal(current.ruleLayers.length, 1, 'no workspace rule layer');
    // The workspace's deny of `npm run nuke` does not count either: untrusted values never apply.
    assert.equal(decide(current, 'npm run nuke').kind, 'allow');
    assert.equal(decide(current, 'printenv').kind, 'ask');
  });

  it('says why each workspace value was ignored', async () => {
    // VS Code may already hide restricted workspace values in Restricted Mode; whatever reaches Airlock is
    // ignored with a reason.
    const problems = (await api()).policy!.problems();
    assert.ok(problems.every((p) => /not trusted/.test(p.message)), problems.map((p) => p.message).join('\n'));
  });
});
