// Sealed runs: (1) overhead of a sealed run vs the same command spawned directly, with the engine
// session opened once (per grant), interleaved; (2) a 64 MiB upload through the injecting, TLS-terminating
// proxy vs straight to the same local HTTPS server. The proxy verifies upstream certificates with this
// process's trust store (read once, at start), so the figures run in a child started with the test CA.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSealedSession, probeSandbox } from '../src/adapters/node/spawnSealed';
import { SecretValue } from '../src/core/secrets/secretValue';
import { mintTestCa } from '../test/support/testCa';
import { interleaved, skippedFigure, stat, type Figure } from './lib';

const OVERHEAD_TARGET = '≤ +60 ms';
const THROUGHPUT_TARGET = '≥ 0.5×';

export async function benchSealed(): Promise<Figure[]> {
  if (!(await probeSandbox()).available) return [skippedFigure('sealed-overhead', OVERHEAD_TARGET, 'no sandbox on this machine'), skippedFigure('sealed-upload', THROUGHPUT_TARGET, 'no sandbox on this machine')];
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-tls-'));
  try {
    mintTestCa(dir, ['localhost'], 'bench CA');
    const child = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', dir], { env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'ca.crt') }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const line = child.stdout.trim().split('\n').pop() ?? '[]';
    return JSON.parse(line) as Figure[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const exit = (p: ReturnType<typeof spawn>): Promise<number | null> => new Promise((resolve) => p.once('close', resolve));

// The upload's server runs in a process of its own, as a real upstream does: in this process it would
// share one thread with the proxy's two TLS legs and the figure would measure that contention.
const SERVER = `
const { readFileSync } = require('node:fs');
const [key, cert] = process.argv.slice(1);
require('node:https').createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
  let bytes = 0;
  req.on('data', (chunk) => (bytes += chunk.length));
  req.on('end', () => res.end(String(bytes)));
}).listen(0, '::', function () { process.stdout.write(this.address().port + '\\n'); });
`;

// The reference: a bare TLS terminator in Node (decrypt, re-encrypt, pipe; no HTTP parsing, no sandbox,
// no relays), in a process of its own. What it reaches is the ceiling for any proxy that terminates TLS in
// Node on this machine, the engine's included: the proxy decrypts and re-encrypts every byte the server
// only decrypts, on cores it shares with the client, the relays and the server.
const RELAY = `
const { readFileSync } = require('node:fs');
const tls = require('node:tls');
const [key, cert, upstream] = process.argv.slice(1);
tls.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (client) => {
  const server = tls.connect({ host: 'localhost', port: Number(upstream), servername: 'localhost' });
  client.pipe(server).pipe(client);
  client.on('error', () => server.destroy());
  server.on('error', () => client.destroy());
}).listen(0, '::', function () { process.stdout.write(this.address().port + '\\n'); });
`;

async function startServer(dir: string, script = SERVER, extra: readonly string[] = []): Promise<{ port: number; stop(): void }> {
  const child = spawn(process.execPath, ['-e', script, join(dir, 'leaf.key'), join(dir, 'leaf.crt'), ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`upload server exited (${String(code)})`)));
  });
  return { port, stop: () => child.kill() };
}

/** Transfer time only: the command stamps the clock around curl, so the sealed run's start-up is not in it. */
const timedUpload = (curlArgs: string): string =>
  `s=$(date +%s%N); n=$(curl -fsS ${curlArgs} -H "Authorization: Bearer $TOKEN" --data-binary @payload.bin); e=$(date +%s%N); echo "$n $s $e"`;

