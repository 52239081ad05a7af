import { strict as assert } from 'node:assert';
import type { AuditEvent, AuditSink } from '../../../../../src/core/audit/events';
import type { ClientIdentity } from '../../../../../src/core/clients';
import { silentLog } from '../../../../../src/core/log';
import {
  agentWrittenDescription,
  requestSecretEntryTool,
  type SecretEntry,
  type SecretEntryRequest,
} from '../../../../../src/core/mcp/tools/requestSecretEntry';
import type { AnyToolDefinition, ToolCallContext } from '../../../../../src/core/mcp/toolDefinition';
import { quoteUntrusted, secretValueProblem } from '../../../../../src/core/secrets/secretInput';
import { plainL10n } from '../../../../../src/shared/l10n';

const caller: ClientIdentity = { id: 'codex', sessionId: 'session-1', claimedName: 'codex-cli' };

function context(signal = new AbortController().signal): ToolCallContext {
  return { caller, signal, progress: () => {} };
}

/** Answers each ask() with the next scripted answer; records requests. Throws when unscripted. */
class ScriptedEntry implements SecretEntry {
  readonly requests: SecretEntryRequest[] = [];
  constructor(
    private readonly answers: (() => Promise<'stored' | 'declined'>)[],
    private readonly existing: readonly string[] = [],
  ) {}
  exists(name: string): Promise<boolean> {
    return Promise.resolve(this.existing.includes(name));
  }
  ask(request: SecretEntryRequest): Promise<'stored' | 'declined'> {
    this.requests.push(request);
    const next = this.answers.shift();
    if (next === undefined) throw new Error('ScriptedEntry: unexpected ask()');
    return next();
  }
}

class RecordingAudit implements AuditSink {
  readonly events: AuditEvent[] = [];
  append(event: AuditEvent): Promise<void> {
    this.events.push(event);
    return Promise.resolve();
  }
}

async function call(tool: AnyToolDefinition, args: unknown, ctx = context()) {
  const parsed = tool.inputSchema.parse(args);
  return tool.handler(parsed, ctx);
}

