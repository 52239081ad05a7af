import { strict as assert } from 'node:assert';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable } from '../../../../src/adapters/node/onPath';
import { RELAY_BUFFER_BYTES, writeSocatRelay } from '../../../../src/adapters/node/socatRelay';

/** The host runs this wrapper outside any sandbox: whatever was planted at its path must never be what runs. */
describe('socat relay wrapper', function () {
  let root: string;
  beforeEach(function () {
    if (findExecutable('socat') === undefined) this.skip();
    root = mkdtempSync(join(tmpdir(), 'airlock-relay-test-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('runs the real socat with large copy buffers, executable, nothing else left in the folder', () => {
    const path = writeSocatRelay(join(root, 'relay'));
    assert.equal(path, join(root, 'relay', 'socat'));
    assert.match(readFileSync(path, 'utf8'), new RegExp(`^#!/bin/sh\\n(#.*\\n)?exec '/[^']+/socat' -b ${RELAY_BUFFER_BYTES} "\\$@"\\n$`));
    assert.equal(statSync(path).mode & 0o777, 0o755);
    assert.deepEqual(readdirSync(join(root, 'relay')), ['socat']);
  });

  it('a symlink planted at its path (even to a file with the right text) is replaced, never followed', () => {
    const dir = join(root, 'relay');
    const first = writeSocatRelay(dir);
    assert.ok(first);
    const elsewhere = join(root, 'agent-writable');
    writeFileSync(elsewhere, readFileSync(first, 'utf8'));
    rmSync(first);
    symlinkSync(elsewhere, first);
    writeSocatRelay(dir);
    assert.ok(lstatSync(first).isFile() && !lstatSync(first).isSymbolicLink());
    assert.equal(statSync(elsewhere).mode & 0o777, 0o644 & ~process.umask() & 0o777, 'the planted target was not made executable');
  });

  it('a folder replaced by a symlink to a folder someone else can write is replaced; nothing is written there', () => {
    const elsewhere = join(root, 'tmp-folder');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(root, 'relay'));
    const path = writeSocatRelay(join(root, 'relay'));
    assert.ok(path);
    assert.ok(lstatSync(join(root, 'relay')).isDirectory() && !lstatSync(join(root, 'relay')).isSymbolicLink());
    assert.deepEqual(readdirSync(elsewhere), []);
  });
});
