import { ActionError } from '../../core/errors.js';
import { formatReference, type ImageReference } from '../../core/image-reference.js';
import type { RegistryClient } from './client.js';

/**
 * What writing an image to each target tag would do, read from the registry before anything is
 * built or written: a build checks it (skip-existing, immutable tags) before building, a
 * promotion and a merge before copying.
 */

export type PushAction = 'create' | 'move' | 'unchanged';

export interface PushTarget {
  reference: ImageReference;
  /** The digest the tag points to now; absent when the tag does not exist yet. */
  current?: string;
  action: PushAction;
}

/** One client for every reference, or a way to get the client of a registry host. */
export type RegistryClients = RegistryClient | ((registry: string) => RegistryClient);

/**
 * HEADs every target once (duplicates are dropped). With the digest that will be written, a tag
 * already there is `unchanged`; without one (a build not done yet) any existing tag moves.
 */
export async function planPush(
  clients: RegistryClients,
  targets: ImageReference[],
  digest?: string,
): Promise<PushTarget[]> {
  const unique = new Map<string, ImageReference>();
  for (const target of targets) {
    const reference = { registry: target.registry, repository: target.repository, tag: target.tag };
    unique.set(formatReference(reference), reference);
  }
  // One after another: the first request to a repository fetches the token the rest reuse.
  const planned: PushTarget[] = [];
  for (const reference of unique.values()) {
    const head = await clientFor(clients, reference.registry).headManifest(
      reference.repository,
      reference.tag as string,
      { forPush: true },
    );
    const action: PushAction =
      head === undefined ? 'create' : head.digest === digest ? 'unchanged' : 'move';
    planned.push({ reference, action, ...(head && { current: head.digest }) });
  }
  return planned;
}

export function clientFor(clients: RegistryClients, registry: string): RegistryClient {
  if (typeof clients === 'function') return clients(registry);
  if (clients.registry !== registry) {
    throw new ActionError(
      `No registry client for ${registry}; the client given is for ${clients.registry}.`,
    );
  }
  return clients;
}
