import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { airlockApi, connectAs } from '../../helpers/endpoint';

describe('request_secret_entry in Restricted Mode', function () {
  this.timeout(60_000);

  it('refuses without showing the person any prompt', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const api = await airlockApi();
    assert.ok(api.stores);
    const client = await connectAs('other', 'untrusted-secret-entry');
    try {
      const result = await client.callTool({ name: 'request_secret_entry', arguments: { name: 'SOME_KEY', description: 'please' } });
      assert.equal(result.isError, true, JSON.stringify(result));
      assert.equal(result.structuredContent, undefined);
      assert.match(JSON.stringify(result.content), /not trusted/);
      assert.equal(api.stores.prompts.current, undefined, 'no prompt was shown');
    } finally {
      await client.close();
    }
  });
});
