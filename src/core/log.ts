/**
 * The one logger. Its implementation (src/adapters/vscode/logChannel.ts) passes every line through the
 * live redactor before it reaches the output channel, so a value that slips into a message is scrubbed.
 */
export interface Log {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A Log that drops everything; for pure code paths that have nothing to report. */
export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
