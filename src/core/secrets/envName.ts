import { plainL10n, type L10n, type Say } from '../../shared/l10n';
import { fail, ok, type Outcome } from '../outcome';

/**
 * The allowlisted shape of an environment variable a credential sets: an upper-case letter, then upper-case
 * letters, digits and "_". No lower case (on Windows `path` is `PATH`; tools read `http_proxy` and
 * `HTTP_PROXY` alike), no leading "_" (`_JAVA_OPTIONS`), at most 128 characters.
 */
const ENV_NAME = /^[A-Z][A-Z0-9_]{0,127}$/;

/** What a credential may be called: what agents name in requests and what the audit log records. */
export const CREDENTIAL_NAME = /^[A-Z][A-Z0-9_]{0,63}$/;

/** What setting the variable would do, in the language asked for (a `Say`). */
type Why = Say;
const WHERE: Why = (l10n) => l10n.t('it controls where programs, libraries or files are found');
const NATIVE: Why = (l10n) => l10n.t('it makes programs load extra native code');
const INTERPRETER: Why = (l10n) => l10n.t('it makes an interpreter load or run extra code');
const SHELL_RUNS: Why = (l10n) => l10n.t('it changes what the shell executes');
const RUNS_COMMAND: Why = (l10n) => l10n.t('programs run its value as a command');
const TLS: Why = (l10n) => l10n.t('it changes which TLS certificates are trusted, or writes TLS session keys to a file');
const FILES: Why = (l10n) => l10n.t('tools create or read a file named after its value (so the value would land in a file name or be read as a path)');
const PACKAGES: Why = (l10n) => l10n.t('it changes where a package manager installs from or what it runs');
const BUILD: Why = (l10n) => l10n.t('build tools run its value as a program or pass it to the compiler');

/**
 * Variables that change how shells, loaders, interpreters, package managers, TLS or proxies behave, or that
 * make tools write or read files named after their value. A credential may never set them: a
 * workspace-defined credential delivered as `NODE_OPTIONS` would be code execution, one delivered as
 * `HISTFILE` would write a file named after the secret. Each entry says what it would do.
 */
