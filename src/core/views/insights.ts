import type { AuditRow } from '../audit/auditView';
import { clientLabel } from '../clients';
import type { Clock } from '../clock';
import { revealCapped } from '../text/untrustedText';
import type { L10n } from '../../shared/l10n';
import { withinUsualHours, type UsualHours } from './usualHours';

/** Something in the audit trail worth a second look. */
export type InsightKind = 'outside-hours' | 'new-credential' | 'burst' | 'repeated-denials';

export interface Insight {
  readonly kind: InsightKind;
  readonly client: string;
  /** When it happened (ms since the epoch): the audit line's time. */
  readonly time: number;
  readonly message: string;
}

export interface InsightOptions {
  readonly usualHours: UsualHours | undefined;
  /** Local minute of the day (0–1439) of a time: the adapter passes the machine's time zone. */
  readonly minuteOfDay: (ms: number) => number;
  /** Requests of one client within `windowMs` at which it counts as a burst. */
  readonly burst?: { readonly count: number; readonly windowMs: number };
  /** Denials/refusals of one client within `windowMs` at which they count as repeated. */
  readonly denials?: { readonly count: number; readonly windowMs: number };
}

export const DEFAULT_BURST = { count: 10, windowMs: 60_000 } as const;
export const DEFAULT_DENIALS = { count: 3, windowMs: 10 * 60_000 } as const;

const who = clientLabel;

/**
 * Reads the audit rows in order and reports: a request outside the usual hours; a client asking for a credential
 * it never asked for before (only once it has some history, so a first connection is not flagged); a burst of
 * requests; repeated denials. Each burst or denial streak is reported once, when it reaches its threshold.
 * Pure: time comes from the rows, the time zone from `minuteOfDay`.
 */
export function detectInsights(rows: readonly AuditRow[], options: InsightOptions, l10n: L10n): Insight[] {
  const burst = options.burst ?? DEFAULT_BURST;
  const denials = options.denials ?? DEFAULT_DENIALS;
  const asked = new Map<string, Set<string>>();
  const requestTimes = new Map<string, number[]>();
  const denialTimes = new Map<string, number[]>();
  const found: Insight[] = [];
  const recent = (map: Map<string, number[]>, client: string, time: number, windowMs: number): number[] => {
    const kept = (map.get(client) ?? []).filter((t) => time - t < windowMs);
    kept.push(time);
    map.set(client, kept);
    return kept;
  };
  for (const row of rows) {
    const time = Date.parse(row.time);
    if (Number.isNaN(time) || row.client === undefined) continue;
    const client = row.client;
    if (row.type === 'request') {
      if (options.usualHours !== undefined && !withinUsualHours(options.usualHours, options.minuteOfDay(time))) {
        found.push({ kind: 'outside-hours', client, time, message: l10n.t('{0} asked for a credential outside your usual hours', who(client)) });
      }
      const known = asked.get(client);
      if (known !== undefined && known.size > 0) {
        const fresh = row.credentials.filter((name) => !known.has(name));
        if (fresh.length > 0) found.push({ kind: 'new-credential', client, time, message: l10n.t('{0} asked for {1} for the first time', who(client), revealCapped(fresh.join(', '), 120)) });
      }
      const set = known ?? new Set<string>();
      for (const name of row.credentials) set.add(name);
      asked.set(client, set);
      if (recent(requestTimes, client, time, burst.windowMs).length === burst.count) {
        found.push({ kind: 'burst', client, time, message: l10n.t('{0} made {1} requests within {2} s', who(client), burst.count, Math.round(burst.windowMs / 1000)) });
      }
    }
    if ((row.type === 'decision' && row.decision === 'denied') || row.type === 'run-refused') {
      if (recent(denialTimes, client, time, denials.windowMs).length === denials.count) {
        found.push({ kind: 'repeated-denials', client, time, message: l10n.t('{0} was denied or refused {1} times within {2} min', who(client), denials.count, Math.round(denials.windowMs / 60_000)) });
      }
    }
  }
  return found;
}

/**
 * Which insights deserve a notification: only those that happened since `since` (not old ones found when
 * the log is first read), and at most one per kind per hour.
 */
export class InsightNotifier {
  private readonly lastShown = new Map<InsightKind, number>();
  private readonly seen = new Set<string>();

  constructor(
    private readonly clock: Clock,
    private readonly since: number,
    private readonly intervalMs = 60 * 60_000,
  ) {}

  /** The insights to notify now (each insight is considered once). */
  take(insights: readonly Insight[]): Insight[] {
    const now = this.clock.now();
    const chosen: Insight[] = [];
    for (const insight of insights) {
      const key = `${insight.kind}|${insight.client}|${insight.time}|${insight.message}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      if (insight.time < this.since) continue;
      const last = this.lastShown.get(insight.kind);
      if (last !== undefined && now - last < this.intervalMs) continue;
      this.lastShown.set(insight.kind, now);
      chosen.push(insight);
    }
    return chosen;
  }
}
