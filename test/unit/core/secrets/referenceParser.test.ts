import { strict as assert } from 'node:assert';
import { Secrets } from '@1password/sdk';
import fc from 'fast-check';
import { propertyRuns } from '../../../support/fastCheck';
import { parseReference, REFERENCE_EXAMPLES } from '../../../../src/core/secrets/referenceParser';
import { markingL10n } from '../../../support/markingL10n';

describe('parseReference', () => {
  const valid: [string, object][] = [
    ['secret:DEPLOY_TOKEN', { kind: 'secret', name: 'DEPLOY_TOKEN' }],
    ['secret:stripe.test-key', { kind: 'secret', name: 'stripe.test-key' }],
    ['op://dev/Stripe/publishable-key', { kind: 'op', vault: 'dev', item: 'Stripe', field: 'publishable-key' }],
    ['op://Management/PagerDuty/Admin/email', { kind: 'op', vault: 'Management', item: 'PagerDuty', section: 'Admin', field: 'email' }],
    ['op://My Vault/My Item/api key', { kind: 'op', vault: 'My Vault', item: 'My Item', field: 'api key' }],
    ['op://prod/yj3jfj2vzsbiwqabprflnl27lm/password', { kind: 'op', item: 'yj3jfj2vzsbiwqabprflnl27lm' }],
    ['op://development/GitHub/Security/one-time password?attribute=otp', { kind: 'op', section: 'Security', attribute: 'otp' }],
    ['op://dev/GitHub/totp?attribute=totp', { kind: 'op', attribute: 'totp' }],
    ['op://Private/ssh keys/ssh key/private key?ssh-format=openssh', { kind: 'op', field: 'private key', sshFormat: 'openssh' }],
    ['op://v/i/file.txt', { kind: 'op', field: 'file.txt' }],
    ['op-env://abcdef1234567890abcdef1234/DATABASE_URL', { kind: 'op-env', environmentId: 'abcdef1234567890abcdef1234', variable: 'DATABASE_URL' }],
  ];
  for (const [raw, expected] of valid) {
    it(`accepts ${raw}`, () => {
      const outcome = parseReference(raw);
      assert.ok(outcome.ok, outcome.ok ? '' : outcome.message);
      assert.equal(outcome.value.raw, raw);
      for (const [key, value] of Object.entries(expected)) {
        assert.equal((outcome.value as unknown as Record<string, unknown>)[key], value, key);
      }
    });
  }

  const invalid: [string, RegExp][] = [
    ['', /empty/],
    ['DEPLOY_TOKEN', /no scheme/],
    ['vault:foo', /unknown scheme "vault:"/],
    ['OP://v/i/f', /lower case/],
    ['op:v/i/f', /lower case and 1Password ones are followed by "\/\/"/],
    [' op://v/i/f', /whitespace/],
    ['op://v/i/f ', /whitespace/],
    ['"op://v/i/f"', /quotation marks/],
    ['secret:', /names no secret/],
    ['secret:9lives', /start with a letter/],
    ['secret:a b', /not valid/],
    ['op://v/i', /2 path parts/],
    ['op://v/i/s/x/f', /5 path parts/],
    ['op://v//f', /empty item name/],
    ['op:///i/f', /empty vault name/],
    ['op://v/i/f/', /empty field name/],
    ['op://v/ i/f', /item name " i" .* starts or ends with a space/],
    ['op://v@x/i/f', /vault name "v@x" .*ID instead/],
    ['op://ü/i/f', /only ASCII letters/],
    ['op://v/i/f\nx', /field name/],
    ['op://v/i/f?attribute=type', /query "\?attribute=type" is not supported/],
    ['op://v/i/f?foo=bar', /not supported/],
    ['op://v/i/f?', /not supported/],
    ['op://v/i/f?attribute=otp&ssh-format=openssh', /exactly one/],
    ['op://v/i/f?ssh-format=pkcs8', /not supported/],
    ['op-env://abc/', /variable name "" is not valid/],
    ['op-env://abc', /exactly two parts/],
    ['op-env://my env/X', /environment's ID/],
    ['op-env://abc/1X', /variable name "1X"/],
    ['op-env://abc/X/Y', /exactly two parts/],
    [`secret:${'A'.repeat(2000)}`, /at most 1024/],
  ];
  for (const [raw, why] of invalid) {
    it(`refuses ${JSON.stringify(raw.slice(0, 40))} and shows a valid form`, () => {
      const outcome = parseReference(raw);
      assert.equal(outcome.ok, false);
      if (outcome.ok) return;
      assert.equal(outcome.code, 'invalid-reference');
      assert.match(outcome.message, why);
      assert.ok(outcome.message.endsWith(REFERENCE_EXAMPLES), 'error ends with the valid forms');
      assert.ok(![...outcome.message].some((c) => c.charCodeAt(0) < 0x20), 'no control characters in the message');
    });
  }

  it('never accepts an op:// reference the 1Password SDK itself refuses', () => {
    const samples = [
      ...valid.map(([raw]) => raw).filter((raw) => raw.startsWith('op://')),
      ...invalid.map(([raw]) => raw).filter((raw) => raw.startsWith('op://')),
      'op://v/i/f?attribute=OTP', 'op://v/i/f?Attribute=otp', 'op://v+x/i/f', 'op://v/i/f#x', 'op://v\t/i/f',
      'op://a_b-c.d/i/f', 'op://v/i/f?attribute=otp?x=1',
    ];
    for (const raw of samples) {
      let sdkAccepts = true;
      try {
        Secrets.validateSecretReference(raw);
      } catch {
        sdkAccepts = false;
      }
      if (parseReference(raw).ok) assert.ok(sdkAccepts, `we accept what the SDK refuses: ${raw}`);
    }
  });

  it('never throws, and whatever it accepts as op:// the SDK accepts too (generated references)', function () {
    this.timeout(60_000);
    const unit = fc.constantFrom(...'abcXYZ019 -_./?=&@:"\'é\t'.split(''), 'attribute=otp', 'ssh-format=openssh', '/', '//');
    fc.assert(
      fc.property(fc.constantFrom('op://', 'op-env://', 'secret:', 'OP://', ''), fc.string({ unit, maxLength: 30 }), (scheme, rest) => {
        const raw = scheme + rest;
        const outcome = parseReference(raw);
        if (!outcome.ok) {
          assert.ok(outcome.message.endsWith(REFERENCE_EXAMPLES));
          return;
        }
        assert.equal(outcome.value.raw, raw);
        if (outcome.value.kind === 'op') Secrets.validateSecretReference(raw);
      }),
      { numRuns: propertyRuns(3000) },
    );
  });

  it('l10n: a person reads every part translated (nothing glued from a translated part name); the agent\'s English is unchanged', () => {
    for (const raw of ['', 'op://V/I', 'op:// V/I/f', 'op://V/I/s/f!', 'op://V//f', 'op://V/I/f?x=y', 'secret:1x', 'op-env://x-y/V', 'op-env://abc/1V', 'OP://a/b/c', 'vault/item', '"secret:A"']) {
      const english = parseReference(raw);
      const marked = parseReference(raw, markingL10n);
      assert.ok(!english.ok && !marked.ok, raw);
      assert.ok(marked.message.startsWith('«'), `${raw}: ${marked.message}`);
      assert.equal(marked.message.replace(/[«»]/g, ''), english.message, raw);
      assert.ok(english.message.endsWith(REFERENCE_EXAMPLES), raw);
    }
  });
});
