const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/**
 * Keeps the last `limitBytes` bytes (UTF-8) of a process's output for the agent. Memory stays around
 * `limitBytes` plus one chunk, however much the process prints; older text is dropped and `truncated` set.
 */
export class OutputBuffer {
  private chunks: string[] = [];
  private sizes: number[] = [];
  private total = 0;
  private dropped = false;

  constructor(private readonly limitBytes: number) {
    if (!(limitBytes > 0)) throw new Error('OutputBuffer needs a positive limit.');
  }

  append(text: string): void {
    if (text === '') return;
    const size = encoder.encode(text).byteLength;
    this.chunks.push(text);
    this.sizes.push(size);
    this.total += size;
    // Drop whole chunks while what remains still covers the limit.
    while (this.chunks.length > 1 && this.total - (this.sizes[0] ?? 0) >= this.limitBytes) {
      this.total -= this.sizes.shift() ?? 0;
      this.chunks.shift();
      this.dropped = true;
    }
    if (this.total > this.limitBytes) this.trimFirst();
  }

  get truncated(): boolean {
    return this.dropped;
  }

  /** The kept text: at most `limitBytes` bytes, starting at a character boundary. */
  text(): string {
    return this.chunks.join('');
  }

  private trimFirst(): void {
    const first = this.chunks[0];
    if (first === undefined) return;
    const bytes = encoder.encode(first);
    let cut = this.total - this.limitBytes;
    // Never start inside a UTF-8 sequence: skip continuation bytes (10xxxxxx).
    while (cut < bytes.length && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut++;
    const kept = bytes.subarray(cut);
    this.chunks[0] = decoder.decode(kept);
    this.sizes[0] = kept.byteLength;
    this.total = this.sizes.reduce((a, b) => a + b, 0);
    this.dropped = true;
  }
}
