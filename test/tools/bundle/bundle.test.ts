import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findActions, REPO_ROOT } from '../../../tools/actions.js';
import { moduleFactories } from '../../support/js-ast.js';

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

/** Every chunk file beside an action's bundles (`123.index.js`), repository-relative. */
const chunks = findActions(REPO_ROOT)
  .filter((action) => action.dir.startsWith(`${REPO_ROOT}/actions/`))
  .flatMap((action) => [...new Set(action.entries.map((entry) => dirname(entry.bundle)))])
  .flatMap((dir) =>
    readdirSync(dir)
      .filter((name) => /^\d+\.index\.js$/.test(name))
      .map((name) => relative(REPO_ROOT, join(dir, name))),
  );

const bundles = findActions(REPO_ROOT)
  .filter((action) => action.dir.startsWith(`${REPO_ROOT}/actions/`))
  .flatMap((action) => action.entries.map((entry) => relative(REPO_ROOT, entry.bundle)));

describe('the committed bundles', () => {
  it('cover every action and step', () => {
    expect(bundles).toEqual(expect.arrayContaining(['actions/coverage/dist/index.js']));
    expect(bundles.length).toBeGreaterThanOrEqual(8);
    expect(chunks.filter((chunk) => chunk.startsWith('actions/rollout/dist/'))).not.toEqual([]);
  });

  // Every step pays for what its bundle evaluates at start. @actions/core would pull in its HTTP
  // client and undici (~430 KB) for getIDToken alone; patches/ marks @actions/core free of side
  // effects so that the bundler leaves them to the chunks of the runs that talk to GitHub.
  it.each(bundles)('%s starts without an HTTP client library', (bundle) => {
    const packages = packagesIn(`${REPO_ROOT}/${bundle}`);
    expect(packages).toContain('@actions/core');
    expect([...packages].filter((name) => /undici|http-client|tunnel/.test(name))).toEqual([]);
  });

  // js-yaml is loaded when a run first parses YAML (core/yaml.ts), so it belongs in a chunk that the
  // runs without YAML inputs (coverage, image, line-form quality-gate reports) never read.
  it.each(bundles)('%s leaves the YAML library to a chunk', (bundle) => {
    const packages = packagesIn(`${REPO_ROOT}/${bundle}`);
    expect(packages).not.toContain('js-yaml');
    expect(packages).not.toContain('yaml');
  });

  // ncc minifies index.js only; tools/bundle.js minifies the chunks `import()` loads (the YAML
  // library, the non-LCOV coverage parsers, Octokit), which ncc writes out as they came.
  it.each(chunks)('%s is minified, with its source map beside it', (chunk) => {
    const code = readFileSync(`${REPO_ROOT}/${chunk}`, 'utf8');
    expect(code).not.toContain('/***/');
    expect(code.trimEnd()).toMatch(new RegExp(`//# sourceMappingURL=${basename(chunk)}\\.map$`));
    expect(
      JSON.parse(readFileSync(`${REPO_ROOT}/${chunk}.map`, 'utf8')).sources.length,
    ).toBeGreaterThan(0);
  });

  // V8 parses a function twice, pre-parsed with its script and again when called, unless it sits
  // in parentheses; tools/eager-factories.js parenthesises the module factories a start calls.
  it.each([...bundles, ...chunks])('%s has every module factory in parentheses', (bundle) => {
    const factories = moduleFactories(readFileSync(`${REPO_ROOT}/${bundle}`, 'utf8'));
    expect(factories.filter((factory) => !factory.parenthesised)).toEqual([]);
    expect(factories.length).toBeGreaterThan(0);
  });

  // Our own package is free of side effects too: a module of src/ whose exports a bundle does not
  // use is left out of it (coverage has no kubectl code, for instance).
  it('leave out the modules of src/ an action does not use', () => {
    const sources = JSON.parse(
      readFileSync(`${REPO_ROOT}/actions/coverage/dist/index.js.map`, 'utf8'),
    ) as { sources: string[] };
    expect(sources.sources.filter((source) => /src\/core\/kubectl\.ts$/.test(source))).toEqual([]);
  });
});
