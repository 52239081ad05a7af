import type { Clock, Timer } from '../clock';
import { silentLog, type Log } from '../log';
import { fail } from '../outcome';
import type { ReferenceKind, SecretReference } from './reference';
import type { ResolveOutcome, SecretStore } from './store';

/** One store and how long the router waits for it. Adding a store is one more registration. */
export interface StoreRegistration {
  readonly store: SecretStore;
  /** Read at every call, so a changed setting (e.g. `airlock.onePassword.timeoutSeconds`) applies at once. */
  readonly timeoutMs?: () => number;
}

/** The default store timeout: stores (the 1Password SDK in particular) have none of their own. */
export const DEFAULT_STORE_TIMEOUT_MS = 30_000;

/**
 * Routes every reference to the store registered for its kind and resolves them with one call per store.
 *
 * Contract: never throws and never hangs. Each reference gets exactly one outcome, keyed by
 * `reference.raw`: the store's own, or a typed failure when the store has no answer for it, throws
 * (`error`, with no detail from the exception), misses its timeout (`timeout`) or the caller aborts.
 * Values that arrive after a timeout or abort are disposed, never returned.
 */
export class StoreRouter implements SecretStore {
  readonly label = 'Airlock stores';
  readonly kinds: readonly ReferenceKind[];
  private readonly byKind = new Map<ReferenceKind, StoreRegistration>();

  constructor(
    registrations: readonly StoreRegistration[],
    private readonly clock: Clock,
    private readonly log: Log = silentLog,
  ) {
    for (const registration of registrations) {
      for (const kind of registration.store.kinds) {
        const existing = this.byKind.get(kind);
        if (existing !== undefined) {
          throw new Error(`Both "${existing.store.label}" and "${registration.store.label}" claim "${kind}" references.`);
        }
        this.byKind.set(kind, registration);
      }
    }
    this.kinds = [...this.byKind.keys()];
  }

  /** The store that resolves `kind`, if one is registered. */
  storeFor(kind: ReferenceKind): SecretStore | undefined {
    return this.byKind.get(kind)?.store;
  }

  async resolveAll(references: readonly SecretReference[], signal: AbortSignal): Promise<ReadonlyMap<string, ResolveOutcome>> {
    const results = new Map<string, ResolveOutcome>();
    const groups = new Map<StoreRegistration, SecretReference[]>();
    const seen = new Set<string>();
    for (const reference of references) {
      if (seen.has(reference.raw)) continue;
      seen.add(reference.raw);
      const registration = this.byKind.get(reference.kind);
      if (registration === undefined) {
        results.set(reference.raw, fail('not-configured', `No store is set up for "${reference.kind}" references (${reference.raw}).`));
        continue;
      }
      const group = groups.get(registration);
      if (group === undefined) groups.set(registration, [reference]);
      else group.push(reference);
    }
    const answers = await Promise.all(
      [...groups].map(async ([registration, group]) => [group, await this.resolveGroup(registration, group, signal)] as const),
    );
    for (const [group, answer] of answers) {
      for (const reference of group) {
        const outcome = answer.get(reference.raw);
        if (outcome !== undefined) results.set(reference.raw, outcome);
      }
    }
    return results;
  }

  private resolveGroup(
    registration: StoreRegistration,
    group: readonly SecretReference[],
    outerSignal: AbortSignal,
  ): Promise<ReadonlyMap<string, ResolveOutcome>> {
    const { store } = registration;
    const timeoutMs = sanitizeTimeout(registration.timeoutMs?.() ?? DEFAULT_STORE_TIMEOUT_MS);
    const all = (outcome: ResolveOutcome): ReadonlyMap<string, ResolveOutcome> =>
      new Map(group.map((reference) => [reference.raw, outcome]));

    if (outerSignal.aborted) {
      return Promise.resolve(all(fail('error', `The request was cancelled before ${store.label} was asked.`)));
    }

    const controller = new AbortController();
    return new Promise((resolve) => {
      let settled = false;
      const timer: { current?: Timer } = {};
      const finish = (answer: ReadonlyMap<string, ResolveOutcome>): void => {
        if (settled) return;
        settled = true;
        timer.current?.cancel();
        outerSignal.removeEventListener('abort', onAbort);
        resolve(answer);
      };
      const onAbort = (): void => {
        controller.abort();
        finish(all(fail('error', `The request was cancelled while waiting for ${store.label}.`)));
      };
      outerSignal.addEventListener('abort', onAbort, { once: true });
      timer.current = this.clock.schedule(timeoutMs, () => {
        this.log.warn(`${store.label} did not answer within ${formatSeconds(timeoutMs)}.`);
        controller.abort();
        finish(
          all(
            fail(
              'timeout',
              `${store.label} did not answer within ${formatSeconds(timeoutMs)}. Check that it is reachable and unlocked, then try again.`,
            ),
          ),
        );
      });

      let pending: Promise<ReadonlyMap<string, ResolveOutcome>>;
      try {
        pending = store.resolveAll(group, controller.signal);
      } catch (error) {
        pending = Promise.reject(error);
      }
      pending.then(
        (answer) => {
          if (settled) {
            disposeValues(answer); // too late: nobody will read these
            return;
          }
          const complete = new Map<string, ResolveOutcome>();
          for (const reference of group) {
            complete.set(
              reference.raw,
              answer.get(reference.raw) ?? fail('error', `${store.label} gave no answer for ${reference.raw}.`),
            );
          }
          // Anything the store added beyond what was asked is dropped (and its value released).
          for (const [raw, outcome] of answer) if (!complete.has(raw)) release(outcome);
          finish(complete);
        },
        (error: unknown) => {
          // The exception's message may carry anything the store saw; only its class name is logged.
          this.log.error(`${store.label} failed unexpectedly (${errorClassName(error)}).`);
          finish(all(fail('error', `${store.label} failed unexpectedly. See the Airlock output channel, then try again.`)));
        },
      );
    });
  }
}

function sanitizeTimeout(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_STORE_TIMEOUT_MS;
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

function release(outcome: ResolveOutcome): void {
  if (outcome.ok) outcome.value.dispose();
}

function disposeValues(answer: ReadonlyMap<string, ResolveOutcome>): void {
  for (const outcome of answer.values()) release(outcome);
}

function errorClassName(error: unknown): string {
  if (error instanceof Error) return error.constructor.name || 'Error';
  return typeof error;
}
