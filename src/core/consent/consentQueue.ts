import type { ClientId } from '../clients';
import type { Clock, Timer } from '../clock';
import type { Log } from '../log';
import type { CommandMatch, ConsentAnswer, ConsentLimits, ConsentRequest } from './consent';

/** The person's answer as the panel reports it, before it is checked against the request's limits. */
export interface PersonDecision {
  readonly requestId: string;
  readonly decision: 'approve' | 'deny';
  readonly durationSeconds: number;
  readonly maxRuns: number | null;
  readonly commandMatch: CommandMatch;
  readonly blockClient: boolean;
}

export type DecideResult =
  | { readonly accepted: true; readonly answer: ConsentAnswer }
  | { readonly accepted: false; readonly why: 'unknown' | 'already-answered' | 'expired' };

interface Pending {
  readonly request: ConsentRequest;
  readonly resolve: (answer: ConsentAnswer) => void;
  readonly timer: Timer;
  readonly detach: () => void;
}

/** Requests settled this long ago are still recognised as replays (for the log), then forgotten. */
const REMEMBER_SETTLED = 1000;
/** More pending requests than this is a flood; newer ones are cancelled. */
export const MAX_PENDING = 1000;

/**
 * Clamps an approval to what the policy allows: duration within [1, max], runs within the cap (null only
 * when uncapped), prefix only when allowed. Never widens.
 */
export function clampApproval(limits: ConsentLimits, decision: Pick<PersonDecision, 'durationSeconds' | 'maxRuns' | 'commandMatch'>): ConsentAnswer {
  const max = Math.max(1, limits.maxDurationSeconds);
  const duration = Number.isFinite(decision.durationSeconds) ? Math.floor(decision.durationSeconds) : limits.defaultDurationSeconds;
  const durationSeconds = Math.min(max, Math.max(1, duration));
  let maxRuns: number | null = decision.maxRuns === null || !Number.isFinite(decision.maxRuns) ? null : Math.max(1, Math.floor(decision.maxRuns));
  if (limits.maxRuns !== null) maxRuns = maxRuns === null ? limits.maxRuns : Math.min(maxRuns, limits.maxRuns);
  const commandMatch: CommandMatch = decision.commandMatch === 'prefix' && limits.allowPrefix ? 'prefix' : 'exact';
  return { decision: 'approved', durationSeconds, maxRuns, commandMatch };
}

/**
 * The pending consent requests, in arrival order, driven by an injected Clock. Guarantees: each request
 * resolves exactly once; unanswered by its deadline → denied `timeout`; a decision is accepted only for an
 * id this queue issued and still holds (replays, doubles, forgeries and late answers are refused and
 * logged); `closeAll` denies everything pending; a blocked client's requests are denied at once.
 */
export class ConsentQueue {
  private readonly pendingById = new Map<string, Pending>();
  private readonly settled = new Set<string>();
  private readonly blocked = new Set<ClientId>();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly clock: Clock,
    private readonly log: Log,
  ) {}

  /** Called whenever the pending list changes (the panel re-renders). Returns an unsubscribe function. */
  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Requests still waiting for the person, oldest first. */
  pending(): readonly ConsentRequest[] {
    return [...this.pendingById.values()].map((entry) => entry.request);
  }

  isBlocked(client: ClientId): boolean {
    return this.blocked.has(client);
  }

  /** Queues a request; resolves with the person's answer, or a denial (timeout, panel closed, cancelled, blocked). */
  ask(request: ConsentRequest, signal: AbortSignal): Promise<ConsentAnswer> {
    if (this.blocked.has(request.client.id)) {
      this.log.info(`Consent request ${request.id} denied: ${request.client.id} is blocked for this session.`);
      return Promise.resolve(denied('client-blocked'));
    }
    if (signal.aborted) return Promise.resolve(denied('cancelled'));
    if (this.pendingById.has(request.id) || this.settled.has(request.id)) {
      // Ids are issued by the host from a CSPRNG; a reused id is a bug, and must not merge two requests.
      throw new Error(`Consent request id ${request.id} was already used.`);
    }
    if (this.pendingById.size >= MAX_PENDING) {
      this.log.warn(`Consent request ${request.id} cancelled: ${MAX_PENDING} requests are already waiting.`);
      return Promise.resolve(denied('cancelled'));
    }
    return new Promise<ConsentAnswer>((resolve) => {
      const onAbort = (): void => this.settle(request.id, denied('cancelled'));
      signal.addEventListener('abort', onAbort, { once: true });
      const timer = this.clock.schedule(Math.max(0, request.deadline - this.clock.now()), () => {
        this.log.info(`Consent request ${request.id} denied: no answer before its deadline.`);
        this.settle(request.id, denied('timeout'));
      });
      this.pendingById.set(request.id, { request, resolve, timer, detach: () => signal.removeEventListener('abort', onAbort) });
      this.changed();
    });
  }

  /** Applies the person's decision if `requestId` is pending and not past its deadline. */
  decide(decision: PersonDecision): DecideResult {
    const entry = this.pendingById.get(decision.requestId);
    if (entry === undefined) {
      const why = this.settled.has(decision.requestId) ? 'already-answered' : 'unknown';
      this.log.warn(`Consent decision ignored: request ${JSON.stringify(decision.requestId.slice(0, 64))} is ${why === 'unknown' ? 'not one Airlock issued' : 'no longer pending (already answered)'}.`);
      return { accepted: false, why };
    }
    if (this.clock.now() >= entry.request.deadline) {
      this.log.warn(`Consent decision ignored: request ${decision.requestId} passed its deadline; it is denied.`);
      this.settle(decision.requestId, denied('timeout'));
      return { accepted: false, why: 'expired' };
    }
    const answer: ConsentAnswer = decision.decision === 'approve'
      ? clampApproval(entry.request.limits, decision)
      : { decision: 'denied', reason: 'person', blockClient: decision.blockClient };
    if (decision.decision === 'deny' && decision.blockClient) this.block(entry.request.client.id, decision.requestId);
    this.settle(decision.requestId, answer);
    return { accepted: true, answer };
  }

  /** Denies every pending request with `reason` (the panel was closed, the extension is shutting down). */
  closeAll(reason: 'panel-closed' | 'cancelled'): void {
    for (const id of [...this.pendingById.keys()]) this.settle(id, denied(reason));
  }

  private block(client: ClientId, exceptId: string): void {
    this.blocked.add(client);
    this.log.info(`Client ${client} is blocked for this session.`);
    for (const [id, entry] of [...this.pendingById]) {
      if (id !== exceptId && entry.request.client.id === client) this.settle(id, denied('client-blocked'));
    }
  }

  private settle(id: string, answer: ConsentAnswer): void {
    const entry = this.pendingById.get(id);
    if (entry === undefined) return;
    this.pendingById.delete(id);
    entry.timer.cancel();
    entry.detach();
    this.settled.add(id);
    if (this.settled.size > REMEMBER_SETTLED) {
      const oldest = this.settled.values().next().value;
      if (oldest !== undefined) this.settled.delete(oldest);
    }
    entry.resolve(answer);
    this.changed();
  }

  private changed(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error) {
        this.log.error(`Consent listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

const denied = (reason: 'timeout' | 'panel-closed' | 'client-blocked' | 'cancelled' | 'person'): ConsentAnswer => ({ decision: 'denied', reason, blockClient: false });
