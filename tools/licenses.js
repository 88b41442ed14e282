// @ts-check
// licenses.txt of one built entry, listing every npm package whose code is in any of its files.
// ncc's own --license output cannot be used once a bundle has chunks: it writes one license file
// per chunk under the same name, so the last chunk written (say, one holding only fflate)
// replaces the main bundle's list. The source maps name every module in every file instead.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const PACKAGE_PATH = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//;

/**
 * @param {string} outDir ncc's output folder, with a .map beside every .js file
 * @param {string} root the folder ncc ran in: map sources are "../" + a path relative to it
 * @returns {string[]} the package folders whose code is bundled, sorted
 */
export function bundledPackageDirs(outDir, root) {
  const dirs = new Set();
  const maps = readdirSync(outDir, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.js.map'));
  for (const file of maps) {
    const { sources } = JSON.parse(readFileSync(join(outDir, file), 'utf8'));
    for (const source of sources) {
      const dir = PACKAGE_PATH.exec(source)?.[1];
      if (dir) dirs.add(resolve(root, dir.replace(/^\.\.\//, '')));
    }
  }
  return [...dirs].sort();
}

/**
 * The same layout as ncc's: per package its name, its license identifier and its license text.
 * @param {string} outDir @param {string} root
 */
export function writeLicenses(outDir, root) {
  const entries = bundledPackageDirs(outDir, root).map((dir) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const license =
      typeof manifest.license === 'string' ? manifest.license : manifest.license?.type;
    const file = existsSync(dir)
      ? readdirSync(dir).find((name) => /^(?:licen[cs]e|copying)/i.test(name))
      : undefined;
    const text = file ? readFileSync(join(dir, file), 'utf8').trim() : undefined;
    return [manifest.name, license, text].filter(Boolean).join('\n');
  });
  const unique = [...new Set(entries)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  writeFileSync(join(outDir, 'licenses.txt'), `${unique.join('\n\n')}\n`);
}
