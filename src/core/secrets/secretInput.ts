/**
 * Rules for what a person types into Airlock's masked inputs, and for showing untrusted agent text next
 * to them. Pure, so the adapters (secretCommands.ts, secretEntry.ts) stay thin.
 */

import { MIN_SECRET_LENGTH, SHORT_VALUES_WHY } from '../redaction/redactor';

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
export function secretValueProblem(value: string): string | undefined {
  if (value.length === 0) return 'Enter a value (or press Escape to cancel).';
  if (value.length < MIN_SECRET_LENGTH) {
    return (
      `The value has ${value.length} character${value.length === 1 ? '' : 's'}; Airlock needs at least ` +
      `${MIN_SECRET_LENGTH}, because ${SHORT_VALUES_WHY}.`
    );
  }
  if (value.length > MAX_SECRET_LENGTH) return `The value is longer than ${MAX_SECRET_LENGTH} characters.`;
  if (value.trim().length === 0) return 'The value is only whitespace.';
  return undefined;
}

/** Untrusted agent text for one-line prompts: the one rule lives in src/core/text/untrustedText.ts. */
export { quoteUntrusted } from '../text/untrustedText';
