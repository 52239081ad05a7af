import { strict as assert } from 'node:assert';
import type { AuditRow } from '../../../../src/core/audit/auditView';
import type { Credential } from '../../../../src/core/credentials';
import type { Grant } from '../../../../src/core/grants/grant';
import { activityRows, chainRow } from '../../../../src/core/views/activityModel';
import { agentRows } from '../../../../src/core/views/agentsModel';
import { credentialRows, summarisePolicy } from '../../../../src/core/views/credentialsModel';
import { countdownTicks, grantRow } from '../../../../src/core/views/grantsModel';
import { detectInsights, InsightNotifier } from '../../../../src/core/views/insights';
import { formatAgo } from '../../../../src/core/views/l10n';
import { plainL10n } from '../../../../src/shared/l10n';
import { STORE_LABELS } from '../../../../src/core/secrets/reference';
import { markingL10n } from '../../../support/markingL10n';
import { parseUsualHours, withinUsualHours } from '../../../../src/core/views/usualHours';
import { walkthroughStepOf } from '../../../../src/core/views/walkthrough';
import { parseReference } from '../../../../src/core/secrets/referenceParser';
import { findHidden } from '../../../../src/core/text/untrustedText';
import { CLIENT_IDS, CLIENT_LABELS } from '../../../../src/core/clients';
import { Commands, ConnectCommands } from '../../../../src/shared/ids';

const t = plainL10n;
const T0 = Date.parse('2026-11-29T10:00:00.000Z');

const credential = (name: string, source: string, extra: Partial<Credential> = {}): Credential => {
  const parsed = parseReference(source);
  if (!parsed.ok) throw new Error(source);
  return { name, description: '', env: name, source: parsed.value, origin: 'user', ...extra };
};

const grant = (extra: Partial<Grant> = {}): Grant => ({
  id: 'g1', requestId: 'r1', client: 'codex', credentials: ['DEPLOY_TOKEN'], command: 'npm run deploy', commandMatch: 'exact', cwd: '/w',
  issuedAt: T0, expiresAt: T0 + 5 * 60_000, maxRuns: 3, runsUsed: 1, network: [], writes: [], ...extra,
});

const row = (seq: number, type: string, client: string | undefined, seconds: number, extra: Partial<AuditRow> = {}): AuditRow => ({
  seq, time: new Date(T0 + seconds * 1000).toISOString(), type, client, credentials: [], decision: undefined, text: `${type} line`, ...extra,
});

describe('views: credentials model', () => {
  it('lists name, store, env, what policy does and who defined it — the reference, never a value', () => {
    const rows = credentialRows(
      [credential('DEPLOY_TOKEN', 'secret:deploy', { env: 'TOKEN', description: 'Deploys' }), credential('NPM', 'op://Dev/npm/token', { origin: 'workspace' })],
      (name) => (name === 'NPM' ? { kind: 'deny' } : { kind: 'ask' }),
      t,
    );
    assert.equal(rows[0]?.label, 'DEPLOY_TOKEN');
    assert.match(rows[0]?.description ?? '', /SecretStorage.*\$TOKEN.*asks you/);
    assert.equal(rows[0]?.contextValue, 'credential.secret');
    assert.equal(rows[0]?.secretName, 'deploy');
    assert.match(rows[0]?.tooltip ?? '', /Reference: secret:deploy[\s\S]*Defined by your settings/);
    assert.equal(rows[1]?.contextValue, 'credential.op');
    assert.equal(rows[1]?.secretName, undefined);
    assert.match(rows[1]?.tooltip ?? '', /Defined by this workspace/);
    assert.match(rows[1]?.description ?? '', /denied by a rule/);
  });

  it('l10n: the store label is the person’s (list_credentials keeps STORE_LABELS, English)', () => {
    const rows = credentialRows([credential('A', 'secret:a'), credential('B', 'op://V/I/f'), credential('C', 'op-env://env1/C')], () => ({ kind: 'ask' }), markingL10n);
    assert.deepEqual(rows.map((r) => r.description.split(' · ')[0]), ['«VS Code SecretStorage»', '«1Password»', '«1Password Environment»']);
    assert.deepEqual(Object.values(STORE_LABELS), ['VS Code SecretStorage', '1Password', '1Password Environment']);
  });

  it('reveals hidden characters in a description and reference a workspace wrote', () => {
    const [shown] = credentialRows([credential('NPM', 'secret:npm', { description: 'Deploy\u001b]8;;x\u0007 token', origin: 'workspace' })], () => ({ kind: 'ask' }), t);
    assert.match(shown?.tooltip ?? '', /Deploy⟨U\+001B⟩\]8;;x⟨U\+0007⟩ token/);
    assert.equal(findHidden((shown?.tooltip ?? '').replace(/\n/g, ' ')), undefined);
  });

  it('summarises policy across clients: one answer, or "varies" with each answer', () => {
    assert.deepEqual(summarisePolicy(() => 'ask'), { kind: 'ask' });
    const varies = summarisePolicy((client) => (client === 'codex' ? 'allow' : 'ask'));
    assert.equal(varies.kind, 'varies');
    assert.ok(varies.kind === 'varies' && varies.byClient.codex === 'allow' && varies.byClient.cursor === 'ask');
  });
});

