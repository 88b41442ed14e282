import { ActionError } from '../../core/errors.js';
import type { RegistryClient } from './client.js';
import { checkImmutable } from './immutable.js';
import {
  clientFor,
  planPush,
  writeTags,
  type PushTarget,
  type RegistryClients,
} from './push-plan.js';
import { digestOf, referencedContent } from './manifest.js';
import { formatReference, type ImageReference } from '../../core/image-reference.js';

/**
 * Promotion copies a manifest's exact bytes to new tags, so the digest a release deploys is the
 * digest that was built and tested. Nothing is rebuilt and no layer is downloaded.
 */

export interface PromotionPlan {
  /** `digest` is the sha256 of the source manifest bytes. */
  source: ImageReference & { digest: string; mediaType: string };
  targets: PushTarget[];
}

export interface PromotionResult {
  digest: string;
  /** Every target, verified by a HEAD to point at `digest`. */
  refs: string[];
  /** The targets that were written (created or moved); the rest already pointed at `digest`. */
  written: string[];
}

/** A source without tag or digest means `latest`, as it does for `docker pull`. */
const DEFAULT_TAG = 'latest';

export async function planPromotion(
  clients: RegistryClients,
  source: ImageReference,
  targets: ImageReference[],
): Promise<PromotionPlan> {
  if (targets.length === 0) {
    throw new ActionError('There is no tag to promote the image to.', 'Check the tags input.');
  }
  for (const target of targets) checkTarget(source, target);

  const client = clientFor(clients, source.registry);
  const sourceReference = source.digest ?? source.tag ?? DEFAULT_TAG;
  const shownSource = formatReference({
    ...source,
    tag: source.digest ? source.tag : sourceReference,
  });
  const manifest = await client.getManifest(source.repository, sourceReference);
  if (!manifest) {
    throw new ActionError(
      `Source image ${shownSource} not found in registry ${source.registry}.`,
      'Check the reference to promote from, and that the build that pushes it has run for this commit.',
    );
  }

  const digest = digestOf(manifest.bytes);
  const planned = await planPush(clients, targets, digest);

  return {
    source: {
      ...source,
      ...(!source.digest && !source.tag && { tag: DEFAULT_TAG }),
      digest,
      mediaType: manifest.mediaType,
    },
    targets: planned,
  };
}

/**
 * Writes the plan: content a target repository lacks is mounted from the source repository
 * first, then the exact manifest bytes are PUT to each tag, and every tag is read back with a
 * HEAD to prove it now has the source digest. With `immutable`, a plan that would move an
 * immutable tag is refused before anything is written.
 */
export async function promote(
  plan: PromotionPlan,
  clients: RegistryClients,
  options: { immutable?: ReadonlyArray<RegExp | string> } = {},
): Promise<PromotionResult> {
  if (options.immutable) {
    const problems = checkImmutable(plan, options.immutable);
    if (problems.length > 0) throw immutableTagsError(problems);
  }
  const { source } = plan;
  const client = clientFor(clients, source.registry);
  const manifest = await client.getManifest(source.repository, source.digest);
  if (!manifest) {
    throw new ActionError(
      `Source image ${formatReference({ ...source, tag: undefined })} disappeared from the registry after it was planned.`,
      'Something deleted it meanwhile (garbage collection or a retention policy); push it again.',
    );
  }

  const toWrite = plan.targets.filter((target) => target.action !== 'unchanged');
  const repositories = new Set(toWrite.map((target) => target.reference.repository));
  repositories.delete(source.repository);
  for (const repository of repositories) {
    await copyContent(client, source.repository, repository, manifest.mediaType, manifest.bytes);
  }

  const { refs, written } = await writeTags(clients, plan.targets, manifest, 'promotion');
  return { digest: source.digest, refs, written };
}

export function immutableTagsError(problems: string[]): ActionError {
  return new ActionError(
    `Refusing to move immutable tags; nothing was pushed:\n${problems.map((p) => `- ${p}`).join('\n')}`,
    'Release under a new version, or change immutable-tags if moving these tags is intended.',
  );
}

/**
 * Makes `target` hold everything `mediaType`/`bytes` refer to: blobs are mounted from `source`
 * (no transfer), child manifests of an index are copied by digest, depth first.
 */
async function copyContent(
  client: RegistryClient,
  source: string,
  target: string,
  mediaType: string,
  bytes: Buffer,
): Promise<void> {
  const content = referencedContent(mediaType, bytes);
  for (const blob of content.blobs) {
    // Non-distributable layers live at their URLs, not in any repository.
    if (blob.urls || (await client.blobExists(target, blob.digest))) continue;
    if (!(await client.mountBlob(target, blob.digest, source))) {
      throw new ActionError(
        `Registry ${client.registry} did not mount blob ${blob.digest} from ${source} into ${target}.`,
        `The account needs pull access to ${source} and push access to ${target}, and ${source} must still hold the blob.`,
      );
    }
  }
  for (const child of content.manifests) {
    if (await client.headManifest(target, child.digest)) continue;
    const manifest = await client.getManifest(source, child.digest);
    if (!manifest) {
      throw new ActionError(
        `The source index in ${source} refers to ${child.digest}, which ${source} does not hold.`,
        'Push the complete multi-platform image again before promoting it.',
      );
    }
    await copyContent(client, source, target, manifest.mediaType, manifest.bytes);
    await client.putManifest(target, child.digest, manifest.bytes, manifest.mediaType);
  }
}

function checkTarget(source: ImageReference, target: ImageReference): void {
  const shown = formatReference(target);
  if (target.tag === undefined || target.digest !== undefined) {
    throw new ActionError(
      `Cannot promote to ${shown}: a promotion target is a tag without a digest.`,
      'Name targets as registry/repository:tag.',
    );
  }
  if (target.registry !== source.registry) {
    throw new ActionError(
      `Cannot promote ${formatReference(source)} to ${shown}: promotion copies manifests within one registry, and ${target.registry} is not ${source.registry}.`,
      'Push to the other registry with a build, or copy the image there with skopeo copy or crane copy.',
    );
  }
}
