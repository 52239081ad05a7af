/**
 * Consent integrity from inside the webview (packaged VSIX, code-server, headless Chromium): messages are
 * posted through the webview's own channel to the extension host — exactly what a compromised or
 * scripted panel could send — and the host must refuse forged ids, wrong nonces, doubles, replays and
 * answers that arrive after the request timed out, and must clamp what it accepts to the policy.
 */
import { strict as assert } from 'node:assert';
import type { Client } from '@modelcontextprotocol/client';
import type { Frame } from 'playwright-core';
import { connectAgent, findFrame, issueCodexToken, launchSandbox, type Sandbox } from '../../e2e/harness';
import { until } from '../../support/until';
import { recordFigures } from '../support/figures';

const APPROVE = 'vscode-button[aria-label="Approve"]';
/**
 * The forged, double and replayed answers need their cards pending until they are checked (a few seconds;
 * a minute leaves a slow machine room), and the stale case waits for its card's own timeout.
 */
const TIMEOUT_SECONDS = 60;
// The agent waits for the answer longer than any card lives, so each call ends with the person's answer
// or the timeout's denial, never with "pending".
const AGENT_WAIT_SECONDS = 600;
type CallResult = Awaited<ReturnType<Client['callTool']>>;
/** Only a hang guard for every wait below (a loaded machine is slow; no verdict rests on it). */
const HANG_GUARD_MS = 60_000;
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
    sandbox = await launchSandbox({ fixture: 'demo', userSettings: { 'airlock.consent.timeoutSeconds': TIMEOUT_SECONDS, 'airlock.consent.agentWaitSeconds': AGENT_WAIT_SECONDS } });
    const { page, airlockHome } = sandbox;
    await issueCodexToken(page, airlockHome);
    client = (await connectAgent(airlockHome, 'forger')).client;
    const agent = client;
    const settled = new Map<string, CallResult | 'error'>();
    const ask = (command: string): void => {
      void agent
        .callTool({ name: 'request_access', arguments: { credentials: ['DEPLOY_TOKEN'], command, reason: 'forgery test' } }, { timeout: 900_000 })
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
    const stateCount = async (): Promise<number> => Number(await inner.evaluate('window.__states.length'));
    const lastState = async (): Promise<State | undefined> => (await inner.evaluate('window.__states.at(-1)')) as State | undefined;
    const stateWith = (what: string, ok: (s: State) => boolean): Promise<State> => until(what, async () => {
      const last = await lastState();
      return last !== undefined && ok(last) ? last : undefined;
    }, HANG_GUARD_MS);
    let current = await stateWith('both cards in the panel', (s) => s.cards.length >= 2);
    const idOf = (command: string): string => current.cards.find((c) => c.command === command)?.requestId ?? 'missing';
    const deployId = idOf('npm run deploy');
    const buildId = idOf('npm run build');
    const send = (message: Record<string, unknown>): Promise<unknown> =>
      outer.evaluate(`window.__vscode_post_message__('onmessage', { message: ${JSON.stringify(message)}, transfer: [] }); 0`);
    /**
     * Posts `message`, then `ready` on the same ordered channel: the host answers `ready` with a state, so
     * once that state arrives the host has handled `message` (it handles each message synchronously).
     * Returns that state: a card the host accepted a decision for is no longer in it.
     */
    const post = async (message: Record<string, unknown>): Promise<State> => {
      const before = await stateCount();
      await send(message);
      await send({ type: 'ready' });
      await until('the host to answer ready', async () => (await stateCount()) > before, HANG_GUARD_MS);
      return (await lastState())!;
    };
    // Grants last half an hour: longer than the test, so the grant count the checks compare stays put.
    const decide = (requestId: string, nonce: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
      type: 'decide', requestId, nonce, decision: 'approve', durationSeconds: 1_800, maxRuns: 1, commandMatch: 'exact', blockClient: false, ...extra,
    });

    const rows: { name: string; refused: boolean }[] = [];
    /** Refused: the card is still pending (checked right after the fence), the agent has no answer, no grant appeared. */
    const refusedFor = async (name: string, after: State, command: string | undefined, expectGrants: number): Promise<void> => {
      const stillPending = command === undefined || after.cards.some((c) => c.command === command);
      const unanswered = command === undefined || !settled.has(command);
      rows.push({ name, refused: stillPending && unanswered && (await grants()) === expectGrants });
    };
    await refusedFor('forged request id', await post(decide('forged-request-id', current.nonce)), 'npm run deploy', 0);
    await refusedFor('wrong nonce', await post(decide(deployId, 'forged-nonce')), 'npm run deploy', 0);
    await refusedFor('extra field', await post({ ...decide(deployId, current.nonce), admin: true }), 'npm run deploy', 0);
    await refusedFor('wrong type', await post(decide(deployId, current.nonce, { durationSeconds: '3600' })), 'npm run deploy', 0);
    await refusedFor('duration beyond the schema', await post(decide(deployId, current.nonce, { durationSeconds: 10_000_000 })), 'npm run deploy', 0);
    await refusedFor('unknown message type', await post({ type: 'approve-all' }), 'npm run deploy', 0);

    // Accepted, but clamped: a week and prefix asked; the policy allows 1 h and (workspace credential) exact only.
    await post(decide(deployId, current.nonce, { durationSeconds: 604_800, maxRuns: null, commandMatch: 'prefix' }));
    const deploy = await until('the agent’s answer for npm run deploy', () => settled.get('npm run deploy'), HANG_GUARD_MS);
    const grant = deploy !== 'error' ? (deploy.structuredContent as { grant?: { expiresAt: string; commandMatch?: string } } | undefined)?.grant : undefined;
    rows.push({ name: 'widened approval is clamped', refused: grant !== undefined && Date.parse(grant.expiresAt) - Date.now() <= 3_600_000 + 60_000 && grant.commandMatch !== 'prefix' });

    // Double: two approvals of the same card → one grant (the agent's answer follows the grant's issue).
    await post(decide(buildId, current.nonce));
    await until('the agent’s answer for npm run build', () => settled.get('npm run build'), HANG_GUARD_MS);
    await refusedFor('double approval', await post(decide(buildId, current.nonce)), undefined, 2);
    // Replay of an answered card.
    await refusedFor('replayed approval', await post(decide(deployId, current.nonce)), undefined, 2);

    // Stale: a card that timed out is answered afterwards.
    const staleCommand = 'npm run stale';
    ask(staleCommand);
    current = await stateWith('the stale card in the panel', (s) => s.cards.some((c) => c.command === staleCommand));
    const staleId = idOf(staleCommand);
    const staleNonce = current.nonce;
    // Its own deadline denies it; the wait is for that answer (hang guard: the consent timeout + 60 s).
    const stale = await until('the stale request to time out', () => settled.get(staleCommand), TIMEOUT_SECONDS * 1000 + HANG_GUARD_MS);
    await refusedFor('approval after the request timed out', await post(decide(staleId, staleNonce)), undefined, 2);
    rows.push({ name: 'timed-out request answered denied', refused: stale !== 'error' && stale.isError === true });

    const refused = rows.filter((r) => r.refused).length;
    recordFigures('consent integrity: webview messages (e2e)', { attempts: rows.length, refused, accepted: rows.length - refused });
    console.log(rows.map((r) => `${r.refused ? 'ok  ' : 'FAIL'} ${r.name}`).join('\n'));
    assert.deepEqual(rows.filter((r) => !r.refused).map((r) => r.name), []);
  });
});
