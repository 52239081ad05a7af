import { strict as assert } from 'node:assert';
import { inspect } from 'node:util';
import type * as Sdk from '@1password/sdk';
import {
  OnePasswordStore,
  errorMessage,
  type OnePasswordAuth,
  type OnePasswordClient,
  type OnePasswordClientConfiguration,
  type OnePasswordSdk,
} from '../../../../src/adapters/stores/onePasswordStore';
import type { Log } from '../../../../src/core/log';
import type { SecretReference } from '../../../../src/core/secrets/reference';
import { SecretValue } from '../../../../src/core/secrets/secretValue';
import type { ResolveOutcome } from '../../../../src/core/secrets/store';
import { StoreRouter } from '../../../../src/core/secrets/storeRouter';
import { findLeaks, makeCanary } from '../../../support/canary';
import { FakeClock } from '../../core/grants/fakeClock';
import { markingL10n } from '../../../support/markingL10n';

// ── A fake at the SDK boundary, typed by the SDK's own .d.ts ─────────────────────────────────────────
// Each class mirrors the SDK's (src/errors.ts: `message` set after `super()`); `satisfies` / the
// OnePasswordSdk interface make a change in the SDK's types break this file's build.

class FakeDesktopAuth implements Sdk.DesktopAuth {
  constructor(public accountName: string) {}
}
class FakeAuthExpiredError extends Error {
  constructor(public override message: string) {
    super();
  }
}
class FakeDesktopSessionExpiredError extends Error {
  constructor(public override message: string) {
    super();
  }
}
class FakeRateLimitExceededError extends Error {
  constructor(public override message: string) {
    super();
  }
}

type SecretAnswer = Sdk.Response<Sdk.ResolvedReference, Sdk.ResolveReferenceError>;

interface Script {
  createClient?: (config: OnePasswordClientConfiguration) => Promise<void>;
  resolveAll?: (refs: string[]) => Promise<Sdk.ResolveAllResponse>;
  getVariables?: (environmentId: string) => Promise<Sdk.GetVariablesResponse>;
  vaultsList?: () => Promise<Sdk.VaultOverview[]>;
  itemsCreate?: (params: Sdk.ItemCreateParams) => Promise<Sdk.Item>;
}

// The SDK's enums are string enums whose values are the wire format (types.d.ts): these mirror the members Airlock uses.
const FakeItemCategory = { ApiCredentials: 'ApiCredentials', Login: 'Login', SecureNote: 'SecureNote' } as unknown as typeof Sdk.ItemCategory;
const FakeItemFieldType = { Concealed: 'Concealed', Text: 'Text' } as unknown as typeof Sdk.ItemFieldType;

class FakeSdk implements OnePasswordSdk {
  readonly DesktopAuth = FakeDesktopAuth as unknown as typeof Sdk.DesktopAuth;
  readonly AuthExpiredError = FakeAuthExpiredError satisfies typeof Sdk.AuthExpiredError;
  readonly DesktopSessionExpiredError = FakeDesktopSessionExpiredError satisfies typeof Sdk.DesktopSessionExpiredError;
  readonly RateLimitExceededError = FakeRateLimitExceededError satisfies typeof Sdk.RateLimitExceededError;
  readonly ItemCategory = FakeItemCategory;
  readonly ItemFieldType = FakeItemFieldType;
  readonly configs: OnePasswordClientConfiguration[] = [];
  readonly calls: string[] = [];

  constructor(public script: Script = {}) {}

  async createClient(config: OnePasswordClientConfiguration): Promise<OnePasswordClient> {
    this.configs.push(config);
    await this.script.createClient?.(config);
    const secrets: OnePasswordClient['secrets'] = {
      resolve: () => {
        throw new Error('FakeSdk: secrets.resolve is not expected (Airlock uses resolveAll)');
      },
      resolveAll: async (refs) => {
        this.calls.push(`resolveAll ${refs.join(' ')}`);
        if (this.script.resolveAll === undefined) throw new Error('FakeSdk: secrets.resolveAll not scripted');
        return this.script.resolveAll(refs);
      },
    };
    const environments: OnePasswordClient['environments'] = {
      getVariables: async (environmentId) => {
        this.calls.push(`getVariables ${environmentId}`);
        if (this.script.getVariables === undefined) throw new Error('FakeSdk: environments.getVariables not scripted');
        return this.script.getVariables(environmentId);
      },
    };
    const vaults: OnePasswordClient['vaults'] = {
      list: async () => {
        this.calls.push('vaults.list');
        if (this.script.vaultsList === undefined) throw new Error('FakeSdk: vaults.list not scripted');
        return this.script.vaultsList();
      },
    };
    const items: OnePasswordClient['items'] = {
      create: async (params) => {
        this.calls.push(`items.create ${params.vaultId} ${params.title}`);
        this.created.push(params);
        if (this.script.itemsCreate === undefined) throw new Error('FakeSdk: items.create not scripted');
        return this.script.itemsCreate(params);
      },
    };
    return { secrets, environments, vaults, items };
  }

