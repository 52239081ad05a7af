import { MESSAGES, type WorkspaceRefusal } from '../errorCodes';
import { fail, ok, type Outcome } from '../outcome';
import { isInside } from '../paths';
import * as nodePath from 'node:path';

/** What the workspace tells the access flow; compose adapts vscode.workspace to it. */
export interface WorkspacePort {
  /** Workspace trust; in an untrusted workspace no credential is served. */
  trusted(): boolean;
  /** Realpaths of the workspace folders. */
  folders(): readonly string[];
  /** The realpath of `cwd` (relative paths against the first folder), or undefined if it does not exist. */
  realpath(cwd: string): Promise<string | undefined>;
}

/**
 * Where a request may run: refuses everything in an untrusted workspace (checked first, before any path
 * is touched), then resolves `cwd` (default: the first folder) to a realpath inside a workspace folder.
 */
export class WorkspaceScope {
  constructor(private readonly workspace: WorkspacePort) {}

  folders(): readonly string[] {
    return this.workspace.folders();
  }

  /** The realpath a request runs in, or why it cannot run there. */
  async resolve(cwd: string | undefined): Promise<Outcome<string, WorkspaceRefusal>> {
    if (!this.workspace.trusted()) return fail('workspace-not-trusted', MESSAGES['workspace-not-trusted']);
    const folders = this.workspace.folders();
    const first = folders[0];
    if (first === undefined) return fail('no-workspace', MESSAGES['no-workspace']);
    if (cwd !== undefined && cwd.includes('\0')) return fail('invalid-cwd', MESSAGES['invalid-cwd']);
    const real = await this.workspace.realpath(cwd ?? first);
    if (real === undefined) return fail('cwd-not-found', `The folder "${cwd ?? first}" does not exist.`);
    if (!folders.some((folder) => isInside(folder, real))) {
      return fail(
        'cwd-outside-workspace',
        `The folder "${cwd ?? first}" is outside the workspace folders (${folders.join(', ')}). Use a folder inside the workspace.`,
      );
    }
    return ok(real);
  }

  /** The (innermost) workspace folder that holds `cwd`. */
  folderOf(cwd: string): string | undefined {
    return this.workspace
      .folders()
      .filter((f) => isInside(f, cwd))
      .sort((a, b) => b.length - a.length)[0];
  }

  /**
   * The realpaths of a request's write paths (relative ones against `cwd`), each inside the workspace
   * folder that holds `cwd`. A path that does not exist yet is its deepest existing ancestor's realpath
   * plus the rest, so a symlink in the workspace cannot point a write path outside it. Sorted, unique.
   */
  async resolveWrites(cwd: string, writes: readonly string[] | undefined): Promise<Outcome<readonly string[], WorkspaceRefusal>> {
    if (writes === undefined || writes.length === 0) return ok([]);
    const folder = this.folderOf(cwd);
    if (folder === undefined) return fail('cwd-outside-workspace', `The folder "${cwd}" is outside the workspace folders.`);
    const resolved = new Set<string>();
    for (const write of writes) {
      if (write.includes('\0')) return fail('invalid-cwd', MESSAGES['invalid-cwd']);
      const real = await this.realpathOrAncestor(nodePath.resolve(cwd, write));
      if (real === undefined || !isInside(folder, real)) {
        return fail('write-outside-workspace', `The write path "${write}" is outside the workspace folder ${folder}. Name paths inside it, e.g. "dist".`);
      }
      resolved.add(real);
    }
    return ok([...resolved].sort());
  }

  private async realpathOrAncestor(absolute: string): Promise<string | undefined> {
    const rest: string[] = [];
    let path = absolute;
    for (;;) {
      const real = await this.workspace.realpath(path);
      if (real !== undefined) return rest.length === 0 ? real : nodePath.join(real, ...rest.reverse());
      const parent = nodePath.dirname(path);
      if (parent === path) return undefined;
      rest.push(nodePath.basename(path));
      path = parent;
    }
  }
}
