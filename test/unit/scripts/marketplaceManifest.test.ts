import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What the Marketplace page is built from. vsce refuses badges from hosts it does not trust and
 * rewrites the README's relative links against `repository` (an alt text holding `[` … `]` defeats its
 * rewrite, and packaging then fails: `npm run package` is the end-to-end check of that).
 */
interface Manifest {
  readonly repository?: { readonly url?: string };
  readonly bugs?: { readonly url?: string };
  readonly homepage?: string;
  readonly qna?: string | false;
  readonly icon?: string;
  readonly galleryBanner?: { readonly color?: string; readonly theme?: string };
  readonly categories?: readonly string[];
  readonly keywords?: readonly string[];
  readonly badges?: readonly { readonly url: string; readonly href: string; readonly description: string }[];
}

const root = join(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;

describe('Marketplace metadata (package.json)', () => {
  it('names the repository, where to file bugs and where to ask questions, all over https', () => {
    for (const url of [manifest.repository?.url, manifest.bugs?.url, manifest.homepage, manifest.qna]) {
      assert.equal(typeof url, 'string');
      assert.match(String(url), /^https:\/\//);
    }
  });

  it('has an icon that exists, a banner, categories and at most 30 keywords', () => {
    assert.ok(manifest.icon !== undefined && existsSync(join(root, manifest.icon)));
    assert.ok(manifest.galleryBanner?.color !== undefined);
    assert.ok((manifest.categories ?? []).length > 0);
    assert.ok((manifest.keywords ?? []).length > 0 && (manifest.keywords ?? []).length <= 30);
  });

  it('badges come from a host vsce trusts, over https, each with a description', () => {
    assert.ok((manifest.badges ?? []).length > 0);
    for (const badge of manifest.badges ?? []) {
      assert.equal(new URL(badge.url).host, 'img.shields.io');
      assert.match(badge.href, /^https:\/\//);
      assert.ok(badge.description.length > 0);
    }
  });

  it('the README\'s images have alt texts vsce can rewrite (no square brackets inside)', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const alt of readme.matchAll(/!\[([^\n]*?)\]\(/g)) assert.doesNotMatch(alt[1] ?? '', /\[|\]/, 'an image alt text holds a square bracket');
  });

  it('every picture the README shows is in the repository (the e2e run writes them under media/)', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const pictures = [...readme.matchAll(/!\[[^\n]*?\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '').filter((src) => !/^https?:/.test(src));
    assert.ok(pictures.length >= 5, `the README shows ${pictures.length} pictures`);
    for (const src of pictures) assert.ok(existsSync(join(root, src)), `${src} is missing`);
  });
});
