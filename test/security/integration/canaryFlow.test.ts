// The full agent loop with a canary secret the outer runner knows (test/security/run.ts writes it to
// AIRLOCK_SECURITY_CANARY_FILE): request_access → run a script that prints the secret raw and in every
// encoding → refused printenv → tool errors, all over MCP with a real SDK client. Every MCP result and
// error, and the task terminal's text, are written under $AIRLOCK_TEST_SANDBOX/captured/ so the leak scan
// that runs after the window closed checks them together with every file the window wrote.
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectMcpClient } from '../../support/mcpClient';
import * as vscode from 'vscode';
import type { AirlockTestApi } from '../../../src/testFacet/api';

const LEAK = 'node scripts/leak.js';

describe('security (real extension host): canary through the whole loop', function () {
  this.timeout(120_000);

  it('runs the agent loop with the canary and captures every agent-visible answer', async () => {
    const airlock = (await vscode.extensions.getExtension('airlock-dev.airlock')!.activate()) as AirlockTestApi;
    assert.ok(airlock.endpoint && airlock.stores && airlock.grants, 'endpoint, stores and grants are wired');
    const canaries = JSON.parse(readFileSync(process.env['AIRLOCK_SECURITY_CANARY_FILE'] ?? '', 'utf8')) as Record<string, string>;
    await airlock.stores.secretStorage.put('CANARY_TOKEN', canaries['CANARY_TOKEN'] ?? '');
    const url = await airlock.endpoint.ready();
    assert.ok(url);
    const captured: unknown[] = [];
    const { client, transport } = await connectMcpClient(url, await airlock.endpoint.clientToken('codex'), 'security-canary');
    const call = async (name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> => {
      try {
        const result = await client.callTool({ name, arguments: args }, { timeout: 60_000, onprogress: (p) => void captured.push({ progress: p }) });
        captured.push({ name, args, result });
        return result as Record<string, unknown>;
      } catch (error) {
        captured.push({ name, args, error: error instanceof Error ? { message: error.message, stack: error.stack } : String(error) });
        return {};
      }
    };
    try {
      await call('list_credentials', {});
      const asked = await call('request_access', { credentials: ['CANARY_TOKEN'], command: LEAK, reason: 'security leak scan', maxRuns: 3 });
      const grantId = (asked['structuredContent'] as { grant?: { grantId: string } } | undefined)?.grant?.grantId;
      assert.ok(grantId, `not approved: ${JSON.stringify(asked).slice(0, 300)}`);
      const ran = await call('run', { command: LEAK, grantId });
      assert.match(JSON.stringify(ran), /\[redacted:CANARY_TOKEN\]/);
      await call('run', { command: 'printenv', grantId });
      await call('run', { command: 'echo $CANARY_TOKEN', credentials: ['CANARY_TOKEN'] });
      await call('run', { command: LEAK, cwd: '/etc', grantId });
      await call('list_grants', {});
      await call('run', { command: LEAK, credentials: ['CANARY_TOKEN'] });
      await call('revoke', { grantId: 'all' });
      await call('run', { command: LEAK, grantId });
    } finally {
      await transport.terminateSession().catch(() => undefined);
      await client.close();
    }
    // No wait for the terminal: the runner writes a run's last line ("[Airlock] exited with code …") to
    // the terminal and its transcript before it settles the run, so every run's text is there by now.
    const ranToEnd = captured.filter((entry) => JSON.stringify(entry).includes('"exitCode"')).length;
    const ends = airlock.grants.terminalText().match(/\[Airlock\] (exited with code|ended by)/g) ?? [];
    assert.ok(ranToEnd >= 1 && ends.length >= ranToEnd, `${ranToEnd} runs ended, ${ends.length} end lines in the terminal`);
    const dir = join(process.env['AIRLOCK_TEST_SANDBOX'] ?? '/tmp', 'captured');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'mcp-results.json'), JSON.stringify(captured, null, 2));
    writeFileSync(join(dir, 'terminal.txt'), airlock.grants.terminalText());
    assert.ok(captured.length >= 9);
  });
});
