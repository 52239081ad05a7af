import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mandatoryWriteDenies } from '../../../../src/adapters/node/spawnSealed';
import { DANGEROUS_DIRECTORIES, DANGEROUS_FILES, descendInto, ENGINE_MANDATORY_DENY_DEPTH, mandatoryDenyOf, MANDATORY_DENY_DEPTH } from '../../../../src/core/sandbox/mandatoryDenies';

describe('built-in write protection inside write paths', () => {
  it('pinned to the engine: its dangerous names, its default depth, and the lowest depth it accepts', async () => {
    // An engine upgrade that changes any of these fails here: copy its new lists (and re-read its walk).
    const utils = (await import('@anthropic-ai/sandbox-runtime/dist/sandbox/sandbox-utils.js' as string)) as { DANGEROUS_FILES: string[]; getDangerousDirectories(): string[] };
    assert.deepEqual([...DANGEROUS_FILES], utils.DANGEROUS_FILES);
    assert.deepEqual(DANGEROUS_DIRECTORIES.map((d) => d.join('/')), utils.getDangerousDirectories());
    const { SandboxRuntimeConfigSchema } = await import('@anthropic-ai/sandbox-runtime');
    const base = { network: { allowedDomains: [], deniedDomains: [] }, filesystem: { denyRead: [], allowWrite: [], denyWrite: [] } };
    assert.ok(SandboxRuntimeConfigSchema.safeParse({ ...base, mandatoryDenySearchDepth: ENGINE_MANDATORY_DENY_DEPTH }).success);
    assert.ok(!SandboxRuntimeConfigSchema.safeParse({ ...base, mandatoryDenySearchDepth: ENGINE_MANDATORY_DENY_DEPTH - 1 }).success);
    assert.equal(MANDATORY_DENY_DEPTH, 3, 'the engine’s DEFAULT_MANDATORY_DENY_SEARCH_DEPTH');
  });

  it('the engine’s depths: files to 3 below the write path, directories and repositories to 2, case-insensitively', () => {
    assert.deepEqual(mandatoryDenyOf(['a', 'b', '.BashRC'], 'file'), [['a', 'b', '.BashRC']]);
    assert.deepEqual(mandatoryDenyOf(['a', 'b', 'c', '.bashrc'], 'file'), []);
    assert.deepEqual(mandatoryDenyOf(['a', '.vscode'], 'directory'), [['a', '.vscode']]);
    assert.deepEqual(mandatoryDenyOf(['a', 'b', '.vscode'], 'directory'), []);
    assert.deepEqual(mandatoryDenyOf(['a', '.claude', 'agents'], 'directory'), [['a', '.claude', 'agents']]);
    assert.deepEqual(mandatoryDenyOf(['.claude'], 'directory'), []);
    assert.deepEqual(mandatoryDenyOf(['a', '.git'], 'directory'), [['a', '.git', 'hooks'], ['a', '.git', 'config']]);
    assert.deepEqual(mandatoryDenyOf(['.git'], 'file'), [['.git']]);
    assert.deepEqual(mandatoryDenyOf(['a', '.git'], 'file'), []);
    assert.deepEqual(mandatoryDenyOf(['a', 'b'], 'unreadable-directory'), [['a', 'b']]);
    assert.deepEqual(mandatoryDenyOf(['a', '.bashrc'], 'directory'), []);
    assert.deepEqual(mandatoryDenyOf(['a', '.vscode'], 'other'), [['a', '.vscode']]);
    assert.deepEqual(mandatoryDenyOf(['a', '.git'], 'other'), [['a', '.git']]);
    assert.deepEqual(mandatoryDenyOf(['a', '.vscode'], 'file'), []);
    assert.ok(descendInto(['a', 'b']) && !descendInto(['a', 'b', 'c']) && !descendInto(['node_modules']) && !descendInto(['.git']));
  });

  it('walks the write paths (and the working directory only when a write path holds it), not through symlinks', async () => {
    const root = mkdtempSync(join(tmpdir(), 'airlock-mdeny-'));
    try {
      const out = join(root, 'out');
      for (const dir of ['.git/hooks', 'x/.idea', 'node_modules/p/.vscode', 'deep/a/b']) mkdirSync(join(out, dir), { recursive: true });
      writeFileSync(join(out, '.mcp.json'), '{}');
      writeFileSync(join(out, 'deep', 'a', 'b', '.zshrc'), '');
      mkdirSync(join(root, 'elsewhere', '.vscode'), { recursive: true });
      symlinkSync(join(root, 'elsewhere'), join(out, 'link'));
      symlinkSync(join(out, 'x'), join(out, '.idea'));
      assert.deepEqual(await mandatoryWriteDenies([out], join(root, 'elsewhere')), [join(out, '.git/config'), join(out, '.git/hooks'), join(out, '.idea'), join(out, '.mcp.json'), join(out, 'x/.idea')].sort());
      // The host's working directory inside a write path: walked too (where the engine's depth-3 walk reached).
      const cwd = join(out, 'deep');
      assert.ok((await mandatoryWriteDenies([out], cwd)).includes(join(cwd, 'a', 'b', '.zshrc')));
      assert.deepEqual(await mandatoryWriteDenies([], root), []);
      assert.deepEqual(await mandatoryWriteDenies([join(root, 'missing')], root), []);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
