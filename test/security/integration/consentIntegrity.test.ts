// Consent integrity inside the real extension host: with a card pending in the consent panel, every
// Airlock command (and every command VS Code knows under `airlock.`) is executed with arguments that try
// to approve it. None may: only a click in the panel approves. The card must still be pending afterwards.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { ConsentAnswer, ConsentRequest } from '../../../src/core/consent/consent';
import type { AirlockTestApi } from '../../../src/testFacet/api';
import { recordFigures } from '../support/figures';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('security (real extension host): no command approves a consent request', function () {
  this.timeout(180_000);

  it('executes every Airlock command with approving arguments; the request stays pending', async () => {
    const airlock = (await vscode.extensions.getExtension('airlock-dev.airlock')!.activate()) as AirlockTestApi;
    assert.ok(airlock.consent, 'the consent section is wired (test API consent)');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '/';
    const now = Date.now();
    const request: ConsentRequest = {
      id: `sec-${now}`,
      client: { id: 'codex', sessionId: 'security', claimedName: 'attacker' },
      credentials: [{ name: 'DEPLOY_TOKEN', description: 'deploy', env: 'DEPLOY_TOKEN', store: 'VS Code SecretStorage', reference: 'secret:DEPLOY_TOKEN', definedByWorkspace: false }],
      command: 'npm run deploy',
      cwd: folder,
      reason: 'consent integrity test',
      limits: { defaultDurationSeconds: 60, maxDurationSeconds: 600, maxRuns: null, allowPrefix: false },
      createdAt: now,
      // Far beyond the test's own run time: only the test ends this request (it aborts it at the end).
      deadline: now + 3_600_000,
    };
    const abort = new AbortController();
    let answer: ConsentAnswer | undefined;
    const asked = airlock.consent.ask(request, abort.signal).then((a) => (answer = a));
    // The queue holds the request as soon as ask() is called: no wait.
    assert.ok(airlock.consent.pending().some((p) => p.id === request.id), 'the card is pending');

    const manifest = (vscode.extensions.getExtension('airlock-dev.airlock')!.packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ?? [];
    const registered = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('airlock.'));
    const commands = [...new Set([...manifest.map((c) => c.command), ...registered])].sort();
    const approving: unknown[][] = [
      [request.id],
      [{ requestId: request.id, decision: 'approve', durationSeconds: 600, maxRuns: null, commandMatch: 'prefix', blockClient: false }],
      [request.id, 'approve'],
      [{ type: 'decide', requestId: request.id, decision: 'approve' }],
    ];
    let attempts = 0;
    const runs: Promise<unknown>[] = [];
    for (const command of commands) {
      for (const args of approving) {
        attempts++;
        // A command may open a prompt or a dialog and wait for the person: give it a moment (pacing only),
        // close any prompt, and collect it — every command is awaited below before the verdict.
        const run = Promise.resolve(vscode.commands.executeCommand(command, ...args)).catch(() => undefined);
        runs.push(run);
        await Promise.race([run, sleep(400)]);
        await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
        if (answer !== undefined) break;
      }
      if (answer !== undefined) break;
    }
    // The verdict waits for every command to finish (an approval landing late counts too); the 30 s
    // only stops a command that waits on a dialog forever.
    await Promise.race([Promise.all(runs), sleep(30_000)]);
    const stillPending = airlock.consent.pending().some((p) => p.id === request.id);
    recordFigures('consent integrity: commands', { commands: commands.length, attempts, approved: answer?.decision === 'approved' ? 1 : 0, answeredWithoutClick: answer === undefined ? 0 : 1 });
    console.log(`consent integrity: ${commands.length} commands × ${approving.length} argument shapes = ${attempts} attempts; answered: ${answer === undefined ? 'no' : JSON.stringify(answer)}`);
    assert.equal(answer, undefined, `a command answered the consent request: ${JSON.stringify(answer)}`);
    assert.ok(stillPending, 'the request is still pending');
    abort.abort();
    await asked;
    assert.notEqual((answer as ConsentAnswer | undefined)?.decision, 'approved');
  });
});
