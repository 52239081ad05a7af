// The hostile workspace (test/fixtures/hostile/.vscode/settings.json) inside the real extension host,
// trusted and untrusted: every escalation it tries must fail. The launch's user settings (the person's)
// are in test/security/run.ts; this file checks the policy Airlock actually applies.
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { evaluate } from '../../../src/core/policy/evaluate';
import type { AirlockTestApi } from '../../../src/testFacet/api';
import { recordFigures } from '../support/figures';

/** The person's user settings for the security launches (mirrored in test/security/run.ts). */
export const PERSON = {
  maxDurationSeconds: 600,
  defaultDurationSeconds: 300,
  consentTimeoutSeconds: 60,
  agentWaitSeconds: 5,
  outputLimitKiB: 64,
  maxRunTimeoutSeconds: 120,
};

describe(`security (real extension host): hostile workspace, ${vscode.workspace.isTrusted ? 'trusted' : 'untrusted'}`, function () {
  this.timeout(120_000);

  it('no escalation from the workspace settings takes effect', async () => {
    const airlock = (await vscode.extensions.getExtension('airlock-dev.airlock')!.activate()) as AirlockTestApi;
    assert.ok(airlock.policy, 'the policy section is wired (test API policy)');
    const policy = airlock.policy.current();
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '/';
    const deploy = policy.credentials.find((c) => c.name === 'DEPLOY_TOKEN');
    const decide = (credentials: string[], command: string) =>
      evaluate({ client: 'codex', credentials, command, cwd: folder, workspaceFolders: [folder] }, policy);
    const auditLines = (): number => {
      const dir = airlock.auditDir;
      if (dir === undefined || !existsSync(dir)) return 0;
      return readdirSync(dir).filter((f) => f.endsWith('.jsonl')).reduce((n, f) => n + readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l.trim() !== '').length, 0);
    };
    const checks: Array<[string, () => boolean]> = [
      ['allow without consent', () => policy.limits.allowWithoutConsent],
      ['"allow" rule for every credential', () => decide(['DEPLOY_TOKEN'], 'npm run deploy').kind === 'allow'],
      ['"allow" regex rule', () => decide(['DEPLOY_TOKEN'], 'printenv').kind === 'allow'],
      ['longer maximum duration', () => policy.limits.maxDurationSeconds > PERSON.maxDurationSeconds],
      ['longer default duration', () => policy.limits.defaultDurationSeconds > PERSON.defaultDurationSeconds],
      ['longer consent timeout', () => policy.limits.consentTimeoutSeconds > PERSON.consentTimeoutSeconds],
      ['longer agent wait', () => policy.limits.agentWaitSeconds > PERSON.agentWaitSeconds],
      ['bigger output to the agent', () => policy.limits.outputLimitKiB > PERSON.outputLimitKiB],
      ['longer run timeout', () => policy.limits.maxRunTimeoutSeconds > PERSON.maxRunTimeoutSeconds],
      ['killOnExpiry turned off', () => !policy.limits.killOnExpiry],
      ['longer grant offered on the consent card', () => {
        const d = decide(['DEPLOY_TOKEN'], 'npm run deploy');
        return d.kind !== 'deny' && d.limits.maxDurationSeconds > PERSON.maxDurationSeconds;
      }],
      ["user credential pointed at another vault item", () => deploy === undefined || deploy.source.raw !== 'secret:DEPLOY_TOKEN'],
      ["user credential pointed at another env variable", () => deploy === undefined || deploy.env !== 'DEPLOY_TOKEN'],
      ['LD_PRELOAD credential', () => policy.credentials.some((c) => c.env === 'LD_PRELOAD')],
      ['NODE_OPTIONS credential', () => policy.credentials.some((c) => c.env === 'NODE_OPTIONS')],
      ['workspace-only credential not flagged', () => policy.credentials.some((c) => c.name === 'REPO_TOKEN' && c.origin !== 'workspace')],
      ['workspace-only credential allowed', () => policy.credentials.some((c) => c.name === 'REPO_TOKEN') && decide(['REPO_TOKEN'], 'npm run deploy').kind === 'allow'],
      ['endpoint port pinned', () => policy.endpoint.port !== 0],
      ['endpoint on port 80', () => (airlock.endpoint?.url() ?? '').includes(':80/')],
      ['1Password account set', () => policy.onePassword.account !== undefined],
      ['1Password timeout changed', () => policy.onePassword.timeoutSeconds !== 30],
      ['audit file size changed', () => policy.audit.maxFileSizeMiB !== 10],
      ['endpoint bound beyond 127.0.0.1', () => { const url = airlock.endpoint?.url(); return url !== undefined && !url.startsWith('http://127.0.0.1:'); }],
      ['audit log moved', () => existsSync('/tmp/airlock-hostile-audit')],
      // (Trusted launch: the endpoint attacks before this file made requests, so the log must have lines.)
      ['audit log switched off', () => vscode.workspace.isTrusted && auditLines() === 0],
      ['untrusted workspace values applied', () => !vscode.workspace.isTrusted && (policy.trusted || policy.credentials.some((c) => c.origin === 'workspace') || policy.ruleLayers.length > 1)],
      ['backtracking glob hangs evaluation', () => {
        // Catastrophic backtracking here takes hours; a linear matcher microseconds. 20 s is a hang line
        // no loaded machine reaches by accident, not a stopwatch.
        const started = Date.now();
        decide(['DEPLOY_TOKEN'], 'a'.repeat(400));
        return Date.now() - started > 20_000;
      }],
    ];
    const succeeded = checks.filter(([, escalated]) => escalated()).map(([name]) => name);
    recordFigures(`hostile-workspace (${vscode.workspace.isTrusted ? 'trusted' : 'untrusted'})`, { attempts: checks.length, succeeded: succeeded.length });
    console.log(`hostile workspace (${vscode.workspace.isTrusted ? 'trusted' : 'untrusted'}): ${checks.length} attempts, ${succeeded.length} succeeded${succeeded.length ? `: ${succeeded.join('; ')}` : ''}`);
    assert.deepEqual(succeeded, []);
    // In a trusted window the person is told what was ignored (untrusted: nothing of the workspace is read).
    if (vscode.workspace.isTrusted) assert.ok(airlock.policy.problems().length > 0, 'ignored workspace values are reported');
  });
});
