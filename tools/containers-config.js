// @ts-check
/**
 * A private buildah/podman setup: vfs storage and chroot isolation (all that works inside this
 * machine's container), storage and registry configuration in a temp directory so that tests and
 * the demo never touch the machine's images or credentials, and the local registries marked
 * insecure (they speak plain HTTP). Typed for the tests in test/support/buildah.ts.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * @typedef {object} ContainersConfiguration
 * @property {string} root
 * @property {Record<string, string>} env environment for buildah/podman processes
 * @property {() => Promise<void>} remove
 */

/**
 * @param {readonly string[]} insecureRegistries
 * @returns {Promise<ContainersConfiguration>}
 */
export async function createBuildahEnvironment(insecureRegistries) {
  const configuration = await createContainersConfiguration('slipway-buildah-', insecureRegistries);
  configuration.env.STORAGE_DRIVER = 'vfs';
  configuration.env.BUILDAH_ISOLATION = 'chroot';
  return configuration;
}

/**
 * Storage, registries and credential files that buildah and podman share the format of.
 * @param {string} prefix
 * @param {readonly string[]} insecureRegistries
 * @returns {Promise<ContainersConfiguration>}
 */
export async function createContainersConfiguration(prefix, insecureRegistries) {
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

/** @param {readonly string[]} insecureRegistries */
export function registriesConfiguration(insecureRegistries) {
  const lines = ['unqualified-search-registries = []', 'short-name-mode = "permissive"', ''];
  for (const registry of insecureRegistries) {
    lines.push('[[registry]]', `location = "${registry}"`, 'insecure = true', '');
  }
  return lines.join('\n');
}
