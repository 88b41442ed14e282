import * as core from '@actions/core';
import { describeThrown } from '../../core/errors.js';
import { registerSecret, registerSecretWithDerivations } from '../../core/secrets.js';
import type { EngineName, RegistryCommandOptions } from './build-request.js';
import { Deadline, runBuilderStep } from './builder-process.js';

/**
 * Logs the builder in before the build and out in the post step. The password travels on
 * stdin: on the command line it would show in the process list.
 */

const DEFAULT_TIMEOUT_MS = 60_000;

export function loginArgs(
  builder: EngineName,
  registry: string,
  username: string,
  options: RegistryCommandOptions = {},
): string[] {
  const tls = builder === 'buildah' && options.insecure ? ['--tls-verify=false'] : [];
  return ['login', ...tls, '--username', username, '--password-stdin', registry];
}

export async function login(
  builder: EngineName,
  registry: string,
  username: string,
  password: string,
  options: RegistryCommandOptions = {},
): Promise<void> {
  registerSecretWithDerivations(password);
  // docker keeps `base64(user:password)` in config.json; that form must be masked as well.
  registerSecret(Buffer.from(`${username}:${password}`).toString('base64'));
  await runBuilderStep(
    `${builder} login ${registry}`,
    builder,
    loginArgs(builder, registry, username, options),
    {
      deadline: new Deadline(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      env: options.env,
      stdin: `${password}\n`,
    },
  );
}

/** For post steps: never throws, a failed logout is only a warning. */
export async function logout(
  builder: EngineName,
  registry: string,
  options: RegistryCommandOptions = {},
): Promise<void> {
  try {
    await runBuilderStep(`${builder} logout ${registry}`, builder, ['logout', registry], {
      deadline: new Deadline(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      env: options.env,
    });
  } catch (error) {
    core.warning(`Could not log out of ${registry}: ${describeThrown(error)}`);
  }
}
