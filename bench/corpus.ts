// Mixed program output for the redactor benchmark: log lines, ANSI colours, JSON, base64 and hex blobs,
// stack traces, and now and then a secret in one of its encodings.
import { randomBytes } from 'node:crypto';

export function mixedOutput(bytes: number, secrets: readonly { value: string }[], seed = 1): string {
  let state = seed >>> 0 || 1;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const blob = randomBytes(4096);
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    const r = next();
    let line: string;
    if (r < 0.35) line = `${new Date(1_700_000_000_000 + size).toISOString()} INFO  [deploy] step ${Math.floor(next() * 1000)} finished in ${Math.floor(next() * 900)} ms\n`;
    else if (r < 0.5) line = `\x1b[32m✔\x1b[0m \x1b[1mpackages/api\x1b[22m built \x1b[90m(${Math.floor(next() * 100)} files)\x1b[39m\n`;
    else if (r < 0.65) line = `{"level":"debug","msg":"request","path":"/v1/items/${Math.floor(next() * 1e6)}","status":200,"ms":${(next() * 50).toFixed(2)}}\n`;
    else if (r < 0.75) line = `${blob.subarray(Math.floor(next() * 2048), 2048 + Math.floor(next() * 2048)).toString('base64')}\n`;
    else if (r < 0.82) line = `sha256:${blob.subarray(Math.floor(next() * 4000), 4032).toString('hex').slice(0, 64)}\n`;
    else if (r < 0.9) line = `    at Object.<anonymous> (/home/dev/project/src/module${Math.floor(next() * 50)}.ts:${Math.floor(next() * 400)}:17)\n`;
    else if (r < 0.998) line = `npm warn deprecated package@${Math.floor(next() * 9)}.${Math.floor(next() * 9)}.0: use something else\n`;
    else {
      const secret = pick(secrets).value;
      const b = Buffer.from(secret);
      line = `token=${pick([secret, b.toString('base64'), b.toString('base64url'), b.toString('hex'), encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])}\n`;
    }
    parts.push(line);
    size += line.length;
  }
  return parts.join('');
}

/** Splits text into pipe-sized chunks (like a child's stdout reads). */
export function chunks(text: string, size = 64 * 1024): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
