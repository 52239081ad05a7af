import { strict as assert } from 'node:assert';
import { inspect } from 'node:util';
import { silentLog } from '../../../../src/core/log';
import type { SecretReference } from '../../../../src/core/secrets/reference';
import { SecretStorageStore, secretStorageKey } from '../../../../src/adapters/stores/secretStorageStore';
import { findLeaks, makeCanary } from '../../../support/canary';
import { FakeSecretStorage } from './fakeSecretStorage';

const ref = (name: string): SecretReference => ({ kind: 'secret', raw: `secret:${name}`, name });
const signal = new AbortController().signal;

describe('SecretStorageStore', () => {
  it('resolves secret:<NAME> from the namespaced key airlock.secret.<NAME>', async () => {
    const storage = new FakeSecretStorage();
    const canary = makeCanary('deploy');
    storage.data.set('airlock.secret.DEPLOY_TOKEN', canary);
    storage.data.set('DEPLOY_TOKEN', 'not-namespaced-value'); // another extension's key: never read
    const store = new SecretStorageStore(storage, silentLog);
    const results = await store.resolveAll([ref('DEPLOY_TOKEN')], signal);
    const outcome = results.get('secret:DEPLOY_TOKEN');
    assert.ok(outcome?.ok);
    assert.equal(outcome.value.length, canary.length);
    assert.equal(String(outcome.value), '[redacted]');
    assert.deepEqual(findLeaks(inspect(results, { depth: 5 }) + JSON.stringify([...results]), [canary]), []);
    assert.deepEqual(storage.calls, ['get airlock.secret.DEPLOY_TOKEN']);
  });

  it('answers not-found for a missing secret, naming the command that adds it', async () => {
    const store = new SecretStorageStore(new FakeSecretStorage(), silentLog);
    const outcome = (await store.resolveAll([ref('MISSING')], signal)).get('secret:MISSING');
    assert.ok(outcome !== undefined && !outcome.ok);
    assert.equal(outcome.code, 'not-found');
    assert.match(outcome.message, /Airlock: Add Secret/);
  });

  it('turns a SecretStorage failure into a typed error without its details', async () => {
    const storage = new FakeSecretStorage();
    const canary = makeCanary('keychain');
    storage.failWith = new Error(`keychain said ${canary}`);
    const store = new SecretStorageStore(storage, silentLog);
    const outcome = (await store.resolveAll([ref('A_NAME')], signal)).get('secret:A_NAME');
    assert.ok(outcome !== undefined && !outcome.ok);
    assert.equal(outcome.code, 'error');
    assert.deepEqual(findLeaks(outcome.message, [canary]), []);
  });

  it('refuses references of other kinds', async () => {
    const store = new SecretStorageStore(new FakeSecretStorage(), silentLog);
    const opRef: SecretReference = { kind: 'op', raw: 'op://V/I/f', vault: 'V', item: 'I', field: 'f' };
    const outcome = (await store.resolveAll([opRef], signal)).get('op://V/I/f');
    assert.ok(outcome !== undefined && !outcome.ok && outcome.code === 'invalid-reference');
  });

  it('puts, lists (names only, only its own namespace), checks and removes', async () => {
    const storage = new FakeSecretStorage();
    storage.data.set('airlock.onePassword.serviceAccountToken', 'ops_not-a-secret-reference');
    const store = new SecretStorageStore(storage, silentLog);
    await store.put('B_TOKEN', 'value-b-12345678');
    await store.put('A_TOKEN', 'value-a-12345678');
    assert.equal(storage.data.get(secretStorageKey('A_TOKEN')), 'value-a-12345678');
    assert.deepEqual(await store.names(), ['A_TOKEN', 'B_TOKEN']);
    assert.equal(await store.has('A_TOKEN'), true);
    await store.remove('A_TOKEN');
    assert.equal(await store.has('A_TOKEN'), false);
    assert.deepEqual(await store.names(), ['B_TOKEN']);
  });

  it('reports that it cannot list names on a host without SecretStorage.keys', async () => {
    const store = new SecretStorageStore(new FakeSecretStorage(false), silentLog);
    assert.equal(await store.names(), undefined);
  });
});
