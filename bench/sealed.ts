// Sealed runs: (1) overhead of a sealed run vs the same command spawned directly, with the engine
// session opened once (per grant), interleaved; (2) a 64 MiB upload through the injecting, TLS-terminating
// proxy vs straight to the same local HTTPS server. The proxy verifies upstream certificates with this
// process's trust store (read once, at start), so the figures run in a child started with the test CA.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSealedSession, probeSandbox } from '../src/adapters/node/spawnSealed';
import { SecretValue } from '../src/core/secrets/secretValue';
import { interleaved, now, skippedFigure, stat, type Figure } from './lib';

const OVERHEAD_TARGET = '≤ +60 ms';
const THROUGHPUT_TARGET = '≥ 0.5×';

export async function benchSealed(): Promise<Figure[]> {
  if (!(await probeSandbox()).available) return [skippedFigure('sealed-overhead', OVERHEAD_TARGET, 'no sandbox on this machine'), skippedFigure('sealed-upload', THROUGHPUT_TARGET, 'no sandbox on this machine')];
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-tls-'));
  try {
    const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=bench CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=localhost');
    writeFileSync(join(dir, 'ext'), 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
    ssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.crt', '-days', '2', '-extfile', 'ext');
    const child = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', dir], { env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'ca.crt') }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const line = child.stdout.trim().split('\n').pop() ?? '[]';
    return JSON.parse(line) as Figure[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const exit = (p: ReturnType<typeof spawn>): Promise<number | null> => new Promise((resolve) => p.once('close', resolve));

async function measure(dir: string): Promise<Figure[]> {
  const folder = mkdtempSync(join(tmpdir(), 'airlock-bench-ws-'));
  const payload = join(folder, 'payload.bin');
  writeFileSync(payload, Buffer.alloc(64 * 1024 * 1024, 'a'));
  let bytesIn = 0;
  const server = createServer({ key: readFileSync(join(dir, 'leaf.key')), cert: readFileSync(join(dir, 'leaf.crt')) }, (req, res) => {
    req.on('data', (chunk: Buffer) => (bytesIn += chunk.length));
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '::', resolve));
  const port = (server.address() as AddressInfo).port;
  const session = await openSealedSession([{ name: 'API', env: 'TOKEN', hosts: ['localhost'], value: new SecretValue('bench-token-0123456789') }]);
  const base = { folder, shell: '/bin/sh', writes: [], network: [] };
  try {
    const sealedRun = async (command: string): Promise<void> => {
      const run = await session.run({ ...base, command });
      if (!run.ok) throw new Error(run.message);
      run.value.child.stdin.end();
      run.value.child.stdout.resume();
      run.value.child.stderr.resume();
      await run.value.exited;
    };
    const directRun = async (command: string): Promise<void> => {
      const p = spawn('/bin/sh', ['-c', command], { cwd: folder, stdio: 'ignore' });
      await exit(p);
    };
    await sealedRun('true'); // warm-up (engine loaded, first wrap)
    const { a: sealed, b: direct } = await interleaved(20, () => sealedRun('true'), () => directRun('true'));
    const s = stat(sealed);
    const d = stat(direct);
    const overhead = s.median - d.median;

    const upload = `curl -fsS --noproxy '' https://localhost:${port}/ -H "Authorization: Bearer $TOKEN" --data-binary @payload.bin -o /dev/null`;
    const throughput = async (run: () => Promise<void>): Promise<number> => {
      bytesIn = 0;
      const t0 = now();
      await run();
      if (bytesIn !== 64 * 1024 * 1024) throw new Error(`upload incomplete: ${bytesIn}`);
      return 64 / ((now() - t0) / 1000);
    };
    const viaProxy: number[] = [];
    const straight: number[] = [];
    for (let i = 0; i < 3; i++) {
      viaProxy.push(await throughput(() => sealedRun(upload)));
      straight.push(await throughput(() => directRun(`TOKEN=x curl -fsS --cacert ${join(dir, 'ca.crt')} https://localhost:${port}/ -H "Authorization: Bearer $TOKEN" --data-binary @payload.bin -o /dev/null`)));
    }
    const p = stat(viaProxy);
    const q = stat(straight);
    return [
      { name: 'sealed-overhead', metric: 'sealed run − direct spawn, median (session opened once)', value: overhead, unit: 'ms', target: OVERHEAD_TARGET, met: overhead <= 60, subject: s, baseline: d, subjectUnit: 'ms', notes: '20 interleaved runs of `true`' },
      { name: 'sealed-upload', metric: '64 MiB upload through the injecting proxy / direct', value: p.median / q.median, unit: '×', target: THROUGHPUT_TARGET, met: p.median / q.median >= 0.5, subject: p, baseline: q, subjectUnit: 'MiB/s', notes: 'curl inside the sandbox (proxy terminates TLS, swaps the header) vs curl on the host; includes the sealed run’s own overhead' },
    ];
  } finally {
    await session.close();
    server.close();
    rmSync(folder, { recursive: true, force: true });
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
