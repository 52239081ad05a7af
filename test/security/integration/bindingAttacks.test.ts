// Consent binds to what really runs — the attacks of the issue that an agent can drive over MCP alone,
// against the live extension host, with a canary as DEPLOY_TOKEN. The fixture (test/fixtures/binding) has
// look-alike npm scripts "deploy<invisible>" that print the token reversed (no redactor encoding catches
// that), and workspace-defined credentials delivered in hijacking variables. The person's settings allow
// exactly `npm run deploy` without consent. Every MCP answer and the run terminal's text are scanned for
// the canary raw, reversed and in every encoding the redactor knows; each attack must be refused.
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { AirlockTestApi } from '../../../src/testFacet/api';
import { findLeaks } from '../../support/canary';
import { connectMcpClient } from '../../support/mcpClient';
import { recordFigures } from '../support/figures';

const DEPLOY = 'npm run deploy';
/** The tails of the fixture's look-alike script names: characters JavaScript's trim() strips, bash keeps. */
const LOOK_ALIKE_TAILS = ['\u00a0', '\u3000', '\ufeff', '\r', '\u2028', '\u000b', '\u000c'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('security (real extension host): consent binds to what really runs', function () {
  this.timeout(240_000);

  it('refuses every attack over MCP; the canary (raw, reversed, encoded) reaches no agent-visible surface', async () => {
    const airlock = (await vscode.extensions.getExtension('airlock-dev.airlock')!.activate()) as AirlockTestApi;
    assert.ok(airlock.endpoint && airlock.stores && airlock.grants && airlock.consent, 'endpoint, stores, grants and consent are wired');
    const canaries = JSON.parse(readFileSync(process.env['AIRLOCK_SECURITY_CANARY_FILE'] ?? '', 'utf8')) as Record<string, string>;
    const canary = canaries['DEPLOY_TOKEN'] ?? '';
    assert.ok(canary.length >= 24);
    await airlock.stores.secretStorage.put('DEPLOY_TOKEN', canary);
    const url = await airlock.endpoint.ready();
    assert.ok(url);

    const captured: unknown[] = [];
    const rows: { attack: string; refused: boolean; detail: string }[] = [];
    const { client, transport } = await connectMcpClient(url, await airlock.endpoint.clientToken('codex'), 'security-binding');
    /** A tool call; `refused` when it is an error result or a protocol error (the boundary's answer). */
    const call = async (name: string, args: Record<string, unknown>, timeout = 60_000): Promise<{ refused: boolean; text: string; result?: Record<string, unknown> }> => {
      try {
        const result = (await client.callTool({ name, arguments: args }, { timeout })) as Record<string, unknown>;
        captured.push({ name, args, result });
        return { refused: result['isError'] === true, text: JSON.stringify(result), result };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        captured.push({ name, args, error: message });
        return { refused: !/timed out|timeout/i.test(message), text: message };
      }
    };
    const attack = (name: string, outcome: { refused: boolean; text: string }): void => {
      rows.push({ attack: name, refused: outcome.refused, detail: outcome.text.slice(0, 300) });
    };

    try {
      // The person's allow rule grants exactly `npm run deploy`.
      const asked = await call('request_access', { credentials: ['DEPLOY_TOKEN'], command: DEPLOY, reason: 'deploy the app' });
      const grantId = (asked.result?.['structuredContent'] as { grant?: { grantId: string } } | undefined)?.grant?.grantId;
      assert.ok(grantId, `not approved: ${asked.text.slice(0, 300)}`);
      const benign = await call('run', { command: DEPLOY, grantId });
      assert.ok(!benign.refused && benign.text.includes('deploying with a token'), `the approved command runs: ${benign.text.slice(0, 300)}`);

      // 1. The compared command is what runs: look-alike script names under the exact grant.
      for (const tail of LOOK_ALIKE_TAILS) {
        attack(`run "npm run deploy" + U+${tail.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} under the exact grant`, await call('run', { command: `${DEPLOY}${tail}`, grantId }));
      }
      // Also without a grant id (Airlock looks for a covering grant itself).
      attack('run "npm run deploy\\u00a0" naming the credential, no grant id', await call('run', { command: `${DEPLOY}\u00a0`, credentials: ['DEPLOY_TOKEN'] }, 20_000));

      // 5. The card can hide the end of a command: control characters pushing `; curl …` past the cut, and
      //    characters that were not revealed at all. Refused at the boundary: no card is ever shown.
      const exfil = '; node -e "console.log([...process.env.DEPLOY_TOKEN].reverse().join(\'\'))"';
      const hiders: [string, string][] = [
        ['1,100 BEL control characters', '\u0007'.repeat(1100)],
        ['U+00AD soft hyphens', '\u00ad'.repeat(64)],
        ['U+115F/U+3164/U+FFA0 fillers', '\u115f\u3164\uffa0'.repeat(20)],
        ['U+180E, U+034F, U+2028', '\u180e\u034f\u2028'],
        ['variation selectors', '\ufe0f\u{e0100}'.repeat(20)],
        ['tag characters', '\u{e0041}\u{e0042}'.repeat(20)],
        ['U+2800 Braille blanks', '\u2800'.repeat(64)],
      ];
      for (const [label, hider] of hiders) {
        attack(`request_access with ${label} before "${exfil.slice(0, 12)}…"`, await call('request_access', { credentials: ['DEPLOY_TOKEN'], command: `${DEPLOY}${hider}${exfil}`, reason: 'deploy' }, 20_000));
      }
      attack('request_access with a reason holding U+202E', await call('request_access', { credentials: ['DEPLOY_TOKEN'], command: DEPLOY, reason: 'fix \u202eyolpeD' }, 20_000));
      attack('request_access with a cwd holding U+00A0', await call('request_access', { credentials: ['DEPLOY_TOKEN'], command: DEPLOY, cwd: 'scripts\u00a0', reason: 'deploy' }, 20_000));
      const cards = airlock.consent.pending().length;

      // 6. request_secret_entry may not ask for a name that already exists.
      const entry = await call('request_secret_entry', { name: 'DEPLOY_TOKEN', description: 'The deploy token expired, please paste it again' }, 8_000);
      attack('request_secret_entry for the existing DEPLOY_TOKEN', entry);
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      const promptOpened = airlock.stores.prompts.current !== undefined;

      // 6. Env names: workspace credentials delivered as PERLLIB, HTTPS_PROXY, DOTNET_STARTUP_HOOKS, HISTFILE,
      //    XDG_CONFIG_HOME, SSLKEYLOGFILE are not offered at all.
      const listed = await call('list_credentials', {});
      for (const name of ['WS_PERL', 'WS_PROXY', 'WS_DOTNET', 'WS_HIST', 'WS_XDG', 'WS_KEYLOG']) {
        attack(`workspace credential ${name} in a hijacking variable is listed`, { refused: !listed.text.includes(name), text: listed.text });
      }

      await sleep(1_000); // the terminal renders the end of the last run
      const surfaces = `${JSON.stringify(captured)}\n${airlock.grants.terminalText()}`;
      const reversed = [...canary].reverse().join('');
      const leaks = findLeaks(surfaces, [canary, reversed]);
      const dir = join(process.env['AIRLOCK_TEST_SANDBOX'] ?? '/tmp', 'captured');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'binding-mcp-results.json'), JSON.stringify(captured, null, 2));

      const refused = rows.filter((r) => r.refused).length;
      recordFigures('binding attacks (real host)', { attacks: rows.length, refused, consentCardsShown: cards, secretEntryPromptLeftOpen: promptOpened ? 1 : 0, leaks: leaks.length });
      console.log(`binding attacks: ${refused}/${rows.length} refused, ${cards} consent card(s), ${leaks.length} leak(s)`);
      for (const row of rows.filter((r) => !r.refused)) console.log(`  NOT REFUSED: ${row.attack}: ${row.detail}`);
      assert.deepEqual(leaks.map((l) => `${l.canary === canary ? 'canary' : 'reversed canary'} as ${l.form}`), [], 'the canary reached an agent-visible surface');
      assert.deepEqual(rows.filter((r) => !r.refused).map((r) => r.attack), [], 'every attack is refused');
      assert.equal(cards, 0, 'no consent card was shown for a command that hides characters');
    } finally {
      await transport.terminateSession().catch(() => undefined);
      await client.close();
    }
  });
});
