import { z } from 'zod';
import type { AuditSink } from '../../audit/events';
import type { ClientIdentity } from '../../clients';
import type { Log } from '../../log';
import { validateCredentialName, validateEnvName } from '../../secrets/envName';
import { quoteUntrusted } from '../../text/untrustedText';
import { tool, type AnyToolDefinition } from '../toolDefinition';

/** Longest description accepted from an agent; the entry prompt shows at most {@link SHOWN_DESCRIPTION_LENGTH}. */
export const MAX_DESCRIPTION_LENGTH = 1000;
export const SHOWN_DESCRIPTION_LENGTH = 200;

export interface SecretEntryRequest {
  /** Who asks (the token's client; the claimed name is shown as claimed). */
  readonly client: ClientIdentity;
  /** A validated credential name; the value is stored as `secret:<name>`. */
  readonly name: string;
  /** The agent's reason: untrusted text, shown quoted and capped. */
  readonly description: string;
  /** A validated environment variable name for the credential entry offered afterwards. */
  readonly env?: string;
  /** Aborted when the agent cancels the call: the prompt closes and counts as declined. */
  readonly signal: AbortSignal;
}

/**
 * Asks the person to type a value into a masked input (src/adapters/vscode/secretEntry.ts). The value goes
 * from that input straight into SecretStorage; this interface never sees it.
 */
export interface SecretEntry {
  /** Whether a secret or a credential of this name already exists (in any store or settings layer). */
  exists(name: string): Promise<boolean>;
  ask(request: SecretEntryRequest): Promise<'stored' | 'declined'>;
}

/** Longest credential description settings accept (schema.ts `credentialEntrySchema`). */
const MAX_STORED_DESCRIPTION = 500;

/**
 * The description stored with a credential the person adds after an agent asked for it: marked as written
 * by the agent, so the consent card's description slot (which a person reads as their own words) never
 * shows an agent's text as if it were theirs. Hidden characters revealed; at most 500 characters.
 */
export function agentWrittenDescription(clientLabel: string, description: string): string {
  const prefix = `Written by the agent (${clientLabel}), unverified: `;
  return `${prefix}${quoteUntrusted(description, Math.max(1, Math.min(SHOWN_DESCRIPTION_LENGTH, MAX_STORED_DESCRIPTION - prefix.length - 2)))}`;
}

export interface RequestSecretEntryDeps {
  readonly entry: SecretEntry;
  readonly log: Log;
  /** Audit sink, when the audit log is on. */
  readonly audit?: AuditSink;
}

const inputSchema = z
  .object({
    name: z
      .string()
      .max(64)
      .describe('The credential name to store the value under, e.g. "STRIPE_TEST_KEY" (upper case, digits, "_").'),
    description: z
      .string()
      .min(1)
      .max(MAX_DESCRIPTION_LENGTH)
      .describe('Why you need it, for the person, e.g. "I need a Stripe test key to run the payment tests."'),
    env: z
      .string()
      .max(128)
      .optional()
      .describe('The environment variable a command should receive it in; defaults to the name.'),
  })
  .strict();

const outputSchema = z.object({
  stored: z.boolean(),
  name: z.string().optional(),
  reason: z.enum(['declined']).optional(),
});

/**
 * `request_secret_entry`: the agent asks the *person* to enter a secret it needs. Contract: the agent
 * learns only `{ stored: true, name }` or `{ stored: false, reason: 'declined' }` — never the value, its
 * length or anything derived from it. One prompt at a time; not served in an untrusted workspace.
 */
export function requestSecretEntryTool(deps: RequestSecretEntryDeps): AnyToolDefinition {
  let pending = false;
  return tool({
    name: 'request_secret_entry',
    title: 'Ask the person to enter a secret',
    description: [
      'Asks the person to type a secret you need (for example an API key) into a masked input in VS Code.',
      'The value goes straight into VS Code SecretStorage as `secret:<name>`; you never see it and must never',
      'ask for secrets in chat. You learn only whether it was stored. To use it afterwards, the person must',
      'have a credential for it (they are offered one); then call request_access with its name.',
    ].join(' '),
    inputSchema,
    outputSchema,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    async handler(args, context) {
      const name = validateCredentialName(args.name);
      if (!name.ok) return { ok: false, code: name.code, message: name.message };
      let env: string | undefined;
      if (args.env !== undefined) {
        const checked = validateEnvName(args.env);
        if (!checked.ok) return { ok: false, code: checked.code, message: checked.message };
        env = checked.value;
      }
      if (await deps.entry.exists(name.value)) {
        // Asking the person to "re-enter" an existing secret would let an agent replace a value it
        // cannot read with one it chose, and reuse a name the person's consent cards already trust.
        return {
          ok: false,
          code: 'secret-exists',
          message:
            `A secret or credential named ${name.value} already exists. An agent cannot ask to replace it; the person ` +
            'can update it with "Airlock: Update Secret". Ask for a new name, or request_access to use the existing one.',
        };
      }
      if (pending) {
        return {
          ok: false,
          code: 'busy',
          message: 'Another secret entry is already waiting for the person. Wait for its answer before asking again.',
        };
      }
      pending = true;
      let answer: 'stored' | 'declined';
      try {
        answer = await deps.entry.ask({
          client: context.caller,
          name: name.value,
          description: args.description,
          ...(env === undefined ? {} : { env }),
          signal: context.signal,
        });
      } finally {
        pending = false;
      }
      try {
        await deps.audit?.append({ type: 'secret-entry', name: name.value, client: context.caller.id, outcome: answer });
      } catch {
        // The value is stored (or not) either way; a failing audit log is reported by the audit section.
        deps.log.warn(`Could not audit the secret entry for ${name.value}.`);
      }
      if (answer === 'stored') {
        return {
          ok: true,
          structured: { stored: true, name: name.value },
          text:
            `The person stored a value for ${name.value} (as secret:${name.value}). You cannot read it. To use it, ` +
            `call request_access with the credential name once it is listed by list_credentials.`,
        };
      }
      return {
        ok: true,
        structured: { stored: false, reason: 'declined' as const },
        text: `The person declined to enter a value for ${name.value}. Do not ask again unless they tell you to.`,
      };
    },
  });
}
