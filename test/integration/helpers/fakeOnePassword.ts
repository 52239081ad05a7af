import type * as Sdk from '@1password/sdk';
import type { OnePasswordClient, OnePasswordClientConfiguration, OnePasswordSdk } from '../../../src/adapters/stores/onePasswordStore';

/**
 * A 1Password SDK for the real extension host, handed to Airlock through the test facet
 * (`stores.simulateOnePasswordSdk`): 1Password cannot be reached from tests. It mirrors @1password/sdk
 * 0.5.0's typings (the OnePasswordSdk interface is typed from them): `vaults.list()` answers
 * VaultOverview[]; `items.create(ItemCreateParams)` answers the created Item with a generated id and the
 * fields as given; `secrets.resolveAll(refs)` answers each `op://vault/item/field` by those ids. Vaults
 * listed in `readOnly` refuse a write with an error that quotes the request (value included), as an SDK
 * error may.
 */
export class FakeOnePassword implements OnePasswordSdk {
  readonly DesktopAuth = class implements Sdk.DesktopAuth {
    constructor(public accountName: string) {}
  } as unknown as typeof Sdk.DesktopAuth;
  readonly AuthExpiredError = class extends Error {} as typeof Sdk.AuthExpiredError;
  readonly DesktopSessionExpiredError = class extends Error {} as typeof Sdk.DesktopSessionExpiredError;
  readonly RateLimitExceededError = class extends Error {} as typeof Sdk.RateLimitExceededError;
  readonly ItemCategory = { ApiCredentials: 'ApiCredentials' } as unknown as typeof Sdk.ItemCategory;
  readonly ItemFieldType = { Concealed: 'Concealed' } as unknown as typeof Sdk.ItemFieldType;
  /** Every items.create request, as the SDK received it. */
  readonly created: Sdk.ItemCreateParams[] = [];
  private readonly values = new Map<string, string>();
  private nextId = 0;

  constructor(private readonly vaults: readonly { id: string; title: string }[], private readonly readOnly: ReadonlySet<string> = new Set()) {}

  createClient(_config: OnePasswordClientConfiguration): Promise<OnePasswordClient> {
    const client: OnePasswordClient = {
      secrets: {
        resolve: () => Promise.reject(new Error('FakeOnePassword: secrets.resolve is not expected')),
        resolveAll: (refs) => Promise.resolve({
          individualResponses: Object.fromEntries(refs.map((ref) => {
            const secret = this.values.get(ref);
            const [vaultId = '', itemId = ''] = ref.slice('op://'.length).split('/');
            return [ref, secret === undefined
              ? { error: { type: 'itemNotFound' } as Sdk.ResolveReferenceError }
              : { content: { secret, itemId, vaultId } }];
          })),
        }),
      },
      environments: { getVariables: () => Promise.reject(new Error('FakeOnePassword: environments are not expected')) },
      vaults: {
        list: () => Promise.resolve(this.vaults.map((vault) => ({
          ...vault, description: '', vaultType: 'userCreated' as Sdk.VaultType, activeItemCount: 0, contentVersion: 1, attributeVersion: 1, createdAt: new Date(0), updatedAt: new Date(0),
        }))),
      },
      items: {
        create: (params) => {
          this.created.push(params);
          if (this.readOnly.has(params.vaultId)) {
            return Promise.reject(new Error(`Forbidden: no permission to create items in vault ${params.vaultId}; request was ${JSON.stringify(params)}`));
          }
          const id = `fakeitem${String(++this.nextId).padStart(4, '0')}`;
          for (const field of params.fields ?? []) this.values.set(`op://${params.vaultId}/${id}/${field.id}`, field.value);
          return Promise.resolve({
            id, title: params.title, category: params.category, vaultId: params.vaultId, fields: (params.fields ?? []).map((field) => ({ ...field })),
            sections: [], notes: '', tags: [], websites: [], version: 1, files: [], createdAt: new Date(0), updatedAt: new Date(0),
          });
        },
      },
    };
    return Promise.resolve(client);
  }
}
