import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSealedSession, type SealedChild, type SealedSecret, type SealedSession } from '../../src/adapters/node/spawnSealed';
import { scanWrites } from '../../src/adapters/node/sealedWriteScan';
import { RELAY_BUFFER_BYTES } from '../../src/adapters/node/socatRelay';
import { encodedForms } from '../../src/core/redaction/encodings';
import { createRedactor } from '../../src/core/redaction/redactor';
import { SecretValue } from '../../src/core/secrets/secretValue';

/**
 * Sealed runs for real: bubblewrap, socat and the engine's terminating proxy, a local HTTPS server on
 * `localhost` with a test CA (test/sandbox/run.ts makes it and sets NODE_EXTRA_CA_CERTS). Every wait is
 * on an event the command or the server produces, never on time.
 */
const tls = process.env['AIRLOCK_TEST_TLS_DIR'];
if (tls === undefined) throw new Error('Run through `npm run test:sandbox` (it makes the test CA).');

interface Received {
  readonly authorization: string | undefined;
  readonly body: string;
}

async function startServer(): Promise<{ server: Server; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer({ key: readFileSync(join(tls!, 'leaf.key')), cert: readFileSync(join(tls!, 'leaf.crt')) }, (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ authorization: req.headers.authorization, body });
      res.end('ok\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '::', resolve));
  return { server, port: (server.address() as AddressInfo).port, received };
}

interface Finished {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

/** Collects output; `onLine` sees each stdout line as it arrives (to act while the command waits). */
async function finish(run: SealedChild, onLine?: (line: string) => void | Promise<void>): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  let partial = '';
  run.child.stdout.setEncoding('utf8');
  run.child.stderr.setEncoding('utf8');
  run.child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const actions: Promise<void>[] = [];
  run.child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (onLine) actions.push(Promise.resolve(onLine(line)));
  });
  if (!onLine) run.child.stdin.end();
  const { code } = await run.exited;
  await Promise.all(actions);
  return { stdout, stderr, code };
}

const curl = (port: number, host: string, header: string, data?: string): string =>
  `curl -fsS --noproxy '' --max-time 20 https://${host}:${port}/ -H "${header}"${data === undefined ? '' : ` --data "${data}"`}`;

/** Every form the redactor knows, plus the reversed value: none may appear. */
const formsOf = (value: string): string[] => [...encodedForms(value), [...value].reverse().join('')];

