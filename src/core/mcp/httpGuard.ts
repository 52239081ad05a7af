import type { ClientId } from '../clients';
import { revealCapped, withoutHidden } from '../text/untrustedText';
import type { TokenVerifier } from './tokens';

/** The facts about an HTTP request the guard decides on; plain data, no sockets. */
export interface RequestFacts {
  readonly method: string;
  /** The request target as received, e.g. `/mcp` or `/mcp?x=1`. */
  readonly target: string;
  /** Lower-case header names, as Node's `IncomingMessage.headers` gives them. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The port the endpoint listens on; the only one a `Host` header may name. */
  readonly port: number;
}

export type GuardRefusal = {
  readonly ok: false;
  readonly status: 400 | 401 | 403 | 404 | 405;
  readonly message: string;
};
export type GuardVerdict = { readonly ok: true; readonly client: ClientId } | GuardRefusal;

export const MCP_PATH = '/mcp';
const ALLOWED_METHODS = new Set(['GET', 'POST', 'DELETE']);

const refuse = (status: GuardRefusal['status'], message: string): GuardRefusal => ({ ok: false, status, message });

const single = (value: string | readonly string[] | undefined): string | undefined =>
  typeof value === 'string' ? value : value === undefined ? undefined : value.length === 1 ? value[0] : undefined;

/**
 * DNS-rebinding defence: accepts only `127.0.0.1:<port>` or `localhost:<port>` (exact, case-insensitive
 * host name, the endpoint's own port). A page that rebinds its own domain to 127.0.0.1 sends its domain.
 */
export function checkHost(host: string | readonly string[] | undefined, port: number): GuardRefusal | undefined {
  const value = single(host)?.toLowerCase();
  if (value === `127.0.0.1:${port}` || value === `localhost:${port}`) return undefined;
  return refuse(403, 'Forbidden: the Host header must be 127.0.0.1 or localhost with the endpoint port.');
}

/** Browsers always send `Origin` on cross-origin requests; MCP clients do not. Any Origin is refused. */
export function checkOrigin(origin: string | readonly string[] | undefined): GuardRefusal | undefined {
  return origin === undefined ? undefined : refuse(403, 'Forbidden: requests from web pages (with an Origin header) are not accepted.');
}

/**
 * Extracts the bearer token from an `Authorization` header: exactly `Bearer <token>`; anything else
 * (missing, another scheme, several headers, extra parts) yields undefined.
 */
export function bearerToken(authorization: string | readonly string[] | undefined): string | undefined {
  const value = single(authorization);
  if (value === undefined) return undefined;
  const match = /^Bearer ([^\s]+)$/i.exec(value.trim());
  return match?.[1];
}

/**
 * The endpoint's gate, run before anything else touches a request. Refuses, in order: a foreign Host
 * (403), any Origin (403), CORS preflight and other methods (405), another path (404), any query string
 * (400 — tokens never travel in URLs), a missing or malformed bearer token (401), a token that is not a
 * live client token (401). On success names the client the token belongs to.
 */
export function guardRequest(facts: RequestFacts, tokens: TokenVerifier): GuardVerdict {
  const host = checkHost(facts.headers['host'], facts.port);
  if (host) return host;
  const origin = checkOrigin(facts.headers['origin']);
  if (origin) return origin;
  const method = facts.method.toUpperCase();
  if (method === 'OPTIONS') return refuse(405, 'Method not allowed: cross-origin requests are not supported.');
  if (!ALLOWED_METHODS.has(method)) return refuse(405, `Method not allowed: ${method.slice(0, 16)}. Use POST, GET or DELETE.`);
  const queryAt = facts.target.indexOf('?');
  const path = queryAt === -1 ? facts.target : facts.target.slice(0, queryAt);
  if (path !== MCP_PATH) return refuse(404, `Not found: the MCP endpoint is ${MCP_PATH}.`);
  if (queryAt !== -1) {
    return refuse(400, 'Bad request: the endpoint takes no query parameters; send the token in the Authorization header, never in the URL.');
  }
  const token = bearerToken(facts.headers['authorization']);
  if (token === undefined) return refuse(401, 'Unauthorized: send "Authorization: Bearer <token>" with your client token (see "Airlock: Show Connection Info").');
  const client = tokens.verify(token);
  if (client === undefined) return refuse(401, 'Unauthorized: the token is unknown or was revoked. Reconnect the client from VS Code ("Airlock: Connect …").');
  return { ok: true, client };
}

/**
 * Deepest nesting of arrays/objects in JSON text, computed without parsing (strings skipped), so a
 * hostile body like `[[[[…` is refused before any recursive validator can overflow the stack.
 */
export function jsonNestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return deepest;
}

/**
 * Makes untrusted, client-claimed text (an MCP `clientInfo` name) safe to show and log: every hidden
 * character (src/core/text/untrustedText.ts decides which) replaced by a space, spaces collapsed, length
 * bounded without cutting a character. It is still a claim, shown as one.
 */
export function displayableClaim(text: unknown, maxLength = 64): string | undefined {
  if (typeof text !== 'string') return undefined;
  const cleaned = withoutHidden(text.slice(0, 4096));
  if (cleaned === '') return undefined;
  return revealCapped(cleaned, maxLength);
}
