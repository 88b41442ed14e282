import * as core from '@actions/core';
import type { Settings } from './inputs.js';
import { login } from './builders/index.js';
import { RegistryClient, type RegistryCredentials } from './registry/client.js';
import { sameRegistry, type RegistryAccess } from './registry-access.js';
import { writeCredentialFile } from '../core/credentials.js';
import { loginState } from './state.js';

/**
 * Who the action is towards each registry: one client per registry, with the credentials found
 * for it (the inputs, then the containers auth files, then docker's config.json; see
 * registry/credential-store.ts), and the builder given the same credentials before it builds or
 * pushes.
 */

export { findRegistryCredentials, type RegistryAccess } from './registry-access.js';

export type RegistryClients = (registry: string) => RegistryClient;

/**
 * One client per registry. With `access` (findRegistryCredentials), each gets the credentials
 * found for it; without, only the inputs' registry has credentials.
 */
export function registryClients(settings: Settings, access?: RegistryAccess): RegistryClients {
  const clients = new Map<string, RegistryClient>();
  return (registry) => {
    let client = clients.get(registry);
    if (!client) {
      client = new RegistryClient({
        registry,
        credentials: clientCredentials(settings, registry, access),
        insecure: settings.insecureRegistries.includes(registry) ? true : undefined,
      });
      clients.set(registry, client);
    }
    return client;
  };
}

function clientCredentials(
  settings: Settings,
  registry: string,
  access: RegistryAccess | undefined,
): RegistryCredentials | undefined {
  const found = access?.credentials.get(registry);
  if (found?.identityToken) {
    // Exchanging a refresh token is an OAuth2 flow the registry client does not implement.
    core.debug(
      `Registry ${registry}: the identity token from ${found.source} is left to the builder; tag checks and promotion go without credentials.`,
    );
  } else if (found) {
    return { username: found.username, password: found.password };
  }
  const login = settings.login;
  return login && sameRegistry(login.registry, registry)
    ? { username: login.username, password: login.password }
    : undefined;
}

/**
 * Extra environment for the builder processes (BuildRequest.env). buildah reads REGISTRY_AUTH_FILE
 * (or ${XDG_RUNTIME_DIR}/containers/auth.json) first and falls back to
 * ~/.config/containers/auth.json and docker's config.json itself, including `credHelpers`; it
 * does not run docker's `credsStore` (buildah 1.28). So buildah gets a private copy of its first
 * auth file with every credential found here written in (0600 under RUNNER_TEMP, removed by the
 * post step): what it pushes with is then what the tags were checked with, and the inputs need no
 * `buildah login` that would write to the user's auth file. docker reads its own config.json
 * (credsStore included) and is logged in with the inputs, so it needs nothing.
 */
export async function builderEnvironment(
  settings: Settings,
  access: RegistryAccess,
): Promise<Record<string, string>> {
  if (settings.build.engine !== 'buildah' || access.credentials.size === 0) return {};
  const path = await writeCredentialFile(
    'auth.json',
    access.store.mergedAuthFile([...access.credentials.values()]),
  );
  core.debug(
    `buildah reads registry credentials from ${path} (a copy of ${access.store.primaryPath}).`,
  );
  return { REGISTRY_AUTH_FILE: path };
}

/**
 * Readies the builder before it builds or pushes, and returns the extra environment to give its
 * processes (BuildRequest.env, the push of a loaded image): docker is logged in with the inputs;
 * buildah gets its private auth file instead (builderEnvironment), which carries the inputs too,
 * so no `buildah login` writes to the user's own auth file.
 */
export async function prepareBuilder(
  settings: Settings,
  access: RegistryAccess,
): Promise<Record<string, string>> {
  if (settings.build.engine === 'buildah') return builderEnvironment(settings, access);
  await loginIfAsked(settings);
  return {};
}

/** Logs the builder in with the inputs (and saves for the post step whom to log out). */
export async function loginIfAsked(settings: Settings): Promise<void> {
  if (!settings.login) return;
  const { registry, username, password } = settings.login;
  await login(settings.build.engine, registry, username, password, {
    insecure: settings.insecureRegistries.includes(registry),
  });
  loginState.save({ engine: settings.build.engine, registry });
}
