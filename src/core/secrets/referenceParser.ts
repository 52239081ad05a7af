import { plainL10n, type L10n } from '../../shared/l10n';
import { fail, ok, type Outcome } from '../outcome';
import type { OnePasswordReference, SecretReference } from './reference';

/** What a valid reference looks like; appended to every parse error (agents read the English one). */
export const REFERENCE_EXAMPLES =
  'Valid references: "secret:DEPLOY_TOKEN" (VS Code SecretStorage), "op://Vault/Item/field" or ' +
  '"op://Vault/Item/section/field" (1Password; optional "?attribute=otp" or "?ssh-format=openssh"), ' +
  '"op-env://<environmentId>/<VARIABLE>" (a 1Password Environment variable).';

const referenceExamples = (l10n: L10n): string =>
  l10n.t('Valid references: {0} (VS Code SecretStorage), {1} or {2} (1Password; optional {3} or {4}), {5} (a 1Password Environment variable).',
    '"secret:DEPLOY_TOKEN"', '"op://Vault/Item/field"', '"op://Vault/Item/section/field"', '"?attribute=otp"', '"?ssh-format=openssh"', '"op-env://<environmentId>/<VARIABLE>"');

/** Longest reference accepted; settings are hostile input and a reference is never this long. */
export const MAX_REFERENCE_LENGTH = 1024;

const SECRET_STORAGE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;
/** 1Password's secret reference alphabet: ASCII letters, digits, `-`, `_`, `.` and the space character. */
const OP_SEGMENT = /^[A-Za-z0-9_.\- ]+$/;
const OP_ENVIRONMENT_ID = /^[A-Za-z0-9]{1,64}$/;
const ENV_VARIABLE = /^[A-Za-z_][A-Za-z0-9_]{0,255}$/;

type ReferenceFailure = Outcome<never, 'invalid-reference'>;

/** What is wrong, then what a valid reference looks like: one message with two placeholders. */
const invalid = (l10n: L10n, what: string): ReferenceFailure => fail('invalid-reference', l10n.t('{0} {1}', what, referenceExamples(l10n)));

type PartLabel = 'vault' | 'item' | 'section' | 'field';

/**
 * One message per part and problem (a translated sentence is never assembled from a translated part
 * name). `q` is the quoted input.
 */
const PART_PROBLEMS: { readonly [K in PartLabel]: { empty(l10n: L10n, q: string): string; spaces(l10n: L10n, q: string): string; alphabet(l10n: L10n, q: string): string } } = {
  vault: {
    empty: (l10n, q) => l10n.t('The 1Password reference {0} has an empty vault name.', q),
    spaces: (l10n, q) => l10n.t('The vault name {0} in the 1Password reference starts or ends with a space.', q),
    alphabet: (l10n, q) => l10n.t('The vault name {0} in the 1Password reference contains a character 1Password references do not support: only ASCII letters, digits, "-", "_", "." and spaces are allowed. Use the vault\'s ID instead of its name.', q),
  },
  item: {
    empty: (l10n, q) => l10n.t('The 1Password reference {0} has an empty item name.', q),
    spaces: (l10n, q) => l10n.t('The item name {0} in the 1Password reference starts or ends with a space.', q),
    alphabet: (l10n, q) => l10n.t('The item name {0} in the 1Password reference contains a character 1Password references do not support: only ASCII letters, digits, "-", "_", "." and spaces are allowed. Use the item\'s ID instead of its name.', q),
  },
  section: {
    empty: (l10n, q) => l10n.t('The 1Password reference {0} has an empty section name.', q),
    spaces: (l10n, q) => l10n.t('The section name {0} in the 1Password reference starts or ends with a space.', q),
    alphabet: (l10n, q) => l10n.t('The section name {0} in the 1Password reference contains a character 1Password references do not support: only ASCII letters, digits, "-", "_", "." and spaces are allowed. Use the section\'s ID instead of its name.', q),
  },
  field: {
    empty: (l10n, q) => l10n.t('The 1Password reference {0} has an empty field name.', q),
    spaces: (l10n, q) => l10n.t('The field name {0} in the 1Password reference starts or ends with a space.', q),
    alphabet: (l10n, q) => l10n.t('The field name {0} in the 1Password reference contains a character 1Password references do not support: only ASCII letters, digits, "-", "_", "." and spaces are allowed. Use the field\'s ID instead of its name.', q),
  },
};

/** Shows untrusted input in an error without control characters or unbounded length. */
function quote(text: string): string {
  const clipped = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  return JSON.stringify(clipped);
}

/**
 * Parses a credential's `source` setting. Accepts only the three documented schemes, with the same
 * (or a stricter) alphabet than the 1Password SDK's own validation; refuses everything else with a
 * message that says what is wrong and what a valid reference looks like. A reference is never a value.
 * The message is English unless a person's `l10n` is given (agents and the audit read the English).
 */
