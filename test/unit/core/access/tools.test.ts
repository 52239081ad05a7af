import { strict as assert } from 'node:assert';
import type { AccessOutcome, RunOutcome } from '../../../../src/core/access/accessService';
import type { ToolCallContext } from '../../../../src/core/mcp/toolDefinition';
import { awaitAccessTool } from '../../../../src/core/mcp/tools/awaitAccess';
import { requestAccessTool } from '../../../../src/core/mcp/tools/requestAccess';
import { revokeTool } from '../../../../src/core/mcp/tools/revoke';
import { runTool } from '../../../../src/core/mcp/tools/run';

const context: ToolCallContext = { caller: { id: 'codex', sessionId: 's' }, signal: new AbortController().signal, progress: () => {} };
const grant = { grantId: 'g1', client: 'codex' as const, credentials: ['DEPLOY_TOKEN'], command: 'npm run deploy', commandMatch: 'exact' as const, cwd: '/w', expiresAt: '2026-11-24T12:15:00.000Z', runsLeft: 2 };

describe('access tools', () => {
  const requestAccess = requestAccessTool({ requestAccess: () => Promise.resolve<AccessOutcome>({ status: 'approved', requestId: 'r1', grant }) });

  it('request_access input: caps command at 4 KiB, reason at 2 KiB, refuses NUL and unknown fields', () => {
    const ok = { credentials: ['DEPLOY_TOKEN'], command: 'npm run deploy', reason: 'ship' };
    assert.ok(requestAccess.inputSchema.safeParse(ok).success);
    for (const bad of [
      { ...ok, command: 'x'.repeat(4097) },
      { ...ok, command: 'é'.repeat(2049) },
      { ...ok, command: 'npm\0run' },
      { ...ok, command: '   ' },
      { ...ok, reason: 'r'.repeat(2049) },
      { ...ok, reason: 'a\0b' },
      { ...ok, credentials: [] },
      { ...ok, cwd: '/w\0' },
      { ...ok, durationSeconds: 0 },
      { ...ok, extra: 1 },
    ]) {
      assert.equal(requestAccess.inputSchema.safeParse(bad).success, false, JSON.stringify(bad).slice(0, 80));
    }
  });

  it('request_access and run refuse hidden characters at the boundary, naming U+XXXX and the 1-based position', () => {
    const ok = { credentials: ['DEPLOY_TOKEN'], command: 'npm run deploy', reason: 'ship' };
    const run = runTool({ run: () => Promise.reject(new Error('not reached')) });
    const hidden = ['\u00a0', '\r', '\v', '\f', '\n', '\u2028', '\u3000', '\ufeff', '\u00ad', '\u115f', '\u3164', '\uffa0', '\u180e', '\u034f', '\u200b', '\u202e', '\ufe0f', '\u{e0041}', '\u2800', '\ud800'];
    for (const char of hidden) {
      const label = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      for (const [field, bad] of [
        ['command', { ...ok, command: `npm run deploy${char}` }],
        ['cwd', { ...ok, cwd: `/w${char}` }],
        ['reason', { ...ok, reason: `ship${char}` }],
        ['credential name', { ...ok, credentials: [`DEPLOY_TOKEN${char}`] }],
      ] as const) {
        const parsed = requestAccess.inputSchema.safeParse(bad);
        assert.equal(parsed.success, false, `${field} ${label}`);
        const message = parsed.error?.issues.map((i) => i.message).join(' ') ?? '';
        assert.ok(message.includes(label), `${field}: ${message}`);
      }
      const parsed = run.inputSchema.safeParse({ command: `npm run deploy${char}`, grantId: 'g1' });
      assert.equal(parsed.success, false);
      assert.match(parsed.error?.issues[0]?.message ?? '', /at character 15 \(counted from 1\)/);
    }
    assert.ok(requestAccess.inputSchema.safeParse({ ...ok, command: 'npm run deploy\tx' }).success, 'tab stays allowed');
  });

  it('request_access: approved → structured grant that validates against the output schema', async () => {
    const result = await requestAccess.handler({ credentials: ['DEPLOY_TOKEN'], command: 'npm run deploy', reason: 'ship' }, context);
    assert.ok(result.ok);
    assert.ok(requestAccess.outputSchema.safeParse(result.structured).success);
    assert.match(result.text, /grantId "g1"/);
  });

  it('denied → error result; pending → structured with requestId', async () => {
    const denied = await awaitAccessTool({ awaitAccess: () => Promise.resolve<AccessOutcome>({ status: 'denied', code: 'denied-by-person', message: 'no' }) }).handler({ requestId: 'r' }, context);
    assert.deepEqual(denied, { ok: false, code: 'denied-by-person', message: 'no' });
    const tool = awaitAccessTool({ awaitAccess: () => Promise.resolve<AccessOutcome>({ status: 'pending', requestId: 'r', message: 'wait' }) });
    const pending = await tool.handler({ requestId: 'r' }, context);
    assert.ok(pending.ok && tool.outputSchema.safeParse(pending.structured).success);
  });

  it('run: report validates against the output schema; refusals are error results', async () => {
    const report = { exitCode: 0, signal: null, output: '[redacted:DEPLOY_TOKEN]', truncated: false, durationMs: 3, grantId: 'g1', runsLeft: 1, timedOut: false, stoppedBy: null };
    const run = runTool({ run: () => Promise.resolve<RunOutcome>({ status: 'finished', report }) });
    const result = await run.handler({ command: 'npm run deploy', grantId: 'g1' }, context);
    assert.ok(result.ok && run.outputSchema.safeParse(result.structured).success);
    assert.match(result.text, /exited with code 0/);
    const refused = await runTool({ run: () => Promise.resolve<RunOutcome>({ status: 'refused', code: 'command-not-covered', message: 'no' }) }).handler({ command: 'printenv' }, context);
    assert.deepEqual(refused, { ok: false, code: 'command-not-covered', message: 'no' });
  });

  it('revoke: unknown grant is an error result; "all" is fine with zero', async () => {
    const revoke = revokeTool({ revoke: () => ({ revoked: 0 }) });
    assert.equal((await revoke.handler({ grantId: 'nope' }, context)).ok, false);
    assert.equal((await revoke.handler({ grantId: 'all' }, context)).ok, true);
  });
});
