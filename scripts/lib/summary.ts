/**
 * Tier results for `npm test`: when $AIRLOCK_TEST_SUMMARY names a file, a runner appends one JSON line
 * `{tier, passed, failed, pending}` there; scripts/test-all.mjs adds the lines up.
 */
import { appendFileSync } from 'node:fs';

export interface TierCounts {
  passed: number;
  failed: number;
  pending: number;
}

export function reportTier(tier: string, counts: TierCounts): void {
  const file = process.env['AIRLOCK_TEST_SUMMARY'];
  if (file !== undefined && file !== '') appendFileSync(file, JSON.stringify({ tier, ...counts }) + '\n');
}
