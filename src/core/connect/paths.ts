import { join } from 'node:path';
import type { ClientId } from '../clients';

/**
 * Airlock's per-user folder: `$AIRLOCK_HOME`, else `<home>/.airlock`. Holds endpoint discovery files,
 * the bridge launcher and the bridges' client token files — never a secret value.
 */
export function airlockHome(env: Readonly<Record<string, string | undefined>>, homeDir: string): string {
  const override = env['AIRLOCK_HOME'];
  return override !== undefined && override.trim() !== '' ? override : join(homeDir, '.airlock');
}

export const endpointsDir = (home: string): string => join(home, 'endpoints');
export const clientsDir = (home: string): string => join(home, 'clients');
export const clientTokenPath = (home: string, client: ClientId): string => join(clientsDir(home), `${client}.token`);
export const launcherPath = (home: string): string => join(home, 'bin', 'airlock-mcp');
