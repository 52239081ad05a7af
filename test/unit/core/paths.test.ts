import { strict as assert } from 'node:assert';
import { posix, resolve, win32 } from 'node:path';
import { isInside } from '../../../src/core/paths';

describe('isInside (the one path-inside-folder rule)', () => {
  const rows: [folder: string, path: string, inside: boolean][] = [
    ['/work/app', '/work/app', true],
    ['/work/app', '/work/app/src/x', true],
    ['/work/app/', '/work/app', true], // trailing separator on the folder
    ['/work/app', '/work/app/', true], // trailing separator on the path
    ['/work/app//', '/work/app//src', true],
    ['/work/app', '/work/app2', false], // a prefix sibling
    ['/work/app', '/work/app-old/x', false],
    ['/work/app', '/work', false],
    ['/work/app', '/', false],
    ['/work/app', '/work/app/..cache', true], // a child folder whose name starts with two dots
    ['/work/app', '/work/app/..cache/x', true],
    ['/work/app', '/work/app/...', true],
    ['/work/app', '/work/app/..', false],
    ['/work/app', '/work/app/../app2', false],
    ['/work/app', '/work/app/src/../../app2', false],
    ['/work/app', '/work/app/src/../lib', true],
    ['/work/app', '/work/app/..\\x', true], // on POSIX a backslash is part of a name, not a separator…
    ['/work/app', '/work/app\\x', false], //    …so "app\x" is a sibling of "app"
    ['/work/app', '/work/app\\..\\app2', false],
    ['/work/app', 'src', false], // relative: refused
    ['work/app', '/work/app/src', false],
    ['/work/app', '/work/app/\0x', false],
    ['/work/app\0', '/work/app/x', false],
    ['/', '/anything', true],
  ];
  for (const [folder, path, inside] of rows) {
    it(`POSIX: ${JSON.stringify(path)} ${inside ? 'is' : 'is not'} inside ${JSON.stringify(folder)}`, () => {
      assert.equal(isInside(folder, path, posix), inside);
    });
  }

  const windows: [folder: string, path: string, inside: boolean][] = [
    ['C:\\work\\app', 'C:\\work\\app\\src', true],
    ['C:\\work\\app', 'C:/work/app/src', true], // either separator
    ['C:\\work\\app\\', 'C:\\work\\app', true],
    ['C:\\work\\app', 'c:\\WORK\\App\\src', true], // case-insensitive
    ['C:\\work\\app', 'C:\\work\\app2', false],
    ['C:\\work\\app', 'C:\\work\\app\\..cache', true],
    ['C:\\work\\app', 'C:\\work\\app\\..\\app2', false],
    ['C:\\work\\app', 'C:\\work\\app/../app2', false],
    ['C:\\work\\app', 'D:\\work\\app', false], // another drive
    ['C:\\work\\app', '\\\\server\\share\\work\\app', false],
    ['\\\\server\\share\\app', '\\\\server\\share\\app\\x', true],
  ];
  for (const [folder, path, inside] of windows) {
    it(`Windows: ${JSON.stringify(path)} ${inside ? 'is' : 'is not'} inside ${JSON.stringify(folder)}`, () => {
      assert.equal(isInside(folder, path, win32), inside);
    });
  }

  it('uses the platform path rules by default', () => {
    assert.ok(isInside(resolve('/work/app'), resolve('/work/app/x')));
    assert.ok(!isInside(resolve('/work/app'), resolve('/work/app2')));
  });
});