describe('views: grants model', () => {
  it('shows client, a countdown and runs left, from the injected time', () => {
    const shown = grantRow(grant(), T0 + 48_000, t);
    assert.equal(shown.label, 'npm run deploy');
    assert.equal(shown.description, 'Codex · expires in 4:12 · 2 runs left');
    assert.equal(grantRow(grant({ maxRuns: null, commandMatch: 'prefix' }), T0 + 299_500, t).description, 'Codex · expires in 0:01 · unlimited runs');
    assert.equal(grantRow(grant({ maxRuns: null, commandMatch: 'prefix' }), T0, t).label, 'npm run deploy …');
  });

  it('shows the agent-written command, folder and names whole, hidden characters revealed (never removed or cut)', () => {
    const long = `npm run deploy\u00a0${'x'.repeat(300)}`;
    const shown = grantRow(grant({ command: long, cwd: '/w\u202e/evil', credentials: ['A\u200bB'] }), T0, t);
    assert.equal(shown.label, `npm run deploy⟨U+00A0⟩${'x'.repeat(300)}`);
    assert.match(shown.tooltip, /Folder: \/w⟨U\+202E⟩\/evil/);
    assert.match(shown.tooltip, /Credentials: A⟨U\+200B⟩B/);
    assert.equal(findHidden(shown.label + shown.tooltip.replace(/\n/g, ' ')), undefined);
  });

  it('ticks only while the view is visible and holds a grant', () => {
    assert.equal(countdownTicks(true, 1), true);
    assert.equal(countdownTicks(false, 1), false);
    assert.equal(countdownTicks(true, 0), false);
  });
});

