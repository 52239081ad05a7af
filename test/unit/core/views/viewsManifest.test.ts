import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Commands, ContextKeys, Views, Walkthrough } from '../../../../src/shared/ids';

const root = join(__dirname, '../../../..');
const raw = readFileSync(join(root, 'package.json'), 'utf8');
interface Manifest {
  contributes: {
    commands: { command: string }[];
    viewsContainers: { activitybar: { id: string; icon: string }[] };
    views: Record<string, { id: string }[]>;
    viewsWelcome: { view: string }[];
    menus: Record<string, { command: string }[]>;
    walkthroughs: { id: string; steps: { id: string; completionEvents: string[]; media: { image: string } }[] }[];
  };
}
const manifest = JSON.parse(raw) as Manifest;
const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;

describe('package.json: views, walkthrough and strings are pinned to src/shared/ids.ts and package.nls.json', () => {
  it('every %key% in package.json exists in package.nls.json', () => {
    const keys = [...raw.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1] ?? '');
    assert.ok(keys.length > 20);
    assert.deepEqual(keys.filter((key) => !(key in nls)), []);
  });

  it('declares exactly the commands of ids.ts; every menu entry names one of them', () => {
    assert.deepEqual(manifest.contributes.commands.map((c) => c.command).sort(), Object.values(Commands).sort());
    for (const entries of Object.values(manifest.contributes.menus)) {
      for (const entry of entries) assert.ok((Object.values(Commands) as string[]).includes(entry.command), entry.command);
    }
  });

  it('the view container and its four views, each with a welcome', () => {
    const container = manifest.contributes.viewsContainers.activitybar.find((c) => c.id === Views.container);
    assert.ok(container);
    assert.match(container.icon, /^media\/.+\.svg$/);
    assert.deepEqual(manifest.contributes.views[Views.container]?.map((v) => v.id), [Views.credentials, Views.grants, Views.agents, Views.activity]);
    assert.deepEqual(manifest.contributes.viewsWelcome.map((w) => w.view).sort(), [Views.credentials, Views.grants, Views.agents, Views.activity].sort());
  });

  it('the walkthrough completes each step on a context key Airlock sets (not on a click)', () => {
    const walkthrough = manifest.contributes.walkthroughs.find((w) => w.id === Walkthrough.id);
    assert.ok(walkthrough);
    assert.deepEqual(walkthrough.steps.map((s) => s.id), [...Walkthrough.steps]);
    assert.deepEqual(walkthrough.steps.map((s) => s.completionEvents), Object.values(ContextKeys).map((key) => [`onContext:${key}`]));
    const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8');
    for (const step of walkthrough.steps) assert.match(step.media.image, /^media\/walkthrough\/[\w-]+\.png$/);
    assert.ok(ignore.includes('!media/walkthrough/*.png') && ignore.includes('!package.nls.json') && ignore.includes(`!${container()}`));
  });
});

const container = (): string => manifest.contributes.viewsContainers.activitybar[0]?.icon ?? '';
