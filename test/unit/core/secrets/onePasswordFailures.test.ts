import { strict as assert } from 'node:assert';
import { classifyOnePasswordError, classifyReferenceError } from '../../../../src/core/secrets/onePasswordFailures';

describe('1Password failure classification (pure)', () => {
  it('trusts the SDK error class over the message', () => {
    assert.equal(classifyOnePasswordError('rate-limited', 'network unreachable').code, 'rate-limited');
    assert.equal(classifyOnePasswordError('auth-expired', 'whatever').code, 'auth-expired');
    assert.equal(classifyOnePasswordError('desktop-session-expired', '').code, 'auth-expired');
  });

  it('reads "desktop application not found" as the app missing, not as an item not found', () => {
    assert.equal(classifyOnePasswordError('other', '1Password desktop application not found').code, 'app-not-found');
    assert.equal(classifyOnePasswordError('other', 'resource not found').code, 'not-found');
  });

  it('never repeats the SDK text in its message', () => {
    const sdkText = 'error sending request for url (https://secret-tenant.example/api)';
    const failure = classifyOnePasswordError('other', sdkText);
    assert.equal(failure.code, 'offline');
    assert.ok(!failure.message.includes('secret-tenant'));
  });

  it('maps reference errors per type and keeps only enum-like unknown tags', () => {
    assert.equal(classifyReferenceError('itemNotFound', 'op://V/I/f').code, 'not-found');
    assert.equal(classifyReferenceError('tooManyVaults', 'op://V/I/f').code, 'invalid-reference');
    assert.match(classifyReferenceError('tooManyVaults', 'op://V/I/f').message, /more than one vault/);
    assert.match(classifyReferenceError('unableToParsePrivateKey', 'op://V/I/f').message, /\(unableToParsePrivateKey\)/);
    assert.match(classifyReferenceError('<script>evil</script>', 'op://V/I/f').message, /\(unknown error\)/);
  });
});