const RESERVED_EXACT: ReadonlyMap<string, Why> = new Map<string, Why>([
  // Where things are found.
  ['PATH', WHERE], ['HOME', WHERE], ['SHELL', (l10n) => l10n.t('make, npm and others run it as the shell')], ['USER', WHERE], ['LOGNAME', WHERE],
  ['TMPDIR', FILES], ['TMP', FILES], ['TEMP', FILES], ['PWD', WHERE], ['OLDPWD', WHERE], ['COMSPEC', (l10n) => l10n.t('Windows runs it as the shell')],
  ['PATHEXT', WHERE], ['SYSTEMROOT', WHERE], ['WINDIR', WHERE], ['TERMINFO', FILES], ['TERMINFO_DIRS', FILES],
  ['MAIL', FILES], ['MAILPATH', FILES], ['TZDIR', FILES], ['HOSTALIASES', (l10n) => l10n.t('the resolver reads it as a hosts file')],
  ['LOCALDOMAIN', (l10n) => l10n.t('it changes how host names resolve')], ['RES_OPTIONS', (l10n) => l10n.t('it changes how host names resolve')],
  // Native code: glibc loads modules and tunables from these.
  ['GCONV_PATH', NATIVE], ['LOCPATH', NATIVE], ['NLSPATH', FILES], ['GLIBC_TUNABLES', NATIVE],
  // Interpreters.
  ['NODE_OPTIONS', INTERPRETER], ['NODE_PATH', INTERPRETER], ['NODE_ICU_DATA', INTERPRETER],
  ['NODE_EXTRA_CA_CERTS', TLS], ['NODE_TLS_REJECT_UNAUTHORIZED', TLS], ['NODE_USE_ENV_PROXY', (l10n) => l10n.t('it sends Node\'s requests through a proxy')],
  ['NODE_REPL_HISTORY', FILES], ['NODE_V8_COVERAGE', FILES], ['NODE_REDIRECT_WARNINGS', FILES], ['NODE_COMPILE_CACHE', FILES],
  ['CLASSPATH', INTERPRETER], ['JAVA_TOOL_OPTIONS', INTERPRETER], ['JDK_JAVA_OPTIONS', INTERPRETER], ['JAVA_OPTS', INTERPRETER],
  ['JAVA_HOME', WHERE], ['MAVEN_OPTS', INTERPRETER], ['MAVEN_ARGS', INTERPRETER], ['GRADLE_OPTS', INTERPRETER],
  ['GRADLE_USER_HOME', (l10n) => l10n.t('Gradle runs init scripts from it')], ['ANT_OPTS', INTERPRETER], ['SBT_OPTS', INTERPRETER],
  ['PHPRC', (l10n) => l10n.t('PHP reads its php.ini from it (auto_prepend_file runs code)')], ['PHP_INI_SCAN_DIR', (l10n) => l10n.t('PHP reads extra ini files from it')],
  ['R_PROFILE', INTERPRETER], ['R_PROFILE_USER', INTERPRETER], ['R_ENVIRON', INTERPRETER], ['R_ENVIRON_USER', INTERPRETER],
  ['R_LIBS', INTERPRETER], ['R_LIBS_USER', INTERPRETER], ['TCLLIBPATH', INTERPRETER], ['GEM_HOME', INTERPRETER], ['GEM_PATH', INTERPRETER],
  ['BUNDLE_GEMFILE', INTERPRETER], ['BUNDLE_PATH', INTERPRETER], ['ERL_AFLAGS', INTERPRETER], ['ERL_ZFLAGS', INTERPRETER], ['ERL_LIBS', INTERPRETER],
  ['VIMINIT', RUNS_COMMAND], ['EXINIT', RUNS_COMMAND], ['MYVIMRC', INTERPRETER],
  // Shells.
  ['ENV', SHELL_RUNS], ['PROMPT_COMMAND', SHELL_RUNS], ['IFS', SHELL_RUNS], ['PS1', SHELL_RUNS], ['PS2', SHELL_RUNS], ['PS4', SHELL_RUNS],
  ['SHELLOPTS', SHELL_RUNS], ['BASHOPTS', SHELL_RUNS], ['ZDOTDIR', SHELL_RUNS], ['CDPATH', SHELL_RUNS], ['GLOBIGNORE', SHELL_RUNS],
  ['EXECIGNORE', SHELL_RUNS], ['FPATH', SHELL_RUNS], ['INPUTRC', SHELL_RUNS], ['POSIXLY_CORRECT', SHELL_RUNS], ['TMOUT', SHELL_RUNS],
  ['HISTFILE', FILES], ['HISTFILESIZE', FILES], ['LESSHISTFILE', FILES], ['SQLITE_HISTORY', FILES], ['MYSQL_HISTFILE', FILES], ['PSQL_HISTORY', FILES],
  // Programs that run another program named by a variable.
  ['SSH_ASKPASS', RUNS_COMMAND], ['SSH_ASKPASS_REQUIRE', RUNS_COMMAND], ['SSH_AUTH_SOCK', (l10n) => l10n.t('ssh talks to the agent at that socket')],
  ['SUDO_ASKPASS', RUNS_COMMAND], ['EDITOR', RUNS_COMMAND], ['VISUAL', RUNS_COMMAND], ['PAGER', RUNS_COMMAND], ['MANPAGER', RUNS_COMMAND],
  ['SYSTEMD_PAGER', RUNS_COMMAND], ['PSQL_PAGER', RUNS_COMMAND], ['BROWSER', RUNS_COMMAND], ['TERMINAL', RUNS_COMMAND],
  ['LESSOPEN', RUNS_COMMAND], ['LESSCLOSE', RUNS_COMMAND],
  // Build tools.
  ['MAKEFLAGS', BUILD], ['MFLAGS', BUILD], ['GNUMAKEFLAGS', BUILD], ['MAKEFILES', (l10n) => l10n.t('make reads it as extra makefiles')], ['MAKESHELL', BUILD], ['MAKELEVEL', BUILD],
  ['CC', BUILD], ['CXX', BUILD], ['CPP', BUILD], ['LD', BUILD], ['AR', BUILD], ['AS', BUILD], ['CFLAGS', BUILD], ['CXXFLAGS', BUILD],
  ['CPPFLAGS', BUILD], ['LDFLAGS', BUILD], ['PKG_CONFIG', BUILD], ['PKG_CONFIG_PATH', BUILD],
  ['RUSTC', BUILD], ['RUSTC_WRAPPER', BUILD], ['RUSTC_WORKSPACE_WRAPPER', BUILD], ['RUSTDOC', BUILD], ['RUSTFLAGS', BUILD], ['RUSTDOCFLAGS', BUILD], ['RUSTUP_HOME', WHERE], ['RUSTUP_TOOLCHAIN', BUILD],
  // Go.
  ['GOFLAGS', BUILD], ['GOPROXY', PACKAGES], ['GONOPROXY', PACKAGES], ['GOSUMDB', PACKAGES], ['GONOSUMDB', PACKAGES], ['GONOSUMCHECK', PACKAGES],
  ['GOPRIVATE', PACKAGES], ['GOINSECURE', PACKAGES], ['GOTOOLCHAIN', (l10n) => l10n.t('go downloads and runs the toolchain it names')], ['GOENV', FILES],
  ['GOPATH', WHERE], ['GOROOT', WHERE], ['GOBIN', WHERE], ['GOCACHE', FILES], ['GOMODCACHE', FILES], ['GOTMPDIR', FILES], ['GOCOVERDIR', FILES],
  ['GOTELEMETRYDIR', FILES], ['GOWORK', FILES], ['GOEXPERIMENT', BUILD], ['GODEBUG', BUILD],
  // TLS and certificates.
  ['SSLKEYLOGFILE', TLS], ['CURL_CA_BUNDLE', TLS], ['REQUESTS_CA_BUNDLE', TLS], ['AWS_CA_BUNDLE', TLS], ['NIX_SSL_CERT_FILE', TLS],
  ['GRPC_DEFAULT_SSL_ROOTS_FILE_PATH', TLS], ['CURL_HOME', (l10n) => l10n.t('curl reads its .curlrc from it')], ['WGETRC', (l10n) => l10n.t('wget reads its configuration from it')],
  // Tools that read configuration (and run helpers) from a file named by the variable.
  ['DOCKER_CONFIG', (l10n) => l10n.t('docker reads credential helpers (programs it runs) from it')], ['DOCKER_HOST', (l10n) => l10n.t('docker sends requests to that host')],
  ['DOCKER_CERT_PATH', TLS], ['DOCKER_CONTEXT', (l10n) => l10n.t('docker sends requests to another daemon')], ['BUILDKIT_HOST', (l10n) => l10n.t('builds run on another daemon')],
  ['KUBECONFIG', (l10n) => l10n.t('kubectl reads exec credential plugins (programs it runs) from it')],
  ['AWS_CONFIG_FILE', (l10n) => l10n.t('the AWS CLI reads credential_process (a program it runs) from it')], ['AWS_SHARED_CREDENTIALS_FILE', FILES],
  ['GOOGLE_APPLICATION_CREDENTIALS', (l10n) => l10n.t('Google clients read it as a credentials file, which may name an executable')],
  ['CLOUDSDK_CONFIG', FILES], ['AZURE_CONFIG_DIR', FILES],
  // Airlock and its host.
  ['ELECTRON_RUN_AS_NODE', (l10n) => l10n.t('Airlock sets or relies on it for the processes it runs')], ['FORCE_COLOR', (l10n) => l10n.t('Airlock sets or relies on it for the processes it runs')],
]);

