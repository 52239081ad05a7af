// The attack matrix's judges read every event of an SSE answer: the CI failure they replace parsed a
// two-event stream as one JSON document, so the verdict depended on how the events arrived.
import { strict as assert } from 'node:assert';
import { errorFor, jsonRpcError, type RawResponse } from '../../security/endpoint/attackMatrix';

const sse = (...messages: unknown[]): RawResponse => ({
  status: 200,
  headers: { 'content-type': 'text/event-stream' },
  body: messages.map((m, i) => `event: message\nid: ${i}\ndata: ${JSON.stringify(m)}\n\n`).join(''),
});
const listed = { jsonrpc: '2.0', id: 4, result: { tools: [] } };
const dump = { jsonrpc: '2.0', id: 5, error: { code: -32601, message: 'Method not found' } };

describe('attack matrix judges (every SSE event, any order)', () => {
  it('find the error of a batch member whichever event carries it', () => {
    for (const response of [sse(listed, dump), sse(dump, listed), sse(dump)]) {
      assert.ok(jsonRpcError()(response), response.body);
      assert.ok(jsonRpcError(-32601)(response), response.body);
      assert.ok(errorFor(5, -32601)(response), response.body);
    }
  });

  it('do not count a batch as refused when its forbidden member was answered with a result', () => {
    const answered = sse(listed, { jsonrpc: '2.0', id: 5, result: { secrets: [] } });
    assert.ok(!jsonRpcError()(answered));
    assert.ok(!errorFor(5)(answered));
    assert.ok(!errorFor(5)(sse(listed)), 'no answer for id 5 at all');
  });

  it('read an application/json error, and refuse any answer with CORS headers', () => {
    const json: RawResponse = { status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }) };
    assert.ok(jsonRpcError(-32700)(json));
    assert.ok(!jsonRpcError(-32600)(json));
    assert.ok(!jsonRpcError()({ ...json, headers: { ...json.headers, 'access-control-allow-origin': '*' } }));
  });
});
