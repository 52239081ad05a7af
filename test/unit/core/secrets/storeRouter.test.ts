import { strict as assert } from 'node:assert';
import { inspect } from 'node:util';
import { fail, ok } from '../../../../src/core/outcome';
import type { ReferenceKind, SecretReference } from '../../../../src/core/secrets/reference';
import type { ResolveOutcome, SecretStore } from '../../../../src/core/secrets/store';
import { SecretValue } from '../../../../src/core/secrets/secretValue';
import { DEFAULT_STORE_TIMEOUT_MS, StoreRouter } from '../../../../src/core/secrets/storeRouter';
import { findLeaks, makeCanary } from '../../../support/canary';
import { FakeClock } from '../grants/fakeClock';

const secretRef = (name: string): SecretReference => ({ kind: 'secret', raw: `secret:${name}`, name });
const opRef = (item: string): SecretReference => ({ kind: 'op', raw: `op://Vault/${item}/password`, vault: 'Vault', item, field: 'password' });
const envRef = (variable: string): SecretReference => ({ kind: 'op-env', raw: `op-env://env123/${variable}`, environmentId: 'env123', variable });

/** A store that records its calls and answers with a scripted function. */
class ScriptedStore implements SecretStore {
  readonly calls: (readonly string[])[] = [];
  readonly signals: AbortSignal[] = [];
  constructor(
    readonly kinds: readonly ReferenceKind[],
    readonly label: string,
    private readonly answer: (refs: readonly SecretReference[]) => Promise<ReadonlyMap<string, ResolveOutcome>>,
  ) {}
  resolveAll(references: readonly SecretReference[], signal: AbortSignal): Promise<ReadonlyMap<string, ResolveOutcome>> {
    this.calls.push(references.map((r) => r.raw));
    this.signals.push(signal);
    return this.answer(references);
  }
}

const values = (prefix: string) => async (refs: readonly SecretReference[]) =>
  new Map(refs.map((r) => [r.raw, ok(new SecretValue(`${prefix}-${r.raw}-value`)) as ResolveOutcome]));

