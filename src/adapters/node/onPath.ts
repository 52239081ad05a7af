import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The executable `command` resolves to (a path as given, else the first match on PATH), or undefined. */
export function findExecutable(command: string): string | undefined {
  const candidates = command.includes('/') ? [command] : (process.env['PATH'] ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, command));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
