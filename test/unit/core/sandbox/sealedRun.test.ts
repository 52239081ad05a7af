import { execFileSync } from 'node:child_process';
import { strict as assert } from 'node:assert';
import { plainL10n } from '../../../../src/shared/l10n';
import { sealFor, sealRefusalMessage } from '../../../../src/core/access/seal';
import type { Credential } from '../../../../src/core/credentials';
import { markingL10n } from '../../../support/markingL10n';
import {
  decideSeal,
  unavailableReason,
  deliveryText,
  isDomainName,
  isInsideFolder,
  networkAllowlist,
  runFilesystemPolicy,
  sealedCommand,
  sealText,
  validateSealedRunRequest,
  type SealedRunRequest,
} from '../../../../src/core/sandbox/sealedRun';
import { createLeakDetector, writeScanMessage } from '../../../../src/core/sandbox/writeScan';
import { createRedactor } from '../../../../src/core/redaction/redactor';
import { SecretValue } from '../../../../src/core/secrets/secretValue';

const request = (over: Partial<SealedRunRequest> = {}): SealedRunRequest => ({ folder: '/ws', writes: [], network: [], credentials: [], ...over });

describe('sealed runs (core)', () => {
  it('hosts are lowercase domain names: no IP literals, ports, schemes, paths or bare wildcards', () => {
    for (const good of ['localhost', 'api.example.com', '*.example.com', 'a-b.c0.io']) assert.ok(isDomainName(good), good);
    for (const bad of ['', '127.0.0.1', '10.1.2.3', '[::1]', '::1', 'api.example.com:443', 'https://x.com', 'x.com/path', '*', '*.com', 'API.example.com', '-a.com', 'a..com', 'a b.com'])
      assert.ok(!isDomainName(bad), bad);
  });

  it('validation: hosts (request and credential), write paths inside the folder, no duplicate env names', () => {
    assert.ok(validateSealedRunRequest(request({ writes: ['/ws/out'], network: ['api.example.com'] })).ok);
    const codeOf = (r: SealedRunRequest): string | undefined => {
      const v = validateSealedRunRequest(r);
      return v.ok ? undefined : v.code;
    };
    assert.equal(codeOf(request({ network: ['127.0.0.1'] })), 'invalid-host');
    assert.equal(codeOf(request({ credentials: [{ name: 'A', env: 'A', hosts: ['169.254.169.254'] }] })), 'invalid-host');
    assert.equal(codeOf(request({ writes: ['/wsx/out'] })), 'write-outside-folder');
    assert.equal(codeOf(request({ writes: ['/ws/../etc'] })), 'invalid-path');
    assert.equal(codeOf(request({ writes: ['out'] })), 'invalid-path');
    assert.equal(codeOf(request({ credentials: [{ name: 'A', env: 'X' }, { name: 'B', env: 'X' }] })), 'duplicate-env');
    assert.ok(isInsideFolder('/ws/', '/ws/a') && isInsideFolder('/ws', '/ws') && !isInsideFolder('/ws', '/wsa'));
  });

  it('network: exactly the union of credential hosts and named hosts', () => {
    const r = request({ network: ['b.example.com', 'a.example.com'], credentials: [{ name: 'A', env: 'A', hosts: ['a.example.com', 'api.x.io'] }, { name: 'B', env: 'B' }] });
    assert.deepEqual(networkAllowlist(r), ['a.example.com', 'api.x.io', 'b.example.com']);
    assert.deepEqual(networkAllowlist(request()), []);
  });

  it('the card says how each credential travels', () => {
    assert.equal(deliveryText({ name: 'A', env: 'A', hosts: ['api.example.com'] }, plainL10n), 'sent only to api.example.com — the command sees a placeholder');
    assert.equal(deliveryText({ name: 'A', env: 'A', hosts: [] }, plainL10n), 'in the command’s environment');
    assert.equal(deliveryText({ name: 'A', env: 'A' }, plainL10n), 'in the command’s environment');
  });

  it('seal decision: mode × availability, with the one fix command', () => {
    const missing = { available: false as const, platform: 'linux' as const, missing: ['bwrap', 'socat'] };
    assert.deepEqual(decideSeal('whenAvailable', { available: true }), { kind: 'sealed' });
    assert.deepEqual(decideSeal('required', { available: true }), { kind: 'sealed' });
    assert.equal(decideSeal('off', { available: true }).kind, 'unsealed');
    const unsealed = decideSeal('whenAvailable', missing);
    assert.equal(unsealed.kind, 'unsealed');
    assert.equal(unsealed.kind === 'unsealed' ? unsealed.fix : undefined, 'sudo apt install bubblewrap socat');
    const refused = decideSeal('required', missing);
    assert.equal(refused.kind, 'refused');
    assert.match(sealText(refused, plainL10n), /must be sealed.*bwrap, socat.*Fix: sudo apt install bubblewrap socat/);
    const mac = decideSeal('required', { available: false, platform: 'darwin', missing: ['rg'] });
    assert.equal(mac.kind === 'refused' ? mac.fix : undefined, 'brew install ripgrep');
    const windows = decideSeal('whenAvailable', { available: false, platform: 'win32', missing: [] });
    assert.ok(windows.kind === 'unsealed' && windows.fix === undefined);
  });

  it('filesystem policy: VS Code\'s user data is unreadable wherever it lives (a custom --user-data-dir, portable, Flatpak); the relay wrapper alone is read back', () => {
    const base = { home: '/home/u', privateTmp: '/t/root/run-1', privateTmpRoot: '/t/root', relayPath: '/opt/vsc-data/User/globalStorage/airlock-dev.airlock/relay/socat' };
    const policy = runFilesystemPolicy({ ...base, request: request({ writes: ['/ws/out'] }), userDataDir: '/opt/vsc-data' });
    assert.ok(policy.denyRead.some((e) => e.path === '/opt/vsc-data'));
    assert.ok(policy.allowRead.some((e) => e.path === base.relayPath));
    // A run whose own folder is inside the user data folder keeps it readable (else its workspace would vanish).
    const inside = runFilesystemPolicy({ ...base, request: { ...request({ writes: [] }), folder: '/opt/vsc-data/ws' }, userDataDir: '/opt/vsc-data' });
    assert.ok(!inside.denyRead.some((e) => e.path === '/opt/vsc-data'));
  });

  it('l10n: the card (sealText) and Show Status (unavailableReason) translate the reason; the agent’s refusal stays English', () => {
    const missing = { available: false as const, platform: 'linux' as const, missing: ['bwrap', 'socat'] };
    const refused = decideSeal('required', missing);
    assert.equal(sealText(refused, markingL10n), '««Runs must be sealed (airlock.run.sandbox: "required"), but «the sandbox needs bwrap, socat, which are not installed».» Fix: sudo apt install bubblewrap socat»');
    assert.equal(sealText(decideSeal('whenAvailable', { available: false, platform: 'other', missing: [] }), markingL10n), '«Not sealed: «this platform has no supported sandbox».»');
    assert.equal(sealText(decideSeal('off', missing), markingL10n), '«sandboxing is off (airlock.run.sandbox: "off")»');
    assert.equal(unavailableReason({ available: false, platform: 'win32', missing: [] }, markingL10n), "«Airlock does not use the sandbox engine's Windows support yet (it is alpha and needs an elevated one-time install)»");
    // The engine's own words cannot be translated; they are shown as they are.
    assert.equal(unavailableReason({ available: false, platform: 'linux', missing: [], reason: 'engine says no' }, markingL10n), 'engine says no');
    assert.ok(refused.kind === 'refused');
    assert.equal(sealRefusalMessage(refused), 'Runs must be sealed (airlock.run.sandbox: "required"), but the sandbox needs bwrap, socat, which are not installed. Fix: sudo apt install bubblewrap socat');
    const credential = (name: string): Credential => ({ name, env: name, hosts: ['api.example.com'] }) as unknown as Credential;
    const one = sealFor('whenAvailable', { available: false, platform: 'linux', missing: ['bwrap'] }, [credential('HOST_TOKEN')]);
    assert.ok(one.kind === 'refused');
    assert.equal(sealRefusalMessage(one), 'HOST_TOKEN is bound to hosts and can only be used in a sealed run, which is not possible here: the sandbox needs bwrap, which is not installed. Fix: sudo apt install bubblewrap');
    assert.equal(sealText(one, markingL10n), '««HOST_TOKEN is bound to hosts and can only be used in a sealed run, which is not possible here: «the sandbox needs bwrap, which is not installed».» Fix: sudo apt install bubblewrap»');
    const two = sealFor('off', { available: true }, [credential('A'), credential('B')]);
    assert.ok(two.kind === 'refused');
    assert.equal(sealRefusalMessage(two), 'A, B are bound to hosts and can only be used in a sealed run, which is not possible here: sandboxing is off (airlock.run.sandbox: "off")');
    assert.equal(sealText(two, markingL10n), '«A, B are bound to hosts and can only be used in a sealed run, which is not possible here: sandboxing is off (airlock.run.sandbox: "off")»');
  });

  it('filesystem policy: writes only where declared (+ private tmp), credential stores, other runs’ tmp and the CA key unreadable', () => {
    const policy = runFilesystemPolicy({ request: request({ writes: ['/ws/out'] }), home: '/home/u/', privateTmp: '/t/root/run-1', privateTmpRoot: '/t/root', caKeyPath: '/tmp/srt-ca-x/ca.key' });
    const paths = (list: readonly { path: string }[]): string[] => list.map((e) => e.path);
    assert.deepEqual(paths(policy.allowWrite), ['/ws/out', '/t/root/run-1']);
    assert.deepEqual(paths(policy.allowRead), ['/t/root/run-1']);
    for (const denied of ['/home/u/.ssh', '/home/u/.aws', '/home/u/.config/gcloud', '/home/u/.docker/config.json', '/home/u/.netrc', '/home/u/.npmrc', '/home/u/.airlock', '/home/u/.config/Code', '/home/u/Library/Keychains', '/t/root', '/tmp/srt-ca-x/ca.key'])
      assert.ok(paths(policy.denyRead).includes(denied), denied);
    assert.deepEqual(paths(policy.denyWrite), ['/tmp/claude']);
    assert.ok([...policy.denyRead, ...policy.allowRead, ...policy.allowWrite].every((e) => e.literal));
  });

  it('the sealed command exports the private tmp folder first, quoted, waits for the relays, then runs the command', () => {
    const command = sealedCommand('echo hi', "/t/it's");
    assert.ok(command.startsWith(`TMPDIR='/t/it'\\''s' TMP='/t/it'\\''s' TEMP='/t/it'\\''s' npm_config_logs_dir='/t/it'\\''s/npm-logs'; export TMPDIR TMP TEMP npm_config_logs_dir; `), command);
    assert.ok(command.endsWith('; echo hi'), command);
    assert.match(command, /while \[ -n "\$\{HTTP_PROXY:-\}" \]/, 'waits only where the engine set up relays');
    // The engine's shell quoting keeps a backslash before these.
    assert.doesNotMatch(command.slice(0, -'echo hi'.length), /[!%]/);
  });

  it('the relay wait is plain POSIX shell that returns at once without relays and leaves no variable behind', () => {
    const out = execFileSync('sh', ['-c', sealedCommand('echo "ran:${_al_i-unset}"', '/tmp')], { env: { PATH: process.env['PATH'] ?? '' }, encoding: 'utf8' });
    assert.equal(out, 'ran:unset\n');
  });
});

