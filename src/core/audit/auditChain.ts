import { createHash } from 'node:crypto';
import type { AuditEvent } from './events';
import { scrubDeep } from '../redaction/scrubDeep';

/**
 * The audit log's hash chain. One JSONL line per event:
 * `{"seq":n,"time":"<ISO>","prev":"<sha256 hex of the previous line>","event":{…}}`.
 * `prev` of the very first line is GENESIS; a rotated file's first line links to the previous file's
 * last line, so the chain runs across files. Editing, removing, inserting or reordering a line breaks
 * the link of the line after it (or the seq order), and verifyAuditLines names the first such line.
 */
export const GENESIS = '0'.repeat(64);

export interface AuditRecord {
  readonly seq: number;
  readonly time: string;
  readonly prev: string;
  readonly event: AuditEvent;
}

/** Where the chain stands: the next line gets `seq` and links to `prev`. */
export interface ChainHead {
  readonly seq: number;
  readonly prev: string;
}

export const INITIAL_HEAD: ChainHead = { seq: 1, prev: GENESIS };

export type HashLine = (line: string) => string;

/** SHA-256 (hex) of a line's UTF-8 bytes, without its newline. */
export const sha256Line: HashLine = (line) => createHash('sha256').update(line, 'utf8').digest('hex');

/**
 * The line for `event` at `head`, and the head after it. The event is serialised as given; the caller
 * (the sink) scrubs it first with scrubEvent. The line never contains a newline.
 */
export function formatAuditLine(head: ChainHead, time: Date, event: AuditEvent, hash: HashLine = sha256Line): { line: string; next: ChainHead } {
  const record: AuditRecord = { seq: head.seq, time: time.toISOString(), prev: head.prev, event };
  const line = JSON.stringify(record);
  return { line, next: { seq: head.seq + 1, prev: hash(line) } };
}

/** The head that follows an existing line (to continue a chain from a file's last line). */
export function headAfter(line: string, hash: HashLine = sha256Line): ChainHead {
  const parsed = parseAuditLine(line);
  return { seq: parsed.ok ? parsed.record.seq + 1 : Number.NaN, prev: hash(line) };
}

export type ParsedLine = { readonly ok: true; readonly record: AuditRecord } | { readonly ok: false; readonly why: string };

/** Parses one line into a record; checks the envelope's shape, not the chain. */
export function parseAuditLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, why: 'not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, why: 'not a JSON object' };
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).join(',');
  if (keys !== 'seq,time,prev,event') return { ok: false, why: `unexpected fields (${keys.slice(0, 80)})` };
  const { seq, time, prev, event } = record;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return { ok: false, why: 'seq is not a positive integer' };
  if (typeof time !== 'string' || Number.isNaN(Date.parse(time))) return { ok: false, why: 'time is not an ISO timestamp' };
  if (typeof prev !== 'string' || !/^[0-9a-f]{64}$/.test(prev)) return { ok: false, why: 'prev is not a SHA-256 hex digest' };
  if (typeof event !== 'object' || event === null || typeof (event as { type?: unknown }).type !== 'string') {
    return { ok: false, why: 'event has no type' };
  }
  return { ok: true, record: { seq, time, prev, event: event as AuditEvent } };
}

export type VerifyResult =
  | { readonly ok: true; readonly count: number; readonly head: ChainHead }
  | { readonly ok: false; readonly line: number; readonly why: string; readonly count: number };

/**
 * Verifies a run of lines that continues the chain at `start` (default: the beginning of the log).
 * Returns the number of lines and the head after them, or the first broken line (1-based, counted
 * from the first line given) with the reason. A trailing empty line (final newline) is ignored.
 */
export function verifyAuditLines(lines: readonly string[], start: ChainHead = INITIAL_HEAD, hash: HashLine = sha256Line): VerifyResult {
  let head = start;
  let count = 0;
  const total = lines.length > 0 && lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
  for (let index = 0; index < total; index++) {
    const line = lines[index]!;
    const broken = (why: string): VerifyResult => ({ ok: false, line: index + 1, why, count });
    if (line.length === 0) return broken('empty line');
    const parsed = parseAuditLine(line);
    if (!parsed.ok) return broken(parsed.why);
    const { record } = parsed;
    if (record.prev !== head.prev) {
      return broken(
        index === 0 && start.prev === GENESIS
          ? 'the first line does not start the chain (prev is not the genesis hash): lines were removed from the start'
          : 'prev does not match the SHA-256 of the previous line: that line was edited, or lines were removed or inserted',
      );
    }
    if (!Number.isNaN(head.seq) && record.seq !== head.seq) return broken(`seq is ${record.seq}, expected ${head.seq}`);
    head = { seq: record.seq + 1, prev: hash(line) };
    count++;
  }
  return { ok: true, count, head };
}

/**
 * Compares the head reached by verification with the head Airlock recorded after its last append
 * (kept outside the log). A chain alone cannot show lines cut from its end, or an end rewritten and
 * re-hashed; the recorded head can. Returns why they disagree, or undefined. A recorded head *behind*
 * the log is fine: another window appended since.
 */
export function checkRecordedHead(reached: ChainHead, recorded: ChainHead | undefined): string | undefined {
  if (recorded === undefined) return undefined;
  if (reached.seq < recorded.seq) {
    return `the log ends after event ${reached.seq - 1}, but Airlock wrote up to event ${recorded.seq - 1}: lines were removed from the end`;
  }
  if (reached.seq === recorded.seq && reached.prev !== recorded.prev) {
    return `the last event differs from the one Airlock wrote: the end of the log was rewritten`;
  }
  return undefined;
}

/** Whether a stored value is a ChainHead (state is read back without trusting its shape). */
export function isChainHead(value: unknown): value is ChainHead {
  if (typeof value !== 'object' || value === null) return false;
  const { seq, prev } = value as { seq?: unknown; prev?: unknown };
  return typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 1 && typeof prev === 'string' && /^[0-9a-f]{64}$/.test(prev);
}

/**
 * A copy of `event` with every string (and key) passed through `scrub` (see scrubDeep): defence in
 * depth, so a value that slipped into a command or reason never reaches the audit file.
 */
export function scrubEvent(event: AuditEvent, scrub: (text: string) => string): AuditEvent {
  return scrubDeep(event, scrub);
}
