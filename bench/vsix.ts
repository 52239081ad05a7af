import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MiB, type Figure } from './lib';

const LIMIT_BYTES = 5 * MiB;

/** Packages the production VSIX (`npm run package`) and reports its size and largest entries. */
export async function benchVsixSize(root: string): Promise<Figure[]> {
  // The project's own packaging (production build in a staging folder, vsce, content check).
  const out = join(root, 'dist-vsix', 'airlock.vsix');
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: 'ignore' });
  if (!existsSync(out)) throw new Error('vsce produced no VSIX');
  const bytes = statSync(out).size;
  let largest = '';
  try {
    const listing = execFileSync('unzip', ['-l', out], { encoding: 'utf8' });
    largest = listing
      .split('\n')
      .map((line) => line.trim().match(/^(\d+)\s+\S+\s+\S+\s+(extension\/\S+)$/))
      .filter((m): m is RegExpMatchArray => m !== null)
      .map((m) => ({ size: Number(m[1]), path: (m[2] ?? '').replace(/^extension\//, '') }))
      .sort((a, b) => b.size - a.size)
      .slice(0, 4)
      .map((e) => `${e.path} ${(e.size / MiB).toFixed(2)} MiB`)
      .join(', ');
  } catch {
    largest = '(unzip not available)';
  }
  return [
    {
      name: 'vsix-size',
      metric: 'packaged VSIX size (compressed) / 5 MiB limit',
      value: bytes / LIMIT_BYTES,
      unit: '× limit',
      target: '≤ 1.00× (5 MiB)',
      met: bytes <= LIMIT_BYTES,
      notes: `${(bytes / MiB).toFixed(2)} MiB; largest entries uncompressed: ${largest}`,
    },
  ];
}
