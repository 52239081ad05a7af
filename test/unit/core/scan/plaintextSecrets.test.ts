import { strict as assert } from 'node:assert';
import { scanText } from '../../../../src/adapters/node/secretScanner';
import { diagnosticsFor, isEnvFileName, isScannedOnOpen, maskSecret, ruleLabel, suggestNameAt } from '../../../../src/core/scan/plaintextSecrets';
import { markingL10n } from '../../../support/markingL10n';
import { plainL10n } from '../../../../src/shared/l10n';

// Shaped like real tokens (secretlint's rules match the shape); not real credentials.
const GITHUB = `ghp_${'wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx'}`;
const SLACK = `xoxb-${'1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'}`;

describe('plaintext secrets', () => {
  it('masks with no character of the value, only its length', () => {
    assert.equal(maskSecret(40), '•••••••• (40 characters)');
  });

  it('secretlint (the bundled recommended rules) finds tokens in a config file; diagnostics are masked and name a credential', async () => {
    const text = `{\n  "name": "demo",\n  "githubToken": "${GITHUB}",\n  "slack": "${SLACK}"\n}\n`;
    const findings = await scanText('/work/config.json', text);
    const diagnostics = diagnosticsFor(text, findings, plainL10n);
    assert.equal(diagnostics.length, 2);
    assert.equal(text.slice(diagnostics[0]?.start, diagnostics[0]?.end), GITHUB);
    assert.equal(diagnostics[0]?.suggestedName, 'GITHUB_TOKEN');
    assert.equal(diagnostics[1]?.suggestedName, 'SLACK');
    for (const d of diagnostics) {
      for (const secret of [GITHUB, SLACK]) {
        for (let i = 0; i + 6 <= secret.length; i++) assert.ok(!d.message.includes(secret.slice(i, i + 6)), `message leaks a fragment: ${d.message}`);
      }
    }
    assert.match(diagnostics[0]?.message ?? '', /^Plaintext GitHub token in this file: •+ \(40 characters\)/);
  });

  it('l10n: the diagnostic (kind, mask) is the person’s language; English stays the default', () => {
    const text = `token = "${'x'.repeat(20)}"`;
    const [translated] = diagnosticsFor(text, [{ ruleId: '@secretlint/secretlint-rule-github', start: 9, end: 29 }], markingL10n);
    assert.equal(translated?.kind, '«GitHub token»');
    assert.equal(translated?.ruleId, '@secretlint/secretlint-rule-github');
    assert.equal(translated?.message, '«Plaintext «GitHub token» in this file: «•••••••• (20 characters)». Anyone (or any agent) who can read the file can use it; move it into Airlock.»');
    assert.equal(maskSecret(7, markingL10n), '«•••••••• (7 characters)»');
    assert.equal(ruleLabel('@secretlint/secretlint-rule-unknown', markingL10n), '«secret»');
    assert.equal(ruleLabel('@secretlint/secretlint-rule-github'), 'GitHub token');
  });

  it('reports overlapping findings once, drops out-of-range ones', () => {
    const text = 'x'.repeat(50);
    const d = diagnosticsFor(text, [{ ruleId: 'a', start: 5, end: 20 }, { ruleId: 'b', start: 10, end: 15 }, { ruleId: 'c', start: 40, end: 60 }], plainL10n);
    assert.deepEqual(d.map((x) => [x.start, x.end]), [[5, 20]]);
  });

  it('suggests names from the key on the line, else from the kind of secret', () => {
    assert.equal(suggestNameAt('API_KEY=abc', 8, 'x'), 'API_KEY');
    assert.equal(suggestNameAt('  apiToken: abc', 12, 'x'), 'API_TOKEN');
    assert.equal(suggestNameAt('curl -H abc', 8, '@secretlint/secretlint-rule-github'), 'GITHUB_TOKEN');
    assert.equal(suggestNameAt('abc', 0, 'whatever'), 'SECRET');
  });

  it('knows which files to scan on open', () => {
    for (const name of ['.env', '.env.local', 'prod.env', 'config.json', 'settings.yaml', '.npmrc']) assert.ok(isScannedOnOpen(name), name);
    for (const name of ['main.ts', 'README.md']) assert.ok(!isScannedOnOpen(name), name);
    assert.ok(isEnvFileName('.env.production') && !isEnvFileName('environment.ts'));
  });
});
