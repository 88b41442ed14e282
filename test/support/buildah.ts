import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private buildah setup for one test file: vfs storage and chroot isolation (all that works
 * inside this machine's container), storage and registry configuration in a temp directory so
 * tests never touch the machine's images or credentials, and the test registries marked
 * insecure (they speak plain HTTP).
 */

export interface ContainersConfiguration {
  root: string;
  /** Environment for buildah/podman processes; pass it as BuildRequest.env. */
  env: Record<string, string>;
  remove(): Promise<void>;
}

export async function createBuildahEnvironment(
  insecureRegistries: readonly string[],
): Promise<ContainersConfiguration> {
  const configuration = await createContainersConfiguration('slipway-buildah-', insecureRegistries);
  configuration.env.STORAGE_DRIVER = 'vfs';
  configuration.env.BUILDAH_ISOLATION = 'chroot';
  return configuration;
}

/** Storage, registries and credential files that buildah and podman share the format of. */
export async function createContainersConfiguration(
  prefix: string,
  insecureRegistries: readonly string[],
): Promise<ContainersConfiguration> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const storageRoot = join(root, 'storage');
  const runRoot = join(root, 'run');
  const dockerConfig = join(root, 'docker-config');
  await Promise.all([storageRoot, runRoot, dockerConfig].map((dir) => mkdir(dir)));

  const storageConf = join(root, 'storage.conf');
  await writeFile(
    storageConf,
    [
      '[storage]',
      'driver = "vfs"',
      `runroot = "${runRoot}"`,
      `graphroot = "${storageRoot}"`,
      '',
    ].join('\n'),
  );
  // buildah refuses to run with REGISTRY_AUTH_FILE pointing at a file that does not exist.
  await writeFile(join(root, 'auth.json'), '{"auths":{}}\n');
  const registriesConf = join(root, 'registries.conf');
  await writeFile(registriesConf, registriesConfiguration(insecureRegistries));

  return {
    root,
    env: {
      CONTAINERS_STORAGE_CONF: storageConf,
      CONTAINERS_REGISTRIES_CONF: registriesConf,
      // Logins go to these files, never to the machine's ~/.docker or /run/containers.
      REGISTRY_AUTH_FILE: join(root, 'auth.json'),
      DOCKER_CONFIG: dockerConfig,
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

export function registriesConfiguration(insecureRegistries: readonly string[]): string {
  const lines = ['unqualified-search-registries = []', 'short-name-mode = "permissive"', ''];
  for (const registry of insecureRegistries) {
    lines.push('[[registry]]', `location = "${registry}"`, 'insecure = true', '');
  }
  return lines.join('\n');
}
