import type { Credential } from '../credentials';
import type { CredentialRefusal } from '../errorCodes';
import { fail, ok, type Outcome } from '../outcome';

/**
 * The credentials named, as currently defined, in order; refused when one is no longer defined or two
 * would set the same environment variable (one would silently win).
 */
export function lookupCredentials(defined: readonly Credential[], names: readonly string[]): Outcome<Credential[], CredentialRefusal> {
  const found: Credential[] = [];
  for (const name of names) {
    const credential = defined.find((c) => c.name === name);
    if (credential === undefined) {
      return fail('unknown-credential', `Credential "${name}" is not defined (any more). list_credentials shows the defined ones.`);
    }
    found.push(credential);
  }
  const envs = found.map((c) => c.env);
  const clash = envs.find((env, i) => envs.indexOf(env) !== i);
  if (clash !== undefined) {
    return fail('env-conflict', `Two of the requested credentials set the same environment variable "${clash}". Ask for one of them at a time.`);
  }
  return ok(found);
}
