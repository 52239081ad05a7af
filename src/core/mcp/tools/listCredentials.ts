import { z } from 'zod';
import type { Credential } from '../../credentials';
import type { ClientId } from '../../clients';
import type { Grant } from '../../grants/grant';
import { evaluate } from '../../policy/evaluate';
import { STORE_LABELS } from '../../secrets/reference';
import type { Policy } from '../../policy/policy';
import { tool, type AnyToolDefinition } from '../toolDefinition';

export type PolicyPreview = 'ask' | 'allow' | 'deny';

export interface ListCredentialsDeps {
  /** The credentials the person defined, each with what policy would do if `client` asked now. */
  credentials(client: ClientId): readonly { readonly credential: Credential; readonly preview: PolicyPreview }[];
  /** Live grants; the tool shows the caller only its own client's. */
  activeGrants(): readonly Grant[];
}

/**
 * What policy would answer if `client` asked for `credential` now for a command no command-specific rule
 * names, run at the first workspace folder: a preview for the agent, never a decision (request_access
 * evaluates the real request). No workspace folder → `deny` (nothing can run outside one).
 */
export function previewPolicy(policy: Policy, credential: string, client: ClientId, workspaceFolders: readonly string[]): PolicyPreview {
  const cwd = workspaceFolders[0];
  if (cwd === undefined) return 'deny';
  return evaluate({ client, credentials: [credential], command: '', cwd, workspaceFolders }, policy).kind;
}

const credentialSummary = z.object({
  name: z.string().describe('What to pass in `credentials` when calling request_access.'),
  description: z.string(),
  env: z.string().describe('The environment variable the approved command will see.'),
  store: z.enum(['secret', 'op', 'op-env']),
  storeLabel: z.string(),
  definedIn: z.enum(['user', 'remote', 'workspace']),
  policy: z.enum(['ask', 'allow', 'deny']).describe('ask: the person is asked; allow: granted without asking; deny: refused.'),
  activeGrants: z.array(z.object({ grantId: z.string(), command: z.string(), cwd: z.string(), expiresAt: z.string() })),
});

const output = z.object({ credentials: z.array(credentialSummary) });

/** `list_credentials`: what an agent may ask for, by name. Never a value, never a reference's secret. */
export function listCredentialsTool(deps: ListCredentialsDeps): AnyToolDefinition {
  return tool({
    name: 'list_credentials',
    title: 'List credentials',
    description: [
      'Lists the credentials the person has made available through Airlock: name, description, the environment',
      'variable a command will receive, where the value is stored, what policy would likely do if you asked now',
      '(ask: the person approves; allow: granted without asking; deny: refused — rules about specific commands may',
      'differ), and any grants you already hold for it.',
      'Secret values are never returned by this or any other Airlock tool; you never need them.',
      'To use a credential: call request_access with its name, the exact command and the working folder, then',
      'call run with the grant id — the command runs with the secret in its environment and you get its',
      '(scrubbed) output.',
    ].join(' '),
    inputSchema: z.object({}).strict(),
    outputSchema: output,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    async handler(_args, context) {
      const grants = deps.activeGrants().filter((grant) => grant.client === context.caller.id);
      const credentials = deps.credentials(context.caller.id).map(({ credential, preview }) => ({
        name: credential.name,
        description: credential.description,
        env: credential.env,
        store: credential.source.kind,
        storeLabel: STORE_LABELS[credential.source.kind],
        definedIn: credential.origin,
        policy: preview,
        activeGrants: grants
          .filter((grant) => grant.credentials.includes(credential.name))
          .map((grant) => ({ grantId: grant.id, command: grant.command, cwd: grant.cwd, expiresAt: new Date(grant.expiresAt).toISOString() })),
      }));
      const text = credentials.length === 0
        ? 'No credentials are configured. Ask the person to add one ("Airlock: Add Secret" or the "airlock.credentials" setting).'
        : [
            `${credentials.length} credential(s) available (values are never shown):`,
            ...credentials.map((c) =>
              `- ${c.name} → $${c.env} (${c.storeLabel}; policy: ${c.policy}${c.activeGrants.length > 0 ? `; ${c.activeGrants.length} active grant(s)` : ''})${c.description ? `: ${c.description}` : ''}`),
            'Next: request_access with the credential names, the exact command and cwd; then run with the grant id.',
          ].join('\n');
      return { ok: true, structured: { credentials }, text };
    },
  });
}
