// @ts-check
// Finds the actions in a checkout and where each one's bundles come from.
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findActionDirs, readActionMetadata } from './action-metadata.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * @typedef {{ source: string, bundle: string }} BundleEntry  absolute paths: TypeScript entry, bundled index.js
 * @typedef {{ name: string, dir: string, sourceDir: string, entries: BundleEntry[] }} ActionInfo
 */

/** @param {string} root @returns {ActionInfo[]} */
export function findActions(root = REPO_ROOT) {
  return findActionDirs(root)
    .filter((dir) => existsSync(join(dir, 'action.yml')))
    .map((dir) => describeAction(root, dir));
}

/**
 * Real actions keep their code in src/<name>; the fixture keeps it beside its action.yml.
 * @param {string} root @param {string} dir absolute path of the action folder
 * @returns {ActionInfo}
 */
function describeAction(root, dir) {
  const name = basename(dir);
  const isRealAction = dirname(dir) === join(root, 'actions');
  const sourceDir = isRealAction ? join(root, 'src', name) : join(dir, 'src');
  const { runs } = readActionMetadata(dir);
  /** @type {BundleEntry[]} */
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
