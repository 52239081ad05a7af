import { strict as assert } from 'node:assert';
import { encodedForms } from '../../../../src/core/redaction/encodings';

/** The forms computed independently with Node's Buffer, as a reference for encodings.ts. */
function referenceForms(value: string): Record<string, string> {
  const bytes = Buffer.from(value, 'utf8');
  return {
    raw: value,
    base64: bytes.toString('base64'),
    'base64 unpadded': bytes.toString('base64').replace(/=+$/, ''),
    base64url: bytes.toString('base64url'),
    'base64url padded': bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_'),
    hex: bytes.toString('hex'),
    HEX: bytes.toString('hex').toUpperCase(),
    url: encodeURIComponent(value),
    'url form': encodeURIComponent(value).replace(/%20/g, '+'),
    json: JSON.stringify(value).slice(1, -1),
  };
}

describe('encodedForms', () => {
  const values = [
    'sk_live_abcdef123456',
    'a b/c+d?e=f&g',
    'quote"back\\slash',
    'tab\there\nnewline',
    'ünïcødé-sécret',
    'emoji-🔑-key-🗝️',
    'ab>?~~~??>>', // base64 of this contains + and /
    'x'.repeat(100),
  ];
  for (const value of values) {
    it(`contains every documented form of ${JSON.stringify(value).slice(0, 30)}`, () => {
      const forms = new Set(encodedForms(value));
      for (const [name, form] of Object.entries(referenceForms(value))) {
        assert.ok(forms.has(form), `${name} form missing: ${form}`);
      }
    });
  }

  it('adds the base64 of the value embedded at every byte alignment of a longer blob', () => {
    const value = 'sk_live_abcdef123456';
    const forms = encodedForms(value);
    for (const prefix of ['', 'A', 'AB', 'TOKEN=', 'export X=']) {
      for (const suffix of ['', '\n', 'Z', 'YZ']) {
        const blob = Buffer.from(prefix + value + suffix).toString('base64');
        const blobUrl = Buffer.from(prefix + value + suffix).toString('base64url');
        assert.ok(forms.some((form) => blob.includes(form)), `no form inside base64(${prefix}…${JSON.stringify(suffix)})`);
        assert.ok(forms.some((form) => blobUrl.includes(form)), `no form inside base64url(${prefix}…)`);
      }
    }
  });

  it('adds JSON with \\u escapes (Python ensure_ascii), \\/ escapes, and lower-case URL escapes', () => {
    const forms = encodedForms('pässwörd/ünïcode');
    assert.ok(forms.includes('p\\u00e4ssw\\u00f6rd/\\u00fcn\\u00efcode'));
    assert.ok(forms.includes('pässwörd\\/ünïcode'));
    assert.ok(forms.includes(encodeURIComponent('pässwörd/ünïcode').toLowerCase().replace(/%[0-9a-f]{2}|[^%]+/g, (m) => (m.startsWith('%') ? m : m))));
  });

  it('adds URL-encoding variants: / kept (Python quote) and !\'()* escaped (RFC 3986 strict)', () => {
    const forms = encodedForms("a/b c!d'e(f)g*h");
    assert.ok(forms.includes('a/b%20c!d\'e(f)g*h'));
    assert.ok(forms.includes('a%2Fb%20c%21d%27e%28f%29g%2Ah'));
  });

  it('adds trimmed, CRLF and per-line forms of multi-line values (PEM keys)', () => {
    const pem = '-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END KEY-----\n';
    const forms = encodedForms(pem);
    assert.ok(forms.includes(pem.trim()));
    assert.ok(forms.includes(pem.replace(/\n/g, '\r\n')));
    assert.ok(forms.includes('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'));
  });

  it('adds base64 wrapped at 76 (coreutils) and 64 (openssl, PEM) columns for long values', () => {
    const value = 'k'.repeat(80);
    for (const width of [64, 76]) {
      const wrapped = Buffer.from(value).toString('base64').replace(new RegExp(`(.{${width}})`, 'g'), '$1\n');
      assert.ok(encodedForms(value).some((form) => form.includes('\n') && form.indexOf('\n') === width && wrapped.startsWith(form)), `width ${width}`);
    }
  });

  it('never throws on lone surrogates and has no empty or short forms', () => {
    for (const value of ['\ud800abcdefgh', 'abcdefgh\udc00', 'abc\ud83dxyzxyz']) {
      const forms = encodedForms(value);
      assert.ok(forms.length > 0);
      for (const form of forms) assert.ok(form.length >= 8, JSON.stringify(form));
    }
  });
});