describe('sealed runs (real sandbox)', function () {
  this.timeout(120_000);
  let folder: string;
  let server: Awaited<ReturnType<typeof startServer>>;
  const sessions: SealedSession[] = [];
  // The socat wrapper's folder, as the product passes its global storage. Here it sits inside a folder
  // every run is denied (another window's private root, by name), so each run proves it can still read
  // the wrapper through its one allowed path; in the product the folder is VS Code's user data, denied too.
  const deniedRoot = join(tmpdir(), `airlock-sealed-${process.pid + 200000}`);
  const relayDir = join(deniedRoot, 'relay');
  const open = async (secrets: SealedSecret[]): Promise<SealedSession> => {
    const session = await openSealedSession(secrets, { relayDir });
    sessions.push(session);
    return session;
  };
  const base = () => ({ folder, shell: '/bin/bash', writes: [] as string[], network: [] as string[] });

  before(async () => {
    server = await startServer();
  });
  after(() => {
    server.server.close();
    rmSync(deniedRoot, { recursive: true, force: true });
  });
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'airlock-sealed-ws-'));
    server.received.length = 0;
  });
  afterEach(async () => {
    for (const session of sessions.splice(0)) await session.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('host-bound: the server gets the value; the command’s printout (raw, reversed, base64) shows only the placeholder', async () => {
    const real = `tok-${randomBytes(18).toString('hex')}`;
    const session = await open([{ name: 'API', env: 'TOKEN', hosts: ['localhost'], value: new SecretValue(real) }]);
    const run = await session.run({
      ...base(),
      command: `printf 'raw=%s\\n' "$TOKEN"; printf '%s' "$TOKEN" | rev; echo; printf '%s' "$TOKEN" | base64 -w0; echo; ${curl(server.port, 'localhost', 'Authorization: Bearer $TOKEN')}`,
    });
    assert.ok(run.ok, run.ok ? '' : run.message);
    const out = await finish(run.value);
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(server.received.map((r) => r.authorization), [`Bearer ${real}`]);
    assert.match(out.stdout, /^raw=fake_value_[0-9a-f-]+/m);
    for (const form of formsOf(real)) assert.ok(!(out.stdout + out.stderr).includes(form), `output holds a form of the value: ${form.length} chars`);
  });

  it('host-bound: no /proc/*/environ on the machine holds any form of the value while the command runs', async () => {
    const real = `tok-${randomBytes(18).toString('hex')}`;
    const session = await open([{ name: 'API', env: 'TOKEN', hosts: ['localhost'], value: new SecretValue(real) }]);
    const run = await session.run({ ...base(), command: `echo ready; read -r _; ${curl(server.port, 'localhost', 'Authorization: Bearer $TOKEN')}` });
    assert.ok(run.ok);
    let scanned = 0;
    let placeholderSeen = false;
    const hits: string[] = [];
    const out = await finish(run.value, (line) => {
      if (line !== 'ready') return;
      const forms = formsOf(real).map((form) => Buffer.from(form));
      for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
        let environ: Buffer;
        try {
          environ = readFileSync(`/proc/${pid}/environ`);
        } catch {
          continue; // Exited meanwhile, or a kernel thread.
        }
        scanned++;
        if (environ.includes('TOKEN=fake_value_')) placeholderSeen = true;
        if (forms.some((form) => environ.includes(form))) hits.push(pid);
      }
      run.value.child.stdin.end('go\n');
    });
    assert.equal(out.code, 0, out.stderr);
    assert.ok(scanned > 5 && placeholderSeen, 'the scan saw the sandboxed command (its placeholder)');
    assert.deepEqual(hits, []);
    assert.deepEqual(server.received.map((r) => r.authorization), [`Bearer ${real}`]);
  });

  it('host-bound: credential A’s placeholder sent to credential B’s host arrives unswapped', async () => {
    // A is for another host (never dialled: it need not resolve); B is for localhost, where the server is.
    const realA = `tokA-${randomBytes(18).toString('hex')}`;
    const realB = `tokB-${randomBytes(18).toString('hex')}`;
    const session = await open([
      { name: 'A', env: 'TOKEN_A', hosts: ['a.example.com'], value: new SecretValue(realA) },
      { name: 'B', env: 'TOKEN_B', hosts: ['localhost'], value: new SecretValue(realB) },
    ]);
    const run = await session.run({ ...base(), command: `echo "A=$TOKEN_A"; ${curl(server.port, 'localhost', 'Authorization: Bearer $TOKEN_A $TOKEN_B')}` });
    assert.ok(run.ok);
    const out = await finish(run.value);
    assert.equal(out.code, 0, out.stderr);
    const placeholder = /^A=(fake_value_\S+)$/m.exec(out.stdout)?.[1];
    assert.ok(placeholder !== undefined);
    assert.deepEqual(server.received.map((r) => r.authorization), [`Bearer ${placeholder} ${realB}`]);
  });

  it('host-bound: swapped in request bodies only when the credential asks for bodies', async () => {
    const headersOnly = `tokH-${randomBytes(18).toString('hex')}`;
    const withBodies = `tokW-${randomBytes(18).toString('hex')}`;
    const session = await open([
      { name: 'H', env: 'TOKEN_H', hosts: ['localhost'], value: new SecretValue(headersOnly) },
      { name: 'W', env: 'TOKEN_W', hosts: ['localhost'], bodies: true, value: new SecretValue(withBodies) },
    ]);
    const run = await session.run({
      ...base(),
      command: `${curl(server.port, 'localhost', 'X-Note: none', 'h=$TOKEN_H')}; ${curl(server.port, 'localhost', 'X-Note: none', 'w=$TOKEN_W')}`,
    });
    assert.ok(run.ok);
    const out = await finish(run.value);
    assert.equal(out.code, 0, out.stderr);
    const bodies = server.received.map((r) => r.body);
    assert.equal(bodies.length, 2);
    assert.match(bodies[0] ?? '', /^h=fake_value_/);
    assert.equal(bodies[1], `w=${withBodies}`);
  });

  it('the network relays copy 256 KiB at a time on both hops, inside the sandbox and on the host', async () => {
    // socat's default is 8 KiB a copy: two such hops halved an upload's throughput (bench: sealed-upload).
    const session = await open([{ name: 'API', env: 'TOKEN', hosts: ['localhost'], value: new SecretValue('relay-check-0123456789') }]);
    const run = await session.run({
      ...base(),
      command: `for p in /proc/[0-9]*; do tr '\\0' ' ' < "$p/cmdline" 2>/dev/null; echo; done | grep -c '^[^ ]*socat -b ${RELAY_BUFFER_BYTES} TCP'; ${curl(server.port, 'localhost', 'Authorization: Bearer $TOKEN')}`,
    });
    assert.ok(run.ok, run.ok ? '' : run.message);
    const out = await finish(run.value);
    assert.equal(out.code, 0, out.stderr);
    // Both in-sandbox relays (HTTP and SOCKS ports) run the wrapper, and the request got through them.
    assert.equal(out.stdout.split('\n')[0], '2');
    assert.deepEqual(server.received.map((r) => r.authorization), ['Bearer relay-check-0123456789']);
    const host = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
        } catch {
          return '';
        }
      })
      .filter((cmdline) => cmdline.includes(`-b ${RELAY_BUFFER_BYTES} UNIX-LISTEN:`));
    assert.ok(host.length >= 1, 'the host-side relay runs the wrapper');
  });

  it('sealed: a host not allowed is unreachable from inside', async () => {
    const session = await open([]);
    // The server is up on localhost, but this run names another host only.
    const run = await session.run({ ...base(), network: ['api.example.com'], command: `${curl(server.port, 'localhost', 'X-Note: none')}; echo "rc=$?"` });
    assert.ok(run.ok);
    const out = await finish(run.value);
    assert.match(out.stdout, /rc=(?!0\b)\d+/);
    assert.equal(server.received.length, 0);
  });

  it('sealed: the workspace is read-only outside the declared write paths; the CA key and credential stores are unreadable', async () => {
    mkdirSync(join(folder, 'out'));
    writeFileSync(join(folder, 'readme.txt'), 'hello\n');
    // The engine's shared temp folder: present, so a write there is refused by policy, not by absence.
    mkdirSync('/tmp/claude', { recursive: true });
    // Another VS Code window's engine CA (private key inside) and another window's private temporary root.
    const otherCa = mkdtempSync(join(tmpdir(), 'srt-ca-'));
    writeFileSync(join(otherCa, 'ca.key'), 'other window key');
    const otherRoot = join(tmpdir(), `airlock-sealed-${process.pid + 100000}`);
    mkdirSync(join(otherRoot, 'run-x'), { recursive: true });
    writeFileSync(join(otherRoot, 'run-x', 'left'), 'another run left this');
    const session = await open([]);
    const run = await session.run({
      ...base(),
      writes: [join(folder, 'out')],
      command: [
        `cat readme.txt`,
        `touch ${folder}/evil && echo evil-written`,
        `touch ${folder}/out/ok && echo ok-written`,
        `touch "$TMPDIR/t" && echo tmp-written`,
        `touch /tmp/claude/t 2>/dev/null && echo shared-tmp-written`,
        `ls "$HOME/.airlock" >/dev/null 2>&1 && echo airlock-listed`,
        `for key in /tmp/srt-ca-*/ca.key; do cat "$key" >/dev/null 2>&1 && echo key-read; done`,
        `cat ${join(otherRoot, 'run-x', 'left')} >/dev/null 2>&1 && echo other-run-read`,
        'true',
      ].join('; '),
    });
    assert.ok(run.ok);
    const out = await finish(run.value);
    assert.match(out.stdout, /^hello$/m);
    assert.doesNotMatch(out.stdout, /evil-written/);
    assert.match(out.stdout, /ok-written/);
    assert.match(out.stdout, /^tmp-written$/m);
    assert.doesNotMatch(out.stdout, /shared-tmp-written/);
    assert.doesNotMatch(out.stdout, /key-read/);
    assert.doesNotMatch(out.stdout, /other-run-read/);
    rmSync(otherCa, { recursive: true, force: true });
    rmSync(otherRoot, { recursive: true, force: true });
    assert.doesNotMatch(out.stdout, /airlock-listed/);
    assert.deepEqual(readdirSync(folder).sort(), ['out', 'readme.txt']);
  });

  it('sealed: no folder is shared between runs — ~/.npm/_logs (writable in every sandbox by the engine\'s default) is neither writable nor readable; npm logs to the run\'s own folder', async () => {
    const shared = join(homedir(), '.npm', '_logs');
    const existed = existsSync(shared);
    mkdirSync(shared, { recursive: true });
    const planted = join(shared, `airlock-test-${process.pid}.log`);
    writeFileSync(planted, 'left by an earlier run\n');
    try {
      const session = await open([]);
      const run = await session.run({
        ...base(),
        command: [
          `echo x > ${shared}/airlock-written-${process.pid}.log 2>/dev/null`,
          `cat ${planted} 2>/dev/null && echo shared-read`,
          `case "$npm_config_logs_dir" in "$TMPDIR"/*) echo npm-logs-private;; esac`,
          `mkdir -p "$npm_config_logs_dir" && touch "$npm_config_logs_dir/x.log" && echo npm-log-written`,
        ].join('; '),
      });
      assert.ok(run.ok);
      const out = await finish(run.value);
      // A write there lands in the run's own empty overlay at most (gone with the run), never on the host.
      assert.doesNotMatch(out.stdout, /shared-read|left by an earlier run/);
      assert.match(out.stdout, /^npm-logs-private$/m);
      assert.match(out.stdout, /^npm-log-written$/m);
      assert.ok(!existsSync(join(shared, `airlock-written-${process.pid}.log`)));
    } finally {
      rmSync(planted, { force: true });
      if (!existed) rmSync(shared, { recursive: true, force: true });
    }
  });

  it('sealed: inside a declared write path, git hooks and config, editor folders and shell settings stay read-only', async () => {
    // The workspace lies outside this process's working directory (where the engine's own walk looks).
    const out = join(folder, 'out');
    for (const dir of ['.git/hooks', 'sub/.git', '.vscode', 'a/.claude/commands']) mkdirSync(join(out, dir), { recursive: true });
    writeFileSync(join(out, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(out, 'sub', '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(out, '.bashrc'), '# rc\n');
    const session = await open([]);
    const attempts = ['.git/hooks/pre-commit', '.git/config', 'sub/.git/hooks/post-checkout', 'sub/.git/config', '.vscode/tasks.json', 'a/.claude/commands/x.md', '.bashrc', 'plain.txt'];
    const run = await session.run({
      ...base(),
      writes: [out],
      command: attempts.map((path) => `(echo pwned >> "out/${path}") 2>/dev/null && echo "wrote ${path}"`).concat('true').join('; '),
    });
    assert.ok(run.ok);
    const result = await finish(run.value);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split('\n'), ['wrote plain.txt']);
    assert.equal(readFileSync(join(out, '.bashrc'), 'utf8'), '# rc\n');
  });

  it('sealed: a setsid grandchild is gone when the run ends', async () => {
    const tag = `airlock-gc-${randomBytes(6).toString('hex')}`;
    const session = await open([]);
    const run = await session.run({
      ...base(),
      // `^tag`: wait until the grandchild has exec'd (before that, pgrep also matches the bash whose -c
      // argument names the tag). Held until the host has looked (stdin): the run must not end first.
      command: `setsid bash -c 'exec -a ${tag} sleep 600' </dev/null >/dev/null 2>&1 & until pgrep -f '^${tag}' >/dev/null; do :; done; echo started; read _`,
    });
    assert.ok(run.ok);
    const withTag = (): string[] =>
      readdirSync('/proc')
        .filter((name) => /^\d+$/.test(name))
        .filter((pid) => {
          try {
            return readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith(tag);
          } catch {
            return false;
          }
        });
    let seenRunning: string[] = [];
    const out = await finish(run.value, (line) => {
      if (line !== 'started') return;
      seenRunning = withTag();
      run.value.child.stdin.end('go\n');
    });
    assert.equal(out.code, 0, out.stderr);
    assert.equal(seenRunning.length, 1, 'the grandchild was running (seen from the host)');
    assert.deepEqual(withTag(), []);
  });

  it('write scan: a secret written into a declared write path is caught; clean files are not', async () => {
    mkdirSync(join(folder, 'out'));
    const real = `sec-${randomBytes(18).toString('hex')}`;
    const secret = new SecretValue(real);
    const session = await open([{ name: 'DEPLOY', env: 'DEPLOY_TOKEN', value: secret }]);
    const run = await session.run({
      ...base(),
      writes: [join(folder, 'out')],
      command: `printf 'x=%s' "$DEPLOY_TOKEN" | base64 > out/leak.txt; echo fine > out/clean.txt`,
    });
    assert.ok(run.ok);
    const out = await finish(run.value);
    assert.equal(out.code, 0, out.stderr);
    const result = await scanWrites(run.value.writes, run.value.startedAt, createRedactor([{ name: 'DEPLOY', value: secret }]));
    assert.deepEqual(result, { clean: false, files: 2, findings: [{ kind: 'secret', path: join(folder, 'out', 'leak.txt'), credential: 'DEPLOY' }] });
    assert.ok(!JSON.stringify(result).includes(real));
  });
});
