// The attack matrix against the live endpoint inside the real extension host (code-server), with the
// endpoint's real limits. Also plants a canary in SecretStorage so the leak scan that follows the run
// can look for it on every surface the window wrote.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { AirlockTestApi } from '../../../src/testFacet/api';
import { formatMatrix, runAttackMatrix } from '../endpoint/attackMatrix';
import { recordFigures } from '../support/figures';

const api = async (): Promise<AirlockTestApi> => {
  const extension = vscode.extensions.getExtension('airlock-dev.airlock');
  assert.ok(extension, 'Airlock is installed in the extension host');
  return (await extension.activate()) as AirlockTestApi;
};

describe('security (real extension host): endpoint attack matrix', function () {
  this.timeout(240_000);

  it('refuses every attempt against the live endpoint, with no crash and no hang', async () => {
    const airlock = await api();
    const endpoint = airlock.endpoint;
    assert.ok(endpoint, 'the endpoint section is wired (test API endpoint)');
    const url = await endpoint.ready();
    assert.ok(url, 'the endpoint is running');
    // Canaries for the leak scan: stored where a person's secret lives, then the window runs as usual.
    const canaryFile = process.env['AIRLOCK_SECURITY_CANARY_FILE'];
    if (canaryFile !== undefined && airlock.stores) {
      const canaries = JSON.parse(readFileSync(canaryFile, 'utf8')) as Record<string, string>;
      for (const [name, value] of Object.entries(canaries)) await airlock.stores.secretStorage.put(name, value);
    }
    const token = await endpoint.clientToken('codex');
    const otherToken = await endpoint.clientToken('claude-code');
    const figures = await runAttackMatrix({
      url,
      token,
      otherToken,
      // DEFAULT_LIMITS of src/adapters/node/mcpHttpServer.ts (the window runs with them).
      maxSessions: 32,
      bodyTimeoutMs: 10_000,
      revokedToken: async () => {
        const dead = await endpoint.clientToken('cursor');
        await endpoint.revoke('cursor');
        return dead;
      },
    });
    recordFigures('endpoint/attack-matrix (real extension host)', { attempts: figures.attempts, refused: figures.refused, crashes: figures.crashes, hangs: figures.hangs });
    console.log(formatMatrix(figures));
    const failed = figures.rows.filter((r) => !r.refused || r.crashed || r.hung);
    assert.deepEqual(failed.map((r) => `${r.name}: got ${r.got}`), []);
  });
});
