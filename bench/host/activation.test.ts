// Runs inside the real extension host (bundled by bench/host.ts): reads VS Code's own performance marks
// for Airlock's activation (load code → activate() resolved) and a built-in extension's as a reference,
// and checks that the 1Password SDK bundle (and its WASM) was not loaded at activation.
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';

interface Mark {
  readonly name: string;
  readonly startTime: number;
}

describe('bench: activation', function () {
  this.timeout(60_000);
  it('measures', async () => {
    const airlock = vscode.extensions.getExtension('airlock-dev.airlock');
    await airlock?.activate();
    const marks = (globalThis as unknown as { MonacoPerformanceMarks?: { getMarks(): Mark[] } }).MonacoPerformanceMarks?.getMarks() ?? [];
    const at = (name: string): number | undefined => marks.find((m) => m.name === name)?.startTime;
    const span = (id: string): { load?: number; activate?: number; total?: number } => {
      const willLoad = at(`code/extHost/willLoadExtensionCode/${id}`);
      const didLoad = at(`code/extHost/didLoadExtensionCode/${id}`);
      const willActivate = at(`code/extHost/willActivateExtension/${id}`);
      const didActivate = at(`code/extHost/didActivateExtension/${id}`);
      return {
        ...(willLoad !== undefined && didLoad !== undefined ? { load: didLoad - willLoad } : {}),
        ...(willActivate !== undefined && didActivate !== undefined ? { activate: didActivate - willActivate } : {}),
        ...(willLoad !== undefined && didActivate !== undefined ? { total: didActivate - willLoad } : {}),
      };
    };
    const loaded = Object.keys(require.cache);
    const result = {
      airlock: span('airlock-dev.airlock'),
      reference: { id: 'vscode.git', ...span('vscode.git') },
      onePasswordSdkLoaded: loaded.some((path) => /onepassword-sdk|@1password|core_bg/.test(path)),
      modules: loaded.filter((p) => p.includes('airlock') || p.includes('dist')).slice(0, 20),
      rssMiB: process.memoryUsage().rss / 2 ** 20,
    };
    const out = process.env['AIRLOCK_BENCH_OUT'];
    if (out) writeFileSync(out, JSON.stringify(result));
  });
});
