import { CLIENT_IDS, type AgentId } from '../clients';
import type { Credential } from '../credentials';
import type { PolicyPreview } from '../mcp/tools/listCredentials';
import { storeLabel } from '../secrets/reference';
import { reveal, revealCapped } from '../text/untrustedText';
import type { L10n } from '../../shared/l10n';

/** One row of the Credentials view. Names, stores and references only: a credential holds no value. */
export interface CredentialRow {
  readonly id: string;
  readonly name: string;
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
  /** `credential.secret` (SecretStorage: update/remove), `credential.op`, `credential.op-env`. */
  readonly contextValue: string;
  readonly icon: 'key' | 'shield' | 'cloud';
  readonly policy: PolicySummary;
  /** The SecretStorage key, for update/remove (SecretStorage credentials only). */
  readonly secretName?: string;
}

/** What policy does for a credential across every client: one answer, or "varies" with each client's. */
export type PolicySummary = { readonly kind: PolicyPreview } | { readonly kind: 'varies'; readonly byClient: Readonly<Record<AgentId, PolicyPreview>> };

export function summarisePolicy(preview: (client: AgentId) => PolicyPreview): PolicySummary {
  const byClient = Object.fromEntries(CLIENT_IDS.map((client) => [client, preview(client)])) as Record<AgentId, PolicyPreview>;
  const kinds = new Set(Object.values(byClient));
  const [only] = kinds;
  return kinds.size === 1 && only !== undefined ? { kind: only } : { kind: 'varies', byClient };
}

const policyWords = (kind: PolicyPreview | 'varies', l10n: L10n): string => {
  switch (kind) {
    case 'ask': return l10n.t('asks you');
    case 'allow': return l10n.t('allowed by a rule');
    case 'deny': return l10n.t('denied by a rule');
    case 'varies': return l10n.t('depends on the client');
  }
};

/** The Credentials view's rows, in settings order. */
export function credentialRows(credentials: readonly Credential[], policyOf: (name: string) => PolicySummary, l10n: L10n): CredentialRow[] {
  return credentials.map((credential) => {
    const policy = policyOf(credential.name);
    const store = storeLabel(credential.source.kind, l10n);
    const origin = credential.origin === 'user' ? l10n.t('your settings') : l10n.t('this workspace');
    const envPart = credential.env === credential.name ? '' : ` · $${credential.env}`;
    return {
      id: `credential:${credential.name}`,
      name: credential.name,
      label: reveal(credential.name),
      description: `${store}${envPart} · ${policyWords(policy.kind, l10n)}`,
      tooltip: [
        // A workspace (or an agent, through secret entry) may have written the description and reference.
        credential.description === '' ? undefined : revealCapped(credential.description, 300),
        l10n.t('Store: {0}', store),
        l10n.t('Reference: {0}', reveal(credential.source.raw)),
        l10n.t('Environment variable: {0}', credential.env),
        l10n.t('Policy: {0}', policyWords(policy.kind, l10n)),
        ...(policy.kind === 'varies' ? CLIENT_IDS.map((client) => `  ${client}: ${policyWords(policy.byClient[client], l10n)}`) : []),
        l10n.t('Defined by {0}', origin),
      ].filter((line): line is string => line !== undefined).join('\n'),
      contextValue: `credential.${credential.source.kind}`,
      icon: credential.source.kind === 'secret' ? 'key' : credential.source.kind === 'op' ? 'shield' : 'cloud',
      policy,
      ...(credential.source.kind === 'secret' ? { secretName: credential.source.name } : {}),
    };
  });
}