  /** Every items.create request, as the SDK would receive it. */
  readonly created: Sdk.ItemCreateParams[] = [];
}

// ── helpers ───────────────────────────────────────────────────────────────────────────────────────────

const op = (path: string): SecretReference => {
  const [vault = '', item = '', field = ''] = path.split('/');
  return { kind: 'op', raw: `op://${path}`, vault, item, field };
};
const opEnv = (environmentId: string, variable: string): SecretReference => ({
  kind: 'op-env',
  raw: `op-env://${environmentId}/${variable}`,
  environmentId,
  variable,
});
const signal = () => new AbortController().signal;

function recordingLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  const push = (m: string) => void lines.push(m);
  return { lines, debug: push, info: push, warn: push, error: push };
}

function makeStore(sdk: FakeSdk, auth: OnePasswordAuth | 'not-connected' = { kind: 'service-account', token: new SecretValue('ops_test-token-value') }, log = recordingLog()) {
  let loads = 0;
  const clock = new FakeClock();
  const store = new OnePasswordStore({
    loadSdk: async () => {
      loads++;
      return sdk;
    },
    auth: { current: async () => (auth === 'not-connected' ? undefined : auth) },
    log,
    clock,
    integrationVersion: '0.1.0-test',
  });
  return { store, log, clock, loads: () => loads };
}

function failure(results: ReadonlyMap<string, ResolveOutcome>, raw: string) {
  const outcome = results.get(raw);
  assert.ok(outcome !== undefined, `no outcome for ${raw}`);
  assert.ok(!outcome.ok, `${raw} unexpectedly resolved`);
  return outcome;
}

const success = (secret: string): SecretAnswer => ({ content: { secret, itemId: 'item-id', vaultId: 'vault-id' } });

// The real SDK's messages, as observed from @1password/sdk 0.5.0 here (see README: no real account).
const SDK_MESSAGES = {
  malformedToken: 'invalid user input: encountered the following errors: service account token had invalid format',
  undeserializableToken:
    'invalid service account token, please make sure you provide a valid service account token as parameter:  service account deserialization failed, please create another token',
  noDesktopApp: 'Native library is not available.',
  integrationOff:
    'SDK client creation with desktop integration failed: error initializing client: failed to send message to Desktop App. Please make sure the integrations is enabled or otherwise contact 1Password support. Return code: -3',
  network: 'error sending request for url (https://my.example/api/v2/auth)',
  serverTimeout: 'request timeout',
  notAuthenticated: 'you are not authenticated',
  rotatedToken: 'bad service account token, please rotate it: invalid token',
};

