import { openSealedSession, type SealedEngineOptions, type SealedSecret, type SealedSession } from './spawnSealed';

interface Entry {
  readonly session: Promise<SealedSession>;
  active: number;
}

/** A grant's sealed session while one of its runs holds it. */
export interface SessionLease {
  readonly session: SealedSession;
  /** The run is over: closes the session when its grant has ended too. */
  release(): Promise<void>;
}

/**
 * One engine session per grant (spawnSealed.ts): opened by the grant's first sealed run — so the
 * engine's proxies start once per grant, not per run — and closed when the grant has ended and none of
 * its runs is still going (a grant spent by its last run ends before that run starts). Its host-bound
 * values live in the engine's registry for exactly that long.
 */
export class SealedSessions {
  private readonly sessions = new Map<string, Entry>();

  constructor(
    private readonly options: () => SealedEngineOptions,
    /** Whether the grant is still live (the lease manager knows). */
    private readonly live: (grantId: string) => boolean,
    private readonly open_: (secrets: readonly SealedSecret[], options: SealedEngineOptions) => Promise<SealedSession> = openSealedSession,
  ) {}

  /** The grant's session, opened with `secrets` (the host-bound values it registers) when it is the first. */
  async acquire(grantId: string, secrets: readonly SealedSecret[]): Promise<SessionLease> {
    let entry = this.sessions.get(grantId);
    if (entry === undefined) {
      entry = { session: this.open_(secrets, this.options()), active: 0 };
      this.sessions.set(grantId, entry);
    }
    entry.active++;
    const current = entry;
    let session: SealedSession;
    try {
      session = await current.session;
    } catch (error) {
      current.active--;
      if (this.sessions.get(grantId) === current) this.sessions.delete(grantId);
      throw error;
    }
    let released = false;
    return {
      session,
      release: async () => {
        if (released) return;
        released = true;
        current.active--;
        if (current.active === 0 && !this.live(grantId)) await this.close(grantId);
      },
    };
  }

  /** The grant ended: close its session now unless a run still holds it (its release closes it then). */
  async ended(grantId: string): Promise<void> {
    const entry = this.sessions.get(grantId);
    if (entry !== undefined && entry.active === 0) await this.close(grantId);
  }

  /** How many grants hold an engine session now. */
  get open(): number {
    return this.sessions.size;
  }

  /** Shutdown: closes every session (the engine stops with the last). */
  async dispose(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((grantId) => this.close(grantId)));
  }

  private async close(grantId: string): Promise<void> {
    const entry = this.sessions.get(grantId);
    if (entry === undefined) return;
    this.sessions.delete(grantId);
    try {
      await (await entry.session).close();
    } catch {
      // Opening failed: nothing was registered.
    }
  }
}
