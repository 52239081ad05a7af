/** Quotes a value for POSIX sh: single quotes, embedded quotes as '\''. */
export const shellQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

export interface LauncherTarget {
  /** Absolute path of the current extension's `dist/bridge.js`. */
  readonly bridgePath: string;
  /** The extension host's own runtime (`process.execPath`). */
  readonly runtimePath: string;
  /** Desktop VS Code: the runtime is Electron and needs ELECTRON_RUN_AS_NODE=1 to behave as Node. */
  readonly runtimeIsElectron: boolean;
}

/**
 * The `~/.airlock/bin/airlock-mcp` launcher. Client configs point at this stable path; it is rewritten
 * on every activation, so an extension update never breaks them. It runs the bridge on the extension
 * host's runtime (no `node` on PATH needed — Codex ships as a native binary), falling back to `node`.
 */
export function launcherScript(target: LauncherTarget): string {
  const run = `${target.runtimeIsElectron ? 'ELECTRON_RUN_AS_NODE=1 ' : ''}exec "$AIRLOCK_RUNTIME" "$AIRLOCK_BRIDGE" "$@"`;
  return [
    '#!/bin/sh',
    '# Airlock stdio MCP bridge launcher. Written by the Airlock extension on activation; do not edit.',
    `AIRLOCK_BRIDGE=${shellQuote(target.bridgePath)}`,
    `AIRLOCK_RUNTIME=${shellQuote(target.runtimePath)}`,
    'if [ ! -f "$AIRLOCK_BRIDGE" ]; then',
    '  echo "airlock-mcp: the Airlock extension is not installed at $AIRLOCK_BRIDGE any more; open VS Code with Airlock once to repair this launcher." >&2',
    '  exit 1',
    'fi',
    'if [ -x "$AIRLOCK_RUNTIME" ]; then',
    `  ${run}`,
    'fi',
    'exec node "$AIRLOCK_BRIDGE" "$@"',
    '',
  ].join('\n');
}
