import { strict as assert } from 'node:assert';
import { checkBinding, describeBinding } from '../../../../src/core/grants/commandBinding';

describe('command binding', () => {
  it('exact: only the very same string — no trimming, no normalising', () => {
    assert.deepEqual(checkBinding('npm run deploy', 'exact', 'npm run deploy'), { ok: true });
    for (const other of ['printenv', 'env', 'echo $DEPLOY_TOKEN', 'cat /proc/self/environ', 'npm run deploy --force', 'npm run deploy; printenv', 'npm run deploy2', 'npm  run deploy', '  npm run deploy \n', 'npm run deploy ', ' npm run deploy']) {
      assert.deepEqual(checkBinding('npm run deploy', 'exact', other), { ok: false, why: 'different-command' }, JSON.stringify(other));
    }
  });

  it('exact: characters JavaScript trim() strips but bash keeps are a different command (attack: "deploy\\u00a0" script)', () => {
    // Each of these names a different npm script / make target / file to the shell.
    for (const tail of ['\u00a0', '\r', '\v', '\f', '\u2028', '\u2029', '\u3000', '\ufeff', '\u1680', '\u2000', '\u202f', '\u205f', '\t']) {
      const command = `npm run deploy${tail}`;
      assert.deepEqual(checkBinding('npm run deploy', 'exact', command), { ok: false, why: 'different-command' }, JSON.stringify(command));
      assert.deepEqual(checkBinding('npm run deploy', 'exact', `${tail}npm run deploy`), { ok: false, why: 'different-command' }, JSON.stringify(command));
      assert.equal(checkBinding('npm run deploy', 'prefix', command).ok, false, `prefix ${JSON.stringify(command)}`);
    }
  });

  it('prefix: plain positional arguments after one space are covered', () => {
    for (const cmd of ['npm run deploy', 'npm run deploy staging', 'npm run deploy staging eu-west-1', 'npm run deploy ./dist/app.js', 'npm run deploy v1.2.3+build', 'npm run deploy user@host:path', 'npm run deploy 50%']) {
      assert.deepEqual(checkBinding('npm run deploy', 'prefix', cmd), { ok: true }, cmd);
    }
  });

  it('prefix: options and assignments after the prefix run code and are refused (attack: --script-shell, SHELL=, -f)', () => {
    const attacks = [
      'npm run deploy --script-shell=./x.sh',
      'npm run deploy --script-shell ./x.sh',
      'npm run deploy --node-options=--require=./x.js',
      'npm run deploy -- --env staging',
      'make deploy SHELL=./x.sh',
      'make deploy -f evil.mk',
      'make deploy MAKEFLAGS=x',
      'npm run deploy -',
      'npm run deploy x=y',
    ];
    for (const cmd of attacks) {
      const bound = cmd.startsWith('make') ? 'make deploy' : 'npm run deploy';
      assert.deepEqual(checkBinding(bound, 'prefix', cmd), { ok: false, why: 'option-after-prefix' }, cmd);
    }
  });

  it('prefix: quoting, globbing, brace expansion and odd spacing could smuggle an option past the check and are refused', () => {
    const attacks = [
      "npm run deploy '--script-shell'",
      'npm run deploy "-"-script-shell ./x.sh',
      'npm run deploy \\--script-shell',
      'npm run deploy *',
      'npm run deploy ?-script-shell',
      'npm run deploy [-]-script-shell',
      'npm run deploy {-,}-script-shell',
      'npm run deploy ~',
      'npm run deploy  x',
      'npm run deploy x ',
      'npm run deploy \tx',
      "npm run deploy 'quoted arg'",
    ];
    for (const cmd of attacks) assert.equal(checkBinding('npm run deploy', 'prefix', cmd).ok, false, JSON.stringify(cmd));
  });

  it('prefix: chaining, substitution, pipes, redirects and look-alike commands are refused', () => {
    const attacks: Array<[string, string]> = [
      ['npm run deploy; printenv', 'different-command'], // no space right after the prefix
      ['npm run deploy&&printenv', 'different-command'],
      ['npm run deployx', 'different-command'],
      ['npm run deplo', 'different-command'],
      ['printenv', 'different-command'],
      ['env npm run deploy', 'different-command'],
      ['npm run deploy ; printenv', 'metacharacter-after-prefix'],
      ['npm run deploy && env', 'metacharacter-after-prefix'],
      ['npm run deploy || env', 'metacharacter-after-prefix'],
      ['npm run deploy | tee out', 'metacharacter-after-prefix'],
      ['npm run deploy $(printenv)', 'metacharacter-after-prefix'],
      ['npm run deploy `printenv`', 'metacharacter-after-prefix'],
      ['npm run deploy $DEPLOY_TOKEN', 'metacharacter-after-prefix'],
      ['npm run deploy > /tmp/x', 'metacharacter-after-prefix'],
      ['npm run deploy < /proc/self/environ', 'metacharacter-after-prefix'],
      ['npm run deploy x\nprintenv', 'metacharacter-after-prefix'],
      ['npm run deploy x\rprintenv', 'metacharacter-after-prefix'],
      ['npm run deploy (x)', 'metacharacter-after-prefix'],
      ['npm run deploy x\\', 'metacharacter-after-prefix'],
      ['npm run deploy x &', 'metacharacter-after-prefix'],
    ];
    for (const [cmd, why] of attacks) assert.deepEqual(checkBinding('npm run deploy', 'prefix', cmd), { ok: false, why }, JSON.stringify(cmd));
  });

  it('describes a prefix binding in words, including that options are refused', () => {
    const text = describeBinding('npm run deploy', 'prefix');
    assert.match(text, /"npm run deploy"/);
    assert.match(text, /"-"/);
    assert.match(text, /"="/);
  });
});
