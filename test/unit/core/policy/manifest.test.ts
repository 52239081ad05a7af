import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { credentialEntrySchema, ruleEntrySchema, SETTING_SPECS } from '../../../../src/core/policy/schema';
import { Settings } from '../../../../src/shared/ids';

interface ManifestProperty {
  readonly type: string;
  readonly scope: string;
  readonly default: unknown;
  readonly markdownDescription?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly items?: { readonly properties: Record<string, unknown>; readonly required?: readonly string[] };
}
interface Manifest {
  readonly contributes: { readonly configuration: { readonly properties: Record<string, ManifestProperty> } };
  readonly capabilities: { readonly untrustedWorkspaces: { readonly restrictedConfigurations: readonly string[] } };
}

const manifest = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as Manifest;
const properties = manifest.contributes.configuration.properties;

describe('package.json contributes.configuration is pinned to the core schema', () => {
  it('declares exactly the settings the core knows', () => {
    assert.deepEqual(Object.keys(properties).sort(), Object.values(SETTING_SPECS).map((spec) => spec.key).sort());
    assert.deepEqual(Object.values(Settings).filter((key) => key !== Settings.section).sort(), Object.keys(properties).sort());
  });

  for (const spec of Object.values(SETTING_SPECS)) {
    it(`${spec.key}: type, default, scope, bounds and a markdownDescription agree`, () => {
      const property = properties[spec.key];
      assert.ok(property, spec.key);
      assert.equal(property.type, spec.type);
      assert.deepEqual(property.default, spec.default);
      assert.equal(property.scope, spec.scope);
      assert.ok((property.markdownDescription ?? '').length > 20, 'has a markdownDescription');
      if (spec.type === 'integer') {
        assert.equal(property.minimum, spec.minimum);
        assert.equal(property.maximum, spec.maximum);
      }
    });
  }

  it('settings only the person may set are application-scoped', () => {
    for (const spec of Object.values(SETTING_SPECS)) {
      if (spec.workspace === 'never') assert.equal(spec.scope, 'application', spec.key);
    }
    assert.equal(SETTING_SPECS.maxDurationSeconds.scope, 'application');
    assert.equal(SETTING_SPECS.allowWithoutConsent.scope, 'application');
  });

  it('array item shapes match the zod entry schemas', () => {
    const credentialItems = properties[Settings.credentials]?.items;
    assert.deepEqual(Object.keys(credentialItems?.properties ?? {}).sort(), Object.keys(credentialEntrySchema.shape).sort());
    const ruleItems = properties[Settings.policyRules]?.items;
    assert.deepEqual(Object.keys(ruleItems?.properties ?? {}).sort(), Object.keys(ruleEntrySchema.shape).sort());
  });

  it('workspace-settable policy settings are restricted in untrusted workspaces; nothing can disable or move the audit', () => {
    const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
    for (const spec of Object.values(SETTING_SPECS)) {
      if (spec.scope !== 'application') assert.ok(restricted.includes(spec.key), `${spec.key} is restricted`);
    }
    assert.ok(!Object.keys(properties).some((key) => /audit\.(enabled|path|dir|disable)/i.test(key)));
  });
});
