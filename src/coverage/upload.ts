import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import * as core from '@actions/core';
import { ActionError, describeThrown } from '../core/errors.js';
import { execute } from '../core/exec.js';
import { readGitHubContext } from '../core/github.js';
import { uploadToCodecov } from './codecov.js';
import type { Settings } from './inputs.js';

/** Uploads the original reports; returns the error to fail the step with when fail-on-upload-error says so. */
export async function upload(
  settings: Settings,
  files: string[],
  notes: string[],
): Promise<ActionError | undefined> {
  const codecov = settings.codecov!;
  try {
    const uploaded = await uploadToCodecov({
      files: await Promise.all(
        files.map(async (path) => ({
          name: relative(settings.workspace, path),
          bytes: await readFile(path),
        })),
      ),
      codecovUrl: codecov.url,
      token: codecov.token,
      useOidc: codecov.useOidc,
      flags: codecov.flags,
      name: settings.name,
      context: readGitHubContext(),
      networkFiles: await trackedFiles(settings.workspace),
    });
    notes.push(`Uploaded ${files.length} report(s) to Codecov: ${uploaded.url}`);
    return undefined;
  } catch (error) {
    const message = `Upload to Codecov failed: ${describeThrown(error)}`;
    notes.push(message);
    if (codecov.failOnUploadError)
      return error instanceof ActionError ? error : new ActionError(message);
    core.warning(`${message} (fail-on-upload-error is false, so the step goes on).`);
    return undefined;
  }
}

/** Codecov maps report paths onto the repository with the list of tracked files, as its CLI sends. */
async function trackedFiles(workspace: string): Promise<string[]> {
  const listed = await execute('git', ['ls-files'], {
    cwd: workspace,
    okExitCodes: 'any',
    echo: false,
  }).catch(() => undefined);
  return listed?.exitCode === 0 ? listed.stdout.split('\n').filter(Boolean) : [];
}
