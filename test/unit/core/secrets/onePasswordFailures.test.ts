import { strict as assert } from 'node:assert';
import { classifyOnePasswordError, classifyReferenceError } from '../../../../src/core/secrets/onePasswordFailures';
import { markingL10n } from '../../../support/markingL10n';

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

  it('l10n: a person’s translator gets every message whole (the SDK text never); the default stays English', () => {
    assert.equal(classifyOnePasswordError('other', 'desktop application not found', markingL10n).message, '«The 1Password desktop app was not found, or its SDK integration is turned off. Install and open 1Password, turn on Settings → Developer → "Integrate with other apps", then try again.»');
    assert.equal(classifyOnePasswordError('other', 'desktop application not found').message, 'The 1Password desktop app was not found, or its SDK integration is turned off. Install and open 1Password, turn on Settings → Developer → "Integrate with other apps", then try again.');
    assert.equal(classifyOnePasswordError('auth-expired', '', markingL10n).message, '«The 1Password sign-in has expired or was revoked. Run "Airlock: Connect 1Password" to set it up again.»');
    assert.equal(classifyOnePasswordError('auth-expired', '').message, 'The 1Password sign-in has expired or was revoked. Run "Airlock: Connect 1Password" to set it up again.');
    assert.equal(classifyOnePasswordError('other', 'something new', markingL10n).message, '«1Password returned an error. See the Airlock output channel for details, then try again.»');
    assert.equal(classifyReferenceError('tooManyItems', 'op://V/I/f', markingL10n).message, '«op://V/I/f matches more than one item; use the unique ID instead of the name.»');
    assert.equal(classifyReferenceError('tooManyItems', 'op://V/I/f').message, 'op://V/I/f matches more than one item; use the unique ID instead of the name.');
    assert.equal(classifyReferenceError('parsing', 'op://x').message, 'op://x is not a valid 1Password secret reference. Use "op://Vault/Item/field".');
  });
});
