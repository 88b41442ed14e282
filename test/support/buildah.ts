/**
 * A private buildah/podman setup for one test file (tools/containers-config.js) with TypeScript
 * types: vfs storage, chroot isolation, configuration in a temp directory, the test registries
 * marked insecure. Assigning the JS functions to these declarations makes tsc fail when the two
 * drift apart.
 */
import * as containers from '../../tools/containers-config.js';

export interface ContainersConfiguration {
  root: string;
  /** Environment for buildah/podman processes; pass it as BuildRequest.env. */
  env: Record<string, string>;
  remove(): Promise<void>;
}

export const createBuildahEnvironment: (
  insecureRegistries: readonly string[],
) => Promise<ContainersConfiguration> = containers.createBuildahEnvironment;

/** Storage, registries and credential files that buildah and podman share the format of. */
export const createContainersConfiguration: (
  prefix: string,
  insecureRegistries: readonly string[],
) => Promise<ContainersConfiguration> = containers.createContainersConfiguration;

export const registriesConfiguration: (insecureRegistries: readonly string[]) => string =
  containers.registriesConfiguration;
