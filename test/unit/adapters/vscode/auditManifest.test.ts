import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Commands, Settings } from '../../../../src/shared/ids';

interface Manifest {
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    configuration: { properties: Record<string, { scope?: string; default?: unknown; minimum?: number; type?: string }> };
  };
}

describe('package.json: audit contributions', () => {
  const manifest = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as Manifest;
  // Titles are %key% placeholders resolved from package.nls.json (localisation).
  const nls = JSON.parse(readFileSync(join(__dirname, '../../../../package.nls.json'), 'utf8')) as Record<string, string>;
  const resolve = (text: string | undefined): string | undefined => text?.replace(/^%(.+)%$/, (_, key: string) => nls[key] ?? text);

  it('declares Show, Verify and Export Audit Log in the Airlock category', () => {
    for (const [id, title] of [[Commands.showAuditLog, 'Show Audit Log'], [Commands.verifyAuditLog, 'Verify Audit Log'], [Commands.exportAuditLog, 'Export Audit Log']] as const) {
      const command = manifest.contributes.commands.find((c) => c.command === id);
      assert.ok(command, id);
      assert.equal(resolve(command.title), title);
      assert.equal(resolve(command.category), 'Airlock');
    }
  });

  it('makes the rotation size an application-scope setting (a workspace cannot change it), default 10 MiB', () => {
    const setting = manifest.contributes.configuration.properties[Settings.auditMaxFileSizeMiB];
    assert.ok(setting);
    assert.equal(setting.scope, 'application');
    assert.equal(setting.default, 10);
    assert.equal(setting.type, 'integer');
    assert.ok((setting.minimum ?? 0) >= 1);
  });
});
