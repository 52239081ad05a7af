import { fail, ok, type Outcome } from '../outcome';

/** POSIX portable environment names (upper or lower case), bounded in length. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** What a credential may be called: what agents name in requests and what the audit log records. */
export const CREDENTIAL_NAME = /^[A-Z][A-Z0-9_]{0,63}$/;

/**
 * Variables that change which program runs, which code it loads, or what a shell executes. A credential
 * may never set them: a workspace-defined credential named `NODE_OPTIONS` would be code execution.
 * Compared case-insensitively (Windows environments are case-insensitive; `path` would shadow `PATH`).
 */
const RESERVED_EXACT: ReadonlyMap<string, string> = new Map([
  ...['PATH', 'HOME', 'SHELL', 'USER', 'LOGNAME', 'TMPDIR', 'PWD', 'COMSPEC', 'PATHEXT', 'SYSTEMROOT'].map(
    (name) => [name, 'it controls where programs and files are found'] as const,
  ),
  ...['LD_PRELOAD', 'LD_LIBRARY_PATH', 'LD_AUDIT'].map(
    (name) => [name, 'it makes every program load extra native code'] as const,
  ),
  ...['NODE_OPTIONS', 'NODE_PATH', 'PYTHONPATH', 'PYTHONSTARTUP', 'PYTHONHOME', 'PERL5LIB', 'PERL5OPT', 'RUBYOPT', 'RUBYLIB', 'JAVA_TOOL_OPTIONS', '_JAVA_OPTIONS', 'JDK_JAVA_OPTIONS', 'CLASSPATH'].map(
    (name) => [name, 'it makes an interpreter load or run extra code'] as const,
  ),
  ...['BASH_ENV', 'ENV', 'PROMPT_COMMAND', 'IFS', 'PS4', 'SHELLOPTS', 'BASHOPTS', 'ZDOTDIR', 'CDPATH'].map(
    (name) => [name, 'it changes what the shell executes'] as const,
  ),
  ...['GIT_SSH', 'GIT_SSH_COMMAND', 'GIT_EXEC_PATH', 'GIT_ASKPASS', 'GIT_EDITOR', 'GIT_PAGER', 'GIT_PROXY_COMMAND', 'GIT_EXTERNAL_DIFF', 'GIT_SEQUENCE_EDITOR'].map(
    (name) => [name, 'it makes git run another program'] as const,
  ),
  ...['SSH_ASKPASS', 'SUDO_ASKPASS', 'EDITOR', 'VISUAL', 'PAGER', 'BROWSER', 'LESSOPEN', 'LESSCLOSE', 'MANPAGER'].map(
    (name) => [name, 'programs run it as a command'] as const,
  ),
  ...['ELECTRON_RUN_AS_NODE', 'FORCE_COLOR'].map(
    (name) => [name, 'Airlock sets or relies on it for the processes it runs'] as const,
  ),
]);

/** Prefix families, checked case-insensitively. */
const RESERVED_PREFIXES: readonly (readonly [string, string])[] = [
  ['AIRLOCK_', 'names starting with AIRLOCK_ are reserved for Airlock itself'],
  ['DYLD_', 'DYLD_* variables make every program load extra native code'],
  ['LD_', 'LD_* variables change how the dynamic linker loads native code'],
  ['GIT_', 'GIT_* variables change what git runs (GIT_SSH_COMMAND, GIT_ASKPASS, GIT_CONFIG_*), where it reads and writes (GIT_DIR, GIT_TRACE)'],
  ['NPM_CONFIG_', 'npm_config_* variables change npm configuration, including scripts and registries'],
  ['BASH_FUNC_', 'BASH_FUNC_* variables define shell functions in every bash the process starts'],
];

/**
 * Validates the environment variable a credential is delivered in. Refuses malformed names
 * (`invalid-env-name`) and names that would hijack the child process or its tools (`reserved-env-name`),
 * each with a reason. Returns the name unchanged when accepted.
 */
export function validateEnvName(name: string): Outcome<string, 'invalid-env-name' | 'reserved-env-name'> {
  if (typeof name !== 'string' || !ENV_NAME.test(name)) {
    const shown = typeof name === 'string' ? JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name) : String(typeof name);
    return fail(
      'invalid-env-name',
      `The environment variable name ${shown} is not valid: it must start with a letter or "_", contain only ` +
        'letters, digits and "_", and be at most 128 characters (for example "DEPLOY_TOKEN").',
    );
  }
  const upper = name.toUpperCase();
  const exact = RESERVED_EXACT.get(upper);
  if (exact !== undefined) {
    return fail('reserved-env-name', `A credential cannot set the environment variable "${name}": ${exact}. Choose another name, for example "${suggestion(name)}".`);
  }
  for (const [prefix, why] of RESERVED_PREFIXES) {
    if (upper.startsWith(prefix)) {
      return fail('reserved-env-name', `A credential cannot set the environment variable "${name}": ${why}. Choose another name, for example "${suggestion(name)}".`);
    }
  }
  return ok(name);
}

function suggestion(name: string): string {
  const cleaned = name.toUpperCase().replace(/^_+/, '').replace(/^AIRLOCK_/, '');
  return `APP_${cleaned || 'TOKEN'}`.slice(0, 64);
}

/**
 * Validates a credential's name (what agents ask for and the audit records): `^[A-Z][A-Z0-9_]{0,63}$`.
 */
export function validateCredentialName(name: string): Outcome<string, 'invalid-credential-name'> {
  if (typeof name === 'string' && CREDENTIAL_NAME.test(name)) return ok(name);
  const shown = typeof name === 'string' ? JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name) : String(typeof name);
  return fail(
    'invalid-credential-name',
    `The credential name ${shown} is not valid: it must match ^[A-Z][A-Z0-9_]{0,63}$ — an upper-case letter, ` +
      'then upper-case letters, digits or "_", at most 64 characters (for example "DEPLOY_TOKEN").',
  );
}
