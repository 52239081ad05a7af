import { z } from 'zod';
import type { Progress, RunInput, RunOutcome } from '../../access/accessService';
import { commandInput, credentialNames, cwdInput, networkInput, reasonInput, writesInput } from '../../access/inputSchemas';
import type { ClientIdentity } from '../../clients';
import { tool, type AnyToolDefinition } from '../toolDefinition';

export interface RunDeps {
  run(caller: ClientIdentity, input: RunInput, progress: Progress, signal: AbortSignal): Promise<RunOutcome>;
}

const runOutput = z.object({
  exitCode: z.number().int().nullable().describe('null when the process was killed by a signal.'),
  signal: z.string().nullable(),
  output: z.string().describe('stdout and stderr as they arrived, with every secret value replaced by [redacted:NAME]; the last part only when truncated.'),
  truncated: z.boolean(),
  durationMs: z.number(),
  grantId: z.string(),
  runsLeft: z.number().nullable().describe('Runs left under the grant; null: unlimited until it expires.'),
  timedOut: z.boolean(),
  stoppedBy: z.enum(['timeout', 'grant-ended', 'cancelled', 'shutdown']).nullable().describe('Why Airlock stopped the command, if it did.'),
});

/** `run`: runs a command as a VS Code task with granted credentials in its environment; returns scrubbed output. */
export function runTool(deps: RunDeps): AnyToolDefinition {
  return tool({
    name: 'run',
    title: 'Run a command with credentials',
    description: [
      'Runs a shell command in a visible VS Code task whose process alone gets the granted credentials as',
      'environment variables, and returns its exit code and output with every secret value replaced by',
      '[redacted:NAME]. Pass grantId from request_access; or pass credentials (and a reason) to ask the person',
      'first in one step. The command must be exactly the one the grant covers — anything else (printenv, env,',
      'echo $X, another script) is refused. If the person has not answered yet the result says so with a',
      'requestId: call await_access, then run again with the grantId. timeoutSeconds is capped by policy.',
    ].join(' '),
    inputSchema: z
      .object({
        command: commandInput,
        cwd: cwdInput.optional(),
        grantId: z.string().min(1).max(128).optional().describe('The grant to run under (from request_access).'),
        credentials: credentialNames.optional().describe('Credentials to ask for when you hold no grant for this command.'),
        reason: reasonInput.optional(),
        timeoutSeconds: z.number().int().min(1).max(86_400).optional().describe('Kill the command after this long (policy caps it).'),
        network: networkInput.optional(),
        writes: writesInput.optional(),
      })
      .strict(),
    outputSchema: runOutput,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    async handler(args, context) {
      const outcome = await deps.run(
        context.caller,
        {
          command: args.command,
          cwd: args.cwd,
          grantId: args.grantId,
          credentials: args.credentials,
          reason: args.reason,
          timeoutSeconds: args.timeoutSeconds,
          network: args.network,
          writes: args.writes,
        },
        (m, p, t) => context.progress(m, p, t),
        context.signal,
      );
      if (outcome.status === 'refused') return { ok: false, code: outcome.code, message: outcome.message };
      if (outcome.status === 'pending') return { ok: false, code: 'consent-pending', message: outcome.message };
      const r = outcome.report;
      const how = r.stoppedBy === 'timeout' ? 'was killed after its timeout' : r.stoppedBy !== null ? `was stopped (${r.stoppedBy})` : r.exitCode === null ? `ended by signal ${r.signal ?? '?'}` : `exited with code ${r.exitCode}`;
      const runs = r.runsLeft === null ? 'unlimited runs left' : `${r.runsLeft} run(s) left`;
      const text = `The command ${how} after ${r.durationMs} ms (grant ${r.grantId}, ${runs}).${r.truncated ? ' Output truncated to its last part.' : ''}\n${r.output}`;
      return { ok: true, structured: { ...r }, text };
    },
  });
}
