import { randomUUID } from 'node:crypto';
import type { ClientId } from '../clients';
import type { Clock, Timer } from '../clock';
import { fail, ok, type Outcome } from '../outcome';
import { checkBinding, describeBinding } from './commandBinding';
import { runsLeft, type Grant } from './grant';
import type { GrantRefusal } from '../errorCodes';

export type RevokedBy = 'person' | 'agent' | 'shutdown';

/** What happens to grants; audit and the status bar listen. */
export type LeaseEvent =
  | { readonly type: 'issued'; readonly grant: Grant }
  | { readonly type: 'run-consumed'; readonly grant: Grant }
  | { readonly type: 'expired'; readonly grant: Grant; readonly why: 'time' | 'runs' }
  | { readonly type: 'revoked'; readonly grant: Grant; readonly by: RevokedBy };

/** What the lease manager needs to issue a grant: the grant's bindings, and a duration instead of times. */
export interface IssueGrant extends Pick<Grant, 'requestId' | 'client' | 'credentials' | 'command' | 'commandMatch' | 'cwd' | 'maxRuns'> {
  readonly durationSeconds: number;
}

export type { GrantRefusal };

/** What a run asks to be covered by a grant. `credentials` omitted: whatever the grant holds. */
export interface RunScope {
  readonly client: ClientId;
  readonly command: string;
  readonly cwd: string;
  readonly credentials?: readonly string[];
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
};

interface Lease {
  grant: Grant;
  timer: Timer;
}

/**
 * Holds the live grants, in memory only (a reload forgets them). Time comes from the injected Clock:
 * each grant schedules its own expiry. Grants hold names and bindings, never values.
 */
export class LeaseManager {
  private readonly leases = new Map<string, Lease>();
  private readonly listeners = new Set<(event: LeaseEvent) => void>();

  constructor(
    private readonly clock: Clock,
    private readonly newId: () => string = randomUUID,
  ) {}

