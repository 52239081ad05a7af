/**
 * Rules for what a person types into Airlock's masked inputs, and for showing untrusted agent text next
 * to them. Pure, so the adapters (secretCommands.ts, secretEntry.ts) stay thin.
 */

import type { L10n } from '../../shared/l10n';
import { MIN_SECRET_LENGTH } from '../redaction/redactor';

/**
 * Shortest value Airlock stores: the redactor's own minimum. It refuses to scrub shorter values (a
 * 4-character value would match everywhere), so a short value could never be kept out of output.
 */
export { MIN_SECRET_LENGTH };

/** Longest value accepted from an input box (a PEM key or a JWT fits; a pasted file does not). */
export const MAX_SECRET_LENGTH = 64 * 1024;

/**
 * Why a typed value cannot be stored, or undefined when it can. Contract: the reason never contains the
 * value (only its length).
 */
export function secretValueProblem(value: string, l10n: L10n): string | undefined {
  if (value.length === 0) return l10n.t('Enter a value (or press Escape to cancel).');
  if (value.length < MIN_SECRET_LENGTH) {
    // Spelled out (not SHORT_VALUES_WHY, which is the redactor's English for logs): a person reads this.
    return value.length === 1
      ? l10n.t('The value has 1 character; Airlock needs at least {0}, because shorter values cannot be scrubbed from output safely.', MIN_SECRET_LENGTH)
      : l10n.t('The value has {0} characters; Airlock needs at least {1}, because shorter values cannot be scrubbed from output safely.', value.length, MIN_SECRET_LENGTH);
  }
  if (value.length > MAX_SECRET_LENGTH) return l10n.t('The value is longer than {0} characters.', MAX_SECRET_LENGTH);
  if (value.trim().length === 0) return l10n.t('The value is only whitespace.');
  return undefined;
}

/** Untrusted agent text for one-line prompts: the one rule lives in src/core/text/untrustedText.ts. */
export { quoteUntrusted } from '../text/untrustedText';
