// `npm run test:sandbox`: sealed runs for real (bubblewrap + socat + ripgrep on Linux), in plain Node.
// The engine's terminating proxy verifies upstream certificates against this process's trust store,
// which Node reads once, at start: so this script mints a test CA and a `localhost` leaf first, then
// runs mocha with NODE_EXTRA_CA_CERTS naming that CA. Skips (exit 0, one line) where there is no sandbox.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeSandbox } from '../../src/adapters/node/spawnSealed';
import { mintTestCa } from '../support/testCa';

async function main(): Promise<number> {
  const availability = await probeSandbox();
  if (!availability.available) {
    process.stdout.write(`sandbox tier skipped: no sandbox here (${JSON.stringify(availability)})\n`);
    return 0;
  }
  const dir = mkdtempSync(join(tmpdir(), 'airlock-sandbox-tls-'));
  try {
    mintTestCa(dir, ['localhost', 'other.localhost']);
    const mocha = spawnSync(process.execPath, [join(__dirname, '../../node_modules/mocha/bin/mocha.js'), '--import=tsx', '--timeout', '60000', 'test/sandbox/**/*.test.ts', ...process.argv.slice(2)], {
      cwd: join(__dirname, '../..'),
      stdio: 'inherit',
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'ca.crt'), AIRLOCK_TEST_TLS_DIR: dir },
    });
    return mocha.status ?? 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
