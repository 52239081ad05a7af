import { createHash } from 'node:crypto';
import type * as Sdk from '@1password/sdk';
import type { Clock } from '../../core/clock';
import type { OnePasswordWriteFailure } from '../../core/envImport/envImport';
import type { Log } from '../../core/log';
import { fail, ok, type Failure, type Outcome } from '../../core/outcome';
import { plainL10n, type L10n } from '../../shared/l10n';
import { classifyOnePasswordError, classifyReferenceError, type OnePasswordFailure } from '../../core/secrets/onePasswordFailures';
import type { OnePasswordEnvironmentReference, OnePasswordReference, SecretReference } from '../../core/secrets/reference';
import type { ResolveOutcome, SecretStore } from '../../core/secrets/store';
import { revealSecret, SecretValue } from '../../core/secrets/secretValue';

/** The SDK's client configuration (not exported by name from the package root). */
export type OnePasswordClientConfiguration = Parameters<typeof Sdk.createClient>[0];

/**
 * The part of the SDK client Airlock calls. Typed from the SDK's own .d.ts: a change there breaks the build.
 * `vaults.list` and `items.create` only for the `.env` import's "Create a 1Password item".
 */
export type OnePasswordClient = Pick<Sdk.Client, 'secrets' | 'environments'> & {
  readonly vaults: Pick<Sdk.Client['vaults'], 'list'>;
  readonly items: Pick<Sdk.Client['items'], 'create'>;
};

/**
 * What Airlock takes from `@1password/sdk`, injected so unit tests pass a fake at the SDK boundary.
 * Production loads dist/onepassword-sdk.js lazily (see {@link loadBundledOnePasswordSdk}).
 */
export interface OnePasswordSdk {
  createClient(config: OnePasswordClientConfiguration): Promise<OnePasswordClient>;
  readonly DesktopAuth: typeof Sdk.DesktopAuth;
  readonly AuthExpiredError: typeof Sdk.AuthExpiredError;
  readonly DesktopSessionExpiredError: typeof Sdk.DesktopSessionExpiredError;
  readonly RateLimitExceededError: typeof Sdk.RateLimitExceededError;
  readonly ItemCategory: typeof Sdk.ItemCategory;
  readonly ItemFieldType: typeof Sdk.ItemFieldType;
}

/** A vault the signed-in account sees (a service account sees only the vaults it was given). */
export interface OnePasswordVaultSummary {
  readonly id: string;
  readonly title: string;
}

/** Why an item could not be created: a store failure, or 1Password refusing the write itself. */
export type CreateItemFailureCode = OnePasswordWriteFailure;

/** The id of the one concealed field of an item Airlock creates (an API Credential's own field id). */
export const CREATED_FIELD_ID = 'credential';

/**
 * How Airlock signs in to 1Password. The token is read from SecretStorage when needed, never cached here;
 * it is a SecretValue, revealed only to hand it to the SDK (and to key the cached client by its digest).
 */
export type OnePasswordAuth =
  | { readonly kind: 'desktop'; readonly account: string }
  | { readonly kind: 'service-account'; readonly token: SecretValue };

export interface OnePasswordAuthSource {
  /** The configured sign-in, or undefined when 1Password is not connected. */
  current(): Promise<OnePasswordAuth | undefined>;
}

export interface OnePasswordStoreDeps {
  readonly loadSdk: () => Promise<OnePasswordSdk>;
  readonly auth: OnePasswordAuthSource;
  readonly log: Log;
  readonly clock: Clock;
  readonly integrationVersion: string;
}

/** A failure, plus the SDK's own words for the person who is connecting (shown to them, never to an agent). */
export type ConnectOutcome = Outcome<void, OnePasswordFailure['code']> & { readonly sdkMessage?: string };

const notConnected = (l10n: L10n): Failure<'not-configured'> =>
  fail('not-configured', l10n.t('1Password is not connected. Run "Airlock: Connect 1Password" (desktop app or service account), then try again.'));

/**
 * Resolves `op://` references with one `secrets.resolveAll` call and `op-env://` references with one
 * `environments.getVariables` call per Environment. Contract: never throws; every SDK failure becomes a
 * typed outcome whose message carries none of the SDK's text (that goes to the log only); honours no
 * timeout of its own (the SDK has none — the StoreRouter applies one).
 */
/** Which of the SDK's own error classes `error` is (reads and writes map them alike). */
function errorClassOf(sdk: OnePasswordSdk, error: unknown): 'auth-expired' | 'desktop-session-expired' | 'rate-limited' | 'other' {
  if (error instanceof sdk.AuthExpiredError) return 'auth-expired';
  if (error instanceof sdk.DesktopSessionExpiredError) return 'desktop-session-expired';
  if (error instanceof sdk.RateLimitExceededError) return 'rate-limited';
  return 'other';
}

