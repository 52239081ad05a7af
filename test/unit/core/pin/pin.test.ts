import { strict as assert } from 'node:assert';
import { comparePins, describeChange, makeIncludes, mergeChanges, namedFiles } from '../../../../src/core/pin/pin';

const state = (entries: Record<string, string>) => ({ entries: new Map(Object.entries(entries)) });

describe('code pin (core)', () => {
  it('compares states: changed, added and removed entries, sorted; the same state is no change', () => {
    assert.equal(comparePins(state({ a: '1', b: '2' }), state({ b: '2', a: '1' })), undefined);
    assert.deepEqual(comparePins(state({ a: '1', b: '2', c: '3' }), state({ a: '1', b: 'x', d: '4' })), { paths: ['b', 'c', 'd'] });
  });

  it('merges a watcher change with a recompute change', () => {
    assert.equal(mergeChanges(undefined, undefined), undefined);
    assert.deepEqual(mergeChanges({ paths: ['b'] }, undefined), { paths: ['b'] });
    assert.deepEqual(mergeChanges({ paths: ['b', 'a'] }, { paths: ['c', 'b'] }), { paths: ['a', 'b', 'c'] });
  });

  it('describes a change by its paths, quoted, with a count beyond the first few', () => {
    assert.equal(describeChange({ paths: ['scripts/deploy.sh'] }), '"scripts/deploy.sh"');
    assert.equal(describeChange({ paths: ['a', 'b', 'c'] }, 2), '"a", "b" and 1 more');
    // Quoting makes a path with a newline or quote visible as such.
    assert.equal(describeChange({ paths: ['a\nb"'] }), '"a\\nb\\""');
  });

  const named: [string, string[]][] = [
    ['node scripts/deploy.js --prod', ['scripts/deploy.js']],
    ['python3 -u tools/x.py', ['tools/x.py']],
    ['bash ./deploy.sh && sh other.sh', ['deploy.sh', 'other.sh']],
    ['deno run -A main.ts', ['main.ts']],
    ['tsx src/cli.ts; ts-node b.ts', ['src/cli.ts', 'b.ts']],
    ['bun x.js', ['x.js']],
    ['node --require=./hook.js app.js', ['hook.js', 'app.js']],
    ['node -r ./hook.js app.js', ['hook.js', 'app.js']],
    ['./scripts/run', ['scripts/run']],
    ['bin/deploy --prod', ['bin/deploy']],
    ['NODE_ENV=production node server.js', ['server.js']],
    ['npm run build', []],
    ['mocha', []],
    ['echo hi > out.txt', []],
    ['/usr/bin/node x.js', ['/usr/bin/node', 'x.js']],
    // Words split where the shell splits them (space, tab): a no-break space is part of the word, so the
    // file that runs is "deploy.js\u00a0", not "deploy.js" (the MCP boundary refuses such a command anyway).
    ['node deploy.js\u00a0', []],
    ['node\u00a0deploy.js', []],
    ['node\tdeploy.js', ['deploy.js']],
  ];
  for (const [command, files] of named) {
    it(`names the files of ${JSON.stringify(command)}`, () => assert.deepEqual(namedFiles(command), files));
  }

  it('finds Makefile includes', () => {
    assert.deepEqual(makeIncludes('include a.mk b.mk # x\n-include c.mk\nsinclude d.mk\n\tinclude not-a-directive?\nall:\n'), ['a.mk', 'b.mk', 'c.mk', 'd.mk', 'not-a-directive?']);
  });
});