describe('OnePasswordStore (fake createClient at the SDK boundary)', () => {
  it('resolves several op:// references with one secrets.resolveAll call and maps partial failures per reference', async () => {
    const a = makeCanary('a');
    const b = makeCanary('b');
    const sdk = new FakeSdk({
      resolveAll: async (refs) => ({
        individualResponses: Object.fromEntries(
          refs.map((raw): [string, SecretAnswer] => {
            if (raw.includes('/A/')) return [raw, success(a)];
            if (raw.includes('/B/')) return [raw, success(b)];
            if (raw.includes('/NoItem/')) return [raw, { error: { type: 'itemNotFound' } }];
            if (raw.includes('/NoField/')) return [raw, { error: { type: 'fieldNotFound' } }];
            if (raw.startsWith('op://NoVault/')) return [raw, { error: { type: 'vaultNotFound' } }];
            if (raw.includes('/Twice/')) return [raw, { error: { type: 'tooManyItems' } }];
            if (raw.includes('/Bad/')) return [raw, { error: { type: 'parsing', message: 'secret reference has invalid format' } }];
            return [raw, { error: { type: 'other' } }];
          }),
        ),
      }),
    });
    const { store } = makeStore(sdk);
    const refs = ['V/A/password', 'V/B/password', 'V/NoItem/password', 'V/NoField/password', 'NoVault/X/password', 'V/Twice/password', 'V/Bad/password', 'V/Odd/password'].map(op);
    const results = await store.resolveAll([...refs, op('V/Missing/password')].slice(0, 8), signal());

    assert.equal(sdk.calls.length, 1, 'one SDK call for all op:// references');
    assert.equal(sdk.configs.length, 1);
    const first = results.get('op://V/A/password');
    assert.ok(first?.ok && first.value.length === a.length);
    assert.ok(results.get('op://V/B/password')?.ok);
    assert.equal(failure(results, 'op://V/NoItem/password').code, 'not-found');
    assert.match(failure(results, 'op://V/NoItem/password').message, /item in op:\/\/V\/NoItem\/password was not found/);
    assert.equal(failure(results, 'op://V/NoField/password').code, 'not-found');
    assert.equal(failure(results, 'op://NoVault/X/password').code, 'not-found');
    assert.equal(failure(results, 'op://V/Twice/password').code, 'invalid-reference');
    assert.equal(failure(results, 'op://V/Bad/password').code, 'invalid-reference');
    assert.equal(failure(results, 'op://V/Odd/password').code, 'error');
    assert.deepEqual(findLeaks(inspect(results, { depth: 5 }) + JSON.stringify([...results]), [a, b]), []);
  });

  it('answers error for a reference the SDK left out of its response', async () => {
    const sdk = new FakeSdk({ resolveAll: async () => ({ individualResponses: {} }) });
    const results = await makeStore(sdk).store.resolveAll([op('V/I/f')], signal());
    assert.equal(failure(results, 'op://V/I/f').code, 'error');
  });

  it('resolves op-env:// references with one environments.getVariables call per Environment', async () => {
    const value = makeCanary('env');
    const sdk = new FakeSdk({
      getVariables: async (id) => ({
        variables: id === 'envA' ? [{ name: 'API_KEY', value, masked: true }, { name: 'OTHER', value: 'other-value-123', masked: false }] : [],
      }),
    });
    const { store } = makeStore(sdk);
    const results = await store.resolveAll([opEnv('envA', 'API_KEY'), opEnv('envA', 'NOPE'), opEnv('envB', 'API_KEY')], signal());
    assert.deepEqual(sdk.calls.sort(), ['getVariables envA', 'getVariables envB']);
    const found = results.get('op-env://envA/API_KEY');
    assert.ok(found?.ok && found.value.length === value.length);
    assert.equal(failure(results, 'op-env://envA/NOPE').code, 'not-found');
    assert.match(failure(results, 'op-env://envB/API_KEY').message, /Environment envB has no variable API_KEY/);
  });

  it('is not-configured when 1Password is not connected, without loading the SDK', async () => {
    const sdk = new FakeSdk();
    const { store, loads } = makeStore(sdk, 'not-connected');
    const results = await store.resolveAll([op('V/I/f')], signal());
    const outcome = failure(results, 'op://V/I/f');
    assert.equal(outcome.code, 'not-configured');
    assert.match(outcome.message, /Airlock: Connect 1Password/);
    assert.equal(loads(), 0, 'the SDK (~130 ms, 80 MB) is not loaded for nothing');
  });

  it('signs in with DesktopAuth(account) in desktop mode and with the token in service-account mode', async () => {
    const desktop = new FakeSdk({ resolveAll: async (refs) => ({ individualResponses: Object.fromEntries(refs.map((r) => [r, success('desktop-secret-1')])) }) });
    await makeStore(desktop, { kind: 'desktop', account: 'my.1password.com' }).store.resolveAll([op('V/I/f')], signal());
    const auth = desktop.configs[0]?.auth;
    assert.ok(auth instanceof FakeDesktopAuth);
    assert.equal(auth.accountName, 'my.1password.com');
    assert.equal(desktop.configs[0]?.integrationName, 'Airlock');
    assert.equal(desktop.configs[0]?.integrationVersion, '0.1.0-test');

    const service = new FakeSdk({ resolveAll: async (refs) => ({ individualResponses: Object.fromEntries(refs.map((r) => [r, success('sa-secret-12345')])) }) });
    await makeStore(service).store.resolveAll([op('V/I/f')], signal());
    assert.equal(service.configs[0]?.auth, 'ops_test-token-value');
  });

  it('reuses the signed-in client, and signs in again after forget() or an expired session', async () => {
    let expire = false;
    const sdk = new FakeSdk({
      resolveAll: async (refs) => {
        if (expire) throw new FakeAuthExpiredError('auth expired');
        return { individualResponses: Object.fromEntries(refs.map((r) => [r, success('reused-secret-1')])) };
      },
    });
    const { store } = makeStore(sdk);
    await store.resolveAll([op('V/I/f')], signal());
    await store.resolveAll([op('V/I/g')], signal());
    assert.equal(sdk.configs.length, 1);
    store.forget();
    await store.resolveAll([op('V/I/f')], signal());
    assert.equal(sdk.configs.length, 2);
    expire = true;
    assert.equal(failure(await store.resolveAll([op('V/I/f')], signal()), 'op://V/I/f').code, 'auth-expired');
    expire = false;
    await store.resolveAll([op('V/I/f')], signal());
    assert.equal(sdk.configs.length, 3, 'an expired session is not reused');
  });

  describe('maps every failure mode to a typed outcome with no SDK text and no value', () => {
    const cases: { readonly name: string; readonly error: () => unknown; readonly code: string; readonly message: RegExp }[] = [
      { name: 'malformed service-account token', error: () => new Error(SDK_MESSAGES.malformedToken), code: 'not-configured', message: /token is malformed/ },
      { name: 'undecodable service-account token', error: () => new Error(SDK_MESSAGES.undeserializableToken), code: 'not-configured', message: /token is malformed/ },
      { name: 'desktop app not installed', error: () => new Error(SDK_MESSAGES.noDesktopApp), code: 'app-not-found', message: /desktop app was not found/ },
      { name: 'desktop integration turned off', error: () => new Error(SDK_MESSAGES.integrationOff), code: 'app-not-found', message: /Integrate with other apps/ },
      { name: 'desktop app locked', error: () => new Error('the 1Password app is locked'), code: 'locked', message: /Unlock the 1Password app/ },
      { name: 'AuthExpiredError', error: () => new FakeAuthExpiredError('auth expired'), code: 'auth-expired', message: /expired or was revoked/ },
      { name: 'DesktopSessionExpiredError', error: () => new FakeDesktopSessionExpiredError('desktop session expired'), code: 'auth-expired', message: /desktop-app session expired/ },
      { name: 'RateLimitExceededError', error: () => new FakeRateLimitExceededError('rate limit exceeded'), code: 'rate-limited', message: /rate-limiting/ },
      { name: 'revoked token', error: () => new Error(SDK_MESSAGES.rotatedToken), code: 'auth-expired', message: /expired or was revoked/ },
      { name: 'not authenticated', error: () => new Error(SDK_MESSAGES.notAuthenticated), code: 'auth-expired', message: /expired or was revoked/ },
      { name: 'network unreachable', error: () => new Error(SDK_MESSAGES.network), code: 'offline', message: /network looks unreachable/ },
      { name: 'server-side timeout', error: () => new Error(SDK_MESSAGES.serverTimeout), code: 'timeout', message: /did not answer in time/ },
      { name: 'a JSON string thrown (not an Error)', error: () => JSON.stringify({ name: 'ParsingSecretReference', message: 'the secret reference could not be parsed' }), code: 'invalid-reference', message: /not valid/ },
      { name: 'anything else', error: () => new Error('something new went wrong'), code: 'error', message: /1Password returned an error/ },
    ];
    for (const { name, error, code, message } of cases) {
      it(`${name} → ${code} (at sign-in and at resolve)`, async () => {
        const canary = makeCanary('sdk');
        const withCanary = (): unknown => {
          const e = error();
          if (e instanceof Error) e.message = `${e.message} [context ${canary}]`;
          return e;
        };
        // at createClient
        const atSignIn = makeStore(new FakeSdk({ createClient: () => Promise.reject(withCanary()) }));
        const signInFailure = failure(await atSignIn.store.resolveAll([op('V/I/f'), opEnv('e1', 'X')], signal()), 'op://V/I/f');
        assert.equal(signInFailure.code, code);
        assert.match(signInFailure.message, message);
        assert.deepEqual(findLeaks(signInFailure.message, [canary]), []);

        // at resolveAll / getVariables
        const atCall = makeStore(new FakeSdk({ resolveAll: () => Promise.reject(withCanary()), getVariables: () => Promise.reject(withCanary()) }));
        const results = await atCall.store.resolveAll([op('V/I/f'), opEnv('e1', 'X')], signal());
        for (const raw of ['op://V/I/f', 'op-env://e1/X']) {
          assert.equal(failure(results, raw).code, code);
          assert.deepEqual(findLeaks(failure(results, raw).message, [canary]), []);
        }
        // The person can read the SDK's own words in the (scrubbed) log.
        assert.ok(atCall.log.lines.some((line) => line.startsWith('1Password: ')));
      });
    }
  });

  it('never puts the service-account token in an outcome or the log', async () => {
    const token = `ops_${makeCanary('token')}`;
    const sdk = new FakeSdk({ createClient: () => Promise.reject(new Error(SDK_MESSAGES.malformedToken)) });
    const { store, log } = makeStore(sdk, { kind: 'service-account', token: new SecretValue(token) });
    const results = await store.resolveAll([op('V/I/f')], signal());
    assert.deepEqual(findLeaks(inspect(results, { depth: 5 }) + log.lines.join('\n'), [token]), []);
  });

  it('keeps a token the SDK might quote out of the log and out of the Connect message', async () => {
    const token = `ops_${makeCanary('quoted').replace(/-/g, '')}`;
    const sdk = new FakeSdk({ createClient: () => Promise.reject(new Error(`cannot use ${token}: invalid format`)) });
    const { store, log } = makeStore(sdk, { kind: 'service-account', token: new SecretValue(token) });
    await store.resolveAll([op('V/I/f')], signal());
    const outcome = await store.verify({ kind: 'service-account', token: new SecretValue(token) }, 30_000);
    assert.ok(!outcome.ok);
    assert.match(outcome.sdkMessage ?? '', /ops_\[token\]: invalid format/);
    assert.deepEqual(findLeaks(log.lines.join('\n') + (outcome.sdkMessage ?? ''), [token]), []);
  });

  it('reports an SDK that cannot be loaded as a typed error', async () => {
    const store = new OnePasswordStore({
      loadSdk: () => Promise.reject(new Error("Cannot find module './onepassword-sdk.js'")),
      auth: { current: async () => ({ kind: 'desktop', account: 'acct' }) },
      log: recordingLog(),
      clock: new FakeClock(),
      integrationVersion: 'test',
    });
    const outcome = failure(await store.resolveAll([op('V/I/f')], signal()), 'op://V/I/f');
    assert.equal(outcome.code, 'error');
    assert.match(outcome.message, /SDK could not be loaded/);
  });

  it('times out through the StoreRouter when the SDK never answers (the SDK has no timeout of its own)', async () => {
    const sdk = new FakeSdk({ resolveAll: () => new Promise(() => {}) });
    const { store } = makeStore(sdk);
    const clock = new FakeClock();
    const router = new StoreRouter([{ store, timeoutMs: () => 30_000 }], clock);
    const pending = router.resolveAll([op('V/I/f')], signal());
    await new Promise<void>((resolve) => setImmediate(resolve));
    clock.advance(30_000);
    const outcome = failure(await pending, 'op://V/I/f');
    assert.equal(outcome.code, 'timeout');
    assert.match(outcome.message, /1Password did not answer within 30 s/);
  });

  describe('verify (Airlock: Connect 1Password)', () => {
    it("returns the SDK's own words for a malformed token, for the person", async () => {
      const sdk = new FakeSdk({ createClient: () => Promise.reject(new Error(SDK_MESSAGES.malformedToken)) });
      const outcome = await makeStore(sdk).store.verify({ kind: 'service-account', token: new SecretValue('not-a-token') }, 30_000);
      assert.ok(!outcome.ok);
      assert.equal(outcome.code, 'not-configured');
      assert.match(outcome.sdkMessage ?? '', /invalid format/);
    });

    it('l10n: the person reads the failure (and a timeout) in their language; a run’s failure stays English', async () => {
      const sdk = new FakeSdk({ createClient: () => Promise.reject(new Error(SDK_MESSAGES.malformedToken)) });
      const translated = await makeStore(sdk).store.verify({ kind: 'service-account', token: new SecretValue('not-a-token') }, 30_000, markingL10n);
      assert.ok(!translated.ok);
      assert.equal(translated.message, '«The 1Password service-account token is malformed. Run "Airlock: Connect 1Password" to set it up again.»');
      const english = await makeStore(sdk).store.verify({ kind: 'service-account', token: new SecretValue('not-a-token') }, 30_000);
      assert.ok(!english.ok);
      assert.equal(english.message, 'The 1Password service-account token is malformed. Run "Airlock: Connect 1Password" to set it up again.');
      const hanging = makeStore(new FakeSdk({ createClient: () => new Promise(() => {}) }));
      const pending = hanging.store.verify({ kind: 'desktop', account: 'acct' }, 10_000, markingL10n);
      await new Promise<void>((resolve) => setImmediate(resolve));
      hanging.clock.advance(10_000);
      const late = await pending;
      assert.ok(!late.ok && late.message === '«1Password did not answer within 10 s.»');
      const { store } = makeStore(new FakeSdk(), 'not-connected');
      const listed = await store.listVaults(markingL10n);
      assert.ok(!listed.ok && listed.message.startsWith('«1Password is not connected.'));
      const run = failure(await store.resolveAll([op('V/I/f')], signal()), 'op://V/I/f');
      assert.equal(run.message, '1Password is not connected. Run "Airlock: Connect 1Password" (desktop app or service account), then try again.');
    });

    it('succeeds when the client signs in', async () => {
      const outcome = await makeStore(new FakeSdk()).store.verify({ kind: 'desktop', account: 'acct' }, 30_000);
      assert.ok(outcome.ok);
    });

    it('times out on the injected clock', async () => {
      const sdk = new FakeSdk({ createClient: () => new Promise(() => {}) });
      const { store, clock } = makeStore(sdk);
      const pending = store.verify({ kind: 'desktop', account: 'acct' }, 10_000);
      await new Promise<void>((resolve) => setImmediate(resolve));
      clock.advance(10_000);
      const outcome = await pending;
      assert.ok(!outcome.ok && outcome.code === 'timeout');
    });
  });

  describe('creating an item (the .env import\'s "Create a 1Password item")', () => {
    // What the fake mirrors, from @1password/sdk 0.5.0's types.d.ts (no real account can be reached here):
    // vaults.list() answers VaultOverview[]; items.create(ItemCreateParams) answers the created Item, whose
    // id 1Password generates and whose fields carry the ids they were created with. The real service was
    // not called: whether it keeps the id "credential" for an API Credential's concealed field is the one
    // assumption, and the reference is built from whatever field ids the returned item carries.
    const vaultOverview = (id: string, title: string): Sdk.VaultOverview => ({
      id, title, description: '', vaultType: 'userCreated' as Sdk.VaultType, activeItemCount: 0, contentVersion: 1, attributeVersion: 1, createdAt: new Date(0), updatedAt: new Date(0),
    });
    const createdItem = (params: Sdk.ItemCreateParams, itemId = 'k7d2ahxqzbcm4tn5vyr3ufwe6i'): Sdk.Item => ({
      id: itemId, title: params.title, category: params.category, vaultId: params.vaultId,
      fields: (params.fields ?? []).map((field) => ({ ...field })), sections: [], notes: '', tags: [], websites: [], version: 1, files: [], createdAt: new Date(0), updatedAt: new Date(0),
    });

    it('lists the vaults the account sees, by title', async () => {
      const sdk = new FakeSdk({ vaultsList: async () => [vaultOverview('v2', 'Shared'), vaultOverview('v1', 'Dev')] });
      const { store } = makeStore(sdk);
      assert.deepEqual(await store.listVaults(), { ok: true, value: [{ id: 'v1', title: 'Dev' }, { id: 'v2', title: 'Shared' }] });
    });

    it('creates an API Credential in the chosen vault with one concealed field and answers the reference built from the returned ids', async () => {
      const canary = makeCanary('create');
      const sdk = new FakeSdk({ itemsCreate: async (params) => createdItem(params) });
      const { store } = makeStore(sdk);
      const outcome = await store.createItem('vaultid0001', 'shop API_KEY', 'API_KEY', new SecretValue(canary));
      assert.deepEqual(outcome, { ok: true, value: 'op://vaultid0001/k7d2ahxqzbcm4tn5vyr3ufwe6i/credential' });
      assert.equal(sdk.created.length, 1);
      const params = sdk.created[0]!;
      assert.equal(params.category, 'ApiCredentials');
      assert.equal(params.vaultId, 'vaultid0001');
      assert.equal(params.title, 'shop API_KEY');
      assert.deepEqual(params.fields, [{ id: 'credential', title: 'API_KEY', fieldType: 'Concealed', value: canary }]);
      assert.equal(params.notes, undefined);
    });

    it('builds the reference with the section when 1Password put the field in one, and refuses an item without the field', async () => {
      const inSection = new FakeSdk({ itemsCreate: async (params) => ({ ...createdItem(params, 'itemid'), fields: [{ id: 'credential', title: 'K', sectionId: 'sec1', fieldType: 'Concealed' as Sdk.ItemFieldType, value: 'x' }] }) });
      assert.deepEqual(await makeStore(inSection).store.createItem('v', 't', 'K', new SecretValue('value-123456')), { ok: true, value: 'op://v/itemid/sec1/credential' });
      const noField = new FakeSdk({ itemsCreate: async (params) => ({ ...createdItem(params), fields: [] }) });
      const outcome = await makeStore(noField).store.createItem('v', 't', 'K', new SecretValue('value-123456'));
      assert.ok(!outcome.ok && outcome.code === 'error');
    });

    it('is not-configured without signing in when 1Password is not connected', async () => {
      const sdk = new FakeSdk();
      const { store, loads } = makeStore(sdk, 'not-connected');
      assert.equal(await store.connected(), false);
      const outcome = await store.createItem('v', 't', 'K', new SecretValue('value-123456'));
      assert.ok(!outcome.ok && outcome.code === 'not-configured');
      assert.equal(loads(), 0);
    });

    const refusals: readonly [string, () => Error, string][] = [
      ['a read-only service account', () => new Error('Forbidden: the service account does not have permission to create items in vault vaultid0001: {"title":"t","value":"CANARY"}'), 'read-only'],
      ['a locked desktop app', () => new Error('1Password is locked; request CANARY refused'), 'locked'],
      ['offline', () => new Error('error sending request for url (https://my.example/api/v2/items) body=CANARY'), 'offline'],
      ['rate-limited', () => new FakeRateLimitExceededError('rate limit exceeded for CANARY'), 'rate-limited'],
      ['an expired session', () => new FakeAuthExpiredError('expired CANARY'), 'auth-expired'],
      ['anything else', () => new Error(`unexpected: CANARY`), 'error'],
    ];
    for (const [what, error, code] of refusals) {
      it(`maps ${what} to ${code}, and no SDK text (which quotes the value) reaches the outcome, the log or an exception`, async () => {
        const canary = makeCanary('refused');
        const sdk = new FakeSdk({ itemsCreate: async () => { const e = error(); e.message = e.message.replace('CANARY', canary); throw e; } });
        const { store, log } = makeStore(sdk);
        const outcome = await store.createItem('vaultid0001', 'title', 'API_KEY', new SecretValue(canary));
        assert.ok(!outcome.ok && outcome.code === code, JSON.stringify(outcome));
        assert.deepEqual(findLeaks(`${JSON.stringify(outcome)} ${inspect(outcome)} ${log.lines.join('\n')}`, [canary]), []);
        assert.ok(log.lines.some((line) => line.includes('creating an item failed')), log.lines.join('\n'));
      });
    }
  });

  it('errorMessage reads Errors, JSON strings (validateSecretReference) and plain strings', () => {
    assert.equal(errorMessage(new Error('x')), 'x');
    assert.equal(errorMessage('{"name":"ParsingSecretReference","message":"bad ref"}'), 'bad ref');
    assert.equal(errorMessage('plain'), 'plain');
    assert.equal(errorMessage(42), 'unknown error');
  });
});