export class OnePasswordStore implements SecretStore {
  readonly kinds = ['op', 'op-env'] as const;
  readonly label = '1Password';
  private cached: { readonly key: string; readonly client: Promise<OnePasswordClient> } | undefined;

  constructor(private readonly deps: OnePasswordStoreDeps) {}

  /** Drops the signed-in client (after Connect, Disconnect, a settings change or an expired session). */
  forget(): void {
    this.cached = undefined;
  }

  /**
   * Signs in with `auth` once, to tell the person at once whether it works. Messages are in `l10n`'s
   * language: this, the vault list and item creation answer the person; `resolveAll` answers the agent (English).
   */
  async verify(auth: OnePasswordAuth, timeoutMs: number, l10n: L10n = plainL10n): Promise<ConnectOutcome> {
    let sdk: OnePasswordSdk;
    try {
      sdk = await this.deps.loadSdk();
    } catch (error) {
      return this.sdkLoadFailure(error, l10n);
    }
    const attempt = sdk.createClient(this.configuration(sdk, auth)).then(
      (): ConnectOutcome => ok(undefined),
      (error: unknown): ConnectOutcome => ({ ...this.classify(sdk, error, l10n), sdkMessage: withoutTokens(errorMessage(error)) }),
    );
    const timedOut = new Promise<ConnectOutcome>((resolve) => {
      const timer = this.deps.clock.schedule(timeoutMs, () =>
        resolve(fail('timeout', l10n.t('1Password did not answer within {0} s.', Math.round(timeoutMs / 1000)))),
      );
      void attempt.finally(() => timer.cancel());
    });
    const outcome = await Promise.race([attempt, timedOut]);
    this.forget();
    return outcome;
  }

  /** Whether 1Password is connected (a service-account token stored, or a desktop account set); no sign-in. */
  async connected(): Promise<boolean> {
    return (await this.deps.auth.current()) !== undefined;
  }

  /** The vaults the signed-in account sees, by title. Never throws; a failure names none of the SDK's text. */
  async listVaults(l10n: L10n = plainL10n): Promise<Outcome<OnePasswordVaultSummary[], OnePasswordFailure['code']>> {
    const signedIn = await this.signIn(l10n);
    if (!signedIn.ok) return signedIn;
    const { sdk, client } = signedIn.value;
    try {
      const vaults = await client.vaults.list();
      return ok(vaults.map((vault) => ({ id: vault.id, title: vault.title })).sort((a, b) => a.title.localeCompare(b.title)));
    } catch (error) {
      return this.classify(sdk, error, l10n);
    }
  }

  /**
   * Creates an API Credential item titled `title` in vault `vaultId` with one concealed field labelled
   * `field` holding `value`, and answers its `op://vault/item/[section/]field` reference, built from the
   * ids 1Password returned (titles may hold characters a reference cannot). Contract: never throws; the
   * value is revealed only to hand it to the SDK; the SDK's error text may echo the request (and so the
   * value), so on a failure none of it is logged or returned — only the error class and the code.
   */
  async createItem(vaultId: string, title: string, field: string, value: SecretValue, l10n: L10n = plainL10n): Promise<Outcome<string, CreateItemFailureCode>> {
    const signedIn = await this.signIn(l10n);
    if (!signedIn.ok) return signedIn;
    const { sdk, client } = signedIn.value;
    let item: Sdk.Item;
    try {
      item = await client.items.create({
        category: sdk.ItemCategory.ApiCredentials,
        vaultId,
        title,
        fields: [{ id: CREATED_FIELD_ID, title: field, fieldType: sdk.ItemFieldType.Concealed, value: revealSecret(value, 'store') }],
      });
    } catch (error) {
      return this.classifyWrite(sdk, error, l10n);
    }
    const created = item.fields.find((candidate) => candidate.id === CREATED_FIELD_ID) ?? item.fields.find((candidate) => candidate.fieldType === sdk.ItemFieldType.Concealed);
    if (created === undefined) {
      this.deps.log.warn(`1Password created item ${item.id} in vault ${item.vaultId} without the concealed field Airlock asked for.`);
      return fail('error', l10n.t('1Password created the item without its concealed field.'));
    }
    const section = created.sectionId !== undefined && created.sectionId !== '' ? `${created.sectionId}/` : '';
    return ok(`op://${item.vaultId}/${item.id}/${section}${created.id}`);
  }

