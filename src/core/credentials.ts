import { chmodSync, mkdtempSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import * as core from '@actions/core';
import { ActionError } from './errors.js';
import { escapeUntrusted } from './log.js';

/**
 * Credential files (kubeconfigs, registry auth) live under RUNNER_TEMP, readable only by the
 * runner user, and the post step removes them: RUNNER_TEMP is emptied between jobs on hosted
 * runners, but self-hosted runners may keep it.
 */

const STATE_KEY = 'slipway-credential-files';
const written: string[] = [];

export async function writeCredentialFile(fileName: string, content: string): Promise<string> {
  const runnerTemp = process.env.RUNNER_TEMP;
  if (!runnerTemp) {
    throw new ActionError(
      'RUNNER_TEMP is not set, so there is no private place for credential files.',
      'Run this action on a GitHub Actions runner, or set RUNNER_TEMP to a private directory.',
    );
  }
  if (fileName.includes('/') || fileName.includes('\\') || fileName.startsWith('.')) {
    throw new ActionError(`Credential file name '${fileName}' must be a plain file name.`);
  }
  const directory = await mkdtemp(join(runnerTemp, `${OWNED_TEMP_PREFIX}credentials-`));
  await chmod(directory, 0o700);
  const path = join(directory, fileName);
  await writeFile(path, content, { mode: 0o600 });
  // The mode given to writeFile is filtered through the umask; make it exact.
  await chmod(path, 0o600);
  written.push(directory);
  core.saveState(STATE_KEY, JSON.stringify(written));
  return path;
}

/** The prefix of every directory this suite creates under RUNNER_TEMP. */
export const OWNED_TEMP_PREFIX = 'slipway-';

/**
 * A private directory under RUNNER_TEMP for files that must not outlive the job step (rendered
 * manifests holding Secret data, kubectl's cache), recorded so that the post step removes it
 * with the credential files. Outside a runner (no RUNNER_TEMP) it goes to the system temp folder
 * and is not recorded.
 */
export function ownedTempDirectory(purpose: string): string {
  const runnerTemp = process.env.RUNNER_TEMP;
  const directory = mkdtempSync(join(runnerTemp || tmpdir(), `${OWNED_TEMP_PREFIX}${purpose}-`));
  chmodSync(directory, 0o700);
  if (runnerTemp) {
    written.push(directory);
    core.saveState(STATE_KEY, JSON.stringify(written));
  }
  return directory;
}

/**
 * Whether a post step may delete `path`: only a directory this suite created directly under
 * RUNNER_TEMP. Saved state is read back from the environment, so a post step checks what it is
 * told to delete instead of trusting it.
 */
export function isOwnedTempDirectory(path: string, runnerTemp = process.env.RUNNER_TEMP): boolean {
  if (!runnerTemp || !isAbsolute(path)) return false;
  const resolved = resolve(path);
  return (
    dirname(resolved) === resolve(runnerTemp) && basename(resolved).startsWith(OWNED_TEMP_PREFIX)
  );
}

/**
 * For post steps: removes every directory main recorded (credentials, manifests, caches) and any
 * this step made; never throws.
 */
export async function removeCredentialFiles(): Promise<string[]> {
  let directories: unknown;
  try {
    directories = JSON.parse(core.getState(STATE_KEY) || '[]');
  } catch {
    directories = [];
  }
  const removed: string[] = [];
  // What main recorded, and what this step made itself (a post step's own kubectl cache).
  const recorded = Array.isArray(directories) ? (directories as unknown[]) : [];
  for (const directory of new Set([...recorded, ...written])) {
    if (typeof directory !== 'string') continue;
    if (!isOwnedTempDirectory(directory)) {
      core.warning(
        `Not removing ${escapeUntrusted(directory)}: a post step removes only what its main step ` +
          `created (a ${OWNED_TEMP_PREFIX}* directory directly under RUNNER_TEMP).`,
      );
      continue;
    }
    try {
      await rm(directory, { recursive: true, force: true });
      removed.push(directory);
    } catch (error) {
      core.warning(`Could not remove credential directory ${directory}: ${String(error)}`);
    }
  }
  return removed;
}
