import { z } from 'zod';
import { grantSummarySchema, summariseGrant, type Grant } from '../../grants/grant';
import { tool, type AnyToolDefinition } from '../toolDefinition';

export interface ListGrantsDeps {
  /** Live grants; the tool shows the caller only its own client's (another agent's grants are not its business). */
  activeGrants(): readonly Grant[];
}

/** `list_grants`: the grants currently in force (empty until grants exist). Never a value. */
export function listGrantsTool(deps: ListGrantsDeps): AnyToolDefinition {
  return tool({
    name: 'list_grants',
    title: 'List active grants',
    description: [
      'Lists the grants you (this client) currently hold: which credentials, the exact command and folder each is bound to,',
      'when it expires and how many runs are left. A grant lets you call run for that command; it never',
      'contains or reveals a secret value. Without a suitable grant, call request_access first.',
    ].join(' '),
    inputSchema: z.object({}).strict(),
    outputSchema: z.object({ grants: z.array(grantSummarySchema) }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    async handler(_args, context) {
      const grants = deps.activeGrants().filter((grant) => grant.client === context.caller.id).map(summariseGrant);
      const text = grants.length === 0
        ? 'No active grants. To use a credential, call request_access (see list_credentials for names).'
        : [
            `${grants.length} active grant(s):`,
            ...grants.map((g) => `- ${g.grantId}: ${g.credentials.join(', ')} for \`${g.command}\` in ${g.cwd}, expires ${g.expiresAt}${g.runsLeft === null ? '' : `, ${g.runsLeft} run(s) left`}`),
          ].join('\n');
      return { ok: true, structured: { grants }, text };
    },
  });
}