  private async signIn(l10n: L10n): Promise<Outcome<{ readonly sdk: OnePasswordSdk; readonly client: OnePasswordClient }, OnePasswordFailure['code']>> {
    const auth = await this.deps.auth.current();
    if (auth === undefined) return notConnected(l10n);
    let sdk: OnePasswordSdk;
    try {
      sdk = await this.deps.loadSdk();
    } catch (error) {
      return this.sdkLoadFailure(error, l10n);
    }
    try {
      return ok({ sdk, client: await this.client(sdk, auth) });
    } catch (error) {
      this.forget(); // a failed sign-in is not cached: the next call tries again
      return this.classify(sdk, error, l10n);
    }
  }

  /**
   * Maps an error thrown by a write. Unlike a read's, its text is not logged: the SDK may quote the
   * request it refused, value included. A refusal to write ("permission", "forbidden", "read-only") is
   * `read-only`, so the person hears that this account may not create items there.
   */
  private classifyWrite(sdk: OnePasswordSdk, error: unknown, l10n: L10n): Failure<CreateItemFailureCode> {
    const errorClass = errorClassOf(sdk, error);
    const message = errorMessage(error);
    const failure: Failure<CreateItemFailureCode> =
      errorClass === 'other' && /permission|forbidden|read[- ]?only|not allowed|access denied|\b403\b/i.test(message)
        ? fail('read-only', l10n.t('1Password refused to create the item: this account may not write to that vault.'))
        : classifyOnePasswordError(errorClass, message, l10n);
    this.deps.log.warn(`1Password: creating an item failed (${errorClass}, ${failure.code}); the SDK's message is not logged, as it may quote the value.`);
    if (failure.code === 'auth-expired' || failure.code === 'not-configured') this.forget();
    return failure;
  }

  async resolveAll(references: readonly SecretReference[], signal: AbortSignal): Promise<ReadonlyMap<string, ResolveOutcome>> {
    const results = new Map<string, ResolveOutcome>();
    const secretRefs = references.filter((r): r is OnePasswordReference => r.kind === 'op');
    const envRefs = references.filter((r): r is OnePasswordEnvironmentReference => r.kind === 'op-env');
    const setAll = (refs: readonly SecretReference[], outcome: ResolveOutcome): void => {
      for (const reference of refs) results.set(reference.raw, outcome);
    };
    for (const reference of references) {
      if (reference.kind !== 'op' && reference.kind !== 'op-env') {
        results.set(reference.raw, fail('invalid-reference', `1Password cannot resolve ${reference.raw}.`));
      }
    }
    const ours = [...secretRefs, ...envRefs];
    if (ours.length === 0) return results;

    const auth = await this.deps.auth.current();
    if (auth === undefined) {
      setAll(ours, notConnected(plainL10n));
      return results;
    }
    let sdk: OnePasswordSdk;
    try {
      sdk = await this.deps.loadSdk();
    } catch (error) {
      setAll(ours, this.sdkLoadFailure(error));
      return results;
    }
    let client: OnePasswordClient;
    try {
      client = await this.client(sdk, auth);
    } catch (error) {
      this.forget(); // a failed sign-in is not cached: the next call tries again
      setAll(ours, this.classify(sdk, error));
      return results;
    }
    if (signal.aborted) return results;

    await Promise.all([
      this.resolveSecrets(sdk, client, secretRefs, results),
      ...groupByEnvironment(envRefs).map(([environmentId, refs]) => this.resolveEnvironment(sdk, client, environmentId, refs, results)),
    ]);
    if (signal.aborted) {
      for (const outcome of results.values()) if (outcome.ok) outcome.value.dispose();
    }
    return results;
  }

  private async resolveSecrets(
    sdk: OnePasswordSdk,
    client: OnePasswordClient,
    refs: readonly OnePasswordReference[],
    results: Map<string, ResolveOutcome>,
  ): Promise<void> {
    if (refs.length === 0) return;
    let response: Sdk.ResolveAllResponse;
    try {
      response = await client.secrets.resolveAll(refs.map((r) => r.raw));
    } catch (error) {
      const failure = this.classify(sdk, error);
      for (const reference of refs) results.set(reference.raw, failure);
      return;
    }
    for (const reference of refs) {
      const answer = Object.hasOwn(response.individualResponses, reference.raw) ? response.individualResponses[reference.raw] : undefined;
      if (answer?.content !== undefined) {
        results.set(reference.raw, ok(new SecretValue(answer.content.secret)));
      } else if (answer?.error !== undefined) {
        this.deps.log.info(`1Password: ${reference.raw}: ${answer.error.type}`);
        results.set(reference.raw, classifyReferenceError(answer.error.type, reference.raw));
      } else {
        results.set(reference.raw, fail('error', `1Password gave no answer for ${reference.raw}.`));
      }
    }
  }

