import { strict as assert } from 'node:assert';
import { MalformedMcpBody, mcpMessages, requestIds, responseTo, SseDecoder } from '../../support/mcpResponse';

const SSE = 'text/event-stream';
const msg = (id: number, extra: Record<string, unknown> = { result: { n: id } }): Record<string, unknown> => ({ jsonrpc: '2.0', id, ...extra });
const event = (m: unknown, eol = '\n'): string => `event: message${eol}data: ${JSON.stringify(m)}${eol}${eol}`;

/** Every way to cut `text` into two chunks, and into single characters (and the same for its bytes). */
function chunkings(text: string): (string | Buffer)[][] {
  const out: (string | Buffer)[][] = [[text], [...text]];
  for (let at = 1; at < text.length; at++) out.push([text.slice(0, at), text.slice(at)]);
  const bytes = Buffer.from(text);
  out.push([...bytes].map((b) => Buffer.from([b])));
  for (let at = 1; at < bytes.length; at++) out.push([bytes.subarray(0, at), bytes.subarray(at)]);
  return out;
}

describe('test support: mcpMessages (Streamable-HTTP response bodies)', () => {
  it('reads an application/json body: one message, or a batch', () => {
    assert.deepEqual(mcpMessages('application/json', JSON.stringify(msg(1))), [msg(1)]);
    assert.deepEqual(mcpMessages('application/json; charset=utf-8', JSON.stringify([msg(1), msg(2)])), [msg(1), msg(2)]);
  });

  it('reads 1, 2 and N events, whatever the chunking', () => {
    for (const n of [1, 2, 7]) {
      const messages = Array.from({ length: n }, (_, i) => msg(i + 1, i % 2 === 1 ? { error: { code: -32601, message: 'Method not found: é ✓' } } : { result: { text: 'ü'.repeat(i) } }));
      const stream = messages.map((m) => event(m)).join('');
      for (const chunks of chunkings(stream)) assert.deepEqual(mcpMessages(SSE, chunks), messages, `${n} events in ${chunks.length} chunks`);
    }
  });

  it('reads CRLF and lone-CR line ends, also with the CR and LF in different chunks', () => {
    for (const eol of ['\r\n', '\r']) {
      const stream = event(msg(1), eol) + event(msg(2, { error: { code: -32600, message: 'x' } }), eol);
      for (const chunks of chunkings(stream)) assert.deepEqual(mcpMessages(SSE, chunks), [msg(1), msg(2, { error: { code: -32600, message: 'x' } })], JSON.stringify(eol));
    }
  });

  it('ignores comments, keep-alives, id:, retry: and unknown fields; joins multi-line data', () => {
    const stream = [
      ': keep-alive',
      '',
      'retry: 3000',
      'id: 0_prime',
      'data:',
      '',
      ':ping',
      'id: 1_a',
      'event: message',
      `data: ${JSON.stringify(msg(1)).slice(0, 10)}`,
      `data:${JSON.stringify(msg(1)).slice(10)}`,
      'x-unknown: y',
      '',
      '',
      `id: 2_b`,
      `data: ${JSON.stringify(msg(2))}`,
      '',
      '',
    ].join('\n');
    for (const chunks of chunkings(stream)) assert.deepEqual(mcpMessages(SSE, chunks), [msg(1), msg(2)]);
    const decoder = new SseDecoder();
    const events = [...decoder.push(stream), ...decoder.end()];
    assert.deepEqual(events.map((e) => [e.id, e.data === '']), [['0_prime', true], ['1_a', false], ['2_b', false]]);
  });

  it('drops an event whose blank line never came (stream cut mid-event), as a browser does', () => {
    assert.deepEqual(mcpMessages(SSE, event(msg(1)) + `data: ${JSON.stringify(msg(2))}\n`), [msg(1)]);
  });

  it('flattens a batch inside one event', () => {
    assert.deepEqual(mcpMessages(SSE, `data: ${JSON.stringify([msg(1), msg(2)])}\n\n`), [msg(1), msg(2)]);
  });

  it('throws MalformedMcpBody for a body that is not JSON-RPC', () => {
    assert.throws(() => mcpMessages('application/json', '{"jsonrpc":'), MalformedMcpBody);
    assert.throws(() => mcpMessages(SSE, 'data: not json\n\n'), MalformedMcpBody);
    assert.throws(() => mcpMessages('application/json', '42'), MalformedMcpBody);
  });

  it('finds the response to an id, and the request ids of a body', () => {
    const messages = [{ jsonrpc: '2.0', method: 'notifications/progress' }, msg(4), msg(5, { error: { code: -32601 } })];
    assert.equal(responseTo(messages, 5)?.error?.code, -32601);
    assert.equal(responseTo(messages, 6), undefined);
    assert.deepEqual(requestIds(JSON.stringify([{ jsonrpc: '2.0', id: 4, method: 'a' }, { jsonrpc: '2.0', method: 'n' }, null, { id: 'x', method: 'b' }])), [4, 'x']);
    assert.deepEqual(requestIds('{"jsonrpc":'), []);
  });
});