/** Families, checked as prefixes (and one suffix) of the whole name. */
const RESERVED_PREFIXES: readonly (readonly [string, Why])[] = [
  ['AIRLOCK_', (l10n) => l10n.t('names starting with AIRLOCK_ are reserved for Airlock itself')],
  ['VSCODE_', (l10n) => l10n.t('VSCODE_* variables are VS Code\'s own (IPC handles, extension host settings)')],
  ['ELECTRON_', (l10n) => l10n.t('ELECTRON_* variables change how Electron programs start (ELECTRON_RUN_AS_NODE)')],
  ['DYLD_', (l10n) => l10n.t('DYLD_* variables make every program load extra native code')],
  ['LD_', (l10n) => l10n.t('LD_* variables change how the dynamic linker loads native code (LD_PRELOAD, LD_AUDIT)')],
  ['MALLOC_', (l10n) => l10n.t('MALLOC_* variables configure the allocator, some write profiles to files')],
  ['GIT_', (l10n) => l10n.t('GIT_* variables change what git runs (GIT_SSH_COMMAND, GIT_ASKPASS, GIT_CONFIG_*), where it reads and writes (GIT_DIR, GIT_TRACE)')],
  ['NPM_CONFIG_', (l10n) => l10n.t('npm_config_* variables change npm configuration, including script-shell, node-options and registries')],
  ['YARN_', (l10n) => l10n.t('YARN_* variables change yarn configuration, including yarnPath (a program yarn runs)')],
  ['BUN_CONFIG_', (l10n) => l10n.t('BUN_CONFIG_* variables change bun\'s registry and install configuration')],
  ['PIP_', (l10n) => l10n.t('PIP_* variables change where pip installs from (index URL, certificates)')],
  ['UV_', (l10n) => l10n.t('UV_* variables change where uv installs from and which Python it runs')],
  ['CARGO_', (l10n) => l10n.t('CARGO_* variables change what cargo runs (CARGO_BUILD_RUSTC_WRAPPER) and where it builds')],
  ['BASH_', (l10n) => l10n.t('BASH_* variables change what bash runs (BASH_ENV, BASH_FUNC_*, BASH_LOADABLES_PATH) or write files (BASH_XTRACEFD)')],
  ['PYTHON', (l10n) => l10n.t('PYTHON* variables make Python import code (PYTHONPATH, PYTHONSTARTUP, PYTHONWARNINGS, PYTHONBREAKPOINT) or write files named after them (PYTHONPYCACHEPREFIX)')],
  ['PERL', (l10n) => l10n.t('PERL* variables make Perl load code (PERL5LIB, PERLLIB, PERL5OPT, PERL5DB)')],
  ['RUBY', (l10n) => l10n.t('RUBY* variables make Ruby load code (RUBYOPT, RUBYLIB)')],
  ['LUA_', (l10n) => l10n.t('LUA_* variables make Lua run code at start (LUA_INIT) or load modules (LUA_PATH, LUA_CPATH)')],
  ['DOTNET_', (l10n) => l10n.t('DOTNET_* variables make .NET load code (DOTNET_STARTUP_HOOKS, DOTNET_ADDITIONAL_DEPS)')],
  ['COMPLUS_', (l10n) => l10n.t('COMPlus_* variables configure the .NET runtime, including profilers it loads')],
  ['CORECLR_', (l10n) => l10n.t('CORECLR_* variables make .NET load a profiler (native code)')],
  ['_JAVA_', (l10n) => l10n.t('_JAVA_OPTIONS makes every JVM load extra code')],
  ['OPENSSL_', (l10n) => l10n.t('OPENSSL_* variables make OpenSSL load a configuration, engines or providers (native code)')],
  ['SSL_', (l10n) => l10n.t('SSL_* variables change which certificates are trusted (SSL_CERT_FILE, SSL_CERT_DIR)')],
  ['XDG_', (l10n) => l10n.t('XDG_* variables tell tools where to read configuration and write files, named after the value')],
];
const RESERVED_SUFFIXES: readonly (readonly [string, Why])[] = [
  ['_PROXY', (l10n) => l10n.t('*_PROXY variables send a tool\'s traffic (and the credentials in it) through another host')],
];