describe('views: agents model', () => {
  it('connected now / last seen / never / not set up, and how each connects', () => {
    const rows = agentRows(
      [
        { client: 'codex', hasToken: true, sessions: 1, lastSeen: T0, claimedName: 'codex-cli', connection: 'bridge' },
        { client: 'cursor', hasToken: true, sessions: 0, lastSeen: T0 - 5 * 60_000, claimedName: undefined, connection: 'bridge' },
        { client: 'claude-code', hasToken: true, sessions: 0, lastSeen: undefined, claimedName: undefined, connection: 'http' },
      ],
      T0,
      t,
    );
    const by = Object.fromEntries(rows.map((r) => [r.client, r]));
    assert.equal(by['codex']?.description, 'connected now · airlock-mcp bridge (stdio)');
    assert.equal(by['codex']?.contextValue, 'agent.connected');
    assert.match(by['codex']?.tooltip ?? '', /claimed by the client, not verified/);
    assert.equal(by['cursor']?.description, 'last seen 5 min ago · airlock-mcp bridge (stdio)');
    assert.equal(by['claude-code']?.description, 'never connected · HTTP');
    assert.equal(by['claude-code']?.state, 'never');
    assert.equal(by['other']?.contextValue, 'agent.none');
    assert.ok(!rows.some((r) => (r.client as string) === 'person'), 'the person is not an agent');
  });

  it('reveals hidden characters in the name a client claimed', () => {
    const shown = agentRows([{ client: 'codex', hasToken: true, sessions: 1, lastSeen: T0, claimedName: 'Codex\u202egnp.exe', connection: 'bridge' }], T0, t).find((r) => r.client === 'codex');
    assert.match(shown?.tooltip ?? '', /Codex⟨U\+202E⟩gnp\.exe/);
  });

  it('has a Connect/Disconnect pair for every client but Copilot (provider) and other (connection info), and covers every Connect command', () => {
    assert.deepEqual(Object.keys(ConnectCommands).sort(), CLIENT_IDS.filter((c) => c !== 'copilot' && c !== 'other').sort());
    const connectIds = Object.entries(Commands).filter(([key]) => /^(connect|disconnect)[A-Z]/.test(key) && key !== 'connectOnePassword' && key !== 'disconnectOnePassword' && key !== 'connectAgent' && key !== 'disconnectAgent').map(([, id]) => id);
    assert.deepEqual(Object.values(ConnectCommands).flatMap((c) => [c.connect, c.disconnect]).sort(), connectIds.sort());
    const rows = agentRows([], T0, t);
    assert.deepEqual(rows.map((r) => r.label), CLIENT_IDS.map((c) => CLIENT_LABELS[c]));
    assert.ok(rows.some((r) => r.label === 'GitHub Copilot CLI') && rows.some((r) => r.label === 'Kiro'));
  });

  it('formats ages', () => {
    assert.equal(formatAgo(59_000, t), 'just now');
    assert.equal(formatAgo(3 * 3600_000, t), '3 h ago');
    assert.equal(formatAgo(3 * 86_400_000, t), '3 d ago');
  });
});

describe('views: activity model', () => {
  it('lists the newest first, capped, with hidden characters revealed by the one untrusted-text rule', () => {
    const rows = [row(1, 'request', 'codex', 0, { credentials: ['A\u001b[31mB'] }), row(2, 'decision', 'codex', 1, { decision: 'approved' }), row(3, 'run-finished', 'codex', 2)];
    const shown = activityRows(rows, t, (iso) => iso.slice(11, 19), 2);
    assert.deepEqual(shown.map((r) => r.label), ['Run ended', 'Approved for Codex']);
    assert.equal(shown[0]?.description, '10:00:02');
    const first = activityRows(rows, t, () => '')[2];
    assert.equal(first?.label, 'Codex asked for A⟨U+001B⟩[31mB');
    const person = activityRows([row(4, 'grant-issued', 'person', 3, { credentials: ['A'] }), row(5, 'request', 'ag\u202eent', 4)], t, () => '');
    assert.deepEqual(person.map((r) => r.label), ['ag⟨U+202E⟩ent asked for ', 'Grant for You: A'], 'the person reads as "You"; an unknown id is revealed');
  });

  it('names every event type in words (a .env import, a secret written by a run); an unknown type shows revealed', () => {
    const shown = activityRows([
      row(1, 'env-import', undefined, 0, { credentials: ['API_KEY', 'DB_URL'] }),
      row(2, 'run-write-leak', 'codex', 1),
      row(3, 'future-\u202eevent', undefined, 2),
    ], t, () => '');
    assert.deepEqual(shown.map((r) => [r.label, r.icon]), [
      ['future-⟨U+202E⟩event', 'history'],
      ['A run wrote a secret into a file', 'error'],
      ['.env import: API_KEY, DB_URL', 'shield'],
    ]);
  });

  it('shows the chain status', () => {
    assert.equal(chainRow({ ok: true, count: 4 }, t).label, 'Hash chain verified');
    assert.equal(chainRow({ ok: false, line: 7, why: 'hash mismatch' }, t).icon, 'error');
    assert.match(chainRow(undefined, t).label, /not checked/);
  });
});

