/**
 * The forms a secret can take in output that Airlock promises to catch: raw, base64, base64url, hex
 * (lower/upper), URL-encoded and JSON-escaped. The leak scan and the fuzzers look for every one.
 */
export type EncodingName = 'raw' | 'base64' | 'base64url' | 'hex' | 'HEX' | 'url' | 'json';

export function encodedForms(secret: string): Record<EncodingName, string> {
  const bytes = Buffer.from(secret, 'utf8');
  const hex = bytes.toString('hex');
  return {
    raw: secret,
    base64: bytes.toString('base64'),
    base64url: bytes.toString('base64url'),
    hex,
    HEX: hex.toUpperCase(),
    url: encodeURIComponent(secret),
    json: JSON.stringify(secret).slice(1, -1),
  };
}

/** Distinct forms (several coincide for plain alphanumeric secrets), longest first. */
export function distinctForms(secret: string): string[] {
  return [...new Set(Object.values(encodedForms(secret)))].sort((a, b) => b.length - a.length);
}

/**
 * Forms that survive in `text`, each with its encoding name. A base64 form is also searched without its
 * padding, since encoders embedded in longer output drop or move it.
 */
export function findLeaks(text: string, secret: string): Array<{ encoding: EncodingName; index: number }> {
  const found: Array<{ encoding: EncodingName; index: number }> = [];
  for (const [encoding, form] of Object.entries(encodedForms(secret)) as Array<[EncodingName, string]>) {
    const needle = encoding === 'base64' ? form.replace(/=+$/, '') : form;
    const index = text.indexOf(needle);
    if (index >= 0) found.push({ encoding, index });
  }
  return found;
}
