import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { OpenPrompt } from '../../../src/adapters/vscode/secretEntry';
import { parseReference } from '../../../src/core/secrets/referenceParser';
import type { SecretReference } from '../../../src/core/secrets/reference';
import { Commands, EXTENSION_ID, Settings } from '../../../src/shared/ids';
import type { AirlockStoresTestApi, AirlockTestApi } from '../../../src/testFacet/api';
import { connectAs } from '../helpers/endpoint';

async function storesApi(): Promise<AirlockStoresTestApi> {
  const extension = vscode.extensions.getExtension<AirlockTestApi | undefined>(EXTENSION_ID);
  assert.ok(extension);
  const api = await extension.activate();
  assert.ok(api?.stores, 'the test API has no stores section');
  return api.stores;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until Airlock shows a prompt matching `predicate` (the real VS Code quick input). */
async function waitForPrompt(api: AirlockStoresTestApi, predicate: (prompt: OpenPrompt) => boolean, what: string): Promise<OpenPrompt> {
  for (let i = 0; i < 100; i++) {
    const current = api.prompts.current;
    if (current !== undefined && predicate(current)) {
      await sleep(150); // let the workbench render it before typing into it
      return current;
    }
    await sleep(100);
  }
  throw new Error(`Airlock did not show the prompt: ${what} (current: ${api.prompts.current?.title ?? 'none'})`);
}

/** Types `value` into the open quick input (the pick filter, or the input box) and presses Enter. */
async function answer(prompt: OpenPrompt, value: string): Promise<void> {
  prompt.setValue(value);
  await sleep(200);
  await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  await sleep(150);
}

const reference = (raw: string): SecretReference => {
  const parsed = parseReference(raw);
  assert.ok(parsed.ok, raw);
  return parsed.value;
};

const canary = (label: string) => `canary-${label}-${randomBytes(16).toString('hex')}`;

function logsContaining(needle: string): string[] {
  const root = process.env['AIRLOCK_TEST_SANDBOX'];
  if (root === undefined) return [];
  const logs = join(root, 'user-data', 'logs');
  try {
    return readdirSync(logs, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name))
      .filter((file) => readFileSync(file, 'utf8').includes(needle));
  } catch {
    return [];
  }
}

