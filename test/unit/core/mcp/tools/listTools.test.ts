import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientId } from '../../../../../src/core/clients';
import type { Grant } from '../../../../../src/core/grants/grant';
import type { ToolCallContext } from '../../../../../src/core/mcp/toolDefinition';
import { listCredentialsTool, previewPolicy } from '../../../../../src/core/mcp/tools/listCredentials';
import { listGrantsTool } from '../../../../../src/core/mcp/tools/listGrants';
import { parsePolicy } from '../../../../../src/core/policy/parse';

const context = (client: ClientId): ToolCallContext => ({
  caller: { id: client, sessionId: 's1' },
  signal: new AbortController().signal,
  progress: () => undefined,
});

const grant = (id: string, client: ClientId): Grant => ({
  id, requestId: `r-${id}`, client, credentials: ['DEPLOY_TOKEN'], command: 'npm run deploy', commandMatch: 'exact',
  cwd: '/work/app', issuedAt: 0, expiresAt: Date.UTC(2030, 0, 1), maxRuns: 3, runsUsed: 1,
});

describe('list_credentials and list_grants', () => {
  const settings = {
    trusted: true,
    user: {
      'airlock.credentials': [
        { name: 'DEPLOY_TOKEN', description: 'Deploys', source: 'op://Prod/Deploy/token' },
        { name: 'NPM_TOKEN', description: 'Publishes', source: 'secret:NPM_TOKEN', env: 'NODE_AUTH_TOKEN' },
      ],
      'airlock.policy.rules': [{ credentials: 'NPM_*', clients: 'codex', decision: 'deny' }],
    },
    workspace: {},
    folders: [],
  };
  const policy = parsePolicy(settings).policy;
  const grants = [grant('g-codex', 'codex'), grant('g-cursor', 'cursor')];
  const listCredentials = listCredentialsTool({
    credentials: (client) => policy.credentials.map((credential) => ({ credential, preview: previewPolicy(policy, credential.name, client, ['/work/app']) })),
    activeGrants: () => grants,
  });

  it('lists names, env, store and a per-client policy preview — and only the caller\'s grants', async () => {
    const result = await listCredentials.handler({}, context('codex'));
    assert.ok(result.ok);
    const { credentials } = result.structured as { credentials: { name: string; env: string; store: string; policy: string; activeGrants: { grantId: string }[] }[] };
    assert.deepEqual(credentials.map((c) => [c.name, c.env, c.store, c.policy]), [
      ['DEPLOY_TOKEN', 'DEPLOY_TOKEN', 'op', 'ask'],
      ['NPM_TOKEN', 'NODE_AUTH_TOKEN', 'secret', 'deny'],
    ]);
    assert.deepEqual(credentials[0]?.activeGrants.map((g) => g.grantId), ['g-codex']);
    assert.ok(!result.text.includes('op://'), 'references stay out of agent-visible text');
    assert.ok(!JSON.stringify(result.structured).includes('op://'));
    const forCursor = await listCredentials.handler({}, context('cursor'));
    assert.ok(forCursor.ok);
    assert.deepEqual((forCursor.structured as { credentials: { policy: string }[] }).credentials.map((c) => c.policy), ['ask', 'ask']);
  });

  it('validates its output against its own outputSchema', async () => {
    const result = await listCredentials.handler({}, context('codex'));
    assert.ok(result.ok);
    assert.ok(listCredentials.outputSchema.safeParse(result.structured).success);
  });

  it('previews deny when no workspace folder is open', () => {
    assert.equal(previewPolicy(policy, 'DEPLOY_TOKEN', 'codex', []), 'deny');
  });

  it('explains what to do when nothing is configured', async () => {
    const empty = listCredentialsTool({ credentials: () => [], activeGrants: () => [] });
    const result = await empty.handler({}, context('codex'));
    assert.ok(result.ok);
    assert.match(result.text, /No credentials are configured/);
  });

  it('names only commands Airlock contributes when it tells the agent what the person can run', async () => {
    const empty = listCredentialsTool({ credentials: () => [], activeGrants: () => [] });
    const result = await empty.handler({}, context('codex'));
    assert.ok(result.ok);
    const manifest = JSON.parse(readFileSync(join(__dirname, '../../../../../package.json'), 'utf8')) as {
      contributes: { commands: { title: string; category?: string }[] };
    };
    const nls = JSON.parse(readFileSync(join(__dirname, '../../../../../package.nls.json'), 'utf8')) as Record<string, string>;
    const resolve = (text: string): string => text.replace(/^%(.+)%$/, (_, key: string) => nls[key] ?? text);
    const titles = new Set(manifest.contributes.commands.map((c) => `${resolve(c.category ?? 'Airlock')}: ${resolve(c.title)}`));
    const named = [...result.text.matchAll(/"(Airlock: [^"]+)"/g)].map((m) => m[1] ?? '');
    assert.ok(named.length > 0);
    for (const title of named) assert.ok(titles.has(title), `"${title}" is not a command in package.json`);
  });

  it('list_grants shows the caller\'s grants with runs left, and is empty otherwise', async () => {
    const listGrants = listGrantsTool({ activeGrants: () => grants });
    const result = await listGrants.handler({}, context('codex'));
    assert.ok(result.ok);
    const structured = result.structured as { grants: { grantId: string; runsLeft: number | null }[] };
    assert.deepEqual(structured.grants.map((g) => [g.grantId, g.runsLeft]), [['g-codex', 2]]);
    assert.ok(listGrants.outputSchema.safeParse(result.structured).success);
    const none = await listGrants.handler({}, context('other'));
    assert.ok(none.ok);
    assert.deepEqual(none.structured, { grants: [] });
    assert.match(none.text, /request_access/);
  });

  it('are read-only, idempotent, closed-world, and refuse unknown arguments', () => {
    for (const tool of [listCredentials, listGrantsTool({ activeGrants: () => [] })]) {
      assert.deepEqual(tool.annotations, { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false });
      assert.equal(tool.servedWhenUntrusted, undefined);
      assert.equal(tool.inputSchema.safeParse({ extra: 1 }).success, false);
    }
  });
});