/** Resolves when every pending microtask and promise callback has run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function messagesOf(results: ReadonlyMap<string, ResolveOutcome>): string {
  return [...results.values()].map((o) => (o.ok ? String(o.value) : o.message)).join('\n') + inspect(results, { depth: 5 });
}

describe('StoreRouter', () => {
  it('groups references by store and calls each store once, with every reference it owns', async () => {
    const local = new ScriptedStore(['secret'], 'Local', values('local'));
    const vault = new ScriptedStore(['op', 'op-env'], 'Vault', values('vault'));
    const router = new StoreRouter([{ store: local }, { store: vault }], new FakeClock());
    const refs = [secretRef('A'), opRef('one'), secretRef('B'), envRef('X'), opRef('two'), secretRef('A')];
    const results = await router.resolveAll(refs, new AbortController().signal);

    assert.deepEqual(local.calls, [['secret:A', 'secret:B']]);
    assert.deepEqual(vault.calls, [['op://Vault/one/password', 'op-env://env123/X', 'op://Vault/two/password']]);
    assert.equal(results.size, 5);
    for (const outcome of results.values()) assert.ok(outcome.ok);
    assert.deepEqual(router.kinds, ['secret', 'op', 'op-env']);
    assert.equal(router.storeFor('op'), vault);
  });

  it('refuses two stores claiming the same kind (a registration bug)', () => {
    const a = new ScriptedStore(['secret'], 'A', values('a'));
    const b = new ScriptedStore(['secret'], 'B', values('b'));
    assert.throws(() => new StoreRouter([{ store: a }, { store: b }], new FakeClock()), /Both "A" and "B" claim "secret"/);
  });

  it('answers not-configured for a kind no store is registered for', async () => {
    const router = new StoreRouter([{ store: new ScriptedStore(['secret'], 'Local', values('l')) }], new FakeClock());
    const results = await router.resolveAll([opRef('x')], new AbortController().signal);
    const outcome = results.get('op://Vault/x/password');
    assert.equal(outcome?.ok, false);
    assert.equal(!outcome?.ok && outcome?.code, 'not-configured');
  });

  it('times out a slow store with the fake clock, aborts its signal and disposes values that arrive late', async () => {
    const clock = new FakeClock();
    let deliver: (answer: ReadonlyMap<string, ResolveOutcome>) => void = () => {};
    const slow = new ScriptedStore(['op'], '1Password', () => new Promise((resolve) => (deliver = resolve)));
    const fast = new ScriptedStore(['secret'], 'Local', values('local'));
    const router = new StoreRouter([{ store: fast }, { store: slow, timeoutMs: () => 5_000 }], clock);
    const pending = router.resolveAll([opRef('slow'), secretRef('QUICK')], new AbortController().signal);
    await flush();
    clock.advance(4_999);
    await flush();
    assert.equal(slow.signals[0]?.aborted, false);
    clock.advance(1);
    const results = await pending;

    const timedOut = results.get('op://Vault/slow/password');
    assert.ok(timedOut !== undefined && !timedOut.ok);
    assert.equal(timedOut.code, 'timeout');
    assert.match(timedOut.message, /1Password did not answer within 5 s/);
    assert.equal(results.get('secret:QUICK')?.ok, true);
    assert.equal(slow.signals[0]?.aborted, true);

    const late = new SecretValue(makeCanary('late'));
    deliver(new Map([['op://Vault/slow/password', ok(late)]]));
    await flush();
    assert.equal(late.alive, false, 'a value that arrives after the timeout is dropped');
  });

  it('uses the 30 s default timeout when none (or a nonsense one) is configured', async () => {
    const clock = new FakeClock();
    const never = new ScriptedStore(['op'], '1Password', () => new Promise(() => {}));
    const router = new StoreRouter([{ store: never, timeoutMs: () => Number.NaN }], clock);
    const pending = router.resolveAll([opRef('x')], new AbortController().signal);
    await flush();
    clock.advance(DEFAULT_STORE_TIMEOUT_MS - 1);
    assert.equal(clock.pending, 1);
    clock.advance(1);
    const outcome = (await pending).get('op://Vault/x/password');
    assert.ok(outcome !== undefined && !outcome.ok && outcome.code === 'timeout');
    assert.match(outcome.message, /within 30 s/);
  });

  it('turns a throwing store into a typed error without any detail from the exception', async () => {
    const canary = makeCanary('thrown');
    const throwsAsync = new ScriptedStore(['op'], '1Password', () => Promise.reject(new Error(`boom: token ${canary}`)));
    const throwsSync = new ScriptedStore(['secret'], 'Local', () => {
      throw new TypeError(`sync ${canary}`);
    });
    const logged: string[] = [];
    const log = { debug: (m: string) => logged.push(m), info: (m: string) => logged.push(m), warn: (m: string) => logged.push(m), error: (m: string) => logged.push(m) };
    const clock = new FakeClock();
    const router = new StoreRouter([{ store: throwsAsync }, { store: throwsSync }], clock, log);
    const results = await router.resolveAll([opRef('a'), secretRef('B')], new AbortController().signal);

    for (const outcome of results.values()) {
      assert.ok(!outcome.ok);
      assert.equal(outcome.code, 'error');
    }
    assert.deepEqual(findLeaks(messagesOf(results), [canary]), []);
    assert.deepEqual(findLeaks(logged.join('\n'), [canary]), []);
    assert.ok(logged.some((line) => /TypeError/.test(line)), 'the class name is logged for diagnosis');
    assert.equal(clock.pending, 0, 'timers are cancelled');
  });

  it('fills references a store left unanswered and drops (disposes) extras it was not asked for', async () => {
    const extra = new SecretValue(makeCanary('extra'));
    const partial = new ScriptedStore(['secret'], 'Local', async () => new Map([['secret:OTHER', ok(extra) as ResolveOutcome]]));
    const router = new StoreRouter([{ store: partial }], new FakeClock());
    const results = await router.resolveAll([secretRef('ASKED')], new AbortController().signal);
    assert.deepEqual([...results.keys()], ['secret:ASKED']);
    const outcome = results.get('secret:ASKED');
    assert.ok(outcome !== undefined && !outcome.ok && outcome.code === 'error');
    assert.equal(extra.alive, false);
  });

  it('keeps per-reference failures from the store as they are', async () => {
    const store = new ScriptedStore(['op'], '1Password', async (refs) =>
      new Map(refs.map((r, i) => [r.raw, i === 0 ? (ok(new SecretValue('first-value-1234')) as ResolveOutcome) : fail('not-found', `${r.raw} missing`)])),
    );
    const router = new StoreRouter([{ store }], new FakeClock());
    const results = await router.resolveAll([opRef('a'), opRef('b')], new AbortController().signal);
    assert.equal(results.get('op://Vault/a/password')?.ok, true);
    const second = results.get('op://Vault/b/password');
    assert.ok(second !== undefined && !second.ok && second.code === 'not-found');
  });

  it('answers at once when the caller aborts, and never calls a store for an already-aborted request', async () => {
    const clock = new FakeClock();
    const hanging = new ScriptedStore(['op'], '1Password', () => new Promise(() => {}));
    const router = new StoreRouter([{ store: hanging }], clock);
    const controller = new AbortController();
    const pending = router.resolveAll([opRef('a')], controller.signal);
    await flush();
    controller.abort();
    const outcome = (await pending).get('op://Vault/a/password');
    assert.ok(outcome !== undefined && !outcome.ok && outcome.code === 'error');
    assert.match(outcome.message, /cancelled/);
    assert.equal(hanging.signals[0]?.aborted, true);
    assert.equal(clock.pending, 0);

    const again = await router.resolveAll([opRef('b')], controller.signal);
    assert.equal(hanging.calls.length, 1);
    assert.equal(again.get('op://Vault/b/password')?.ok, false);
  });

  it('never prints a value: results stringify and inspect without the secret', async () => {
    const canary = makeCanary('value');
    const store = new ScriptedStore(['secret'], 'Local', async (refs) => new Map(refs.map((r) => [r.raw, ok(new SecretValue(canary)) as ResolveOutcome])));
    const router = new StoreRouter([{ store }], new FakeClock());
    const results = await router.resolveAll([secretRef('A')], new AbortController().signal);
    assert.deepEqual(findLeaks(messagesOf(results) + JSON.stringify([...results]), [canary]), []);
  });
});
