import { fail, ok, type Outcome } from '../outcome';
import type { OnePasswordReference, SecretReference } from './reference';

/** What a valid reference looks like; appended to every parse error. */
export const REFERENCE_EXAMPLES =
  'Valid references: "secret:DEPLOY_TOKEN" (VS Code SecretStorage), "op://Vault/Item/field" or ' +
  '"op://Vault/Item/section/field" (1Password; optional "?attribute=otp" or "?ssh-format=openssh"), ' +
  '"op-env://<environmentId>/<VARIABLE>" (a 1Password Environment variable).';

/** Longest reference accepted; settings are hostile input and a reference is never this long. */
export const MAX_REFERENCE_LENGTH = 1024;

const SECRET_STORAGE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;
/** 1Password's secret reference alphabet: ASCII letters, digits, `-`, `_`, `.` and the space character. */
const OP_SEGMENT = /^[A-Za-z0-9_.\- ]+$/;
const OP_ENVIRONMENT_ID = /^[A-Za-z0-9]{1,64}$/;
const ENV_VARIABLE = /^[A-Za-z_][A-Za-z0-9_]{0,255}$/;

type ReferenceFailure = Outcome<never, 'invalid-reference'>;

const invalid = (what: string): ReferenceFailure => fail('invalid-reference', `${what} ${REFERENCE_EXAMPLES}`);

/** Shows untrusted input in an error without control characters or unbounded length. */
function quote(text: string): string {
  const clipped = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  return JSON.stringify(clipped);
}

/**
 * Parses a credential's `source` setting. Accepts only the three documented schemes, with the same
 * (or a stricter) alphabet than the 1Password SDK's own validation; refuses everything else with a
 * message that says what is wrong and what a valid reference looks like. A reference is never a value.
 */
export function parseReference(raw: string): Outcome<SecretReference, 'invalid-reference'> {
  if (typeof raw !== 'string' || raw.length === 0) return invalid('The reference is empty.');
  if (raw.length > MAX_REFERENCE_LENGTH) {
    return invalid(`The reference is ${raw.length} characters long; at most ${MAX_REFERENCE_LENGTH} are allowed.`);
  }
  if (raw.trim() !== raw) {
    return invalid(`The reference ${quote(raw)} starts or ends with whitespace; remove it.`);
  }
  if (/^(["']).*\1$/s.test(raw)) {
    return invalid(`The reference ${quote(raw)} is wrapped in quotation marks; remove them (quoting is only needed in a shell).`);
  }
  if (raw.startsWith('secret:')) return parseSecretStorage(raw);
  if (raw.startsWith('op://')) return parseOnePassword(raw);
  if (raw.startsWith('op-env://')) return parseOnePasswordEnvironment(raw);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(raw)?.[1];
  if (scheme !== undefined && ['secret', 'op', 'op-env'].includes(scheme.toLowerCase())) {
    return invalid(`The reference ${quote(raw)} has scheme "${scheme}:"; schemes are lower case and 1Password ones are followed by "//".`);
  }
  return invalid(
    scheme === undefined
      ? `The reference ${quote(raw)} has no scheme.`
      : `The reference ${quote(raw)} uses the unknown scheme "${scheme}:".`,
  );
}

function parseSecretStorage(raw: string): Outcome<SecretReference, 'invalid-reference'> {
  const name = raw.slice('secret:'.length);
  if (name.length === 0) return invalid('The reference "secret:" names no secret.');
  if (!SECRET_STORAGE_NAME.test(name)) {
    return invalid(
      `The SecretStorage name ${quote(name)} is not valid: it must start with a letter and contain only ` +
        'letters, digits, "_", "." or "-" (at most 128 characters).',
    );
  }
  return ok({ kind: 'secret', raw, name });
}

function parseOnePassword(raw: string): Outcome<SecretReference, 'invalid-reference'> {
  const rest = raw.slice('op://'.length);
  const queryAt = rest.indexOf('?');
  const path = queryAt === -1 ? rest : rest.slice(0, queryAt);
  const segments = path.split('/');
  if (segments.length < 3 || segments.length > 4) {
    return invalid(
      `The 1Password reference ${quote(raw)} has ${segments.length} path part${segments.length === 1 ? '' : 's'}; ` +
        'it needs vault, item and field, with an optional section before the field.',
    );
  }
  const labels = segments.length === 3 ? ['vault', 'item', 'field'] : ['vault', 'item', 'section', 'field'];
  for (const [index, segment] of segments.entries()) {
    const label = labels[index] ?? 'part';
    if (segment.length === 0) return invalid(`The 1Password reference ${quote(raw)} has an empty ${label} name.`);
    if (segment.trim() !== segment) {
      return invalid(`The ${label} name ${quote(segment)} in the 1Password reference starts or ends with a space.`);
    }
    if (!OP_SEGMENT.test(segment)) {
      return invalid(
        `The ${label} name ${quote(segment)} in the 1Password reference contains a character 1Password references ` +
          'do not support: only ASCII letters, digits, "-", "_", "." and spaces are allowed. Use the ' +
          `${label}'s ID instead of its name.`,
      );
    }
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
    return invalid(
      `The 1Password reference query ${quote(`?${query}`)} is not supported: use exactly one of ` +
        '"?attribute=otp", "?attribute=totp" or "?ssh-format=openssh", or none.',
    );
  }
  return ok(parsed);
}

function parseOnePasswordEnvironment(raw: string): Outcome<SecretReference, 'invalid-reference'> {
  const segments = raw.slice('op-env://'.length).split('/');
  if (segments.length !== 2) {
    return invalid(`The 1Password Environment reference ${quote(raw)} must have exactly two parts: the environment ID and the variable name.`);
  }
  const [environmentId = '', variable = ''] = segments;
  if (!OP_ENVIRONMENT_ID.test(environmentId)) {
    return invalid(
      `The 1Password Environment ID ${quote(environmentId)} is not valid: it is the environment's ID ` +
        '(letters and digits, at most 64), not its name.',
    );
  }
  if (!ENV_VARIABLE.test(variable)) {
    return invalid(
      `The variable name ${quote(variable)} is not valid: it must start with a letter or "_" and contain only ` +
        'letters, digits and "_".',
    );
  }
  return ok({ kind: 'op-env', raw, environmentId, variable });
}
