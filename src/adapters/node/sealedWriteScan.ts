import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
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
export async function scanWrites(writes: readonly string[], since: number, redactor: Pick<Redactor, 'stream'>, limits: WriteScanLimits = DEFAULT_WRITE_SCAN_LIMITS): Promise<WriteScanResult> {
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
    // A name is as readable to the agent as a file's content (it lists the folder): scan names too.
    if (path !== root) {
      for (const credential of scanText(basename(path), redactor)) findings.push({ kind: 'secret', path, credential });
    }
    if (stat.isSymbolicLink()) return;
    if (stat.isDirectory()) {
      let entries: string[];
      try {
        entries = await readdir(path);
      } catch {
        findings.push({ kind: 'unscanned', path, reason: (l10n) => l10n.t('folder not readable') });
        return;
      }
      for (const entry of entries.sort()) await visit(join(path, entry), root);
      return;
    }
    if (!stat.isFile() || Math.max(stat.mtimeMs, stat.ctimeMs) < threshold) return;
    files++;
    if (files > limits.maxFiles) {
      if (files === limits.maxFiles + 1) findings.push({ kind: 'unscanned', path: root, reason: (l10n) => l10n.t('more than {0} files changed', limits.maxFiles) });
      return;
    }
    if (stat.size > limits.maxFileBytes) {
      findings.push({ kind: 'unscanned', path, reason: (l10n) => l10n.t('larger than {0} bytes', limits.maxFileBytes) });
      return;
    }
    try {
      for (const credential of await scanFile(path, redactor)) findings.push({ kind: 'secret', path, credential });
    } catch {
      findings.push({ kind: 'unscanned', path, reason: (l10n) => l10n.t('not readable') });
    }
  };
  for (const write of writes) await visit(write, write);
  return findings.length === 0 ? { clean: true, files } : { clean: false, files, findings };
}

function scanText(text: string, redactor: Pick<Redactor, 'stream'>): readonly string[] {
  const detector = createLeakDetector(redactor);
  detector.push(text);
  return [...detector.flush()].sort();
}

async function scanFile(path: string, redactor: Pick<Redactor, 'stream'>): Promise<readonly string[]> {
  const detector = createLeakDetector(redactor);
  const decoder = new StringDecoder('utf8');
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) detector.push(decoder.write(chunk as Buffer));
  detector.push(decoder.end());
  return [...detector.flush()].sort();
}