  private async resolveEnvironment(
    sdk: OnePasswordSdk,
    client: OnePasswordClient,
    environmentId: string,
    refs: readonly OnePasswordEnvironmentReference[],
    results: Map<string, ResolveOutcome>,
  ): Promise<void> {
    let response: Sdk.GetVariablesResponse;
    try {
      response = await client.environments.getVariables(environmentId);
    } catch (error) {
      const failure = this.classify(sdk, error);
      for (const reference of refs) results.set(reference.raw, failure);
      return;
    }
    for (const reference of refs) {
      const variable = response.variables.find((v) => v.name === reference.variable);
      results.set(
        reference.raw,
        variable === undefined
          ? fail('not-found', `The 1Password Environment ${environmentId} has no variable ${reference.variable}.`)
          : ok(new SecretValue(variable.value)),
      );
    }
  }

  private client(sdk: OnePasswordSdk, auth: OnePasswordAuth): Promise<OnePasswordClient> {
    const key = authKey(auth);
    if (this.cached?.key !== key) {
      this.cached = { key, client: sdk.createClient(this.configuration(sdk, auth)) };
    }
    return this.cached.client;
  }

  private configuration(sdk: OnePasswordSdk, auth: OnePasswordAuth): OnePasswordClientConfiguration {
    return {
      auth: auth.kind === 'desktop' ? new sdk.DesktopAuth(auth.account) : revealSecret(auth.token, 'own-credential'),
      integrationName: 'Airlock',
      integrationVersion: this.deps.integrationVersion,
    };
  }

  /** Maps a thrown SDK error; the SDK's text goes to the log (scrubbed there), never into the outcome. */
  private classify(sdk: OnePasswordSdk, error: unknown, l10n: L10n = plainL10n): OnePasswordFailure {
    const errorClass = errorClassOf(sdk, error);
    const message = errorMessage(error);
    this.deps.log.warn(`1Password: ${withoutTokens(message)}`);
    const failure = classifyOnePasswordError(errorClass, message, l10n);
    if (failure.code === 'auth-expired' || failure.code === 'not-configured') this.forget();
    return failure;
  }

  private sdkLoadFailure(error: unknown, l10n: L10n = plainL10n): OnePasswordFailure {
    this.deps.log.error(`The 1Password SDK could not be loaded: ${errorMessage(error)}`);
    return fail('error', l10n.t('The 1Password SDK could not be loaded. See the Airlock output channel; reinstalling Airlock may help.'));
  }
}

/** The SDK throws Errors, and in places a JSON string (`Secrets.validateSecretReference`). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') {
    try {
      const parsed: unknown = JSON.parse(error);
      if (typeof parsed === 'object' && parsed !== null && 'message' in parsed && typeof parsed.message === 'string') {
        return parsed.message;
      }
    } catch {
      // not JSON: the string is the message
    }
    return error;
  }
  return 'unknown error';
}

/** Service-account tokens start with `ops_`; none may reach the log, even if the SDK quoted one. */
export function withoutTokens(message: string): string {
  return message.replace(/ops_[A-Za-z0-9+/=_.-]{8,}/g, 'ops_[token]');
}

function authKey(auth: OnePasswordAuth): string {
  return auth.kind === 'desktop'
    ? `desktop:${auth.account}`
    : `service-account:${createHash('sha256').update(revealSecret(auth.token, 'own-credential')).digest('hex')}`;
}

function groupByEnvironment(refs: readonly OnePasswordEnvironmentReference[]): [string, OnePasswordEnvironmentReference[]][] {
  const groups = new Map<string, OnePasswordEnvironmentReference[]>();
  for (const reference of refs) {
    const group = groups.get(reference.environmentId);
    if (group === undefined) groups.set(reference.environmentId, [reference]);
    else group.push(reference);
  }
  return [...groups];
}

/**
 * Loads dist/onepassword-sdk.js (its own esbuild entry; dist/core_bg.wasm beside it, brotli-compressed in a production build). Called on first
 * use only: requiring the SDK costs ~130 ms and ~80 MB, which activation must not pay.
 */
export function loadBundledOnePasswordSdk(): Promise<OnePasswordSdk> {
  return new Promise((resolve, reject) => {
    try {
      // Resolved next to dist/features.js at run time; esbuild keeps this path external.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      resolve(require('./onepassword-sdk.js') as typeof import('./onePasswordSdk'));
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
