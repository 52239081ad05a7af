import { z } from 'zod';
import { MAX_SHOWN_COMMAND_CHARS } from '../../shared/protocol';
import { grantSummarySchema } from '../grants/grant';
import { hostNameSchema, MAX_NETWORK_HOSTS, MAX_WRITE_PATHS, writePathSchema } from '../policy/schema';
import type { ToolResult } from '../mcp/toolDefinition';
import { describeHidden, findHidden, reveal } from '../text/untrustedText';
import type { AccessOutcome } from './accessService';

/** Input caps shared by request_access and run: generous for real commands, small enough to display. */
export const MAX_COMMAND_BYTES = 4096;
export const MAX_REASON_CHARS = 2048;
export const MAX_PATH_CHARS = 4096;
export const MAX_CREDENTIALS = 32;


/**
 * Refuses text holding a hidden character (control, format, invisible, filler, non-ASCII space; see
 * src/core/text/untrustedText.ts), naming the character as U+XXXX and its 1-based position. Applied at the
 * MCP boundary, so what the person approves and what runs are the same visible string.
 */
const visibleOnly = <T extends z.ZodString>(schema: T, field: string) =>
  schema.superRefine((text, context) => {
    const hidden = findHidden(text);
    if (hidden !== undefined) context.addIssue({ code: 'custom', message: describeHidden(field, hidden) });
  });

export const commandInput = visibleOnly(z.string().min(1, 'command is empty'), 'command')
  .refine((s) => /[^ \t]/.test(s), 'command is blank')
  .refine((s) => new TextEncoder().encode(s).byteLength <= MAX_COMMAND_BYTES, `command is longer than ${MAX_COMMAND_BYTES} bytes`)
  // The card never cuts a command: one that could not be shown whole is refused here instead.
  .refine((s) => reveal(s).length <= MAX_SHOWN_COMMAND_CHARS, 'command is too long to show whole on the consent card')
  .describe('The exact shell command line, e.g. "npm run deploy". The grant is bound to this exact string, byte for byte; control, invisible and non-ASCII space characters are refused.');

export const cwdInput = visibleOnly(z.string().min(1).max(MAX_PATH_CHARS), 'cwd')
  .describe('Working folder: absolute, or relative to the first workspace folder (the default). Must be inside the workspace.');

export const credentialNames = z
  .array(visibleOnly(z.string().min(1).max(128), 'credential name'))
  .min(1)
  .max(MAX_CREDENTIALS)
  .describe('Credential names as listed by list_credentials, e.g. ["DEPLOY_TOKEN"].');

export const reasonInput = visibleOnly(z.string().max(MAX_REASON_CHARS), 'reason')
  .describe('Why you need this, in one or two sentences on one line; shown to the person verbatim. Control characters (including newlines) are refused.');


/** Hosts a sealed run may reach beyond its credentials' hosts (domain names only: see isDomainName). */
export const networkInput = z
  .array(hostNameSchema)
  .max(MAX_NETWORK_HOSTS)
  .describe('Hosts the command may reach (besides its credentials\' own hosts), e.g. ["registry.example.com"]. In a sealed run every other host is refused. Default: none.');

/** Paths a sealed run may write (absolute, or relative to cwd), inside the cwd's workspace folder. */
export const writesInput = z
  .array(writePathSchema)
  .max(MAX_WRITE_PATHS)
  .describe('Files or folders the command may write, relative to cwd or absolute, inside the workspace folder, e.g. ["dist"]. In a sealed run the rest of the workspace is read-only. Default: none.');

export const grantSummaryOutput = grantSummarySchema;

/** Result of request_access / await_access when not denied (a denial is an error result). */
export const accessOutput = z.object({
  status: z.enum(['approved', 'pending']),
  requestId: z.string(),
  grant: grantSummaryOutput.optional().describe('Present when approved.'),
  message: z.string(),
});

/** Maps an access outcome to a tool result: denied → error result; approved/pending → structured. */
export function accessToolResult(outcome: AccessOutcome): ToolResult<z.output<typeof accessOutput>> {
  if (outcome.status === 'denied') return { ok: false, code: outcome.code, message: outcome.message };
  if (outcome.status === 'pending') {
    return { ok: true, structured: { status: 'pending', requestId: outcome.requestId, message: outcome.message }, text: outcome.message };
  }
  const g = outcome.grant;
  const runs = g.runsLeft === null ? 'unlimited runs' : `${g.runsLeft} run(s)`;
  const message = `Approved: grant ${g.grantId} runs ${g.commandMatch === 'exact' ? `exactly "${g.command}"` : `"${g.command}" (plus plain arguments)`} in ${g.cwd} with ${g.credentials.join(', ')} until ${g.expiresAt}, ${runs}. Call run with grantId "${g.grantId}" and that command. You never receive the secret values.`;
  return { ok: true, structured: { status: 'approved', requestId: outcome.requestId, grant: { ...g, credentials: [...g.credentials] }, message }, text: message };
}
