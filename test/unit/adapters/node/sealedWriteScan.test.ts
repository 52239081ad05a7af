import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanWrites } from '../../../../src/adapters/node/sealedWriteScan';
import { createRedactor } from '../../../../src/core/redaction/redactor';
import { SecretValue } from '../../../../src/core/secrets/secretValue';

const VALUE = 'cnry-5f0e1d2c3b4a69788796a5b4';

describe('scanWrites (after a sealed run)', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'airlock-scan-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a file whose name holds the value is a finding (the agent lists the folder), its path never holds the value once scrubbed', async () => {
    // The run's start is taken before it writes, as the runner does (a stall after the write changes nothing).
    const since = Date.now();
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'out', `${VALUE}.txt`), 'clean content');
    const redactor = createRedactor([{ name: 'ENV_TOKEN', value: new SecretValue(VALUE) }]);
    const result = await scanWrites([join(dir, 'out')], since, redactor);
    assert.equal(result.clean, false);
    assert.ok(!result.clean && result.findings.some((f) => f.kind === 'secret' && f.credential === 'ENV_TOKEN'));
    assert.ok(!result.clean && result.findings.every((f) => !redactor.scrub(f.path).includes(VALUE)));
  });

  it('content in any form is a finding; a clean folder is clean', async () => {
    const since = Date.now();
    writeFileSync(join(dir, 'b64.txt'), Buffer.from(VALUE).toString('base64'));
    const redactor = createRedactor([{ name: 'ENV_TOKEN', value: new SecretValue(VALUE) }]);
    const dirty = await scanWrites([dir], since, redactor);
    assert.ok(!dirty.clean && dirty.findings.some((f) => f.kind === 'secret' && f.path.endsWith('b64.txt')));
    rmSync(join(dir, 'b64.txt'));
    const later = Date.now();
    writeFileSync(join(dir, 'ok.txt'), 'nothing here');
    assert.equal((await scanWrites([dir], later, redactor)).clean, true);
  });
});
