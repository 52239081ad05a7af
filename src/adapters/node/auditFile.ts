import { promises as fs } from 'node:fs';
import { basename, join } from 'node:path';
import {
  checkRecordedHead,
  formatAuditLine,
  INITIAL_HEAD,
  parseAuditLine,
  scrubEvent,
  sha256Line,
  verifyAuditLines,
  type ChainHead,
  type VerifyResult,
} from '../../core/audit/auditChain';
import type { AuditEvent, AuditSink } from '../../core/audit/events';

export interface AuditFileOptions {
  /** The audit directory (the extension's global storage + `/audit`); created 0700. */
  readonly dir: string;
  /** Rotation threshold in bytes, read at each append (the setting may change). */
  readonly maxFileBytes: () => number;
  /** The live scrubber; every string of every event passes through it before it is written. */
  readonly scrub: (text: string) => string;
  readonly now?: () => Date;
  /** How long an append waits for another window's lock before it rejects (default 5 s). */
  readonly lockWaitMs?: number;
  /**
   * Where the head after the latest append is recorded, outside the log (VS Code global state), so
   * Verify also catches lines cut from the end or an end rewritten and re-hashed.
   */
  readonly recordedHead?: RecordedHead;
}

export interface RecordedHead {
  get(): ChainHead | undefined;
  set(head: ChainHead): PromiseLike<void>;
}

export type AuditVerifyResult = VerifyResult & { readonly files: number; readonly file?: string };

const FILE_PATTERN = /^audit-(\d{6})\.jsonl$/;
const fileName = (index: number): string => `audit-${String(index).padStart(6, '0')}.jsonl`;
const LOCK_NAME = 'audit.lock';
const LOCK_STALE_MS = 10_000;
const LOCK_WAIT_MS = 5_000;

/**
 * Append-only, hash-chained JSONL audit files. Appends are serialised in this process by a queue and
 * across VS Code windows (which share global storage) by an exclusive lock file; each append re-reads
 * the chain head from the newest file, so two windows extend one chain. A line is written with
 * `appendFile` + `datasync`, files 0600 in a 0700 directory. `append` rejects if the line cannot be
 * written (callers then refuse the run); a failed partial write is truncated away.
 */
export class AuditFile implements AuditSink {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => Date;
  private readonly appended = new Set<(event: AuditEvent) => void>();

  constructor(private readonly options: AuditFileOptions) {
    this.now = options.now ?? (() => new Date());
  }

  get dir(): string {
    return this.options.dir;
  }

  append(event: AuditEvent): Promise<void> {
    const clean = scrubEvent(event, this.options.scrub);
    const run = this.queue.then(() => this.appendNow(clean), () => this.appendNow(clean));
    this.queue = run.catch(() => undefined);
    return run.then(() => this.emitAppended(clean));
  }

  /**
   * Called with each event (already scrubbed) once this window has written it: the Activity view and the
   * walkthrough listen. Returns the unsubscribe. A listener's error never fails the append.
   */
  onAppended(listener: (event: AuditEvent) => void): { dispose(): void } {
    this.appended.add(listener);
    return { dispose: () => this.appended.delete(listener) };
  }

  private emitAppended(event: AuditEvent): void {
    for (const listener of [...this.appended]) {
      try {
        listener(event);
      } catch {
        // A view must not turn a written line into a failed append.
      }
    }
  }

  /** The audit files, oldest first (absolute paths). */
  async files(): Promise<string[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.options.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names.filter((name) => FILE_PATTERN.test(name)).sort().map((name) => join(this.options.dir, name));
  }

  /** Every line of every file, in order (without the trailing empty line). */
  async readLines(): Promise<string[]> {
    const lines: string[] = [];
    for (const { text } of await this.snapshot()) {
      const own = text.split('\n');
      if (own[own.length - 1] === '') own.pop();
      lines.push(...own);
    }
    return lines;
  }

  /** Verifies the chain across all files; on a break, names the file and the line within it. */
  async verify(): Promise<AuditVerifyResult> {
    const snapshot = await this.snapshot();
    let head: ChainHead = INITIAL_HEAD;
    let count = 0;
    for (const { file, text } of snapshot) {
      const result = verifyAuditLines(text.split('\n'), head);
      if (!result.ok) return { ...result, count: count + result.count, files: snapshot.length, file };
      head = result.head;
      count += result.count;
    }
    const mismatch = checkRecordedHead(head, this.options.recordedHead?.get());
    if (mismatch !== undefined) {
      const last = snapshot[snapshot.length - 1];
      const lastLines = last === undefined ? 0 : last.text.split('\n').filter((line) => line.length > 0).length;
      return { ok: false, line: lastLines + 1, why: mismatch, count, files: snapshot.length, ...(last === undefined ? {} : { file: last.file }) };
    }
    return { ok: true, count, head, files: snapshot.length };
  }

