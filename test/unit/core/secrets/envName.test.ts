import { strict as assert } from 'node:assert';
import { validateCredentialName, validateEnvName } from '../../../../src/core/secrets/envName';

describe('validateEnvName', () => {
  for (const name of ['DEPLOY_TOKEN', 'STRIPE_API_KEY', '_PRIVATE', 'lower_case', 'A', 'GITHUB_TOKEN', 'NPM_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'APP_PATH', 'GITHUB_TOKEN', 'GITLAB_TOKEN', 'HTTPS_PROXY']) {
    it(`accepts ${name}`, () => assert.deepEqual(validateEnvName(name), { ok: true, value: name }));
  }

  for (const name of ['', '1ABC', 'A-B', 'A B', 'A=B', 'ÄPFEL', 'X'.repeat(129), 'A\nB', '$HOME']) {
    it(`refuses malformed ${JSON.stringify(name.slice(0, 20))}`, () => {
      const outcome = validateEnvName(name);
      assert.equal(outcome.ok, false);
      if (!outcome.ok) {
        assert.equal(outcome.code, 'invalid-env-name');
        assert.match(outcome.message, /must start with a letter or "_".*DEPLOY_TOKEN/);
        assert.ok(!outcome.message.includes('\n'));
      }
    });
  }

  const reserved = [
    'PATH', 'HOME', 'SHELL', 'USER', 'LD_PRELOAD', 'LD_LIBRARY_PATH', 'LD_AUDIT', 'DYLD_INSERT_LIBRARIES',
    'DYLD_LIBRARY_PATH', 'NODE_OPTIONS', 'NODE_PATH', 'PYTHONPATH', 'PYTHONSTARTUP', 'PERL5LIB', 'PERL5OPT',
    'RUBYOPT', 'RUBYLIB', 'BASH_ENV', 'ENV', 'PROMPT_COMMAND', 'IFS', 'GIT_SSH', 'GIT_SSH_COMMAND',
    'GIT_EXEC_PATH', 'GIT_ASKPASS', 'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_COUNT', 'GIT_TRACE', 'GIT_DIR', 'SSH_ASKPASS', 'EDITOR', 'VISUAL',
    'PAGER', 'JAVA_TOOL_OPTIONS', '_JAVA_OPTIONS', 'npm_config_registry', 'NPM_CONFIG_SCRIPT_SHELL',
    'AIRLOCK_TOKEN', 'airlock_port', 'path', 'Node_Options', 'BASH_FUNC_ls%%'.replace('%%', ''),
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
