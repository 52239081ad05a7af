// Binds the benchmarks to the real redactor (src/core/redaction). Kept in one file so the benches
// follow the redactor's API in one place.
import { randomBytes } from 'node:crypto';
import { createRedactor, type Redactor } from '../src/core/redaction/redactor';
import { encodedForms } from '../src/core/redaction/encodings';
import { SecretValue } from '../src/core/secrets/secretValue';

/** `count` random secrets (24–48 characters, token-like), named SECRET_0…; values kept for the corpus. */
export function makeSecrets(count: number): { name: string; value: string }[] {
  return Array.from({ length: count }, (_, i) => ({ name: `SECRET_${i}`, value: `tok_${randomBytes(12 + (i % 13)).toString('base64url')}` }));
}

export function makeRedactor(secrets: readonly { name: string; value: string }[]): Redactor {
  return createRedactor(secrets.map((s) => ({ name: s.name, value: new SecretValue(s.value) })));
}

/** Every pattern the redactor scrubs for these secrets (for the naive baseline). */
export function allForms(secrets: readonly { name: string; value: string }[]): { form: string; marker: string }[] {
  return secrets.flatMap((s) => encodedForms(s.value).map((form) => ({ form, marker: `[redacted:${s.name}]` })));
}

export async function makeScrubber(count: number): Promise<{ fn: (text: string) => string; what: string } | undefined> {
  const redactor = makeRedactor(makeSecrets(count));
  return { fn: (text) => redactor.scrub(text), what: `real redactor over ${count} live secrets` };
}
