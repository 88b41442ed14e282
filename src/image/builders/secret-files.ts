import { existsSync, statSync } from 'node:fs';
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

/** Environment variable names as shells and builders take them. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkSecretId(input: string, id: string, example: string): void {
  if (!SECRET_ID.test(id)) {
    throw new InputError(
      input,
      `has the secret id '${id}', which may only contain letters, digits, '.', '_' and '-'.`,
      example,
    );
  }
}

export async function writeSecretFiles(secrets: Map<string, string>): Promise<SecretFile[]> {
  const files: SecretFile[] = [];
  for (const [id, value] of secrets) {
    registerSecretWithDerivations(value);
    checkSecretId('secrets', id, 'GIT_AUTH_TOKEN=${{ secrets.GITHUB_TOKEN }}');
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

/**
 * `secret-files` (id → path of a file the workflow already has): the builder reads the file
 * itself. Checked before the build so a typo fails with the input's name, not deep in a RUN step.
 */
export function secretFileArgs(secretFiles: Map<string, string>): string[] {
  const example = 'npmrc=${{ runner.temp }}/.npmrc';
  const args: string[] = [];
  for (const [id, path] of secretFiles) {
    checkSecretId('secret-files', id, example);
    if (/[,"]/.test(path)) {
      throw new InputError(
        'secret-files',
        `has the path '${path}' for '${id}', which contains a comma or a quote; builders cannot take it in --secret.`,
        example,
      );
    }
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw new InputError(
        'secret-files',
        `names '${path}' for '${id}', which is not a file.`,
        example,
      );
    }
    args.push('--secret', `id=${id},src=${path}`);
  }
  return args;
}

/**
 * `secret-envs` (id → environment variable): the builder reads the variable from its own
 * environment. Its value is masked in the log; a variable that is not set is warned about, since
 * a RUN step's secret mount is optional by default and would silently find no file.
 */
export function secretEnvArgs(
  secretEnvs: Map<string, string>,
  env: Record<string, string | undefined>,
): { args: string[]; warnings: string[] } {
  const example = 'github_token=GITHUB_TOKEN';
  const args: string[] = [];
  const warnings: string[] = [];
  for (const [id, name] of secretEnvs) {
    checkSecretId('secret-envs', id, example);
    if (!ENV_NAME.test(name)) {
      throw new InputError(
        'secret-envs',
        `maps '${id}' to '${name}', which is not an environment variable name.`,
        example,
      );
    }
    const value = env[name];
    if (value === undefined || value === '') {
      warnings.push(
        `secret-envs: the environment variable ${name} (secret '${id}') is not set, so the build gets no such secret.`,
      );
    } else registerSecretWithDerivations(value);
    args.push('--secret', `id=${id},env=${name}`);
  }
  return { args, warnings };
}
