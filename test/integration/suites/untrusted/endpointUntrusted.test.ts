import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { connectAs, liveEndpoint } from '../../helpers/endpoint';

const UNTRUSTED = 'Workspace not trusted: Airlock serves no credential in Restricted Mode. Trust the workspace to continue.';

describe('MCP endpoint in Restricted Mode', function () {
  this.timeout(60_000);

  it('still listens (so agents get a clear answer) but every credential tool refuses', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    await liveEndpoint();
    const client = await connectAs('other', 'untrusted-probe');
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === 'list_credentials'));
    for (const name of ['list_credentials', 'list_grants']) {
      const result = await client.callTool({ name, arguments: {} });
      assert.equal(result.isError, true, `${name} answered in Restricted Mode: ${JSON.stringify(result)}`);
      assert.deepEqual(result.content, [{ type: 'text', text: UNTRUSTED }]);
      assert.equal(result.structuredContent, undefined);
    }
    await client.close();
  });
});