async function measure(dir: string): Promise<Figure[]> {
  const folder = mkdtempSync(join(tmpdir(), 'airlock-bench-ws-'));
  writeFileSync(join(folder, 'payload.bin'), Buffer.alloc(64 * 1024 * 1024, 'a'));
  const server = await startServer(dir);
  const relay = await startServer(dir, RELAY, [String(server.port)]);
  // The product passes its global storage; a folder of the bench's own stands in for it.
  const relayDir = mkdtempSync(join(tmpdir(), 'airlock-bench-relay-'));
  const session = await openSealedSession([{ name: 'API', env: 'TOKEN', hosts: ['localhost'], value: new SecretValue('bench-token-0123456789') }], { relayDir });
  const base = { folder, shell: '/bin/sh', writes: [], network: [] };
  try {
    const sealedRun = async (command: string): Promise<string> => {
      const run = await session.run({ ...base, command });
      if (!run.ok) throw new Error(run.message);
      let out = '';
      run.value.child.stdin.end();
      run.value.child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      run.value.child.stderr.resume();
      await run.value.exited;
      return out;
    };
    const directRun = async (command: string): Promise<string> => {
      const p = spawn('/bin/sh', ['-c', command], { cwd: folder, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, TOKEN: 'x' } });
      let out = '';
      p.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      await exit(p);
      return out;
    };
    await sealedRun('true'); // warm-up (engine loaded, first wrap)
    const { a: sealed, b: direct } = await interleaved(20, () => sealedRun('true'), () => directRun('true'));
    const s = stat(sealed);
    const d = stat(direct);
    const overhead = s.median - d.median;

    const url = `https://localhost:${server.port}/`;
    const throughput = async (run: () => Promise<string>): Promise<number> => {
      const [bytes, start, end] = (await run()).trim().split(' ').map(Number);
      if (bytes !== 64 * 1024 * 1024 || start === undefined || end === undefined) throw new Error(`upload incomplete: ${String(bytes)}`);
      return 64 / ((end - start) / 1e9);
    };
    const viaProxy: number[] = [];
    const straight: number[] = [];
    const viaRelay: number[] = [];
    for (let i = 0; i < 5; i++) {
      viaProxy.push(await throughput(() => sealedRun(timedUpload(`--noproxy '' ${url}`))));
      straight.push(await throughput(() => directRun(timedUpload(`--cacert ${join(dir, 'ca.crt')} ${url}`))));
      viaRelay.push(await throughput(() => directRun(timedUpload(`--cacert ${join(dir, 'ca.crt')} https://localhost:${relay.port}/`))));
    }
    const p = stat(viaProxy);
    const q = stat(straight);
    const r = stat(viaRelay);
    return [
      { name: 'sealed-overhead', metric: 'sealed run − direct spawn, median (session opened once)', value: overhead, unit: 'ms', target: OVERHEAD_TARGET, met: overhead <= 60, subject: s, baseline: d, subjectUnit: 'ms', notes: '20 interleaved runs of `true`' },
      { name: 'sealed-upload', metric: '64 MiB upload through the injecting proxy / direct (transfer time only)', value: p.median / q.median, unit: '×', target: THROUGHPUT_TARGET, met: p.median / q.median >= 0.5, subject: p, baseline: q, subjectUnit: 'MiB/s', notes: `curl inside the sandbox (proxy terminates TLS, swaps the header) vs curl on the host, to a server in its own process; clock read by the command around curl, so neither figure holds a start-up. For reference, a bare Node TLS terminator (no HTTP, no sandbox, no relays) reaches ${(r.median / q.median).toFixed(2)}× here (sealed-upload-reference)` },
      { name: 'sealed-upload-reference', metric: '64 MiB upload through a bare Node TLS terminator / direct (the ceiling for a Node proxy here)', value: r.median / q.median, unit: '×', target: 'reference', met: true, subject: r, baseline: q, subjectUnit: 'MiB/s', notes: 'decrypt, re-encrypt and pipe in a process of its own, no HTTP parsing; interleaved with the two figures above' },
    ];
  } finally {
    await session.close();
    server.stop();
    relay.stop();
    rmSync(folder, { recursive: true, force: true });
    rmSync(relayDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  measure(process.argv[3] ?? '').then(
    (figures) => {
      process.stdout.write(`${JSON.stringify(figures)}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
