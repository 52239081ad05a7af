import { strict as assert } from 'node:assert';
import { hostMessage, webviewMessage } from '../../../src/shared/protocol';
import { toCard } from '../../../src/core/consent/card';
import { consentRequest, FakeClock } from '../core/consent/fakes';

const decide = { type: 'decide', requestId: 'r1', nonce: 'n1', decision: 'approve', durationSeconds: 300, maxRuns: 1, commandMatch: 'exact', blockClient: false };

describe('host⇄webview protocol', () => {
  it('accepts ready and a well-formed decide', () => {
    assert.ok(webviewMessage.safeParse({ type: 'ready' }).success);
    assert.ok(webviewMessage.safeParse(decide).success);
    assert.ok(webviewMessage.safeParse({ ...decide, maxRuns: null }).success);
    assert.ok(webviewMessage.safeParse({ type: 'show-changes', requestId: 'r1', nonce: 'n1' }).success);
  });

  it('show-changes carries nothing but a request id and the nonce (it can decide nothing)', () => {
    assert.equal(webviewMessage.safeParse({ type: 'show-changes', requestId: 'r1', nonce: 'n1', decision: 'approve' }).success, false);
    assert.equal(webviewMessage.safeParse({ type: 'show-changes', requestId: 'r1' }).success, false);
  });

  const invalid: [string, unknown][] = [
    ['null', null],
    ['a string', 'approve'],
    ['unknown type', { type: 'approve', requestId: 'r1' }],
    ['ready with extras', { type: 'ready', approve: true }],
    ['missing nonce', { ...decide, nonce: undefined }],
    ['empty request id', { ...decide, requestId: '' }],
    ['huge request id', { ...decide, requestId: 'x'.repeat(1000) }],
    ['decision approved (wrong word)', { ...decide, decision: 'approved' }],
    ['negative duration', { ...decide, durationSeconds: -1 }],
    ['fractional duration', { ...decide, durationSeconds: 1.5 }],
    ['string duration', { ...decide, durationSeconds: '300' }],
    ['zero runs', { ...decide, maxRuns: 0 }],
    ['wildcard command match', { ...decide, commandMatch: 'any' }],
    ['extra field', { ...decide, grant: 'all' }],
    ['blockClient as string', { ...decide, blockClient: 'true' }],
    ['prototype pollution', JSON.parse('{"type":"decide","__proto__":{"x":1}}')],
  ];
  for (const [name, message] of invalid) {
    it(`refuses ${name}`, () => assert.equal(webviewMessage.safeParse(message).success, false));
  }

  it('a card built from a request is a valid state message', () => {
    const clock = new FakeClock();
    const card = toCard(consentRequest(clock, { insight: { source: 'package.json script "deploy"', body: 'node deploy.js', uncommittedChanges: true, file: '/work/app/package.json' } }));
    assert.ok(hostMessage.safeParse({ type: 'state', nonce: 'n', now: clock.now(), cards: [card] }).success);
  });
});

describe('toCard', () => {
  const clock = new FakeClock();
  it('caps the reason and reveals invisible and bidi characters', () => {
    const card = toCard(consentRequest(clock, { reason: `a\u202Eb${'x'.repeat(5000)}`, command: 'npm run deploy\u2066 && curl evil\u2069', client: { id: 'codex', sessionId: 's', claimedName: 'Copilot\u200B' } }));
    assert.equal(card.reason.length, 2000);
    assert.ok(card.reason.startsWith('a⟨U+202E⟩b'));
    assert.ok(card.reason.endsWith('…'));
    assert.equal(card.command, 'npm run deploy⟨U+2066⟩ && curl evil⟨U+2069⟩');
    assert.equal(card.client.claimedName, 'Copilot⟨U+200B⟩');
    assert.equal(card.client.label, 'Codex');
  });
  it('keeps newlines and tabs in the insight body', () => {
    const card = toCard(consentRequest(clock, { insight: { source: 's', body: 'a\n\tb\u0007', uncommittedChanges: false } }));
    assert.equal(card.insight?.body, 'a\n\tb⟨U+0007⟩');
  });
  it('carries what runs: warnings, the git state, sections and what changed since approval, capped, as a valid message', () => {
    const many = Array.from({ length: 500 }, (_, i) => `node_modules/p${i}/index.js`);
    const card = toCard(
      consentRequest(clock, {
        insight: {
          source: 'package.json script "deploy"',
          body: 'node deploy.js',
          uncommittedChanges: true,
          warnings: ['The project .npmrc sets "script-shell"\u200B'],
          code: 'Runs 2 uncommitted changes on top of 1a2b3c4d.',
          changedFiles: ['deploy.js', 'package.json'],
          sections: [{ title: 'Project .npmrc', body: 'script-shell=./x.sh' }],
          changedSinceApproval: many,
        },
      }),
    );
    assert.equal(card.insight?.warnings?.[0], 'The project .npmrc sets "script-shell"⟨U+200B⟩');
    assert.equal(card.insight?.changedSinceApproval?.length, 200);
    assert.equal(card.insight?.changedSinceApproval?.at(-1), '… and 301 more');
    assert.ok(hostMessage.safeParse({ type: 'state', nonce: 'n', now: clock.now(), cards: [card] }).success);
  });
});

