import { strict as assert } from 'node:assert';
import { LeaseManager, type IssueGrant, type LeaseEvent } from '../../../../src/core/grants/leaseManager';
import { FakeClock } from './fakeClock';

const base: IssueGrant = {
  requestId: 'req-1',
  client: 'codex',
  credentials: ['DEPLOY_TOKEN'],
  command: 'npm run deploy',
  commandMatch: 'exact',
  cwd: '/work/app',
  durationSeconds: 300,
  maxRuns: 3,
};
const scope = { client: 'codex', command: 'npm run deploy', cwd: '/work/app' } as const;

function setup() {
  const clock = new FakeClock();
  let n = 0;
  const leases = new LeaseManager(clock, () => `g${++n}`);
  const events: LeaseEvent[] = [];
  leases.onEvent((e) => events.push(e));
  return { clock, leases, events, kinds: () => events.map((e) => `${e.type}:${e.grant.id}${'why' in e ? `:${e.why}` : ''}${'by' in e ? `:${e.by}` : ''}`) };
}

describe('LeaseManager', () => {
  it('issues a grant that expires on time, through the clock', () => {
    const { clock, leases, kinds } = setup();
    const grant = leases.issue(base);
    assert.equal(grant.expiresAt - grant.issuedAt, 300_000);
    clock.advance(299_999);
    assert.equal(leases.get(grant.id)?.id, 'g1');
    clock.advance(1);
    assert.equal(leases.get(grant.id), undefined);
    assert.deepEqual(kinds(), ['issued:g1', 'expired:g1:time']);
    assert.equal(clock.pending, 0);
  });

  it('treats a grant as ended at its expiry even before the timer fired', () => {
    const clock = new FakeClock();
    const leases = new LeaseManager({ now: () => clock.now(), schedule: () => ({ cancel() {} }) }, () => 'g1');
    leases.issue(base);
    clock.advance(300_000);
    assert.equal(leases.findFor(scope), undefined);
    assert.equal(leases.consumeRun('g1', scope).ok, false);
  });

  it('counts runs atomically and ends the grant after the last one', () => {
    const { leases, kinds } = setup();
    const grant = leases.issue({ ...base, maxRuns: 2 });
    const first = leases.consumeRun(grant.id, scope);
    assert.ok(first.ok && first.value.runsUsed === 1);
    const second = leases.consumeRun(grant.id, scope);
    assert.ok(second.ok && second.value.runsUsed === 2);
    const third = leases.consumeRun(grant.id, scope);
    assert.equal(third.ok, false);
    assert.deepEqual(kinds(), ['issued:g1', 'run-consumed:g1', 'run-consumed:g1', 'expired:g1:runs']);
  });

  it('unlimited runs (maxRuns null) stay until expiry', () => {
    const { leases } = setup();
    const grant = leases.issue({ ...base, maxRuns: null });
    for (let i = 0; i < 50; i++) assert.ok(leases.consumeRun(grant.id, scope).ok);
    assert.ok(leases.get(grant.id));
  });

  it('refuses any other command, cwd, credential set or client under a grant', () => {
    const { leases } = setup();
    const grant = leases.issue(base);
    for (const command of ['printenv', 'env', 'echo $DEPLOY_TOKEN', 'cat /proc/self/environ', 'npm run deploy; printenv']) {
      const r = leases.consumeRun(grant.id, { ...scope, command });
      assert.ok(!r.ok && r.code === 'command-not-covered', command);
      assert.match(r.message, /covers only the command exactly "npm run deploy"/);
    }
    const cwd = leases.check(grant.id, { ...scope, cwd: '/work/other' });
    assert.ok(!cwd.ok && cwd.code === 'cwd-not-covered');
    const creds = leases.check(grant.id, { ...scope, credentials: ['DEPLOY_TOKEN', 'NPM_TOKEN'] });
    assert.ok(!creds.ok && creds.code === 'credentials-not-covered');
    const other = leases.check(grant.id, { ...scope, client: 'cursor' });
    assert.ok(!other.ok && other.code === 'grant-not-found');
    assert.equal(leases.get(grant.id)?.runsUsed, 0, 'refusals take no run');
  });

  it('prefix grants cover plain arguments but not chained commands', () => {
    const { leases } = setup();
    const grant = leases.issue({ ...base, commandMatch: 'prefix' });
    assert.ok(leases.check(grant.id, { ...scope, command: 'npm run deploy staging eu-1' }).ok);
    const option = leases.check(grant.id, { ...scope, command: 'npm run deploy --script-shell=./x.sh' });
    assert.ok(!option.ok && option.code === 'command-not-covered');
    assert.match(option.message, /"-"/);
    const attack = leases.check(grant.id, { ...scope, command: 'npm run deploy ; printenv' });
    assert.ok(!attack.ok && attack.code === 'command-not-covered');
    assert.match(attack.message, /metacharacters/);
    assert.equal(leases.findFor({ ...scope, command: 'npm run deploy; printenv' }), undefined);
  });

  it('findFor picks only the caller’s own covering grant', () => {
    const { leases } = setup();
    leases.issue({ ...base, client: 'cursor' });
    assert.equal(leases.findFor(scope), undefined);
    const mine = leases.issue(base);
    assert.equal(leases.findFor(scope)?.id, mine.id);
    assert.equal(leases.findFor({ ...scope, credentials: ['DEPLOY_TOKEN'] })?.id, mine.id);
    assert.equal(leases.findFor({ ...scope, credentials: ['OTHER'] }), undefined);
  });

  it('revokes one grant, only the owner’s, and all grants', () => {
    const { leases, kinds, clock } = setup();
    const a = leases.issue(base);
    const b = leases.issue(base);
    const c = leases.issue({ ...base, client: 'cursor' });
    assert.equal(leases.revoke(a.id, 'agent', 'cursor'), false, 'another client cannot revoke');
    assert.equal(leases.revoke(a.id, 'agent', 'codex'), true);
    assert.equal(leases.revoke(a.id, 'agent', 'codex'), false, 'twice is a no-op');
    assert.equal(leases.revokeAll('agent', 'codex'), 1);
    assert.deepEqual(leases.active().map((g) => g.id), [c.id]);
    assert.equal(leases.revokeAll('person'), 1);
    assert.deepEqual(kinds(), ['issued:g1', 'issued:g2', 'issued:g3', 'revoked:g1:agent', `revoked:${b.id}:agent`, 'revoked:g3:person']);
    assert.equal(clock.pending, 0, 'revoking cancels the expiry timers');
  });

  it('forgetAll ends everything and cancels timers', () => {
    const { leases, clock, kinds } = setup();
    leases.issue(base);
    leases.issue({ ...base, durationSeconds: 10 });
    leases.forgetAll();
    assert.equal(leases.active().length, 0);
    assert.equal(clock.pending, 0);
    assert.deepEqual(kinds().slice(2).sort(), ['revoked:g1:shutdown', 'revoked:g2:shutdown']);
  });

  it('active() lists soonest expiry first; a throwing listener does not break it', () => {
    const { leases } = setup();
    leases.onEvent(() => {
      throw new Error('listener bug');
    });
    leases.issue({ ...base, durationSeconds: 600 });
    leases.issue({ ...base, durationSeconds: 60 });
    assert.deepEqual(leases.active().map((g) => g.id), ['g2', 'g1']);
  });

  it('rejects nonsense limits as bugs', () => {
    const { leases } = setup();
    assert.throws(() => leases.issue({ ...base, durationSeconds: 0 }));
    assert.throws(() => leases.issue({ ...base, maxRuns: 0 }));
  });
});