  /** Subscribes to grant events; returns the unsubscribe. Listener errors never break the manager. */
  onEvent(listener: (event: LeaseEvent) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Issues a grant that ends after `durationSeconds` (or after `maxRuns` runs). */
  issue(request: IssueGrant): Grant {
    if (!(request.durationSeconds > 0)) throw new Error('A grant needs a positive duration.');
    if (request.maxRuns !== null && !(request.maxRuns >= 1)) throw new Error('A grant needs at least one run.');
    const now = this.clock.now();
    const grant: Grant = {
      id: this.newId(),
      requestId: request.requestId,
      client: request.client,
      credentials: [...new Set(request.credentials)],
      command: request.command,
      commandMatch: request.commandMatch,
      cwd: request.cwd,
      issuedAt: now,
      expiresAt: now + Math.round(request.durationSeconds * 1000),
      maxRuns: request.maxRuns,
      runsUsed: 0,
    };
    const timer = this.clock.schedule(grant.expiresAt - now, () => this.end(grant.id, { type: 'expired', why: 'time' }));
    this.leases.set(grant.id, { grant, timer });
    this.emit({ type: 'issued', grant });
    return grant;
  }

  get(id: string): Grant | undefined {
    return this.live(id)?.grant;
  }

  /** Every live grant, soonest expiry first. */
  active(client?: ClientId): Grant[] {
    return [...this.leases.keys()]
      .map((id) => this.live(id)?.grant)
      .filter((g): g is Grant => g !== undefined && (client === undefined || g.client === client))
      .sort((a, b) => a.expiresAt - b.expiresAt);
  }

  /** The live grant of `client` that covers this run (soonest expiry first), if any. */
  findFor(scope: RunScope): Grant | undefined {
    return this.active(scope.client).find((g) => this.covers(g, scope).ok);
  }

  /**
   * Checks that grant `id` belongs to `scope.client` and covers the command, cwd and credentials. A grant of
   * another client is reported as not found, so ids cannot be probed across clients.
   */
  check(id: string, scope: RunScope): Outcome<Grant, GrantRefusal> {
    const lease = this.leases.get(id);
    if (lease === undefined || lease.grant.client !== scope.client) {
      return fail('grant-not-found', `No grant "${id}" for this client. Call request_access (or run with credentials) to ask again.`);
    }
    if (this.live(id) === undefined) return fail('grant-ended', `Grant "${id}" has ended. Call request_access to ask again.`);
    return this.covers(lease.grant, scope);
  }

  /**
   * Atomically takes one run from a live grant that covers `scope`. When that was the last run the grant
   * ends (`expired`, why `runs`); the run itself goes ahead.
   */
  consumeRun(id: string, scope: RunScope): Outcome<Grant, GrantRefusal> {
    const checked = this.check(id, scope);
    if (!checked.ok) return checked;
    const lease = this.leases.get(id);
    if (lease === undefined) throw new Error('unreachable: checked grant vanished');
    const grant: Grant = { ...lease.grant, runsUsed: lease.grant.runsUsed + 1 };
    lease.grant = grant;
    this.emit({ type: 'run-consumed', grant });
    if (runsLeft(grant) === 0) this.end(id, { type: 'expired', why: 'runs' });
    return ok(grant);
  }

  /** Ends one grant. Returns false when there was no such live grant (or it belongs to another client). */
  revoke(id: string, by: RevokedBy, client?: ClientId): boolean {
    const lease = this.leases.get(id);
    if (lease === undefined || (client !== undefined && lease.grant.client !== client)) return false;
    return this.end(id, { type: 'revoked', by });
  }

  /** Ends every live grant (of `client`, when given); returns how many. */
  revokeAll(by: RevokedBy, client?: ClientId): number {
    return this.active(client).filter((g) => this.end(g.id, { type: 'revoked', by })).length;
  }

  /** Shutdown: ends every grant (emitting `revoked` by `shutdown`) and cancels every timer. */
  forgetAll(): void {
    this.revokeAll('shutdown');
    for (const lease of this.leases.values()) lease.timer.cancel();
    this.leases.clear();
  }

  private covers(grant: Grant, scope: RunScope): Outcome<Grant, GrantRefusal> {
    const binding = checkBinding(grant.command, grant.commandMatch, scope.command);
    if (!binding.ok) {
      const extras: Record<typeof binding.why, string> = {
        'different-command': '',
        'metacharacter-after-prefix': ' Shell metacharacters after the approved prefix are refused.',
        'option-after-prefix': ' Options ("-…") and assignments ("…=…") after the approved prefix are refused: they can change what the prefix runs.',
      };
      const extra = extras[binding.why];
      return fail(
        'command-not-covered',
        `Grant "${grant.id}" covers only the command ${describeBinding(grant.command, grant.commandMatch)}; "${scope.command}" is a different command.${extra} Ask again with request_access for this exact command.`,
      );
    }
    if (scope.cwd !== grant.cwd) {
      return fail('cwd-not-covered', `Grant "${grant.id}" covers the folder "${grant.cwd}" only, not "${scope.cwd}".`);
    }
    if (scope.credentials !== undefined && !sameSet(scope.credentials, grant.credentials)) {
      return fail('credentials-not-covered', `Grant "${grant.id}" covers exactly these credentials: ${grant.credentials.join(', ')}.`);
    }
    return ok(grant);
  }

  /** The lease if it is live now (the clock may be ahead of a timer that has not fired yet). */
  private live(id: string): Lease | undefined {
    const lease = this.leases.get(id);
    if (lease === undefined) return undefined;
    if (this.clock.now() >= lease.grant.expiresAt) {
      this.end(id, { type: 'expired', why: 'time' });
      return undefined;
    }
    return lease;
  }

  private end(id: string, how: { type: 'expired'; why: 'time' | 'runs' } | { type: 'revoked'; by: RevokedBy }): boolean {
    const lease = this.leases.get(id);
    if (lease === undefined) return false;
    this.leases.delete(id);
    lease.timer.cancel();
    this.emit(how.type === 'expired' ? { type: 'expired', grant: lease.grant, why: how.why } : { type: 'revoked', grant: lease.grant, by: how.by });
    return true;
  }

  private emit(event: LeaseEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A broken listener (status bar, audit) must not stop grants from ending.
      }
    }
  }
}
