/**
 * The forms a secret value can take in program output. The redactor scrubs every one of them.
 *
 * | form                    | example input → output                         | why                                |
 * |-------------------------|------------------------------------------------|------------------------------------|
 * | raw                     | `s3cr3t-value`                                 | printed as is                      |
 * | trimmed / per line      | `abc\n` → `abc`; PEM lines                     | values pasted with a newline; keys |
 * | CRLF                    | `a\nb` → `a\r\nb`                              | a pty turns `\n` into `\r\n`       |
 * | base64 (padded, bare)   | `btoa(v)`, without `=`                         | `base64`, Basic auth, k8s secrets  |
 * | base64 inside a blob    | the stable middle of base64(x + v + y), for    | `echo -n "TOKEN=$T" | base64`:     |
 * |                         | each of the 3 byte alignments of `v`           | the value's own encoding shifts    |
 * | base64 wrapped at 64/76 | `openssl base64` / coreutils `base64` wrapping | long values through those tools    |
 * | base64url (padded, bare, inside a blob)                                  | JWTs, URL-safe tokens              |
 * | hex lower / upper       | UTF-8 bytes as hex                             | `xxd -p`, `od`, digests of logs    |
 * | URL-encoded             | `encodeURIComponent(v)`, and the form variant  | query strings, form bodies, curl   |
 * |                         | (`%20` → `+`), lower-case `%xx` escapes, `/`   | `--data-urlencode`, Python quote   |
 * |                         | kept, and `!'()*` escaped (RFC 3986 strict)    | (safe='/'), Go, Java encoders      |
 * | JSON-escaped            | `JSON.stringify(v)` without quotes; also with  | JSON output (Node; Python's        |
 * |                         | `\uXXXX` for non-ASCII and `\/` for `/`        | ensure_ascii; PHP)                 |
 *
 * Binary encodings (base64, hex) encode the value's UTF-8 bytes. Every form is derived from the value
 * alone; none is shorter than the value's UTF-16 length capped at 8 (see MIN_SECRET_LENGTH).
 */
export function encodedForms(value: string): string[] {
  const forms = new Set<string>();
  const add = (form: string): void => {
    if (form.length > 0) forms.add(form);
  };
  const variants = [value];
  const trimmed = value.trim();
  if (trimmed !== value && trimmed.length >= MIN_FORM_LENGTH) variants.push(trimmed);

  for (const variant of variants) {
    add(variant);
    const bytes = utf8(variant);
    for (const alphabet of [BASE64, BASE64URL]) {
      const bare = base64(bytes, alphabet);
      add(bare + '='.repeat((4 - (bare.length % 4)) % 4));
      add(bare);
      for (let offset = 0; offset < 3; offset++) {
        const core = base64Core(bytes, offset, alphabet);
        if (core.length >= MIN_FORM_LENGTH) add(core);
      }
      if (alphabet === BASE64) {
        // coreutils `base64` wraps at 76 columns, `openssl base64` and PEM at 64.
        const core = base64Core(bytes, 0, alphabet);
        for (const width of [64, 76]) if (core.length > width) add(wrap(core, width));
      }
    }
    const hex = toHex(bytes);
    add(hex);
    add(hex.toUpperCase());
    const url = encodeURIComponentSafe(variant);
    add(url);
    add(url.replace(/%20/g, '+'));
    add(url.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()));
    add(url.replace(/%2F/g, '/')); // Python's quote() keeps '/'
    add(url.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)); // RFC 3986 strict
    const json = JSON.stringify(variant).slice(1, -1);
    add(json);
    add(json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
    add(json.replace(/\//g, '\\/'));
  }

  if (/\r?\n/.test(value)) {
    add(value.replace(/\r?\n/g, '\r\n'));
    for (const line of value.split(/\r?\n/)) {
      const text = line.trim();
      if (text.length >= MIN_FORM_LENGTH) add(text);
    }
  }
  return [...forms];
}

/** Shorter derived forms (a trimmed value, one line of a key) are not scrubbed on their own. */
const MIN_FORM_LENGTH = 8;

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** UTF-8 bytes; lone surrogates become U+FFFD as in TextEncoder. */
export function utf8(value: string): Uint8Array {
  return new TextEncoder().encode(value);
}

/** Base64 without padding. */
function base64(bytes: Uint8Array, alphabet: string): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += alphabet[(n >> 18) & 63]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] ?? 0) << 16;
    out += alphabet[(n >> 18) & 63]! + alphabet[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8);
    out += alphabet[(n >> 18) & 63]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]!;
  }
  return out;
}

/**
 * The base64 characters that depend only on `bytes` when they sit `offset` bytes into a 3-byte group of
 * a longer stream: drop the characters that mix in the bytes before or after.
 */
function base64Core(bytes: Uint8Array, offset: number, alphabet: string): string {
  const shifted = new Uint8Array(offset + bytes.length);
  shifted.set(bytes, offset);
  const encoded = base64(shifted, alphabet);
  const start = Math.ceil((offset * 8) / 6);
  const end = Math.floor(((offset + bytes.length) * 8) / 6);
  return encoded.slice(start, end);
}

function wrap(text: string, width: number): string {
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += width) lines.push(text.slice(i, i + width));
  return lines.join('\n');
}

function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

/** encodeURIComponent throws on lone surrogates; encode those as U+FFFD like the UTF-8 forms do. */
function encodeURIComponentSafe(value: string): string {
  return encodeURIComponent(value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
}
