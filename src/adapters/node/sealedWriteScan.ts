import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { Redactor } from '../../core/redaction/redactor';
import { createLeakDetector, type WriteScanFinding, type WriteScanResult } from '../../core/sandbox/writeScan';

export interface WriteScanLimits {
  /** Larger files are not read; each is an `unscanned` finding (callers treat it as a hit). */
  readonly maxFileBytes: number;
  /** More files than this: the rest are one `unscanned` finding on the write path. */
  readonly maxFiles: number;
}

export const DEFAULT_WRITE_SCAN_LIMITS: WriteScanLimits = { maxFileBytes: 64 * 1024 * 1024, maxFiles: 20_000 };

/**
 * After a sealed run: every regular file under the declared write paths that changed since the run
 * started (mtime or ctime ≥ `since`, with a 2 s allowance for coarse filesystem clocks — a file the
 * command could have written is never skipped for being a little older) is read through the redactor's
 * detector. Symlinks are not followed (the sandbox could point one anywhere; the file it points to is
 * either under a write path itself or was not written by the run).
 *
 * `redactor` is built over the grant's credentials — all of them: a host-bound value can still be
 * reflected into the sandbox by a server that echoes it.
 */
export async function scanWrites(writes: readonly string[], since: number, redactor: Redactor, limits: WriteScanLimits = DEFAULT_WRITE_SCAN_LIMITS): Promise<WriteScanResult> {
  const findings: WriteScanFinding[] = [];
  const threshold = since - 2_000;
  let files = 0;
  const visit = async (path: string, root: string): Promise<void> => {
    let stat;
    try {
      stat = await lstat(path);
    } catch {
      return; // Gone (or never created): nothing to scan.
    }
    if (stat.isSymbolicLink()) return;
    if (stat.isDirectory()) {
      let entries: string[];
      try {
        entries = await readdir(path);
      } catch {
        findings.push({ kind: 'unscanned', path, reason: 'folder not readable' });
        return;
      }
      for (const entry of entries.sort()) await visit(join(path, entry), root);
      return;
    }
    if (!stat.isFile() || Math.max(stat.mtimeMs, stat.ctimeMs) < threshold) return;
    files++;
    if (files > limits.maxFiles) {
      if (files === limits.maxFiles + 1) findings.push({ kind: 'unscanned', path: root, reason: `more than ${limits.maxFiles} files changed` });
      return;
    }
    if (stat.size > limits.maxFileBytes) {
      findings.push({ kind: 'unscanned', path, reason: `larger than ${limits.maxFileBytes} bytes` });
      return;
    }
    try {
      for (const credential of await scanFile(path, redactor)) findings.push({ kind: 'secret', path, credential });
    } catch {
      findings.push({ kind: 'unscanned', path, reason: 'not readable' });
    }
  };
  for (const write of writes) await visit(write, write);
  return findings.length === 0 ? { clean: true, files } : { clean: false, files, findings };
}

async function scanFile(path: string, redactor: Redactor): Promise<readonly string[]> {
  const detector = createLeakDetector(redactor);
  const decoder = new StringDecoder('utf8');
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) detector.push(decoder.write(chunk as Buffer));
  detector.push(decoder.end());
  return [...detector.flush()].sort();
}