/**
 * Names inside a reserved family that are credentials by design (the tool reads them as a token, nothing
 * else), so a person can still deliver them.
 */
const CREDENTIAL_EXCEPTIONS: ReadonlySet<string> = new Set(['YARN_NPM_AUTH_TOKEN', 'CARGO_REGISTRY_TOKEN', 'UV_PUBLISH_TOKEN', 'UV_PUBLISH_PASSWORD']);

/**
 * Validates the environment variable a credential is delivered in. Refuses malformed names
 * (`invalid-env-name`) and names that would hijack the child process or its tools (`reserved-env-name`),
 * each with a reason. Returns the name unchanged when accepted. The message is English for the agent (the
 * default); a person's prompt or settings report passes its translator.
 */
export function validateEnvName(name: string, l10n: L10n = plainL10n): Outcome<string, 'invalid-env-name' | 'reserved-env-name'> {
  if (typeof name !== 'string' || !ENV_NAME.test(name)) {
    const shown = typeof name === 'string' ? JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name) : String(typeof name);
    return fail(
      'invalid-env-name',
      l10n.t('The environment variable name {0} is not valid: it must match {1} — an upper-case letter, then upper-case letters, digits or "_", at most 128 characters (for example "DEPLOY_TOKEN").', shown, '^[A-Z][A-Z0-9_]{0,127}$'),
    );
  }
  const why = reservedBecause(name);
  if (why !== undefined) {
    return fail('reserved-env-name', l10n.t('A credential cannot set the environment variable "{0}": {1}. Choose another name, for example "{2}".', name, why(l10n), suggestion(name)));
  }
  return ok(name);
}

