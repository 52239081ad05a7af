import * as nodePath from 'node:path';

/** The parts of `node:path` the rule needs; tests pass `path.win32` / `path.posix` to check both. */
export type PathApi = Pick<typeof nodePath, 'isAbsolute' | 'relative' | 'resolve' | 'sep'>;

/**
 * True when `path` is `folder` itself or lies inside it. The one "is this path inside that folder" rule:
 * by whole path segments (`/work/app2` is not inside `/work/app`, `/work/app/..cache` is), after
 * resolving `.` and `..` lexically, with the platform's separators and case rules (Windows: either
 * separator, any case, another drive is outside). Refuses (false) a relative path or one with a NUL.
 * Symlinks are not followed: callers that guard a real folder pass realpaths.
 */
export function isInside(folder: string, path: string, api: PathApi = nodePath): boolean {
  if (folder.includes('\0') || path.includes('\0') || !api.isAbsolute(folder) || !api.isAbsolute(path)) return false;
  const rel = api.relative(api.resolve(folder), api.resolve(path));
  if (rel === '') return true;
  // Another drive or UNC share (Windows) comes back absolute; `..` as the whole first segment leaves.
  return !api.isAbsolute(rel) && rel.split(api.sep)[0] !== '..';
}
