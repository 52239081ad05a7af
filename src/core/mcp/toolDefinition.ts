import type { z } from 'zod';
import type { ClientIdentity } from '../clients';
import type { ToolErrorCode } from '../errorCodes';

/** What a tool handler knows about the call it serves. */
export interface ToolCallContext {
  /** Who asks: the token's client (trusted) and the claimed clientInfo (untrusted). */
  readonly caller: ClientIdentity;
  /** Aborted when the MCP request is cancelled or the session closes. */
  readonly signal: AbortSignal;
  /** MCP progress notification, when the client asked for progress (no-op otherwise). */
  progress(message: string, progress: number, total?: number): void;
}

/**
 * A tool's answer. `ok: false` is an *expected* outcome (denied, unknown credential, expired grant, store
 * locked) and becomes an MCP result with `isError: true`; bugs throw. The endpoint scrubs every string in
 * both shapes through the live redactor before it leaves the process.
 */
export type ToolResult<T> =
  | { readonly ok: true; readonly structured: T; readonly text: string }
  | { readonly ok: false; readonly code: ToolErrorCode; readonly message: string };

/**
 * One MCP tool, defined in core: schemas (zod), annotations, a description written for a model, and a
 * pure handler over injected services. src/adapters/node registers these on each session's McpServer.
 */
export interface ToolDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly inputSchema: I;
  readonly outputSchema: O;
  readonly annotations: {
    readonly readOnlyHint: boolean;
    readonly destructiveHint: boolean;
    readonly idempotentHint: boolean;
    readonly openWorldHint: boolean;
  };
  /** Served even in an untrusted workspace (e.g. nothing that touches credentials). Default false. */
  readonly servedWhenUntrusted?: boolean;
  handler(args: z.output<I>, context: ToolCallContext): Promise<ToolResult<z.output<O>>>;
}

/** Erases a definition's type parameters for a heterogeneous list. */
export type AnyToolDefinition = ToolDefinition<z.ZodType, z.ZodType>;
export const tool = <I extends z.ZodType, O extends z.ZodType>(definition: ToolDefinition<I, O>): AnyToolDefinition =>
  definition as unknown as AnyToolDefinition;
