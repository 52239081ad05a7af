import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditFile } from '../../../../src/adapters/node/auditFile';
import { verifyAuditLines, type ChainHead } from '../../../../src/core/audit/auditChain';
import type { AuditEvent } from '../../../../src/core/audit/events';
import type { ClientId } from '../../../../src/core/clients';
import { findLeaks, makeCanary } from '../../../support/canary';

const client = 'claude-code' as ClientId;
const event = (k: number): AuditEvent => ({ type: 'run-refused', client, command: `npm run step-${k}`, cwd: '/work', code: 'command-not-covered' });

describe('AuditFile (node fs, temp dir)', () => {
  let root: string;
  beforeEach(async () => {
    root = await fs.mkdtemp(join(tmpdir(), 'airlock-audit-'));
  });
  afterEach(async () => {
    await fs.chmod(root, 0o700).catch(() => undefined);
    await fs.rm(root, { recursive: true, force: true });
  });

  const sink = (options: Partial<ConstructorParameters<typeof AuditFile>[0]> = {}): AuditFile =>
    new AuditFile({ dir: join(root, 'audit'), maxFileBytes: () => 10 * 1024 * 1024, scrub: (t) => t, ...options });

  it('appends chained lines (dir 0700, file 0600) and verifies them', async () => {
    const audit = sink();
    await Promise.all([0, 1, 2, 3, 4].map((k) => audit.append(event(k))));
    const files = await audit.files();
    assert.equal(files.length, 1);
    assert.equal((await fs.stat(join(root, 'audit'))).mode & 0o777, 0o700);
    assert.equal((await fs.stat(files[0]!)).mode & 0o777, 0o600);
    const lines = await audit.readLines();
    assert.equal(lines.length, 5);
    assert.deepEqual(lines.map((line) => (JSON.parse(line) as { event: { command: string } }).event.command), [0, 1, 2, 3, 4].map((k) => `npm run step-${k}`), 'queue keeps order');
    const verified = await audit.verify();
    assert.ok(verified.ok);
    assert.equal(verified.count, 5);
  });

  it('continues the chain after a restart (a new sink on the same dir) and across two sinks at once', async () => {
    await sink().append(event(1));
    const a = sink();
    const b = sink();
    await Promise.all([a.append(event(2)), b.append(event(3)), a.append(event(4)), b.append(event(5))]);
    const verified = await sink().verify();
    assert.ok(verified.ok, JSON.stringify(verified));
    assert.equal(verified.count, 5);
    assert.deepEqual((await a.readLines()).map((line) => (JSON.parse(line) as { seq: number }).seq), [1, 2, 3, 4, 5]);
  });

  it('rotates by size and the chain continues across files', async () => {
    const audit = sink({ maxFileBytes: () => 600 });
    for (let k = 0; k < 12; k++) await audit.append(event(k));
    const files = await audit.files();
    assert.ok(files.length >= 3, `${files.length} files`);
    for (const file of files) assert.ok((await fs.stat(file)).size <= 600 || (await fs.readFile(file, 'utf8')).split('\n').length === 2);
    const second = (await fs.readFile(files[1]!, 'utf8')).split('\n');
    assert.equal(verifyAuditLines(second).ok, false, 'a later file does not start at genesis');
    const verified = await audit.verify();
    assert.ok(verified.ok);
    assert.equal(verified.count, 12);
    assert.equal(verified.files, files.length);
  });

  it('reports the first broken link (file and line) after an edit', async () => {
    const audit = sink({ maxFileBytes: () => 600 });
    for (let k = 0; k < 8; k++) await audit.append(event(k));
    const files = await audit.files();
    const target = files[1]!;
    const lines = (await fs.readFile(target, 'utf8')).split('\n');
    lines[0] = lines[0]!.replace('command-not-covered', 'allowed');
    await fs.writeFile(target, lines.join('\n'));
    const verified = await audit.verify();
    assert.equal(verified.ok, false);
    if (!verified.ok) {
      assert.equal(verified.file, target);
      assert.equal(verified.line, 2);
      assert.match(verified.why, /prev does not match/);
    }
  });

  it('scrubs every event before writing (defence in depth)', async () => {
    const canary = makeCanary('audit');
    const audit = sink({ scrub: (text) => text.replaceAll(canary, '[redacted:C]') });
    await audit.append({ type: 'request', requestId: 'r', client, credentials: ['C'], command: `deploy --token ${canary}`, cwd: '/w', reason: canary });
    const text = (await audit.readLines()).join('\n');
    assert.deepEqual(findLeaks(text, [canary]), []);
    assert.match(text, /deploy --token \[redacted:C\]/);
  });

  it('rejects when the directory is unwritable, and keeps working for later appends elsewhere', async function () {
    if (process.getuid?.() === 0) {
      // root ignores permission bits: make the audit "directory" a file instead.
      await fs.writeFile(join(root, 'audit'), 'not a directory');
    } else {
      await fs.mkdir(join(root, 'audit'), { mode: 0o500 });
    }
    const audit = sink();
    await assert.rejects(audit.append(event(1)));
    await assert.rejects(audit.append(event(2)), 'each append rejects, none is silently dropped');
  });

  it('exports a copy of every line', async () => {
    const audit = sink({ maxFileBytes: () => 600 });
    for (let k = 0; k < 6; k++) await audit.append(event(k));
    const target = join(root, 'export.jsonl');
    assert.equal(await audit.exportTo(target), 6);
    const copy = (await fs.readFile(target, 'utf8')).split('\n');
    assert.ok(verifyAuditLines(copy).ok);
    assert.equal((await fs.stat(target)).mode & 0o777, 0o600);
  });

  it('an empty log verifies with count 0', async () => {
    const verified = await sink().verify();
    assert.ok(verified.ok);
    assert.equal(verified.count, 0);
  });

  it('continues after a very long last line (tail read grows) and after a damaged last line', async () => {
    const audit = sink();
    await audit.append({ type: 'request', requestId: 'r', client, credentials: ['C'], command: 'x'.repeat(200_000), cwd: '/w', reason: 'long' });
    await audit.append(event(1));
    assert.ok((await audit.verify()).ok);
    const [file] = await audit.files();
    await fs.appendFile(file!, '{"seq":3,"tim');
    await fs.appendFile(file!, '\n');
    await audit.append(event(2));
    const lines = await audit.readLines();
    assert.equal((JSON.parse(lines[3]!) as { seq: number }).seq, 4, 'seq counts on past the damaged line');
    const verified = await audit.verify();
    assert.ok(!verified.ok && verified.line === 3 && /not valid JSON/.test(verified.why), JSON.stringify(verified));
  });

  it('waits for another window’s lock, takes over a stale one, and rejects when it stays locked', async () => {
    const dir = join(root, 'audit');
    await fs.mkdir(dir, { recursive: true });
    const lock = join(dir, 'audit.lock');
    await fs.writeFile(lock, '12345');
    const old = new Date(Date.now() - 60_000);
    await fs.utimes(lock, old, old);
    await sink().append(event(1));
    await assert.rejects(fs.stat(lock), 'the lock is released after the append');

    // A live lock, dated an hour ahead so it never turns stale however slowly this test runs.
    await fs.writeFile(lock, '12345');
    const ahead = new Date(Date.now() + 3_600_000);
    await fs.utimes(lock, ahead, ahead);
    await assert.rejects(sink({ lockWaitMs: 200 }).append(event(2)), /locked by another window/);

    // The lock is released only once the append has found it taken twice (it is waiting, not failing):
    // the append's own attempts are the signal, so the outcome does not depend on when a timer fires.
    const refused = watchLockAttempts(lock);
    try {
      let settled = false;
      const waiting = sink({ lockWaitMs: 60_000 }).append(event(3)).finally(() => (settled = true));
      await refused.count(2);
      assert.equal(settled, false, 'the append waits while the lock is held');
      const [file] = await sink().files();
      assert.equal((await fs.readFile(file!, 'utf8')).split('\n').filter(Boolean).length, 1, 'nothing was written under another window’s lock');
      await fs.rm(lock);
      await waiting;
    } finally {
      refused.restore();
    }
    const verified = await sink().verify();
    assert.ok(verified.ok && verified.count === 2);
  });

  it('with a recorded head, Verify catches lines cut from the end and an end rewritten', async () => {
    let recorded: ChainHead | undefined;
    const recordedHead = { get: () => recorded, set: async (head: ChainHead) => void (recorded = head) };
    const audit = sink({ recordedHead, maxFileBytes: () => 600 });
    for (let k = 0; k < 6; k++) await audit.append(event(k));
    assert.ok((await audit.verify()).ok);
    assert.equal(recorded?.seq, 7);

    // Another window (no shared recorded head yet) appends: the recorded head is behind, which is fine.
    await sink().append(event(6));
    assert.ok((await audit.verify()).ok);

    const files = await audit.files();
    const last = files[files.length - 1]!;
    const text = await fs.readFile(last, 'utf8');
    const kept = text.split('\n').filter((line) => line.length > 0);
    // Cut the other window's line and this window's last one: the chain still verifies, the head not.
    assert.ok(kept.length >= 2, 'the last two events share a file');
    await fs.writeFile(last, kept.slice(0, -2).map((line) => `${line}\n`).join(''));
    const cut = await audit.verify();
    assert.ok(!cut.ok && /lines were removed from the end/.test(cut.why) && cut.file === last, JSON.stringify(cut));
  });

  it('Verify and Export never see another window’s half-written line', async () => {
    const writer = sink({ maxFileBytes: () => 2_000 });
    const reader = sink();
    const writes = Promise.all(Array.from({ length: 30 }, (_, k) => writer.append(event(k))));
    const checks: boolean[] = [];
    for (let k = 0; k < 10; k++) checks.push((await reader.verify()).ok);
    await writes;
    assert.deepEqual(checks, checks.map(() => true));
    const final = await reader.verify();
    assert.ok(final.ok && final.count === 30);
  });
});

/**
 * Counts the attempts to create `lock` that found it taken (EEXIST), by wrapping `fs.promises.open`
 * (the adapter looks it up at each call); `count(n)` resolves at the n-th.
 */
function watchLockAttempts(lock: string): { count(n: number): Promise<void>; restore(): void } {
  const original = fs.open;
  let seen = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const wrapped = async (...args: Parameters<typeof fs.open>): ReturnType<typeof fs.open> => {
    try {
      return await original(...args);
    } catch (error) {
      if (args[0] === lock && (error as NodeJS.ErrnoException).code === 'EEXIST') {
        seen++;
        for (const waiter of waiters.filter((w) => w.n <= seen)) waiter.resolve();
      }
      throw error;
    }
  };
  fs.open = wrapped as typeof fs.open;
  return {
    count: (n) => (seen >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))),
    restore: () => {
      fs.open = original;
    },
  };
}
