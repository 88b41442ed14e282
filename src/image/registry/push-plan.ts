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

/** What is being written, for messages: 'promotion' or 'merge'. */
export type TagWriter = 'promotion' | 'merge';

/**
 * PUTs the manifest to every target that does not hold it yet, then reads every target back
 * with a HEAD to prove it now has `manifest.digest`. A failed PUT ends in PartialPushError.
 */
export async function writeTags(
  clients: RegistryClients,
  targets: readonly PushTarget[],
  manifest: { digest: string; mediaType: string; bytes: Buffer },
  writer: TagWriter,
): Promise<{ refs: string[]; written: string[] }> {
  const toWrite = targets.filter((target) => target.action !== 'unchanged');
  const written: string[] = [];
  for (const [position, target] of toWrite.entries()) {
    const { registry, repository, tag } = target.reference;
    try {
      await clientFor(clients, registry).putManifest(
        repository,
        tag as string,
        manifest.bytes,
        manifest.mediaType,
      );
    } catch (error) {
      const unchanged = targets
        .filter((t) => t.action === 'unchanged')
        .map((t) => formatReference(t.reference));
      throw new PartialPushError(
        writer,
        manifest.digest,
        [...unchanged, ...written],
        toWrite.slice(position).map((t) => formatReference(t.reference)),
        error,
      );
    }
    written.push(formatReference(target.reference));
  }

  const refs: string[] = [];
  for (const target of targets) {
    const { registry, repository, tag } = target.reference;
    const head = await clientFor(clients, registry).headManifest(repository, tag as string, {
      forPush: true,
    });
    const shown = formatReference(target.reference);
    if (head?.digest !== manifest.digest) {
      throw new ActionError(
        `After the ${writer} ${shown} points to ${head?.digest ?? 'nothing'}, not to ${manifest.digest}.`,
        `Another job may have pushed the same tag at the same time; re-run the ${writer}.`,
      );
    }
    refs.push(shown);
  }
  return { refs, written };
}

/**
 * Writing stopped part way: `moved` tags (and those already at the digest) point to `digest`,
 * `notMoved` still point where they pointed before.
 */
export class PartialPushError extends ActionError {
  constructor(
    readonly writer: TagWriter,
    readonly digest: string,
    readonly moved: string[],
    readonly notMoved: string[],
    cause: unknown,
  ) {
    super(
      `${cause instanceof Error ? cause.message : String(cause)}\nThe ${writer} stopped at ${notMoved[0]}: ` +
        `moved to ${digest}: ${moved.length > 0 ? moved.join(', ') : 'none'}; not moved: ${notMoved.join(', ')}.`,
      cause instanceof ActionError && cause.hint
        ? cause.hint
        : `Re-run the job: the ${writer} writes the same manifest again, so tags already moved stay as they are.`,
      { cause },
    );
  }
}
