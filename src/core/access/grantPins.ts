import { MESSAGES, type CodePinRefusal } from '../errorCodes';
import type { Log } from '../log';
import type { CodePin, CodePins, PinChange } from '../pin/pin';

/** A pin that could not be re-taken counts as changed: nothing runs unless it is known to be unchanged. */
const UNREADABLE: PinChange = { paths: ['(the fingerprint could not be re-taken)'] };

/**
 * The code pins of live grants (src/core/pin): taken when a request is asked (before the card or policy),
 * handed to the grant at issue, checked before every run, held quiet while the grant's own run is in
 * progress, and disposed when the grant ends. The one owner of the pin map; Requests takes and keeps,
 * Runs checks and runs inside, the orchestrator forgets on lease events and at shutdown.
 *
 * Without `source` (pins not wired) nothing is pinned and nothing ever counts as changed.
 */
export class GrantPins {
  private readonly byGrant = new Map<string, CodePin>();
  /** Grants decided at the moment they run (the person's own runs): no approval earlier to compare with. */
  private readonly decidedAtRun = new Set<string>();

  constructor(
    private readonly source: CodePins | undefined,
    private readonly log: Log,
  ) {}

  /** Fingerprints what `command` runs in `cwd`; a pin that cannot be taken refuses the request. */
  async take(command: string, cwd: string): Promise<{ ok: true; value: CodePin | undefined } | { ok: false; code: Extract<CodePinRefusal, 'code-unpinnable'>; message: string }> {
    if (this.source === undefined) return { ok: true, value: undefined };
    try {
      return { ok: true, value: await this.source.take(command, cwd) };
    } catch (error) {
      this.log.error(`Could not fingerprint what "${command}" runs: ${error instanceof Error ? error.message : String(error)}`);
      return { ok: false, code: 'code-unpinnable', message: MESSAGES['code-unpinnable'] };
    }
  }

  /** What changed since a request's `pin` was taken (checked before its approval counts); undefined when nothing did. */
  recheck(pin: CodePin | undefined): Promise<PinChange | undefined> {
    return pin === undefined ? Promise.resolve(undefined) : pin.check().catch(() => UNREADABLE);
  }

  /** The grant keeps the pin its request took (call right at issue, before any await, so no lease event is missed). */
  keep(grantId: string, pin: CodePin | undefined): void {
    if (pin !== undefined) this.byGrant.set(grantId, pin);
  }

  /**
   * A one-run grant the person makes by running the command themselves (Run Command with Credentials…):
   * what runs is whatever is there when they run it, so there is nothing to pin. Call right at issue.
   */
  decidedNow(grantId: string): void {
    this.decidedAtRun.add(grantId);
  }

  /** What changed since the grant's pin was taken; a grant without a pin while pins are wired counts as changed. */
  check(grantId: string): Promise<PinChange | undefined> {
    if (this.source === undefined || this.decidedAtRun.has(grantId)) return Promise.resolve(undefined);
    const pin = this.byGrant.get(grantId);
    if (pin === undefined) return Promise.resolve({ paths: ['(no fingerprint for this grant)'] });
    return this.recheck(pin);
  }

  /** Runs `spawn` as one of the grant's own runs: what it changes does not count against the pin. */
  during<T>(grantId: string, spawn: () => Promise<T>): Promise<T> {
    const pin = this.byGrant.get(grantId);
    return pin === undefined ? spawn() : pin.during(spawn);
  }

  /** The grant ended (expired, spent, revoked): its pin's watchers stop. */
  forget(grantId: string): void {
    this.byGrant.get(grantId)?.dispose();
    this.byGrant.delete(grantId);
    this.decidedAtRun.delete(grantId);
  }

  /** Shutdown: every pin disposed. */
  dispose(): void {
    for (const pin of this.byGrant.values()) pin.dispose();
    this.byGrant.clear();
    this.decidedAtRun.clear();
  }
}
