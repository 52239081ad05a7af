// How every test reads a raw MCP (Streamable HTTP) response body: `application/json` carries one message
// or a batch; `text/event-stream` carries any number of events, each `data` one message. A judge that
// JSON.parses an SSE body as one document passes or fails by how the events happened to arrive, so every
// judge goes through here and sees every message, whatever the chunking.
import { StringDecoder } from 'node:string_decoder';

/** One JSON-RPC message as it came over the wire (request, notification, result or error). */
export interface JsonRpcMessage {
  readonly jsonrpc?: unknown;
  readonly id?: string | number | null;
  readonly method?: string;
  readonly params?: unknown;
  readonly result?: unknown;
  readonly error?: { readonly code?: number; readonly message?: string; readonly data?: unknown };
}

/** One dispatched server-sent event (per the WHATWG event-stream rules). */
export interface SseEvent {
  readonly event: string;
  readonly data: string;
  readonly id: string | undefined;
}

/**
 * Incremental `text/event-stream` decoder: feed chunks as they arrive (bytes split anywhere, CRLF split
 * across chunks), get each event once its blank line arrives. Comments (`:keep-alive`), `retry:` and
 * unknown fields are ignored; an event without a data line is not dispatched; an unterminated event at the
 * end is dropped, as a browser does.
 */
export class SseDecoder {
  private readonly utf8 = new StringDecoder('utf8');
  private line = '';
  private afterCr = false;
  private data: string[] = [];
  private event = '';
  private lastId: string | undefined;

  push(chunk: string | Buffer): SseEvent[] {
    const text = typeof chunk === 'string' ? chunk : this.utf8.write(chunk);
    const events: SseEvent[] = [];
    for (const ch of text) {
      if (this.afterCr) {
        this.afterCr = false;
        if (ch === '\n') continue; // the LF of a CRLF whose CR ended the line already
      }
      if (ch === '\r' || ch === '\n') {
        this.afterCr = ch === '\r';
        const event = this.endLine();
        if (event !== undefined) events.push(event);
      } else {
        this.line += ch;
      }
    }
    return events;
  }

  /** The stream ended: flushes a pending byte sequence; an event missing its blank line is dropped. */
  end(): SseEvent[] {
    const rest = this.utf8.end();
    return rest === '' ? [] : this.push(rest);
  }

  private endLine(): SseEvent | undefined {
    const line = this.line;
    this.line = '';
    if (line === '') {
      const data = this.data;
      const event = this.event;
      this.data = [];
      this.event = '';
      return data.length === 0 ? undefined : { event: event === '' ? 'message' : event, data: data.join('\n'), id: this.lastId };
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.lastId = value;
    return undefined;
  }
}

/** A body that is not what its content type says (not JSON, or an event whose data is not JSON). */
export class MalformedMcpBody extends Error {}

const messagesOf = (json: string): JsonRpcMessage[] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new MalformedMcpBody(`not JSON: ${json.slice(0, 200)}`);
  }
  const list = Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
  if (!list.every((m) => typeof m === 'object' && m !== null && !Array.isArray(m))) throw new MalformedMcpBody(`not JSON-RPC messages: ${json.slice(0, 200)}`);
  return list as JsonRpcMessage[];
};

const isEventStream = (contentType: string | readonly string[] | undefined): boolean => String(contentType ?? '').toLowerCase().includes('text/event-stream');

/**
 * Every JSON-RPC message a Streamable-HTTP response body carries, in order: for `text/event-stream`, the
 * data of every event (a batch in one event is flattened); otherwise the body as JSON (a batch flattened).
 * `body` may be the chunks as they arrived. Throws `MalformedMcpBody` when the body is not JSON-RPC.
 */
export function mcpMessages(contentType: string | readonly string[] | undefined, body: string | Buffer | readonly (string | Buffer)[]): JsonRpcMessage[] {
  const chunks = typeof body === 'string' || Buffer.isBuffer(body) ? [body] : body;
  if (!isEventStream(contentType)) return messagesOf(Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))).toString('utf8'));
  const decoder = new SseDecoder();
  const events = [...chunks.flatMap((c) => decoder.push(c)), ...decoder.end()];
  // An event with empty data (the SDK's priming event that only carries an id) holds no message.
  return events.flatMap((e) => (e.data === '' ? [] : messagesOf(e.data)));
}

/** The response to request `id` among `messages`, if one came. */
export const responseTo = (messages: readonly JsonRpcMessage[], id: string | number): JsonRpcMessage | undefined =>
  messages.find((m) => m.id === id && (m.result !== undefined || m.error !== undefined));

/** The ids of the requests (not notifications) in a JSON-RPC request body, or [] if it is not one. */
export function requestIds(body: string | Buffer | undefined): (string | number)[] {
  if (body === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(body.toString());
    const list = Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
    return list.flatMap((m) => {
      if (typeof m !== 'object' || m === null) return [];
      const { id, method } = m as { id?: unknown; method?: unknown };
      return typeof method === 'string' && (typeof id === 'string' || typeof id === 'number') ? [id] : [];
    });
  } catch {
    return [];
  }
}
