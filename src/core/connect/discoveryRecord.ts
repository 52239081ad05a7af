import { resolve } from 'node:path';
import { z } from 'zod';
import { isInside } from '../paths';

/** What a window publishes in `$AIRLOCK_HOME/endpoints/<id>.json`. No token, no secret. */
export const endpointRecordSchema = z.object({
  url: z.string().regex(/^http:\/\/127\.0\.0\.1:\d{1,5}\/mcp$/),
  pid: z.number().int().positive(),
  workspaceFolders: z.array(z.string()),
  version: z.string(),
});
export type EndpointRecord = z.infer<typeof endpointRecordSchema>;

/** True when `child` is `folder` or inside it: the one rule, `isInside` in core/paths.ts. */
export const isWithin = (folder: string, child: string): boolean => isInside(folder, child);

/**
 * Picks the endpoint for a bridge started in `cwd`: the window with the longest workspace folder that
 * contains `cwd`. Ties go to the newest record (last in the list). Undefined when no folder matches.
 */
export function selectEndpoint<R extends EndpointRecord>(records: readonly R[], cwd: string): R | undefined {
  let best: { record: R; length: number } | undefined;
  for (const record of records) {
    for (const folder of record.workspaceFolders) {
      if (!isWithin(folder, cwd)) continue;
      const length = resolve(folder).length;
      if (!best || length >= best.length) best = { record, length };
    }
  }
  return best?.record;
}
