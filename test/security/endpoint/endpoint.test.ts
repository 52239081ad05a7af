// The attack matrix against Airlock's endpoint in plain Node (the same adapter the extension host runs,
// src/adapters/node/mcpHttpServer.ts, which imports no vscode). The live-endpoint run inside the real
// extension host is test/security/integration/endpointAttacks.test.ts.
import { strict as assert } from 'node:assert';
import { startMcpHttpServer, type McpHttpEndpoint } from '../../../src/adapters/node/mcpHttpServer';
import { systemClock } from '../../../src/core/clock';
import { silentLog } from '../../../src/core/log';
import { generateClientToken, TokenRegistry } from '../../../src/core/mcp/tokens';
import { listCredentialsTool } from '../../../src/core/mcp/tools/listCredentials';
import { listGrantsTool } from '../../../src/core/mcp/tools/listGrants';
import { requestAccessTool } from '../../../src/core/mcp/tools/requestAccess';
import { runTool } from '../../../src/core/mcp/tools/run';
import { recordFigures } from '../support/figures';
import { formatMatrix, runAttackMatrix } from './attackMatrix';

describe('endpoint attack matrix (plain Node, real SDK transport)', function () {
  this.timeout(180_000);
  const tokens = new TokenRegistry();
  const token = generateClientToken();
  const otherToken = generateClientToken();
  tokens.set('codex', token);
  tokens.set('claude-code', otherToken);
  let endpoint: McpHttpEndpoint;
  const limits = { maxSessions: 8, bodyTimeoutMs: 1_500 };

  before(async () => {
    const denied = { status: 'denied' as const, code: 'unknown-credential' as const, message: 'Unknown credential.' };
    endpoint = await startMcpHttpServer({
      tools: () => [
        listCredentialsTool({ credentials: () => [], activeGrants: () => [] }),
        listGrantsTool({ activeGrants: () => [] }),
        requestAccessTool({ requestAccess: () => Promise.resolve(denied) }),
        runTool({ run: () => Promise.resolve({ status: 'refused', code: 'no-grant', message: 'No grant covers this command.' }) }),
      ],
      tokens,
      isTrusted: () => true,
      scrub: (text) => text,
      log: silentLog,
      clock: systemClock,
      serverInfo: { name: 'airlock-attack-matrix', version: '0.0.0' },
      limits,
    });
  });
  after(async () => endpoint.close());

  it('refuses every attempt, with no crash and no hang', async () => {
    const figures = await runAttackMatrix({
      url: endpoint.url,
      token,
      otherToken,
      maxSessions: limits.maxSessions,
      bodyTimeoutMs: limits.bodyTimeoutMs,
      revokedToken: () => {
        const dead = generateClientToken();
        tokens.set('cursor', dead);
        tokens.revoke('cursor');
        return Promise.resolve(dead);
      },
    });
    recordFigures('endpoint/attack-matrix (plain Node)', { attempts: figures.attempts, refused: figures.refused, crashes: figures.crashes, hangs: figures.hangs });
    process.stdout.write(formatMatrix(figures).replace(/^/gm, '      ') + '\n');
    const failed = figures.rows.filter((r) => !r.refused || r.crashed || r.hung);
    assert.deepEqual(failed.map((r) => `${r.name}: got ${r.got}`), []);
  });
});
