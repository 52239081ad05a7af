import { strict as assert } from 'node:assert';
import { validateCredentialName, validateEnvName } from '../../../../src/core/secrets/envName';
import { markingL10n } from '../../../support/markingL10n';

describe('validateEnvName', () => {
  for (const name of ['DEPLOY_TOKEN', 'STRIPE_API_KEY', 'A', 'GITHUB_TOKEN', 'NPM_TOKEN', 'NODE_AUTH_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'APP_PATH', 'GITLAB_TOKEN', 'GOOGLE_API_KEY', 'YARN_NPM_AUTH_TOKEN', 'CARGO_REGISTRY_TOKEN', 'PROXY_TOKEN']) {
    it(`accepts ${name}`, () => assert.deepEqual(validateEnvName(name), { ok: true, value: name }));
  }

  for (const name of ['', '1ABC', 'A-B', 'A B', 'A=B', 'ÄPFEL', 'X'.repeat(129), 'A\nB', '$HOME', '_PRIVATE', 'lower_case', 'npm_config_registry', 'airlock_port', 'path', 'Node_Options', 'http_proxy', 'DEPLOY\u00a0TOKEN']) {
    it(`refuses malformed ${JSON.stringify(name.slice(0, 20))}`, () => {
      const outcome = validateEnvName(name);
      assert.equal(outcome.ok, false);
      if (!outcome.ok) {
        assert.equal(outcome.code, 'invalid-env-name');
        assert.match(outcome.message, /\^\[A-Z\]\[A-Z0-9_\]\{0,127\}\$.*DEPLOY_TOKEN/);
        assert.ok(!outcome.message.includes('\n'));
      }
    });
  }

  const reserved = [
    'PATH', 'HOME', 'SHELL', 'USER', 'LD_PRELOAD', 'LD_LIBRARY_PATH', 'LD_AUDIT', 'DYLD_INSERT_LIBRARIES',
    'DYLD_LIBRARY_PATH', 'NODE_OPTIONS', 'NODE_PATH', 'PYTHONPATH', 'PYTHONSTARTUP', 'PERL5LIB', 'PERL5OPT',
    'RUBYOPT', 'RUBYLIB', 'BASH_ENV', 'ENV', 'PROMPT_COMMAND', 'IFS', 'GIT_SSH', 'GIT_SSH_COMMAND',
    'GIT_EXEC_PATH', 'GIT_ASKPASS', 'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_COUNT', 'GIT_TRACE', 'GIT_DIR', 'SSH_ASKPASS', 'EDITOR', 'VISUAL',
    'PAGER', 'JAVA_TOOL_OPTIONS', 'NPM_CONFIG_SCRIPT_SHELL', 'NPM_CONFIG_NODE_OPTIONS', 'AIRLOCK_TOKEN', 'BASH_FUNC_LS',
    // The list: interpreters, loaders, TLS, proxies …
    'PERLLIB', 'PHPRC', 'PHP_INI_SCAN_DIR', 'DOTNET_STARTUP_HOOKS', 'LUA_INIT', 'LUA_INIT_5_4', 'PYTHONWARNINGS', 'PYTHONBREAKPOINT',
    'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'FTP_PROXY', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'SSLKEYLOGFILE',
    // … and names that make tools create files named after the value
    'HISTFILE', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'GOCACHE', 'PYTHONPYCACHEPREFIX', 'TMPDIR',
    // and more of the same families
    'GCONV_PATH', 'GLIBC_TUNABLES', 'OPENSSL_CONF', 'MAKEFLAGS', 'MAKEFILES', 'CC', 'RUSTC_WRAPPER', 'CARGO_BUILD_RUSTC_WRAPPER',
    'GOFLAGS', 'GOTOOLCHAIN', 'GOPROXY', 'YARN_YARN_PATH', 'PIP_INDEX_URL', 'CORECLR_PROFILER_PATH', 'COMPLUS_X', 'DOCKER_CONFIG',
    'KUBECONFIG', 'AWS_CONFIG_FILE', 'VSCODE_IPC_HOOK', 'ELECTRON_RUN_AS_NODE', 'BASH_LOADABLES_PATH', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE',
  ];
  for (const name of reserved) {
    it(`refuses reserved ${name} with a reason`, () => {
      const outcome = validateEnvName(name);
      assert.equal(outcome.ok, false);
      if (!outcome.ok) {
        assert.equal(outcome.code, 'reserved-env-name');
        assert.match(outcome.message, new RegExp(`cannot set the environment variable "${name}": .+\\. Choose another name`));
        const suggested = /for example "([^"]+)"/.exec(outcome.message)?.[1] ?? '';
        assert.ok(validateEnvName(suggested).ok, `the suggestion ${suggested} is itself valid`);
      }
    });
  }
});