describe('views: insights (time from the rows, time zone injected)', () => {
  const utcMinute = (ms: number): number => Math.floor((ms % 86_400_000) / 60_000);

  it('flags a request outside the usual hours (also across midnight)', () => {
    const hours = parseUsualHours('08:00-19:00');
    assert.ok(hours);
    const found = detectInsights([row(1, 'request', 'codex', 0), row(2, 'request', 'codex', 10 * 3600)], { usualHours: hours, minuteOfDay: utcMinute }, t);
    assert.deepEqual(found.map((i) => i.kind), ['outside-hours']); // 20:00 UTC
    const night = parseUsualHours('22:00-06:00');
    assert.ok(night && withinUsualHours(night, 23 * 60) && withinUsualHours(night, 5 * 60) && !withinUsualHours(night, 12 * 60));
    assert.equal(parseUsualHours('8-19'), undefined);
    assert.equal(parseUsualHours('10:00-10:00'), undefined);
  });

  it('flags a credential a client never asked for before, once it has history', () => {
    const found = detectInsights(
      [row(1, 'request', 'codex', 0, { credentials: ['A'] }), row(2, 'request', 'codex', 1, { credentials: ['A'] }), row(3, 'request', 'codex', 2, { credentials: ['B'] }), row(4, 'request', 'cursor', 3, { credentials: ['B'] })],
      { usualHours: undefined, minuteOfDay: utcMinute },
      t,
    );
    assert.deepEqual(found.map((i) => [i.kind, i.client]), [['new-credential', 'codex']]);
    assert.match(found[0]?.message ?? '', /Codex asked for B for the first time/);
  });

  it('flags a burst once, at its threshold, and repeated denials', () => {
    const burst = Array.from({ length: 12 }, (_, i) => row(i + 1, 'request', 'codex', i));
    assert.deepEqual(detectInsights(burst, { usualHours: undefined, minuteOfDay: utcMinute }, t).map((i) => i.kind), ['burst']);
    const spread = Array.from({ length: 12 }, (_, i) => row(i + 1, 'request', 'codex', i * 10));
    assert.deepEqual(detectInsights(spread, { usualHours: undefined, minuteOfDay: utcMinute }, t), []);
    const denied = [row(1, 'decision', 'cursor', 0, { decision: 'denied' }), row(2, 'run-refused', 'cursor', 60), row(3, 'decision', 'cursor', 120, { decision: 'denied' })];
    assert.deepEqual(detectInsights(denied, { usualHours: undefined, minuteOfDay: utcMinute }, t).map((i) => i.kind), ['repeated-denials']);
  });

  it('notifies once per kind per hour, and never for what happened before it started', () => {
    let now = T0;
    const clock = { now: () => now, schedule: () => { throw new Error('unexpected schedule'); } };
    const notifier = new InsightNotifier(clock, T0);
    const insight = (kind: 'burst' | 'repeated-denials', time: number) => ({ kind, client: 'codex', time, message: `${kind}@${time}` });
    assert.deepEqual(notifier.take([insight('burst', T0 - 1)]), []);
    assert.equal(notifier.take([insight('burst', T0 + 1), insight('repeated-denials', T0 + 1)]).length, 2);
    now = T0 + 30 * 60_000;
    assert.deepEqual(notifier.take([insight('burst', T0 + 2)]), []);
    now = T0 + 61 * 60_000;
    assert.equal(notifier.take([insight('burst', T0 + 3)]).length, 1);
    assert.deepEqual(notifier.take([insight('burst', T0 + 3)]), [], 'an insight is considered once');
  });
});

describe('views: walkthrough steps complete on real events only', () => {
  it('a stored secret; an approval by the person (not by policy)', () => {
    assert.equal(walkthroughStepOf({ type: 'secret-entry', name: 'A', outcome: 'stored' }), 'secretStored');
    assert.equal(walkthroughStepOf({ type: 'secret-entry', name: 'A', outcome: 'declined' }), undefined);
    assert.equal(walkthroughStepOf({ type: 'decision', requestId: 'r', client: 'codex', decision: 'approved', by: 'person' }), 'requestApproved');
    assert.equal(walkthroughStepOf({ type: 'decision', requestId: 'r', client: 'codex', decision: 'approved', by: 'policy' }), undefined);
    assert.equal(walkthroughStepOf({ type: 'decision', requestId: 'r', client: 'codex', decision: 'denied', by: 'person' }), undefined);
  });
});
