/**
 * Integration-test launches: `test/integration/launches.json` says how each VS Code window is started
 * (workspace fixture, workspace trust, user settings, extra env); the tests of launch `main` live in
 * `test/integration/suite/`, those of any other launch `<name>` in `test/integration/suites/<name>/`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { repoRoot } from './sandbox';

const launchSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
  description: z.string().optional(),
  /** A folder under test/fixtures/, or null to open no folder. */
  fixture: z.string().min(1).nullable(),
  /** true: --disable-workspace-trust (isTrusted is true); false: trust on and the folder untrusted. */
  trusted: z.boolean(),
  userSettings: z.record(z.string(), z.unknown()).default({}),
  env: z.record(z.string(), z.string()).default({}),
  timeoutSeconds: z.number().int().positive().default(240),
});

export type Launch = z.infer<typeof launchSchema>;

export const integrationDir = join(repoRoot, 'test/integration');
export const launchesFile = join(integrationDir, 'launches.json');

/** The folder holding a launch's test files. */
export function launchTestDir(name: string): string {
  return name === 'main' ? join(integrationDir, 'suite') : join(integrationDir, 'suites', name);
}

/** Every `*.test.ts` below `dir`, sorted. */
export function testFilesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...testFilesIn(path));
    else if (entry.name.endsWith('.test.ts')) found.push(path);
  }
  return found.sort();
}

/** Reads and validates launches.json; refuses test folders no launch claims (they would never run). */
export function loadLaunches(): Launch[] {
  const raw: unknown = JSON.parse(readFileSync(launchesFile, 'utf8'));
  const parsed = z.array(launchSchema).safeParse(raw);
  if (!parsed.success) throw new Error(`${relative(repoRoot, launchesFile)} is invalid:\n${z.prettifyError(parsed.error)}`);
  const launches = parsed.data;
  const names = new Set<string>();
  for (const launch of launches) {
    if (names.has(launch.name)) throw new Error(`launches.json: launch "${launch.name}" is defined twice`);
    names.add(launch.name);
    if (launch.fixture !== null && !existsSync(join(repoRoot, 'test/fixtures', launch.fixture))) {
      throw new Error(`launches.json: launch "${launch.name}" names fixture "${launch.fixture}", but test/fixtures/${launch.fixture} does not exist`);
    }
  }
  const suitesDir = join(integrationDir, 'suites');
  if (existsSync(suitesDir)) {
    for (const entry of readdirSync(suitesDir, { withFileTypes: true })) {
      if (entry.isDirectory() && !names.has(entry.name)) {
        throw new Error(`test/integration/suites/${entry.name}/ has no launch in launches.json: add {"name": "${entry.name}", ...} or its tests never run`);
      }
    }
  }
  return launches;
}