describe('validateCredentialName', () => {
  for (const name of ['DEPLOY_TOKEN', 'A', 'X1', `A${'B'.repeat(63)}`]) {
    it(`accepts ${name.slice(0, 20)}`, () => assert.ok(validateCredentialName(name).ok));
  }
  for (const name of ['', 'deploy_token', '_X', '1X', 'A-B', `A${'B'.repeat(64)}`, 'A B']) {
    it(`refuses ${JSON.stringify(name.slice(0, 20))} and states the rule`, () => {
      const outcome = validateCredentialName(name);
      assert.equal(outcome.ok, false);
      if (!outcome.ok) {
        assert.equal(outcome.code, 'invalid-credential-name');
        assert.ok(outcome.message.includes('^[A-Z][A-Z0-9_]{0,63}$'));
      }
    });
  }
});

describe('name validation: l10n (a person’s prompt or settings report translates; the agent’s message stays English)', () => {
  it('translates the whole message, the reserved reason too, and keeps the pattern out of the translatable text', () => {
    const credential = validateCredentialName('bad name', markingL10n);
    assert.ok(!credential.ok);
    assert.equal(credential.message, '«The credential name "bad name" is not valid: it must match ^[A-Z][A-Z0-9_]{0,63}$ — an upper-case letter, then upper-case letters, digits or "_", at most 64 characters (for example "DEPLOY_TOKEN").»');
    const env = validateEnvName('x', markingL10n);
    assert.ok(!env.ok && env.message.startsWith('«The environment variable name "x" is not valid: it must match ^[A-Z][A-Z0-9_]{0,127}$'));
    const reserved = validateEnvName('NODE_OPTIONS', markingL10n);
    assert.ok(!reserved.ok);
    assert.equal(reserved.message, '«A credential cannot set the environment variable "NODE_OPTIONS": «it makes an interpreter load or run extra code». Choose another name, for example "APP_NODE_OPTIONS".»');
    const prefixed = validateEnvName('GIT_ASKPASS', markingL10n);
    assert.ok(!prefixed.ok && prefixed.message.includes('«GIT_* variables change what git runs'));
  });

  it('without a translator (the agent’s path) the English is as it always was', () => {
    const credential = validateCredentialName('bad name');
    assert.ok(!credential.ok);
    assert.equal(credential.message, 'The credential name "bad name" is not valid: it must match ^[A-Z][A-Z0-9_]{0,63}$ — an upper-case letter, then upper-case letters, digits or "_", at most 64 characters (for example "DEPLOY_TOKEN").');
    const reserved = validateEnvName('NODE_OPTIONS');
    assert.ok(!reserved.ok);
    assert.equal(reserved.message, 'A credential cannot set the environment variable "NODE_OPTIONS": it makes an interpreter load or run extra code. Choose another name, for example "APP_NODE_OPTIONS".');
    const env = validateEnvName('x');
    assert.ok(!env.ok);
    assert.equal(env.message, 'The environment variable name "x" is not valid: it must match ^[A-Z][A-Z0-9_]{0,127}$ — an upper-case letter, then upper-case letters, digits or "_", at most 128 characters (for example "DEPLOY_TOKEN").');
  });
});
