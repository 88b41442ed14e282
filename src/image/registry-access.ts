import * as core from '@actions/core';
import { parseReference, type ImageReference } from '../core/image-reference.js';
import { escapeUntrusted } from '../core/log.js';
import { registryCacheReference } from './builders/references.js';
import type { Settings } from './inputs.js';
import { canonicalRegistry } from './registry/auth-files.js';
import { CredentialStore, type StoredCredentials } from './registry/credential-store.js';

/**
 * The credentials a run found, looked up before anything talks to a registry. Apart from
 * registries.ts (clients, builder login) so that a metadata-only run, which still loads the
 * store (masking the login, warning about a broken auth file), loads none of the registry code.
 */

/** What was found before the first request: credentials per registry, as references name it. */
export interface RegistryAccess {
  store: CredentialStore;
  credentials: Map<string, StoredCredentials>;
}

/**
 * Looks up credentials for every registry the run talks to: `references` (the computed tags, the
 * rendered promote-from source; text or parsed), registry caches, and the `registry` input's own registry. Credential
 * helpers run here, once per registry, so that the clients can be made synchronously later.
 * Repository-scoped keys (`host/namespace/repo`) are matched against the first repository the run
 * names on each registry.
 */
export async function findRegistryCredentials(
  settings: Settings,
  references: ReadonlyArray<ImageReference | string>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RegistryAccess> {
  const store = CredentialStore.load({ env, inputs: settings.login });
  const credentials = new Map<string, StoredCredentials>();
  // Metadata alone talks to no registry: no helper runs, nothing is logged.
  if (settings.task === 'metadata') return { store, credentials };
  const wanted = new Map<string, string | undefined>();
  const parsed = [...references, ...cacheReferences(settings)].flatMap((reference) => {
    const value = typeof reference === 'string' ? tryParse(reference) : reference;
    return value ? [value] : [];
  });
  for (const reference of parsed) {
    if (!wanted.has(reference.registry)) wanted.set(reference.registry, reference.repository);
  }
  if (
    settings.login &&
    ![...wanted.keys()].some((r) => sameRegistry(r, settings.login!.registry))
  ) {
    wanted.set(settings.login.registry, undefined);
  }
  for (const [registry, repository] of wanted) {
    const found = await store.lookup(registry, repository);
    if (!found) {
      core.debug(`No credentials for ${registry}; looked in ${store.searched}.`);
      continue;
    }
    credentials.set(registry, found);
    core.info(
      `Registry ${registry}: using the credentials of '${escapeUntrusted(found.username)}' from ${escapeUntrusted(found.source)}.`,
    );
  }
  return { store, credentials };
}

export function sameRegistry(a: string, b: string): boolean {
  return canonicalRegistry(a) === canonicalRegistry(b);
}

/** Registries the build's cache-from and cache-to name: the builder needs credentials there too. */
function cacheReferences(settings: Settings): string[] {
  return [...settings.build.cacheFrom, ...settings.build.cacheTo].flatMap(
    (spec) => registryCacheReference(spec) ?? [],
  );
}

/** A bad reference is reported later, by whoever uses it, with the input it came from. */
function tryParse(text: string): ImageReference | undefined {
  try {
    return parseReference(text);
  } catch {
    return undefined;
  }
}