/** Why `name` (already of the allowlisted shape) is reserved, or undefined when a credential may set it. */
function reservedBecause(name: string): Why | undefined {
  if (CREDENTIAL_EXCEPTIONS.has(name)) return undefined;
  return (
    RESERVED_EXACT.get(name) ??
    RESERVED_PREFIXES.find(([prefix]) => name.startsWith(prefix))?.[1] ??
    RESERVED_SUFFIXES.find(([suffix]) => name.endsWith(suffix))?.[1]
  );
}

function suggestion(name: string): string {
  const cleaned = name.toUpperCase().replace(/[^A-Z0-9_]/g, '_').replace(/^_+/, '').replace(/^AIRLOCK_/, '').replace(/_PROXY$/, '_URL');
  const candidate = `APP_${cleaned || 'TOKEN'}`.slice(0, 64);
  return reservedBecause(candidate) === undefined ? candidate : 'APP_TOKEN';
}

/**
 * Validates a credential's name (what agents ask for and the audit records): `^[A-Z][A-Z0-9_]{0,63}$`.
 * The message is English for the agent (the default); a person's prompt or settings report passes its translator.
 */
export function validateCredentialName(name: string, l10n: L10n = plainL10n): Outcome<string, 'invalid-credential-name'> {
  if (typeof name === 'string' && CREDENTIAL_NAME.test(name)) return ok(name);
  const shown = typeof name === 'string' ? JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name) : String(typeof name);
  return fail(
    'invalid-credential-name',
    l10n.t('The credential name {0} is not valid: it must match {1} — an upper-case letter, then upper-case letters, digits or "_", at most 64 characters (for example "DEPLOY_TOKEN").', shown, '^[A-Z][A-Z0-9_]{0,63}$'),
  );
}
