import { strict as assert } from 'node:assert';
// @ts-expect-error: a plain .mjs module of the test scripts, without type declarations
import { failureLines } from '../../../scripts/lib/failureLines.mjs';

const lines = failureLines as (text: string) => string[];

describe('npm test: the closing summary names each failed test', () => {
  it('reads mocha spec failures, nested titles joined, with the first line of the error', () => {
    const text = [
      '  Views',
      '    1) shows a credential',
      '    ✔ other',
      '',
      '  1 passing (2s)',
      '  2 failing',
      '',
      '  1) Views',
      '       shows a credential:',
      '     Error: Timeout of 180000ms exceeded.',
      '      at listOnTimeout (node:internal/timers:573:17)',
      '',
      '  2) top level:',
      '\u001b[31m     AssertionError: expected 1 to equal 2\u001b[0m',
      '',
    ].join('\n');
    assert.deepEqual(lines(text), ['Views › shows a credential: Error: Timeout of 180000ms exceeded.', 'top level: AssertionError: expected 1 to equal 2']);
  });

  it('reads the security runner\'s FAIL lines but not a launch summary row', () => {
    const text = ['  FAIL sealed runs held: the workspace is read-only', '       expected EROFS', '  FAIL main             3 passed, 1 failed, 0 pending (12 s)'].join('\n');
    assert.deepEqual(lines(text), ['sealed runs held: the workspace is read-only: expected EROFS']);
  });

  it('names nothing for a passing run, and ignores numbered lines before mocha\'s failure list', () => {
    assert.deepEqual(lines('  Suite\n  1) not a failure list\n  3 passing (1s)\n'), []);
  });
});
