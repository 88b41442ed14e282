import type { Settings } from './inputs.js';
import { login } from './builders/index.js';
import { RegistryClient } from './registry/client.js';
import { loginState } from './state.js';

/**
 * Who the action is towards each registry: one client per registry, with the credentials the
 * settings give for it, and the builder's own login before it builds or pushes.
 */

export type RegistryClients = (registry: string) => RegistryClient;

export function registryClients(settings: Settings): RegistryClients {
  const clients = new Map<string, RegistryClient>();
  return (registry) => {
    let client = clients.get(registry);
    if (!client) {
      const credentials =
        settings.login && settings.login.registry === registry ? settings.login : undefined;
      client = new RegistryClient({
        registry,
        credentials: credentials && {
          username: credentials.username,
          password: credentials.password,
        },
        insecure: settings.insecureRegistries.includes(registry) ? true : undefined,
      });
      clients.set(registry, client);
    }
    return client;
  };
}

export async function loginIfAsked(settings: Settings): Promise<void> {
  if (!settings.login) return;
  const { registry, username, password } = settings.login;
  await login(settings.build.engine, registry, username, password, {
    insecure: settings.insecureRegistries.includes(registry),
  });
  loginState.save({ engine: settings.build.engine, registry });
}