describe('request_secret_entry', () => {
  it('refuses a name that already exists (a stored secret or a defined credential) without asking the person', async () => {
    const entry = new ScriptedEntry([], ['DEPLOY_TOKEN']);
    const audit = new RecordingAudit();
    const tool = requestSecretEntryTool({ entry, log: silentLog, audit });
    const result = await call(tool, { name: 'DEPLOY_TOKEN', description: 'Please paste the deploy token again' });
    assert.ok(!result.ok);
    assert.equal(result.code, 'secret-exists');
    assert.match(result.message, /DEPLOY_TOKEN already exists/);
    assert.equal(entry.requests.length, 0, 'no prompt was shown');
  });

  it('marks a description written by the agent as the agent\'s, wherever it is stored', () => {
    const text = agentWrittenDescription('Codex', 'Production deploy token\u202e (trusted)');
    assert.match(text, /^Written by the agent \(Codex\), unverified: “Production deploy token⟨U\+202E⟩ \(trusted\)”$/);
    assert.ok(text.length <= 500, 'fits the credential description limit');
    assert.ok(agentWrittenDescription('Codex', 'x'.repeat(5000)).length <= 500);
  });

  it('tells the agent only { stored: true, name } when the person stores a value, and audits it', async () => {
    const entry = new ScriptedEntry([async () => 'stored']);
    const audit = new RecordingAudit();
    const tool = requestSecretEntryTool({ entry, log: silentLog, audit });
    const result = await call(tool, { name: 'STRIPE_TEST_KEY', description: 'I need a Stripe test key', env: 'STRIPE_API_KEY' });

    assert.ok(result.ok);
    assert.deepEqual(result.structured, { stored: true, name: 'STRIPE_TEST_KEY' });
    assert.equal(tool.outputSchema.safeParse(result.structured).success, true);
    assert.equal(entry.requests[0]?.client, caller);
    assert.equal(entry.requests[0]?.env, 'STRIPE_API_KEY');
    assert.deepEqual(audit.events, [{ type: 'secret-entry', name: 'STRIPE_TEST_KEY', client: 'codex', outcome: 'stored' }]);
    assert.equal(tool.servedWhenUntrusted, undefined, 'not served in an untrusted workspace');
  });

  it("tells the agent { stored: false, reason: 'declined' } when the person declines", async () => {
    const tool = requestSecretEntryTool({ entry: new ScriptedEntry([async () => 'declined']), log: silentLog });
    const result = await call(tool, { name: 'API_KEY', description: 'for tests' });
    assert.ok(result.ok);
    assert.deepEqual(result.structured, { stored: false, reason: 'declined' });
    assert.match(result.text, /declined/);
  });

  it('refuses an invalid name or a process-hijacking env before asking anyone', async () => {
    const entry = new ScriptedEntry([]);
    const tool = requestSecretEntryTool({ entry, log: silentLog });
    const badName = await call(tool, { name: 'lower-case', description: 'x' });
    assert.ok(!badName.ok && badName.code === 'invalid-credential-name');
    const badEnv = await call(tool, { name: 'GOOD_NAME', description: 'x', env: 'LD_PRELOAD' });
    assert.ok(!badEnv.ok && badEnv.code === 'reserved-env-name');
    assert.equal(entry.requests.length, 0);
    assert.throws(() => tool.inputSchema.parse({ name: 'A', description: 'x', value: 'smuggled' }), 'no extra fields (no value argument)');
    assert.throws(() => tool.inputSchema.parse({ name: 'A', description: 'x'.repeat(1001) }));
  });

  it('keeps one prompt at a time: a second request while one waits is refused as busy', async () => {
    let answer: (value: 'stored' | 'declined') => void = () => {};
    const entry = new ScriptedEntry([() => new Promise((resolve) => (answer = resolve)), async () => 'declined']);
    const tool = requestSecretEntryTool({ entry, log: silentLog });
    const first = call(tool, { name: 'FIRST_KEY', description: 'one' });
    await new Promise<void>((resolve) => setImmediate(resolve));
    const second = await call(tool, { name: 'SECOND_KEY', description: 'two' });
    assert.ok(!second.ok && second.code === 'busy');
    answer('stored');
    assert.ok((await first).ok);
    const third = await call(tool, { name: 'THIRD_KEY', description: 'three' });
    assert.ok(third.ok, 'the slot is free again');
  });

  it('passes the call signal through, so a cancelled call closes the prompt', async () => {
    const entry = new ScriptedEntry([async () => 'declined']);
    const tool = requestSecretEntryTool({ entry, log: silentLog });
    const controller = new AbortController();
    await call(tool, { name: 'A_KEY', description: 'x' }, context(controller.signal));
    assert.equal(entry.requests[0]?.signal, controller.signal);
  });

  it('still answers when the audit log fails', async () => {
    const audit: AuditSink = { append: () => Promise.reject(new Error('disk full')) };
    const tool = requestSecretEntryTool({ entry: new ScriptedEntry([async () => 'stored']), log: silentLog, audit });
    const result = await call(tool, { name: 'A_KEY', description: 'x' });
    assert.ok(result.ok);
  });
});

describe('secret input rules', () => {
  it('refuses values the redactor cannot scrub (shorter than 8), without echoing them', () => {
    const problem = secretValueProblem('abc1234', plainL10n);
    assert.match(problem ?? '', /7 characters; Airlock needs at least 8/);
    assert.ok(!(problem ?? '').includes('abc1234'));
    assert.equal(secretValueProblem('abcd1234', plainL10n), undefined);
    assert.match(secretValueProblem('', plainL10n) ?? '', /Enter a value/);
    assert.match(secretValueProblem('         ', plainL10n) ?? '', /only whitespace/);
  });

  it('quotes untrusted text on one line, controls and bidi tricks revealed, capped', () => {
    assert.equal(quoteUntrusted('need a\nkey\u202Eevil', 100), '“need a⟨U+000A⟩key⟨U+202E⟩evil”');
    assert.equal(quoteUntrusted('key\u00a0\u3164\u2800\u{e0041}', 100), '“key⟨U+00A0⟩⟨U+3164⟩⟨U+2800⟩⟨U+E0041⟩”');
    const long = quoteUntrusted('x'.repeat(500), 200);
    assert.equal(Array.from(long).length, 202);
    assert.ok(long.endsWith('…”'));
    assert.equal(quoteUntrusted('😀'.repeat(5), 3), '“😀…”'); // capped in UTF-16 units, never inside a pair
  });
});
