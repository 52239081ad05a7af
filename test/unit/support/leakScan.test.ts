import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCanary } from '../../support/canary';
import { filesHoldingSecrets } from '../../support/leakScan';

describe('filesHoldingSecrets (the sandbox scan of the e2e tests)', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'airlock-leakscan-'));
    mkdirSync(join(root, 'user-data', 'logs'), { recursive: true });
    mkdirSync(join(root, 'workspace'), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('names the secret, the form and the file of every hit in any folder, never the value', () => {
    const a = makeCanary('a');
    const b = makeCanary('b');
    writeFileSync(join(root, 'workspace', '.env'), `A=${a}\n`);
    writeFileSync(join(root, 'user-data', 'logs', 'exthost.log'), `token ${Buffer.from(b).toString('base64')}`);
    writeFileSync(join(root, 'user-data', 'state.json'), JSON.stringify({ url: `https://x/?t=${encodeURIComponent(b)}`, hex: Buffer.from(a).toString('hex') }));
    writeFileSync(join(root, 'workspace', 'clean.txt'), 'nothing here');
    const hits = filesHoldingSecrets(root, { A_KEY: a, B_KEY: b }).sort();
    assert.deepEqual(hits.map((hit) => hit.replace(/ \(.*\)/, '')), ['A_KEY in user-data/state.json', 'A_KEY in workspace/.env', 'B_KEY in user-data/logs/exthost.log', 'B_KEY in user-data/state.json']);
    assert.match(hits[0] ?? '', /^A_KEY \(hex\) /);
    assert.match(hits[2] ?? '', /^B_KEY \(base64, /);
    for (const hit of hits) assert.ok(!hit.includes(a) && !hit.includes(b));
  });

  it('skips only the allowed files', () => {
    const a = makeCanary('a');
    writeFileSync(join(root, 'workspace', 'chosen.txt'), a);
    writeFileSync(join(root, 'workspace', 'other.txt'), a);
    assert.deepEqual(filesHoldingSecrets(root, { A_KEY: a }, [join(root, 'workspace', 'chosen.txt')]), ['A_KEY (raw) in workspace/other.txt']);
  });
});
