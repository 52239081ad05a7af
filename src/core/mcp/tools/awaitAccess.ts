import { z } from 'zod';
import type { AccessOutcome, Progress } from '../../access/accessService';
import { accessOutput, accessToolResult } from '../../access/inputSchemas';
import type { ClientIdentity } from '../../clients';
import { tool, type AnyToolDefinition } from '../toolDefinition';

export interface AwaitAccessDeps {
  awaitAccess(caller: ClientIdentity, requestId: string, progress: Progress, signal: AbortSignal): Promise<AccessOutcome>;
}

/** `await_access`: keep waiting for the person's answer to a pending request (only the client that asked). */
export function awaitAccessTool(deps: AwaitAccessDeps): AnyToolDefinition {
  return tool({
    name: 'await_access',
    title: 'Wait for an access decision',
    description: [
      'Continues waiting for the person to answer a request_access (or run) that came back "pending".',
      'Returns approved (with grantId — then call run), pending again (call await_access again if the task still',
      'needs it), or an error result when denied or timed out. Only the client that made the request can await it.',
    ].join(' '),
    inputSchema: z
      .object({ requestId: z.string().min(1).max(128).describe('The requestId from a pending result.') })
      .strict(),
    outputSchema: accessOutput,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    async handler(args, context) {
      const outcome = await deps.awaitAccess(context.caller, args.requestId, (m, p, t) => context.progress(m, p, t), context.signal);
      return accessToolResult(outcome);
    },
  });
}