describe('write-scan detector', () => {
  const value = 'sk-live-0123456789abcdef';
  const redactor = createRedactor([{ name: 'DEPLOY', value: new SecretValue(value) }]);
  const detect = (chunks: string[]): string[] => {
    const d = createLeakDetector(redactor);
    for (const c of chunks) d.push(c);
    return [...d.flush()];
  };

  it('finds the value raw, base64, hex and split across chunks; names the credential only', () => {
    assert.deepEqual(detect([`a=${value}\n`]), ['DEPLOY']);
    assert.deepEqual(detect([Buffer.from(`x=${value}`).toString('base64')]), ['DEPLOY']);
    assert.deepEqual(detect([Buffer.from(value).toString('hex')]), ['DEPLOY']);
    assert.deepEqual(detect(['head ', value.slice(0, 7), value.slice(7), ' tail']), ['DEPLOY']);
  });

  it('clean text, and a literal marker without the value, are not hits; a planted marker does not hide the value', () => {
    assert.deepEqual(detect(['nothing here\n', 'x'.repeat(100_000)]), []);
    assert.deepEqual(detect(['[redacted:DEPLOY] was here']), []);
    assert.deepEqual(detect([`[redacted:DEPLOY] ${value}`]), ['DEPLOY']);
  });

  it('the message holds paths and names, never a value', () => {
    const text = writeScanMessage({ clean: false, files: 1, findings: [{ kind: 'secret', path: '/ws/out/a', credential: 'DEPLOY' }, { kind: 'unscanned', path: '/ws/out/big', reason: () => 'too large' }] });
    assert.match(text, /\/ws\/out\/a: holds DEPLOY/);
    assert.match(text, /\/ws\/out\/big: not scanned/);
    assert.equal(writeScanMessage({ clean: true, files: 0 }), '');
  });
});
