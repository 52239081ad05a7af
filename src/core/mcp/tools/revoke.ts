import { z } from 'zod';
import type { ClientIdentity } from '../../clients';
import { tool, type AnyToolDefinition } from '../toolDefinition';

export interface RevokeDeps {
  revoke(caller: ClientIdentity, grantId: string): { revoked: number };
}

/** `revoke`: ends one of the caller's own grants, or all of them. */
export function revokeTool(deps: RevokeDeps): AnyToolDefinition {
  return tool({
    name: 'revoke',
    title: 'Revoke a grant',
    description: [
      'Ends one of your own grants early (pass its grantId), or all of your grants (pass "all").',
      'Good practice once your task no longer needs the credentials. Grants of other clients are not affected.',
    ].join(' '),
    inputSchema: z
      .object({ grantId: z.string().min(1).max(128).describe('A grantId from request_access or list_grants, or "all".') })
      .strict(),
    outputSchema: z.object({ revoked: z.number().int().describe('How many grants were ended.') }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    async handler(args, context) {
      const result = deps.revoke(context.caller, args.grantId);
      if (args.grantId !== 'all' && result.revoked === 0) {
        return { ok: false, code: 'grant-not-found', message: `You hold no live grant "${args.grantId}"; nothing was revoked. list_grants shows your grants.` };
      }
      return { ok: true, structured: result, text: `Revoked ${result.revoked} grant(s).` };
    },
  });
}
