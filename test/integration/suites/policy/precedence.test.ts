import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { evaluate, type PolicyDecision } from '../../../../src/core/policy/evaluate';
import type { Policy } from '../../../../src/core/policy/policy';
import { EXTENSION_ID } from '../../../../src/shared/ids';
import type { AirlockTestApi } from '../../../../src/testFacet/api';
import { until } from '../../../support/until';

// test/fixtures/policy, trusted. User settings (launches.json): DEPLOY_TOKEN from secret:DEPLOY_TOKEN,
// allowWithoutConsent, allow DEPLOY_TOKEN for `npm run *` up to 1800 s. The repository's settings tighten
// (deny `npm run nuke`, ask with 2 runs, default 60 s) and try to loosen (redirect DEPLOY_TOKEN, allow
// for a week, maxDuration, endpoint port, audit size).

async function policy(): Promise<{ api: AirlockTestApi; current: Policy }> {
  const api = (await vscode.extensions.getExtension<AirlockTestApi>(EXTENSION_ID)?.activate()) as AirlockTestApi;
  assert.ok(api.policy, 'the policy test API is wired');
  return { api, current: api.policy.current() };
}

function decide(current: Policy, command: string, credentials = ['DEPLOY_TOKEN']): PolicyDecision {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(folder);
  return evaluate({ client: 'codex', credentials, command, cwd: folder, workspaceFolders: [folder] }, current);
}

describe('policy precedence: trusted repository settings tighten, never loosen (real extension host)', () => {
  it('the workspace is trusted and its tightening values apply', async () => {
    const { current } = await policy();
    assert.equal(vscode.workspace.isTrusted, true);
    assert.equal(current.trusted, true);
    assert.equal(current.limits.defaultDurationSeconds, 60);
  });

  it('a workspace entry cannot redirect the person\'s DEPLOY_TOKEN; a workspace-only credential is flagged', async () => {
    const { current } = await policy();
    const deploy = current.credentials.find((c) => c.name === 'DEPLOY_TOKEN');
    assert.equal(deploy?.source.raw, 'secret:DEPLOY_TOKEN');
    assert.equal(deploy?.origin, 'user');
    assert.equal(current.credentials.find((c) => c.name === 'REPO_TOKEN')?.origin, 'workspace');
  });

  it('loosening values are ignored and reported', async () => {
    const { api, current } = await policy();
    assert.equal(current.limits.maxDurationSeconds, 3600);
    assert.equal(current.endpoint.port, 0);
    assert.equal(current.audit.maxFileSizeMiB, 10);
    const messages = api.policy?.problems().map((p) => p.message).join('\n') ?? '';
    assert.match(messages, /cannot change where DEPLOY_TOKEN comes from/);
    assert.match(messages, /cannot allow DEPLOY_TOKEN without consent/);
    // Application-scoped values (maxDurationSeconds, endpoint.port, audit size) are already dropped by
    // VS Code before inspect() sees them; had they reached the parser they would be reported as ignored.
  });

  it('decisions: user allow stands within user limits, workspace deny wins, workspace credentials ask', async () => {
    const { current } = await policy();
    const build = decide(current, 'npm run build');
    assert.equal(build.kind, 'allow');
    assert.ok(build.kind === 'allow' && build.limits.maxDurationSeconds === 1800 && build.limits.defaultDurationSeconds === 60);
    assert.equal(decide(current, 'npm run nuke').kind, 'deny');
    assert.equal(decide(current, 'printenv').kind, 'ask');
    const repo = decide(current, 'npm run deploy', ['REPO_TOKEN']);
    assert.equal(repo.kind, 'ask');
    assert.ok(repo.kind === 'ask' && repo.limits.maxRuns === 2 && !repo.limits.allowPrefix);
  });

  it('a workspace setting written at runtime tightens at once; removing it restores the user decision', async function () {
    this.timeout(20_000);
    const { api } = await policy();
    const configuration = vscode.workspace.getConfiguration();
    const original = configuration.inspect('airlock.policy.rules')?.workspaceValue;
    try {
      await configuration.update('airlock.policy.rules', [{ credentials: 'DEPLOY_TOKEN', decision: 'deny' }], vscode.ConfigurationTarget.Workspace);
      await until('the deny rule to apply', () => decide(api.policy!.current(), 'npm run build').kind === 'deny');
    } finally {
      await configuration.update('airlock.policy.rules', original, vscode.ConfigurationTarget.Workspace);
    }
    await until('the user decision to apply again', () => decide(api.policy!.current(), 'npm run build').kind === 'allow');
  });

  it('user settings written at runtime (Global) change decisions and limits; the workspace cannot undo them', async function () {
    this.timeout(20_000);
    const { api } = await policy();
    const configuration = vscode.workspace.getConfiguration();
    const rules = configuration.inspect('airlock.policy.rules')?.globalValue;
    const max = configuration.inspect('airlock.policy.maxDurationSeconds')?.globalValue;
    try {
      await configuration.update('airlock.policy.maxDurationSeconds', 600, vscode.ConfigurationTarget.Global);
      await until('the 600 s limit to apply', () => api.policy!.current().limits.maxDurationSeconds === 600);
      const limited = decide(api.policy!.current(), 'npm run build');
      assert.ok(limited.kind === 'allow' && limited.limits.maxDurationSeconds === 600);
      // The person denies DEPLOY_TOKEN; the repository's own "allow DEPLOY_TOKEN" rule changes nothing.
      await configuration.update('airlock.policy.rules', [{ credentials: 'DEPLOY_TOKEN', decision: 'deny' }], vscode.ConfigurationTarget.Global);
      await until('the deny rule to apply', () => decide(api.policy!.current(), 'npm run build').kind === 'deny');
    } finally {
      await configuration.update('airlock.policy.rules', rules, vscode.ConfigurationTarget.Global);
      await configuration.update('airlock.policy.maxDurationSeconds', max, vscode.ConfigurationTarget.Global);
    }
    await until('the original settings to apply again', () => decide(api.policy!.current(), 'npm run build').kind === 'allow' && api.policy!.current().limits.maxDurationSeconds === 3600);
  });
});
