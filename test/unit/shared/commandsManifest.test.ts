import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Commands } from '../../../src/shared/ids';

interface Manifest {
  contributes: { commands: { command: string }[]; menus?: Record<string, { command: string }[]> };
}

describe('package.json commands', () => {
  const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as Manifest;
  it('declares exactly the command ids in src/shared/ids.ts', () => {
    assert.deepEqual(manifest.contributes.commands.map((c) => c.command).sort(), Object.values(Commands).sort());
  });
  it('menus name only declared commands', () => {
    const declared = new Set<string>(Object.values(Commands));
    for (const [menu, items] of Object.entries(manifest.contributes.menus ?? {})) {
      for (const item of items) assert.ok(declared.has(item.command), `${menu}: ${item.command}`);
    }
  });
});
