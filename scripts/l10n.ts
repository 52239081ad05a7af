/** `npm run l10n`: regenerates l10n/bundle.l10n.json from the sources (see scripts/lib/l10nBundle.ts). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BUNDLE_PATH, buildL10nBundle } from './lib/l10nBundle';
import { repoRoot } from './lib/sandbox';

void buildL10nBundle(repoRoot).then((text) => {
  const out = join(repoRoot, BUNDLE_PATH);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  process.stdout.write(`${BUNDLE_PATH}: ${Object.keys(JSON.parse(text) as object).length} messages\n`);
});
