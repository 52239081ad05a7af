import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { endpointsDir } from '../../core/connect/paths';
import { endpointRecordSchema, type EndpointRecord } from '../../core/connect/discoveryRecord';
import { removeFile, writePrivateFile } from './privateFiles';

/** Publishes this window's endpoint at `$AIRLOCK_HOME/endpoints/<id>.json` (dir 0700, file 0600). */
export function writeEndpointRecord(home: string, id: string, record: EndpointRecord): string {
  const path = join(endpointsDir(home), `${id}.json`);
  writePrivateFile(path, `${JSON.stringify(endpointRecordSchema.parse(record), null, 2)}\n`);
  return path;
}

export function removeEndpointRecord(home: string, id: string): void {
  removeFile(join(endpointsDir(home), `${id}.json`));
}

/** Whether a process with this pid exists (signal 0 probes without signalling). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Reads every published endpoint, oldest first by file order. Files of dead processes are removed;
 * unreadable or malformed files are skipped (and reported through `onSkip`).
 */
export function readEndpointRecords(home: string, onSkip: (file: string, reason: string) => void = () => undefined): EndpointRecord[] {
  const dir = endpointsDir(home);
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  const records: EndpointRecord[] = [];
  for (const name of names.sort()) {
    const path = join(dir, name);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      onSkip(name, 'not valid JSON');
      continue;
    }
    const record = endpointRecordSchema.safeParse(parsed);
    if (!record.success) {
      onSkip(name, 'not an Airlock endpoint record');
      continue;
    }
    if (!isProcessAlive(record.data.pid)) {
      removeFile(path);
      onSkip(name, `stale (process ${record.data.pid} is gone); removed`);
      continue;
    }
    records.push(record.data);
  }
  return records;
}
