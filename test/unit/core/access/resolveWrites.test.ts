import { strict as assert } from 'node:assert';
import { WorkspaceScope } from '../../../../src/core/access/workspaceScope';

/** A file system of realpaths: `out` is a symlink to the person's ~/.ssh; `dist` does not exist yet. */
const links: Record<string, string> = { '/w/app': '/w/app', '/w/app/src': '/w/app/src', '/w/app/out': '/home/me/.ssh', '/w': '/w', '/': '/' };
const scope = new WorkspaceScope({
  trusted: () => true,
  folders: () => ['/w/app'],
  realpath: (path) => Promise.resolve(links[path]),
});

describe('WorkspaceScope.resolveWrites', () => {
  it('resolves relative paths against cwd, not-yet-existing ones through their deepest existing ancestor', async () => {
    assert.deepEqual(await scope.resolveWrites('/w/app/src', ['../dist/x', 'gen']), { ok: true, value: ['/w/app/dist/x', '/w/app/src/gen'] });
    assert.deepEqual(await scope.resolveWrites('/w/app', undefined), { ok: true, value: [] });
  });

  it('refuses a write path that a symlink in the workspace points outside it', async () => {
    for (const write of ['out', 'out/keys', '/w/app/out/new']) {
      const resolved = await scope.resolveWrites('/w/app', [write]);
      assert.ok(!resolved.ok && resolved.code === 'write-outside-workspace', write);
    }
  });

  it('refuses paths outside the cwd\'s workspace folder', async () => {
    for (const write of ['..', '/w/app2', '/etc/passwd']) {
      const resolved = await scope.resolveWrites('/w/app', [write]);
      assert.ok(!resolved.ok && resolved.code === 'write-outside-workspace', write);
    }
  });
});
