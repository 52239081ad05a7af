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

/**
 * Shows untrusted text (an agent's reason) safely in a one-line prompt: control and bidi characters
 * replaced, whitespace collapsed, capped at `max` characters, wrapped in quotation marks.
 */
export function quoteUntrusted(text: string, max: number): string {
  const cleaned = text
    // C0/C1 controls, bidi overrides and isolates, zero-width and line/paragraph separators
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = Array.from(cleaned); // code points: never cut a surrogate pair in half
  const capped = chars.length > max ? `${chars.slice(0, Math.max(0, max - 1)).join('')}…` : cleaned;
  return `“${capped}”`;
}
