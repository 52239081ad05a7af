import { launcherPath } from '../../core/connect/paths';
import { launcherScript } from '../../core/connect/launcherScript';
import { writePrivateFile } from './privateFiles';

/**
 * Writes (or refreshes) `$AIRLOCK_HOME/bin/airlock-mcp` so it runs `bridgePath` with this process's
 * runtime. Mode 0700: the launcher is the user's own executable.
 */
export function writeLauncher(home: string, bridgePath: string): string {
  const path = launcherPath(home);
  writePrivateFile(
    path,
    launcherScript({ bridgePath, runtimePath: process.execPath, runtimeIsElectron: process.versions['electron'] !== undefined }),
    0o700,
  );
  return path;
}
