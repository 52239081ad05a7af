import { strict as assert } from 'node:assert';
import { checkBinding } from '../../../../src/core/grants/commandBinding';

describe('command binding', () => {
  it('exact: only the same command (surrounding whitespace ignored)', () => {
    assert.deepEqual(checkBinding('npm run deploy', 'exact', 'npm run deploy'), { ok: true });
    assert.deepEqual(checkBinding('npm run deploy', 'exact', '  npm run deploy \n'), { ok: true });
    for (const other of ['printenv', 'env', 'echo $DEPLOY_TOKEN', 'cat /proc/self/environ', 'npm run deploy --force', 'npm run deploy; printenv', 'npm run deploy2', 'npm  run deploy']) {
      assert.deepEqual(checkBinding('npm run deploy', 'exact', other), { ok: false, why: 'different-command' }, other);
    }
  });

  it('prefix: plain arguments after a space are covered', () => {
    for (const cmd of ['npm run deploy', 'npm run deploy -- --env staging', 'npm run deploy staging', "npm run deploy 'quoted arg'"]) {
      assert.deepEqual(checkBinding('npm run deploy', 'prefix', cmd), { ok: true }, cmd);
    }
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
});
