/**
 * Consent integrity from inside the webview (packaged VSIX, code-server, headless Chromium): messages are
 * posted through the webview's own channel to the extension host — exactly what a compromised or
 * scripted panel could send — and the host must refuse forged ids, wrong nonces, doubles, replays and
 * answers that arrive after the request timed out, and must clamp what it accepts to the policy.
 */
import { strict as assert } from 'node:assert';
import type { Client } from '@modelcontextprotocol/client';
import type { Frame } from 'playwright-core';
import { connectAgent, findFrame, issueCodexToken, launchSandbox, sleep, type Sandbox } from '../../e2e/harness';
import { recordFigures } from '../support/figures';

const APPROVE = 'vscode-button[aria-label="Approve"]';
const TIMEOUT_SECONDS = 15;
type CallResult = Awaited<ReturnType<Client['callTool']>>;
interface State {
  nonce: string;
  cards: { requestId: string; command: string }[];
}

describe('security e2e: forged, replayed, stale and double consent messages (packaged VSIX)', function () {
  this.timeout(300_000);
  let sandbox: Sandbox | undefined;
  let client: Client | undefined;

  after(async () => {
    await client?.close().catch(() => undefined);
    await sandbox?.close();
  });

  it('accepts only fresh, first answers for ids the host issued, clamped to the policy', async () => {
    sandbox = await launchSandbox({ fixture: 'demo', userSettings: { 'airlock.consent.timeoutSeconds': TIMEOUT_SECONDS, 'airlock.consent.agentWaitSeconds': 60 } });
    const { page, airlockHome } = sandbox;
    await issueCodexToken(page, airlockHome);
    client = (await connectAgent(airlockHome, 'forger')).client;
    const agent = client;
    const settled = new Map<string, CallResult | 'error'>();
    const ask = (command: string): void => {
      void agent
        .callTool({ name: 'request_access', arguments: { credentials: ['DEPLOY_TOKEN'], command, reason: 'forgery test' } }, { timeout: 120_000 })
        .then((r) => settled.set(command, r), () => settled.set(command, 'error'));
    };
    const grants = async (): Promise<number> => {
      const r = await agent.callTool({ name: 'list_grants', arguments: {} });
      return ((r.structuredContent as { grants?: unknown[] } | undefined)?.grants ?? []).length;
    };

    // First card, then install a listener for the host's state messages inside the webview.
    ask('npm run deploy');
    const inner: Frame = await findFrame(page, APPROVE, 60_000);
    const outer = inner.parentFrame();
    assert.ok(outer, 'the webview has its host frame');
    // (Strings, not functions: this project's TypeScript has no DOM types; the code runs in the webview.)
    await inner.evaluate(`window.__states = []; window.addEventListener('message', (e) => { if (e.data && e.data.type === 'state') window.__states.push(e.data); }); 0`);
    ask('npm run build');
    const state = async (): Promise<State> => {
      for (let i = 0; i < 100; i++) {
        const last = (await inner.evaluate('window.__states.at(-1)')) as State | undefined;
        if (last && last.cards.length >= 1) return last;
        await sleep(100);
      }
      throw new Error('no state message seen in the webview');
    };
    let current = await state();
    for (let i = 0; i < 50 && current.cards.length < 2; i++) {
      await sleep(100);
      current = await state();
    }
    const idOf = (command: string): string => current.cards.find((c) => c.command === command)?.requestId ?? 'missing';
    const deployId = idOf('npm run deploy');
    const buildId = idOf('npm run build');
    const post = async (message: Record<string, unknown>): Promise<void> => {
      await outer.evaluate(`window.__vscode_post_message__('onmessage', { message: ${JSON.stringify(message)}, transfer: [] }); 0`);
      await sleep(600);
    };
    const decide = (requestId: string, nonce: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
      type: 'decide', requestId, nonce, decision: 'approve', durationSeconds: 60, maxRuns: 1, commandMatch: 'exact', blockClient: false, ...extra,
    });

    const rows: { name: string; refused: boolean }[] = [];
    const unchanged = async (name: string, expectGrants: number): Promise<void> => {
      rows.push({ name, refused: (await grants()) === expectGrants });
    };
    await post(decide('forged-request-id', current.nonce));
    await unchanged('forged request id', 0);
    await post(decide(deployId, 'forged-nonce'));
    await unchanged('wrong nonce', 0);
    await post({ ...decide(deployId, current.nonce), admin: true });
    await unchanged('extra field', 0);
    await post(decide(deployId, current.nonce, { durationSeconds: '3600' }));
    await unchanged('wrong type', 0);
    await post(decide(deployId, current.nonce, { durationSeconds: 10_000_000 }));
    await unchanged('duration beyond the schema', 0);
    await post({ type: 'approve-all' });
    await unchanged('unknown message type', 0);

    // Accepted, but clamped: a week and prefix asked; the policy allows 1 h and (workspace credential) exact only.
    await post(decide(deployId, current.nonce, { durationSeconds: 604_800, maxRuns: null, commandMatch: 'prefix' }));
    for (let i = 0; i < 50 && !settled.has('npm run deploy'); i++) await sleep(100);
    const deploy = settled.get('npm run deploy');
    const grant = deploy !== 'error' ? (deploy?.structuredContent as { grant?: { expiresAt: string; commandMatch?: string } } | undefined)?.grant : undefined;
    rows.push({ name: 'widened approval is clamped', refused: grant !== undefined && Date.parse(grant.expiresAt) - Date.now() <= 3_600_000 + 60_000 && grant.commandMatch !== 'prefix' });

    // Double: two approvals of the same card → one grant.
    await post(decide(buildId, current.nonce));
    await post(decide(buildId, current.nonce));
    await unchanged('double approval', 2);
    // Replay of an answered card.
    await post(decide(deployId, current.nonce));
    await unchanged('replayed approval', 2);

    // Stale: a card that timed out is answered afterwards.
    ask('npm run stale');
    for (let i = 0; i < 50; i++) {
      current = await state();
      if (current.cards.some((c) => c.command === 'npm run stale')) break;
      await sleep(100);
    }
    const staleId = idOf('npm run stale');
    const staleNonce = current.nonce;
    for (let i = 0; i < (TIMEOUT_SECONDS + 10) * 10 && !settled.has('npm run stale'); i++) await sleep(100);
    await post(decide(staleId, staleNonce));
    await unchanged('approval after the request timed out', 2);
    const stale = settled.get('npm run stale');
    rows.push({ name: 'timed-out request answered denied', refused: stale !== undefined && stale !== 'error' && stale.isError === true });

    const refused = rows.filter((r) => r.refused).length;
    recordFigures('consent integrity: webview messages (e2e)', { attempts: rows.length, refused, accepted: rows.length - refused });
    console.log(rows.map((r) => `${r.refused ? 'ok  ' : 'FAIL'} ${r.name}`).join('\n'));
    assert.deepEqual(rows.filter((r) => !r.refused).map((r) => r.name), []);
  });
});
