import { dirname } from 'node:path';
import { rm } from 'node:fs/promises';
import { writeCredentialFile } from '../../core/credentials.js';
import { ActionError, InputError } from '../../core/errors.js';
import { registerSecretWithDerivations } from '../../core/secrets.js';

/**
 * Build secrets reach the builder as files (`--secret id=<id>,src=<file>`): a value on the
 * command line would be visible in the process list and in echoed commands.
 */

export interface SecretFile {
  id: string;
  path: string;
}

/** Ids become part of `id=<id>,src=<path>`, so a comma or '=' would change the option's meaning. */
const SECRET_ID = /^[A-Za-z0-9_.-]+$/;

export async function writeSecretFiles(secrets: Map<string, string>): Promise<SecretFile[]> {
  const files: SecretFile[] = [];
  for (const [id, value] of secrets) {
    registerSecretWithDerivations(value);
    if (!SECRET_ID.test(id)) {
      throw new InputError(
        'secrets',
        `has the secret id '${id}', which may only contain letters, digits, '.', '_' and '-'.`,
        'GIT_AUTH_TOKEN=${{ secrets.GITHUB_TOKEN }}',
      );
    }
  }
  let index = 0;
  for (const [id, value] of secrets) {
    index += 1;
    const path = await writeCredentialFile(`build-secret-${index}`, value);
    if (path.includes(',')) {
      throw new ActionError(
        `The secret file path ${path} contains a comma, which builders cannot take in --secret.`,
        'Use a RUNNER_TEMP directory without commas.',
      );
    }
    files.push({ id, path });
  }
  return files;
}

/** Removes the files as soon as the build is over; the post step removes them again if not. */
export async function removeSecretFiles(files: readonly SecretFile[]): Promise<void> {
  for (const file of files) await rm(dirname(file.path), { recursive: true, force: true });
}

export function secretArgs(files: readonly SecretFile[]): string[] {
  return files.flatMap((file) => ['--secret', `id=${file.id},src=${file.path}`]);
}
