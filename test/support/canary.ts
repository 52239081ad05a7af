import { randomBytes } from 'node:crypto';
import { encodedForms } from '../../src/core/redaction/encodings';

/**
 * A distinctive, random secret for leak tests: `canary-<label>-<32 hex>` (≥ 24 characters). Search for
 * it (and canaryForms) on every surface after a scenario; any hit is a leak.
 */
export function makeCanary(label = 'secret'): string {
  const safeLabel = label.replace(/[^A-Za-z0-9]/g, '').slice(0, 16) || 'x';
  return `canary-${safeLabel}-${randomBytes(16).toString('hex')}`;
}

/** Every form the redactor promises to scrub, named. */
export function canaryForms(value: string): { form: string; text: string }[] {
  const named = new Map<string, string>();
  const bytes = Buffer.from(value, 'utf8');
  const hex = bytes.toString('hex');
  const base = {
    raw: value,
    base64: bytes.toString('base64'),
    'base64 (unpadded)': bytes.toString('base64').replace(/=+$/, ''),
    base64url: bytes.toString('base64url'),
    hex,
    'hex (upper)': hex.toUpperCase(),
    url: encodeURIComponent(value),
    'url (form)': encodeURIComponent(value).replace(/%20/g, '+'),
    json: JSON.stringify(value).slice(1, -1),
  };
  for (const [form, text] of Object.entries(base)) if (!named.has(text)) named.set(text, form);
  let extra = 0;
  for (const text of encodedForms(value)) if (!named.has(text)) named.set(text, `derived form ${++extra}`);
  return [...named.entries()].map(([text, form]) => ({ form, text }));
}

/** Every occurrence of any form of any canary in `haystack` (a Buffer is read as UTF-8 and as latin1). */
export function findLeaks(haystack: string | Buffer, canaries: readonly string[]): { canary: string; form: string; index: number }[] {
  const texts = typeof haystack === 'string' ? [haystack] : [haystack.toString('utf8'), haystack.toString('latin1')];
  const leaks: { canary: string; form: string; index: number }[] = [];
  const seen = new Set<string>();
  for (const canary of canaries) {
    for (const { form, text: needle } of canaryForms(canary)) {
      for (const text of texts) {
        for (let index = text.indexOf(needle); index >= 0; index = text.indexOf(needle, index + 1)) {
          const key = `${canary}\u0000${index}\u0000${form}`;
          if (seen.has(key)) continue;
          seen.add(key);
          leaks.push({ canary, form, index });
        }
      }
    }
  }
  return leaks;
}
