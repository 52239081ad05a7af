import { MESSAGES, type WorkspaceRefusal } from '../errorCodes';
import { fail, ok, type Outcome } from '../outcome';
import { isInside } from '../paths';

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
}
