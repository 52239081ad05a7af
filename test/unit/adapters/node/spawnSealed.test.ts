import { strict as assert } from 'node:assert';
import { decideSeal } from '../../../../src/core/sandbox/sealedRun';
import { probeSandbox } from '../../../../src/adapters/node/spawnSealed';

describe('probeSandbox', () => {
  it('on Linux without the binaries: unavailable, naming them; `required` refuses with the apt command', async function () {
    if (process.platform !== 'linux') this.skip();
    const saved = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      const availability = await probeSandbox();
      assert.deepEqual(availability, { available: false, platform: 'linux', missing: ['bwrap', 'socat', 'rg'] });
      const decision = decideSeal('required', availability);
      assert.equal(decision.kind, 'refused');
      assert.equal(decision.kind === 'refused' && decision.fix, 'sudo apt install bubblewrap socat ripgrep');
      assert.equal(decideSeal('whenAvailable', availability).kind, 'unsealed');
    } finally {
      process.env['PATH'] = saved;
    }
  });
});
