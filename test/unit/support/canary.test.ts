import { strict as assert } from 'node:assert';
import { canaryForms, findLeaks, makeCanary } from '../../support/canary';

describe('canary helpers', () => {
  it('makes long, distinct, random canaries', () => {
    const a = makeCanary('deploy');
    const b = makeCanary('deploy');
    assert.ok(a.length >= 24);
    assert.notEqual(a, b);
    assert.match(a, /^canary-deploy-[0-9a-f]{32}$/);
  });

  it('names the standard forms', () => {
    const forms = canaryForms('canary x/"0123456789ab>>?').map(({ form }) => form);
    for (const form of ['raw', 'base64', 'base64url', 'hex', 'hex (upper)', 'url', 'url (form)', 'json']) {
      assert.ok(forms.includes(form), form);
    }
  });

  it('finds every form in strings and buffers, and nothing in clean text', () => {
    const canary = makeCanary('leak');
    assert.deepEqual(findLeaks('nothing here', [canary]), []);
    assert.equal(findLeaks(`x${canary}y`, [canary])[0]?.form, 'raw');
    const b64 = Buffer.from(canary).toString('base64');
    assert.ok(findLeaks(Buffer.from(`data: ${b64}`), [canary]).some(({ form }) => form.startsWith('base64')));
    const hex = Buffer.from(canary).toString('hex').toUpperCase();
    assert.ok(findLeaks(`dump ${hex}`, [canary]).some(({ form, index }) => form === 'hex (upper)' && index === 5));
  });
});
