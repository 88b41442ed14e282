import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findActions, REPO_ROOT } from '../../../tools/actions.js';

/** The packages a bundle file was built from, read from the source map beside it. */
function packagesIn(bundle: string): Set<string> {
  const map = JSON.parse(readFileSync(`${bundle}.map`, 'utf8')) as { sources: string[] };
  const packages = new Set<string>();
  for (const source of map.sources) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source);
    if (match) packages.add(match[1]!);
  }
  return packages;
}

const bundles = findActions(REPO_ROOT)
  .filter((action) => action.dir.startsWith(`${REPO_ROOT}/actions/`))
  .flatMap((action) => action.entries.map((entry) => relative(REPO_ROOT, entry.bundle)));

describe('the committed bundles', () => {
  it('cover every action and step', () => {
    expect(bundles).toEqual(expect.arrayContaining(['actions/coverage/dist/index.js']));
    expect(bundles.length).toBeGreaterThanOrEqual(8);
  });

  // Every step pays for what its bundle evaluates at start. @actions/core would pull in its HTTP
  // client and undici (~430 KB) for getIDToken alone; patches/ marks @actions/core free of side
  // effects so that the bundler leaves them to the chunks of the runs that talk to GitHub.
  it.each(bundles)('%s starts without an HTTP client library', (bundle) => {
    const packages = packagesIn(`${REPO_ROOT}/${bundle}`);
    expect(packages).toContain('@actions/core');
    expect([...packages].filter((name) => /undici|http-client|tunnel/.test(name))).toEqual([]);
  });
});