describe('stores: SecretStorage through the real commands and quick input', function () {
  this.timeout(60_000);

  it('adds a secret with Airlock: Add Secret (short value refused), resolves it through the store, then removes it', async () => {
    const api = await storesApi();
    const name = `IT_SECRET_${randomBytes(3).toString('hex').toUpperCase()}`;
    const value = canary('add');
    const configuration = vscode.workspace.getConfiguration();
    const credentialsBefore = configuration.inspect<unknown[]>(Settings.credentials)?.globalValue;

    const running = vscode.commands.executeCommand(Commands.addSecret);
    await answer(await waitForPrompt(api, (p) => p.kind === 'input' && !p.password && p.title === 'Airlock: Add Secret', 'name input'), name);
    const valuePrompt = await waitForPrompt(api, (p) => p.kind === 'input' && p.password, 'masked value input');
    await answer(valuePrompt, 'short12');
    assert.equal(api.prompts.current, valuePrompt, 'a 7-character value is refused and the masked input stays open');
    await answer(valuePrompt, value);
    const offer = await waitForPrompt(api, (p) => p.kind === 'pick' && p.title.includes(`make ${name} available`), 'credential offer');
    await answer(offer, `Add credential ${name}`);
    await running;

    try {
      const resolved = (await api.router.resolveAll([reference(`secret:${name}`)], new AbortController().signal)).get(`secret:${name}`);
      assert.ok(resolved?.ok, `secret:${name} did not resolve`);
      assert.equal(resolved.value.length, value.length);
      assert.equal(String(resolved.value), '[redacted]');

      const credentials = vscode.workspace.getConfiguration().inspect<unknown[]>(Settings.credentials)?.globalValue ?? [];
      assert.ok(
        credentials.some((entry) => JSON.stringify(entry) === JSON.stringify({ name, description: '', source: `secret:${name}` })),
        'the credential entry was added to the user settings',
      );
      assert.deepEqual(logsContaining(value), [], 'the value is in no log file');

      const removing = vscode.commands.executeCommand(Commands.removeSecret, name);
      await answer(await waitForPrompt(api, (p) => p.kind === 'pick' && p.title === 'Airlock: Remove Secret', 'remove confirmation'), `Remove ${name}`);
      await removing;
      const after = (await api.router.resolveAll([reference(`secret:${name}`)], new AbortController().signal)).get(`secret:${name}`);
      assert.ok(after !== undefined && !after.ok);
      assert.equal(after.code, 'not-found');
      assert.match(after.message, /Airlock: Add Secret/);
    } finally {
      await api.secretStorage.remove(name);
      await vscode.workspace.getConfiguration().update(Settings.credentials, credentialsBefore, vscode.ConfigurationTarget.Global);
    }
  });

  it('request_secret_entry over a real MCP client: the person sees who asks and types the value; the agent learns only stored/declined', async () => {
    const api = await storesApi();
    const name = `IT_ENTRY_${randomBytes(3).toString('hex').toUpperCase()}`;
    const value = canary('entry');
    const client = await connectAs('codex', 'codex-cli');
    const args = { name, description: 'I need a Stripe test key\nto run the payment tests' };

    try {
      const { tools } = await client.listTools();
      assert.ok(tools.some((t) => t.name === 'request_secret_entry'), 'request_secret_entry is served');

      const pending = client.callTool({ name: 'request_secret_entry', arguments: args });
      const ask = await waitForPrompt(api, (p) => p.kind === 'pick' && p.title.includes('asks you to enter a secret'), 'secret entry request');
      assert.match(ask.title, new RegExp(`Codex \\(claims “codex-cli.*”\\) asks you to enter a secret for ${name}`));
      assert.match(ask.prompt, /“I need a Stripe test key⟨U\+000A⟩to run the payment tests”/, 'hidden characters are revealed, not dropped');
      assert.deepEqual(ask.items[0], 'Decline', 'Decline is preselected: a stray Enter declines');
      await answer(ask, 'Enter a value');
      await answer(await waitForPrompt(api, (p) => p.kind === 'input' && p.password, 'masked value input'), value);
      await answer(await waitForPrompt(api, (p) => p.kind === 'pick' && p.title.includes('available to agents'), 'credential offer'), 'Not now');
      const result = await pending;
      assert.equal(result.isError, undefined, JSON.stringify(result));
      assert.deepEqual(result.structuredContent, { stored: true, name });
      assert.ok(!JSON.stringify(result).includes(value), 'the value never reaches the agent');

      const resolved = (await api.router.resolveAll([reference(`secret:${name}`)], new AbortController().signal)).get(`secret:${name}`);
      assert.ok(resolved?.ok);
      assert.equal(resolved.value.length, value.length);

      // The same name again: refused without a prompt (an agent cannot have a stored value replaced).
      const again = await client.callTool({ name: 'request_secret_entry', arguments: args });
      assert.equal(again.isError, true, JSON.stringify(again));
      assert.match(JSON.stringify(again), /already exists/);
      assert.equal(api.prompts.current, undefined, 'no prompt opened');

      const declined = client.callTool({ name: 'request_secret_entry', arguments: { ...args, name: `${name}_2` } });
      await answer(await waitForPrompt(api, (p) => p.kind === 'pick' && p.title.includes('asks you to enter a secret'), 'second request'), '');
      const declinedResult = await declined;
      assert.deepEqual(declinedResult.structuredContent, { stored: false, reason: 'declined' });
    } finally {
      await client.close();
      await api.secretStorage.remove(name);
    }
  });

  it('activation did not load the 1Password SDK (~130 ms, ~80 MB): it loads on first use only', async () => {
    await storesApi();
    // Holds as long as no earlier test in this launch resolves an op:// or op-env:// reference.
    const loaded = Object.keys(require.cache).filter((path) => path.endsWith('onepassword-sdk.js'));
    assert.deepEqual(loaded, []);
  });

  it('1Password: the SDK and its WASM load from dist/ and report a malformed token in their own words', async function () {
    this.timeout(60_000);
    const api = await storesApi();
    const outcome = await api.onePassword.verify({ kind: 'service-account', token: api.serviceAccountToken('not-a-real-token') }, 30_000);
    assert.ok(!outcome.ok);
    assert.equal(outcome.code, 'not-configured');
    assert.match(outcome.sdkMessage ?? '', /invalid format/);
    assert.ok(Object.keys(require.cache).some((path) => path.endsWith('dist/onepassword-sdk.js')), 'loaded from dist/');
  });

  it('1Password references are not-configured (not a hang, not a crash) until 1Password is connected', async () => {
    const api = await storesApi();
    const results = await api.router.resolveAll(
      [reference('op://Private/Stripe/credential'), reference('op-env://abc123/API_KEY')],
      new AbortController().signal,
    );
    for (const outcome of results.values()) {
      assert.ok(!outcome.ok);
      assert.equal(outcome.code, 'not-configured');
      assert.match(outcome.message, /Airlock: Connect 1Password/);
    }
  });
});