export function parseReference(raw: string, l10n: L10n = plainL10n): Outcome<SecretReference, 'invalid-reference'> {
  if (typeof raw !== 'string' || raw.length === 0) return invalid(l10n, l10n.t('The reference is empty.'));
  if (raw.length > MAX_REFERENCE_LENGTH) {
    return invalid(l10n, l10n.t('The reference is {0} characters long; at most {1} are allowed.', raw.length, MAX_REFERENCE_LENGTH));
  }
  if (raw.trim() !== raw) {
    return invalid(l10n, l10n.t('The reference {0} starts or ends with whitespace; remove it.', quote(raw)));
  }
  if (/^(["']).*\1$/s.test(raw)) {
    return invalid(l10n, l10n.t('The reference {0} is wrapped in quotation marks; remove them (quoting is only needed in a shell).', quote(raw)));
  }
  if (raw.startsWith('secret:')) return parseSecretStorage(raw, l10n);
  if (raw.startsWith('op://')) return parseOnePassword(raw, l10n);
  if (raw.startsWith('op-env://')) return parseOnePasswordEnvironment(raw, l10n);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(raw)?.[1];
  if (scheme !== undefined && ['secret', 'op', 'op-env'].includes(scheme.toLowerCase())) {
    return invalid(l10n, l10n.t('The reference {0} has scheme "{1}:"; schemes are lower case and 1Password ones are followed by "//".', quote(raw), scheme));
  }
  return invalid(
    l10n,
    scheme === undefined
      ? l10n.t('The reference {0} has no scheme.', quote(raw))
      : l10n.t('The reference {0} uses the unknown scheme "{1}:".', quote(raw), scheme),
  );
}

function parseSecretStorage(raw: string, l10n: L10n): Outcome<SecretReference, 'invalid-reference'> {
  const name = raw.slice('secret:'.length);
  if (name.length === 0) return invalid(l10n, l10n.t('The reference "secret:" names no secret.'));
  if (!SECRET_STORAGE_NAME.test(name)) {
    return invalid(l10n, l10n.t('The SecretStorage name {0} is not valid: it must start with a letter and contain only letters, digits, "_", "." or "-" (at most 128 characters).', quote(name)));
  }
  return ok({ kind: 'secret', raw, name });
}

function parseOnePassword(raw: string, l10n: L10n): Outcome<SecretReference, 'invalid-reference'> {
  const rest = raw.slice('op://'.length);
  const queryAt = rest.indexOf('?');
  const path = queryAt === -1 ? rest : rest.slice(0, queryAt);
  const segments = path.split('/');
  if (segments.length < 3 || segments.length > 4) {
    return invalid(
      l10n,
      segments.length === 1
        ? l10n.t('The 1Password reference {0} has 1 path part; it needs vault, item and field, with an optional section before the field.', quote(raw))
        : l10n.t('The 1Password reference {0} has {1} path parts; it needs vault, item and field, with an optional section before the field.', quote(raw), segments.length),
    );
  }
  const labels: readonly PartLabel[] = segments.length === 3 ? ['vault', 'item', 'field'] : ['vault', 'item', 'section', 'field'];
  for (const [index, segment] of segments.entries()) {
    const problems = PART_PROBLEMS[labels[index] ?? 'field'];
    if (segment.length === 0) return invalid(l10n, problems.empty(l10n, quote(raw)));
    if (segment.trim() !== segment) return invalid(l10n, problems.spaces(l10n, quote(segment)));
    if (!OP_SEGMENT.test(segment)) return invalid(l10n, problems.alphabet(l10n, quote(segment)));
  }
  const [vault = '', item = '', third = '', fourth] = segments;
  const base = fourth === undefined
    ? { kind: 'op' as const, raw, vault, item, field: third }
    : { kind: 'op' as const, raw, vault, item, section: third, field: fourth };
  if (queryAt === -1) return ok(base);

  const query = rest.slice(queryAt + 1);
  const pair = /^([a-z-]+)=([a-z]+)$/.exec(query);
  const key = pair?.[1];
  const value = pair?.[2];
  let parsed: OnePasswordReference | undefined;
  if (key === 'attribute' && (value === 'otp' || value === 'totp')) parsed = { ...base, attribute: value };
  else if (key === 'ssh-format' && value === 'openssh') parsed = { ...base, sshFormat: value };
  if (parsed === undefined) {
    return invalid(l10n, l10n.t('The 1Password reference query {0} is not supported: use exactly one of "?attribute=otp", "?attribute=totp" or "?ssh-format=openssh", or none.', quote(`?${query}`)));
  }
  return ok(parsed);
}

function parseOnePasswordEnvironment(raw: string, l10n: L10n): Outcome<SecretReference, 'invalid-reference'> {
  const segments = raw.slice('op-env://'.length).split('/');
  if (segments.length !== 2) {
    return invalid(l10n, l10n.t('The 1Password Environment reference {0} must have exactly two parts: the environment ID and the variable name.', quote(raw)));
  }
  const [environmentId = '', variable = ''] = segments;
  if (!OP_ENVIRONMENT_ID.test(environmentId)) {
    return invalid(l10n, l10n.t('The 1Password Environment ID {0} is not valid: it is the environment\'s ID (letters and digits, at most 64), not its name.', quote(environmentId)));
  }
  if (!ENV_VARIABLE.test(variable)) {
    return invalid(l10n, l10n.t('The variable name {0} is not valid: it must start with a letter or "_" and contain only letters, digits and "_".', quote(variable)));
  }
  return ok({ kind: 'op-env', raw, environmentId, variable });
}
