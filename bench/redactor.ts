// Redactor throughput and memory: 200 secrets × every encoding over ≥ 256 MiB of mixed output, against a
// pass-through stream (same chunks, same stream machinery) and a naive replace-each-pattern scrubber.
import { execFileSync } from 'node:child_process';
import { Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { join } from 'node:path';
import { chunks, mixedOutput } from './corpus';
import { allForms, makeRedactor, makeSecrets } from './redactorAdapter';
import { MiB, now, stat, type Figure } from './lib';

/** Pushes `input` chunks through `stream` and resolves when it has drained everything. */
function pump(stream: Transform, input: readonly Buffer[]): Promise<number> {
  return new Promise((resolve, reject) => {
    let size = 0;
    stream.on('data', (c: string | Buffer) => (size += c.length));
    stream.on('end', () => resolve(size));
    stream.on('error', reject);
    for (const chunk of input) stream.write(chunk);
    stream.end();
  });
}

export async function benchRedactor(root: string, totalMiB = 256): Promise<Figure[]> {
  const secrets = makeSecrets(200);
  const redactor = makeRedactor(secrets);
  const blockMiB = 8;
  // What a child writes: bytes, in pipe-sized reads. Both sides decode UTF-8 (the pty and the agent's
  // buffer take text), so the baseline is the cheapest faithful pass-through, not a reference copy.
  const block = chunks(mixedOutput(blockMiB * MiB, secrets, 3)).map((c) => Buffer.from(c, 'utf8'));
  const redacting = (): Transform => {
    const scrub = redactor.stream();
    const decoder = new StringDecoder('utf8');
    return new Transform({
      readableObjectMode: true,
      transform(chunk: Buffer, _enc, done) {
        done(null, scrub.push(decoder.write(chunk)));
      },
      flush(done) {
        done(null, scrub.push(decoder.end()) + scrub.flush());
      },
    });
  };
  const passing = (): Transform => {
    const decoder = new StringDecoder('utf8');
    return new Transform({
      readableObjectMode: true,
      transform(chunk: Buffer, _enc, done) {
        done(null, decoder.write(chunk));
      },
      flush(done) {
        done(null, decoder.end());
      },
    });
  };
  // Warm-up.
  await pump(redacting(), block);
  await pump(passing(), block);
  const redactorMs: number[] = [];
  const passMs: number[] = [];
  for (let done = 0, i = 0; done < totalMiB; done += blockMiB, i++) {
    const order = i % 2 === 0 ? [true, false] : [false, true];
    for (const useRedactor of order) {
      const t = now();
      await pump(useRedactor ? redacting() : passing(), block);
      (useRedactor ? redactorMs : passMs).push(now() - t);
    }
  }
  const mbps = (ms: number): number => blockMiB / (ms / 1000);
  const r = stat(redactorMs.map(mbps));
  const p = stat(passMs.map(mbps));
  const vsPass = r.median / p.median;

  // Naive: every pattern replaced with split/join over each chunk, on a 2 MiB sample (it is slow).
  const forms = allForms(secrets);
  const sample = chunks(mixedOutput(2 * MiB, secrets, 5));
  const naiveMs: number[] = [];
  const redactorSampleMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    let t = now();
    for (const chunk of sample) {
      let text = chunk;
      for (const { form, marker } of forms) if (text.includes(form)) text = text.split(form).join(marker);
    }
    naiveMs.push(now() - t);
    t = now();
    const s = redactor.stream();
    for (const chunk of sample) s.push(chunk);
    s.flush();
    redactorSampleMs.push(now() - t);
  }
  const naive = stat(naiveMs.map((ms) => 2 / (ms / 1000)));
  const rs = stat(redactorSampleMs.map((ms) => 2 / (ms / 1000)));
  const vsNaive = r.median / naive.median;

  // Memory: separate processes so each peak is its own.
  const peak = (mib: number): number => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'redactorMemory.ts'), String(mib)], { cwd: root, encoding: 'utf8' });
    return (JSON.parse(out.trim().split('\n').pop() ?? '{}') as { peakRssMiB: number }).peakRssMiB;
  };
  const small = peak(64);
  const large = peak(256);
  const growth = large / small;

  return [
    {
      name: 'redactor-vs-passthrough',
      metric: 'redactor throughput / pass-through stream throughput (median MiB/s)',
      value: vsPass,
      unit: '×',
      target: '≥ 0.5×',
      met: vsPass >= 0.5,
      subject: r,
      baseline: p,
      subjectUnit: 'MiB/s',
      notes: `baseline: the same byte chunks through a Transform that only decodes UTF-8; ${secrets.length} secrets × ${Math.round(forms.length / secrets.length)} forms each (${forms.length} patterns); ${totalMiB} MiB each, ${blockMiB} MiB blocks in 64 KiB chunks, interleaved`,
    },
    {
      name: 'redactor-vs-naive',
      metric: 'redactor throughput / naive replace-each-pattern throughput',
      value: vsNaive,
      unit: '×',
      target: '≥ 10×',
      met: vsNaive >= 10,
      subject: r,
      baseline: naive,
      subjectUnit: 'MiB/s',
      notes: `naive measured on a 2 MiB sample (3 passes; redactor on the same sample: ${rs.median.toFixed(1)} MiB/s) and extrapolated as throughput`,
    },
    {
      name: 'redactor-memory',
      metric: 'peak RSS at 256 MiB / peak RSS at 64 MiB of output',
      value: growth,
      unit: '×',
      target: '≈ 1.0× (flat)',
      met: growth < 1.15,
      notes: `peak RSS ${small.toFixed(0)} MiB after 64 MiB, ${large.toFixed(0)} MiB after 256 MiB (separate processes, including the 8 MiB corpus)`,
    },
  ];
}
