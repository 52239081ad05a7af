import type { Clock, Timer } from '../../../../src/core/clock';
import type { Log } from '../../../../src/core/log';
import type { ConsentRequest } from '../../../../src/core/consent/consent';

/** A Clock the test advances; timers fire in deadline order. */
export class FakeClock implements Clock {
  private time = 1_000_000;
  private timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  now(): number {
    return this.time;
  }
  schedule(ms: number, fn: () => void): Timer {
    const timer = { at: this.time + ms, fn, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const next = this.timers.filter((t) => !t.cancelled && t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (next === undefined) break;
      this.time = next.at;
      next.cancelled = true;
      next.fn();
    }
    this.time = until;
  }
  get live(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }
}

/** A Log that records lines. */
export class RecordingLog implements Log {
  readonly lines: string[] = [];
  debug(m: string): void { this.lines.push(`debug ${m}`); }
  info(m: string): void { this.lines.push(`info ${m}`); }
  warn(m: string): void { this.lines.push(`warn ${m}`); }
  error(m: string): void { this.lines.push(`error ${m}`); }
}

let counter = 0;
export function consentRequest(clock: Clock, overrides: Partial<ConsentRequest> = {}): ConsentRequest {
  counter += 1;
  return {
    id: `req-${counter}`,
    client: { id: 'codex', sessionId: 's1', claimedName: 'codex-cli' },
    credentials: [{ name: 'DEPLOY_TOKEN', description: 'Deploys', env: 'DEPLOY_TOKEN', store: '1Password', reference: 'op://Prod/Deploy/token', definedByWorkspace: false }],
    command: 'npm run deploy',
    cwd: '/work/app',
    reason: 'Deploy the fix',
    limits: { defaultDurationSeconds: 900, maxDurationSeconds: 3600, maxRuns: 5, allowPrefix: false },
    createdAt: clock.now(),
    deadline: clock.now() + 120_000,
    ...overrides,
  };
}