  /** Writes every line of the log, in order, to `target` (0600). Returns the number of lines. */
  async exportTo(target: string): Promise<number> {
    const lines = await this.readLines();
    await fs.writeFile(target, lines.length === 0 ? '' : `${lines.join('\n')}\n`, { mode: 0o600 });
    return lines.length;
  }

  /**
   * The files and their sizes at one instant between appends (listed under the lock, when it can be
   * taken), then read up to those sizes: a read never sees another window's half-written line.
   */
  private async snapshot(): Promise<{ file: string; text: string }[]> {
    await this.queue;
    let release: (() => Promise<void>) | undefined;
    try {
      release = await acquireLock(join(this.options.dir, LOCK_NAME), this.options.lockWaitMs ?? LOCK_WAIT_MS);
    } catch {
      release = undefined; // missing or read-only directory, or a lock held too long: read as is
    }
    let sized: { file: string; size: number }[];
    try {
      const files = await this.files();
      sized = await Promise.all(files.map(async (file) => ({ file, size: (await fs.stat(file)).size })));
    } finally {
      await release?.();
    }
    const texts: { file: string; text: string }[] = [];
    for (const { file, size } of sized) texts.push({ file, text: await readPrefix(file, size) });
    return texts;
  }

  private async appendNow(event: AuditEvent): Promise<void> {
    const dir = this.options.dir;
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const release = await acquireLock(join(dir, LOCK_NAME), this.options.lockWaitMs ?? LOCK_WAIT_MS);
    try {
      const files = await this.files();
      const newest = files[files.length - 1];
      let head: ChainHead = INITIAL_HEAD;
      let size = 0;
      let index = 1;
      if (newest !== undefined) {
        index = Number(FILE_PATTERN.exec(basename(newest))?.[1] ?? 1);
        const tail = await readTail(newest);
        size = tail.size;
        if (tail.lastLine !== undefined) head = tail.head;
      }
      const { line, next } = formatAuditLine(head, this.now(), event);
      const bytes = Buffer.byteLength(line, 'utf8') + 1;
      const target = newest !== undefined && size > 0 && size + bytes > Math.max(1, this.options.maxFileBytes())
        ? join(dir, fileName(index + 1))
        : (newest ?? join(dir, fileName(1)));
      await appendDurably(target, `${line}\n`);
      // The line is written; failing to record the head only weakens a later Verify, so it is not fatal.
      await Promise.resolve(this.options.recordedHead?.set(next)).catch(() => undefined);
    } finally {
      await release();
    }
  }
}

async function readPrefix(path: string, size: number): Promise<string> {
  const handle = await fs.open(path, 'r');
  try {
    const buffer = Buffer.alloc(size);
    const { bytesRead } = await handle.read(buffer, 0, size, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** Appends and flushes; on failure, cuts the file back to its previous length so no half line stays. */
async function appendDurably(path: string, text: string): Promise<void> {
  const handle = await fs.open(path, 'a', 0o600);
  let before = 0;
  try {
    before = (await handle.stat()).size;
    await handle.appendFile(text, 'utf8');
    await handle.datasync();
  } catch (error) {
    await handle.truncate(before).catch(() => undefined);
    throw error;
  } finally {
    await handle.close();
  }
}

/** The newest file's size and the chain head after its last line (reads only the end of the file). */
async function readTail(path: string): Promise<{ size: number; lastLine: string | undefined; head: ChainHead }> {
  const handle = await fs.open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    let window = 64 * 1024;
    for (;;) {
      const start = Math.max(0, size - window);
      const buffer = Buffer.alloc(size - start);
      await handle.read(buffer, 0, buffer.length, start);
      const text = buffer.toString('utf8');
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      // Unless we read from the file's start, the first piece may be a partial line.
      const complete = start === 0 ? lines : lines.slice(1);
      const lastLine = complete[complete.length - 1];
      if (lastLine !== undefined || start === 0) {
        if (lastLine === undefined) return { size, lastLine, head: INITIAL_HEAD };
        return { size, lastLine, head: { seq: nextSeq(complete), prev: sha256Line(lastLine) } };
      }
      window *= 4;
    }
  } finally {
    await handle.close();
  }
}

/** The seq after the last line; if that line is damaged, counted on from the last readable one. */
function nextSeq(lines: readonly string[]): number {
  for (let k = lines.length - 1; k >= 0; k--) {
    const parsed = parseAuditLine(lines[k]!);
    if (parsed.ok) return parsed.record.seq + (lines.length - k);
  }
  return lines.length + 1;
}

/** An exclusive lock file shared by every window; a lock older than LOCK_STALE_MS is taken over. */
async function acquireLock(path: string, waitMs: number): Promise<() => Promise<void>> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await fs.open(path, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return async () => {
        await fs.rm(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const stat = await fs.stat(path).catch(() => undefined);
      if (stat !== undefined && Date.now() - stat.mtimeMs > LOCK_STALE_MS) {
        await fs.rm(path, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`The audit log is locked by another window (${path}); try again.`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(100, 5 * 2 ** attempt)));
    }
  }
}
