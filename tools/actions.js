// Finds the actions in a checkout and where each one's bundles come from.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Folders that hold action.yml files: the real actions, and the fixture that proves the machinery. */
const ACTION_PARENTS = ['actions', 'test/fixtures/actions'];

/**
 * @typedef {{ source: string, bundle: string }} BundleEntry  absolute paths: TypeScript entry, bundled index.js
 * @typedef {{ name: string, dir: string, sourceDir: string, entries: BundleEntry[] }} ActionInfo
 */

/** @param {string} root @returns {ActionInfo[]} */
export function findActions(root = REPO_ROOT) {
  const actions = [];
  for (const parent of ACTION_PARENTS) {
    const parentDir = join(root, parent);
    if (!existsSync(parentDir)) continue;
    for (const name of readdirSync(parentDir).sort()) {
      const dir = join(parentDir, name);
      if (existsSync(join(dir, 'action.yml')))
        actions.push(describeAction(root, parent, name, dir));
    }
  }
  return actions;
}

/** Real actions keep their code in src/<name>; the fixture keeps it beside its action.yml. */
function describeAction(root, parent, name, dir) {
  const sourceDir = parent === 'actions' ? join(root, 'src', name) : join(dir, 'src');
  const metadata = YAML.parse(readFileSync(join(dir, 'action.yml'), 'utf8'));
  const runs = metadata?.runs ?? {};
  const entries = [];
  if (typeof runs.main === 'string') {
    entries.push({ source: join(sourceDir, 'entry-main.ts'), bundle: join(dir, runs.main) });
  }
  if (typeof runs.post === 'string') {
    entries.push({ source: join(sourceDir, 'entry-post.ts'), bundle: join(dir, runs.post) });
  }
  return { name, dir, sourceDir, entries };
}

/** @param {string} root @param {string} path */
export function displayPath(root, path) {
  return relative(root, path) || '.';
}
