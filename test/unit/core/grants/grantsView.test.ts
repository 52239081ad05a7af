import { strict as assert } from 'node:assert';
import type { Grant } from '../../../../src/core/grants/grant';
import { describeGrant, formatRemaining, grantsStatusText } from '../../../../src/core/grants/grantsView';
import { plainL10n } from '../../../../src/shared/l10n';

const grant = (expiresIn: number, extra: Partial<Grant> = {}): Grant => ({
  id: 'g', requestId: 'r', client: 'codex', credentials: ['DEPLOY_TOKEN'], command: 'npm run deploy', commandMatch: 'exact',
  cwd: '/w', issuedAt: 0, expiresAt: expiresIn, maxRuns: 3, runsUsed: 1, network: [], writes: [], ...extra,
});

describe('grants view', () => {
  it('formats remaining time', () => {
    assert.equal(formatRemaining(252_000), '4:12');
    assert.equal(formatRemaining(3_723_000), '1:02:03');
    assert.equal(formatRemaining(500), '0:01');
    assert.equal(formatRemaining(-5), '0:00');
  });
  it('status text: count and nearest expiry, nothing when no grants', () => {
    assert.equal(grantsStatusText([], 0, plainL10n), undefined);
    assert.equal(grantsStatusText([grant(600_000), grant(252_000)], 0, plainL10n), '$(key) 2 grants · 4:12');
    assert.equal(grantsStatusText([grant(60_000)], 0, plainL10n), '$(key) 1 grant · 1:00');
  });
  it('describes a grant for the quick pick', () => {
    assert.deepEqual(describeGrant(grant(252_000), 0, plainL10n), { label: 'npm run deploy', description: 'Codex · DEPLOY_TOKEN', detail: 'expires in 4:12 · 2 runs left · /w' });
    assert.match(describeGrant(grant(1000, { maxRuns: null, commandMatch: 'prefix' }), 0, plainL10n).detail, /unlimited runs/);
  });
});
