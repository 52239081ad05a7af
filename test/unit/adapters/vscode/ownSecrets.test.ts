import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { onePasswordAuthSource, SERVICE_ACCOUNT_TOKEN_KEY } from '../../../../src/adapters/stores/onePasswordAuth';
import { ClientTokens } from '../../../../src/adapters/vscode/clientTokens';
import type { Log } from '../../../../src/core/log';
import { LiveSecrets } from '../../../../src/core/redaction/liveSecrets';
import { OwnSecrets } from '../../../../src/core/redaction/ownSecrets';
import { scrubDeep } from '../../../../src/core/redaction/scrubDeep';
import { findLeaks } from '../../../support/canary';
import { FakeSecretStorage } from '../stores/fakeSecretStorage';

/** SecretStorage whose change events never fire (ClientTokens subscribes; these tests change nothing behind its back). */
class QuietSecretStorage extends FakeSecretStorage {
  override get onDidChange(): vscode.Event<vscode.SecretStorageChangeEvent> {
    return () => ({ dispose: () => undefined });
  }
}

const silentLog: Log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** What would reach an agent or the person if a token slipped: a log line and a tool result, both scrubbed by LiveSecrets. */
function surfaces(live: LiveSecrets, raw: string): string {
  const logLine = live.scrub(`debug: connecting with ${raw} (base64: ${Buffer.from(raw).toString('base64')})`);
  const toolResult = scrubDeep({ content: [{ type: 'text', text: `token=${raw}` }], structuredContent: { [raw]: raw } }, live.scrub);
  return `${logLine}\n${JSON.stringify(toolResult)}`;
}

describe("Airlock's own secrets are SecretValues scrubbed while held", () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'airlock-own-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('a client bearer token that slips into a log line or a tool result is scrubbed', async () => {
    const live = new LiveSecrets();
    const storage = new QuietSecretStorage();
    const tokens = new ClientTokens(storage, home, silentLog, new OwnSecrets(live));
    const token = await tokens.ensure('codex');
    const raw = storage.data.get('airlock.clientToken.codex') ?? '';
    assert.equal(raw.length, 43);
    assert.equal(String(token), '[redacted]');
    assert.deepEqual(findLeaks(surfaces(live, raw), [raw]), []);
    tokens.dispose();
  });

  it('a rotated token is scrubbed; a revoked one is no longer held', async () => {
    const live = new LiveSecrets();
    const storage = new QuietSecretStorage();
    const tokens = new ClientTokens(storage, home, silentLog, new OwnSecrets(live));
    await tokens.ensure('claude-code');
    await tokens.rotate('claude-code');
    const rotated = storage.data.get('airlock.clientToken.claude-code') ?? '';
    assert.deepEqual(findLeaks(surfaces(live, rotated), [rotated]), []);
    assert.equal(live.size, 1, 'the replaced token is no longer registered');
    await tokens.revoke('claude-code');
    assert.equal(live.size, 0);
    tokens.dispose();
  });

  it('the bearer header is the only raw form ClientTokens hands out', async () => {
    const live = new LiveSecrets();
    const storage = new QuietSecretStorage();
    const tokens = new ClientTokens(storage, home, silentLog, new OwnSecrets(live));
    const header = await tokens.bearerHeader('copilot');
    assert.equal(header, `Bearer ${storage.data.get('airlock.clientToken.copilot') ?? ''}`);
    tokens.dispose();
  });

  it('the 1Password service-account token is a SecretValue and scrubbed once read', async () => {
    const live = new LiveSecrets();
    const storage = new QuietSecretStorage();
    const raw = `ops_${'x'.repeat(20)}${Date.now().toString(36)}`;
    await storage.store(SERVICE_ACCOUNT_TOKEN_KEY, raw);
    const auth = await onePasswordAuthSource(storage, () => undefined, new OwnSecrets(live)).current();
    assert.equal(auth?.kind, 'service-account');
    assert.equal(JSON.stringify(auth), '{"kind":"service-account","token":"[redacted]"}');
    assert.deepEqual(findLeaks(surfaces(live, raw), [raw]), []);
    await storage.delete(SERVICE_ACCOUNT_TOKEN_KEY);
    assert.equal(await onePasswordAuthSource(storage, () => undefined, new OwnSecrets(live)).current(), undefined);
  });
});
