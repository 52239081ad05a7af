import { plainL10n, type L10n, type Say } from '../../shared/l10n';
import type { Redactor } from '../redaction/redactor';

/**
 * The pure half of the after-run write scan: does a text (fed in chunks) hold any form of a secret?
 * The redactor already knows every form (raw, base64 at each alignment, hex, URL, JSON, wrapped…), so
 * a hit is exactly "the redactor changed something". Names come from its markers, never from values.
 */
export interface LeakDetector {
  /** Feed the next chunk; returns the credential names found so far (cumulative). */
  push(chunk: string): ReadonlySet<string>;
  /** End of text; returns every credential name found. */
  flush(): ReadonlySet<string>;
}

const MARKER = /\[redacted:([^\]]+)\]/g;
/** A rewrite without a marker cannot happen with the core redactor; reported rather than ignored. */
export const UNKNOWN = '(unknown credential)';

export function createLeakDetector(redactor: Pick<Redactor, 'stream'>): LeakDetector {
  const stream = redactor.stream();
  const found = new Set<string>();
  // Input not yet matched against output: the redactor holds back at most a pattern's length, so this
  // stays bounded by the patterns, never by the file.
  let pending = '';
  const take = (out: string): void => {
    if (pending.startsWith(out)) {
      pending = pending.slice(out.length);
      return;
    }
    // The redactor rewrote something: every marker in this output counts, even one that was literal
    // text in the file (a false positive is the safe direction; a file that plants a literal marker
    // next to a value must not hide the value).
    let named = false;
    for (const match of out.matchAll(MARKER)) {
      if (match[1] === undefined) continue;
      found.add(match[1]);
      named = true;
    }
    if (!named) found.add(UNKNOWN);
    // The output and the input no longer line up; everything held so far is accounted for.
    pending = '';
  };
  return {
    push(chunk) {
      pending += chunk;
      take(stream.push(chunk));
      return found;
    },
    flush() {
      take(stream.flush());
      return found;
    },
  };
}

/** One finding of the write scan. Never holds a value: a path and a credential name. */
export type WriteScanFinding =
  | { readonly kind: 'secret'; readonly path: string; readonly credential: string }
  /** A file the scan could not read in full (too large, unreadable): treated as a hit by callers. */
  | { readonly kind: 'unscanned'; readonly path: string; readonly reason: Say };

export type WriteScanResult = { readonly clean: true; readonly files: number } | { readonly clean: false; readonly files: number; readonly findings: readonly WriteScanFinding[] };

/**
 * The message for a dirty scan: paths and credential names only. English for the agent (the default); the
 * terminal passes the person's translator.
 */
export function writeScanMessage(result: WriteScanResult, l10n: L10n = plainL10n): string {
  if (result.clean) return '';
  const lines = result.findings.map((f) => (f.kind === 'secret' ? l10n.t('{0}: holds {1}', f.path, f.credential) : l10n.t('{0}: not scanned ({1})', f.path, f.reason(l10n))));
  return l10n.t('The command wrote a credential into a file, so its output is withheld. Delete or fix these files:\n{0}', lines.join('\n'));
}
