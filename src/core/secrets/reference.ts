import type { L10n } from '../../shared/l10n';

/**
 * Where a credential's value lives. Parsed and validated in core (see parseReference in
 * referenceParser.ts); the raw string is kept for display — a reference is never a value.
 */
export type SecretReference = SecretStorageReference | OnePasswordReference | OnePasswordEnvironmentReference;

/** `secret:<NAME>` — VS Code SecretStorage (the OS keychain), the zero-setup default. */
export interface SecretStorageReference {
  readonly kind: 'secret';
  readonly raw: string;
  readonly name: string;
}

/** `op://vault/item[/section]/field` — a 1Password secret reference. */
export interface OnePasswordReference {
  readonly kind: 'op';
  readonly raw: string;
  readonly vault: string;
  readonly item: string;
  readonly section?: string;
  readonly field: string;
  /** `?attribute=otp|totp`: the current one-time password of a TOTP field. */
  readonly attribute?: 'otp' | 'totp';
  /** `?ssh-format=openssh`: an SSH private key converted to OpenSSH format. */
  readonly sshFormat?: 'openssh';
}

/** `op-env://<environmentId>/<VAR>` — a variable of a 1Password Environment. */
export interface OnePasswordEnvironmentReference {
  readonly kind: 'op-env';
  readonly raw: string;
  readonly environmentId: string;
  readonly variable: string;
}

export type ReferenceKind = SecretReference['kind'];

/**
 * Where a reference's value is kept, in words for agents (list_credentials, a run's store errors: English);
 * people read `storeLabel` below.
 */
export const STORE_LABELS: Readonly<Record<ReferenceKind, string>> = {
  secret: 'VS Code SecretStorage',
  op: '1Password',
  'op-env': '1Password Environment',
};

/**
 * The same label for a person (the card, the views, pickers): product names, but a translator may
 * transliterate them or translate "Environment". The agent's copy is `STORE_LABELS`.
 */
export function storeLabel(kind: ReferenceKind, l10n: L10n): string {
  switch (kind) {
    case 'secret':
      return l10n.t('VS Code SecretStorage');
    case 'op':
      return l10n.t('1Password');
    case 'op-env':
      return l10n.t('1Password Environment');
  }
}
