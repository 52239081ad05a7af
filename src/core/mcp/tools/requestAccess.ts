import { z } from 'zod';
import type { AccessOutcome, AccessRequestInput, Progress } from '../../access/accessService';
import { accessOutput, accessToolResult, commandInput, credentialNames, cwdInput, reasonInput } from '../../access/inputSchemas';
import type { ClientIdentity } from '../../clients';
import { Settings } from '../../../shared/ids';
import { tool, type AnyToolDefinition } from '../toolDefinition';

export interface RequestAccessDeps {
  requestAccess(caller: ClientIdentity, input: AccessRequestInput, progress: Progress, signal: AbortSignal): Promise<AccessOutcome>;
}

/** `request_access`: ask for a grant to run one command with named credentials; the person (or policy) decides. */
export function requestAccessTool(deps: RequestAccessDeps): AnyToolDefinition {
  return tool({
    name: 'request_access',
    title: 'Request access to credentials',
    description: [
      'Asks the person (in VS Code) to let one command run with the named credentials in its environment.',
      'You never receive the secret values: Airlock runs the command itself (call run with the returned grantId)',
      'and gives you the exit code and scrubbed output.',
      'The grant is bound to the exact command string, the working folder, your client, a duration and a run count;',
      'any other command (e.g. printenv) is refused under it.',
      'Results: approved (grantId, binding, expiry, runs left); pending (the person has not answered within the wait',
      `set by ${Settings.agentWaitSeconds} — call await_access with requestId); or an error result when denied`,
      '(do not retry unless asked).',
    ].join(' '),
    inputSchema: z
      .object({
        credentials: credentialNames,
        command: commandInput,
        cwd: cwdInput.optional(),
        reason: reasonInput,
        durationSeconds: z.number().int().min(1).max(604_800).optional().describe('How long you need it; policy and the person may shorten it.'),
        maxRuns: z.number().int().min(1).max(10_000).optional().describe('How many runs you need; the person may lower it.'),
      })
      .strict(),
    outputSchema: accessOutput,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    async handler(args, context) {
      const outcome = await deps.requestAccess(
        context.caller,
        {
          credentials: args.credentials,
          command: args.command,
          cwd: args.cwd,
          reason: args.reason,
          durationSeconds: args.durationSeconds,
          maxRuns: args.maxRuns,
        },
        (message, progress, total) => context.progress(message, progress, total),
        context.signal,
      );
      return accessToolResult(outcome);
    },
  });
}
