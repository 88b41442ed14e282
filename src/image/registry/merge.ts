import { ActionError } from '../../core/errors.js';
import { formatReference, type ImageReference } from '../../core/image-reference.js';
import type { RegistryClient } from './client.js';
import { checkImmutable } from './immutable.js';
import { isIndexType, referencedContent } from './manifest.js';
import {
  composeIndex,
  isAttestation,
  isUnknownPlatform,
  readAnnotations,
  readPlatform,
  type ComposedIndex,
  type IndexCandidate,
  type MergedAttestation,
  type MergedPlatform,
  type Platform,
} from './merge-index.js';
import { immutableTagsError } from './promote.js';
import {
  clientFor,
  planPush,
  writeTags,
  type PushTarget,
  type RegistryClients,
} from './push-plan.js';

/**
 * Merging per-platform images into one multi-platform image, as `docker buildx imagetools
 * create -t TAG IMAGE@sha256:... IMAGE@sha256:...` does after a matrix build (one runner per
 * platform, each pushing its image by digest), but through our registry client:
 *
 * - Each source is read by digest. A single-platform image manifest (OCI or Docker v2) becomes
 *   one index entry whose platform comes from its config blob (os, architecture, variant,
 *   os.version, os.features). A source that is itself an index (buildx pushes one when
 *   provenance or SBOM attestations are on, or when one leg built several platforms) contributes
 *   its entries as they are.
 * - Sources in another repository than a target are copied into it first (blobs mounted, child
 *   manifests put by digest), as promotion does. Everything happens within one registry.
 * - Immutable tags that already point elsewhere are refused before anything is written.
 *
 * What the index holds (which entries, in which order, as which media type) is decided in
 * merge-index.ts, without I/O; this module reads the sources from the registry, copies them and
 * writes the tags.
 */

/**
 * One image to merge: `registry/repository@digest`, `registry/repository:tag`, or a bare digest
 * (no registry and repository), which means that digest in the first target's repository.
 * Any ImageReference is one.
 */
export interface MergeSource {
  registry?: string;
  repository?: string;
  tag?: string;
  digest?: string;
  /** Where the source was named (an input line, a digest file); errors about it quote this. */
  from?: string;
}

export interface MergePlan {
  registry: string;
  index: ComposedIndex;
  /** Each target tag, planned against the index digest as promotion plans them. */
  targets: PushTarget[];
}

export interface MergeResult {
  /** The digest of the merged index, which every ref now points to. */
  digest: string;
  mediaType: string;
  /** Every target, verified by a HEAD to point at `digest`. */
  refs: string[];
  /** The targets that were written (created or moved); the rest already pointed at `digest`. */
  written: string[];
  platforms: MergedPlatform[];
  attestations: MergedAttestation[];
  notes: string[];
}

const IMAGE_CONFIG_TYPES = new Set([
  'application/vnd.oci.image.config.v1+json',
  'application/vnd.docker.container.image.v1+json',
]);

const MERGE_HINT =
  'Each matrix leg pushes its platform by digest; the merge job needs every leg to have succeeded.';

/** Plans and writes the merge: the index is put under every target tag. */
export async function mergePlatformImages(
  clients: RegistryClients,
  sources: readonly MergeSource[],
  targets: readonly ImageReference[],
  options: { immutable?: ReadonlyArray<RegExp | string> } = {},
): Promise<MergeResult> {
  const plan = await planMerge(clients, sources, targets);
  return writeMerge(plan, clients, options);
}

/** Reads every source and composes the index; writes nothing. */
export async function planMerge(
  clients: RegistryClients,
  sources: readonly MergeSource[],
  targets: readonly ImageReference[],
): Promise<MergePlan> {
  if (targets.length === 0) {
    throw new ActionError(
      'There is no tag to put the merged image under.',
      'Check the images and tags inputs.',
    );
  }
  if (sources.length === 0) {
    throw new ActionError('There is no image to merge.', `Name each leg's digest. ${MERGE_HINT}`);
  }
  const [first] = targets;
  for (const target of targets) checkTarget(first, target);
  const client = clientFor(clients, first.registry);

  const candidates: IndexCandidate[] = [];
  for (const [position, source] of sources.entries()) {
    const reference = resolveSource(source, first);
    candidates.push(
      ...(await readSource(client, describeSource(source, reference, position, sources))),
    );
  }
  const index = composeIndex(candidates);

  const planned = await planPush(client, [...targets], index.digest);
  return { registry: first.registry, index, targets: planned };
}

/**
 * Writes a plan: refuses to move immutable tags, copies the entries into each target
 * repository that lacks them, puts the index under each tag that does not have it yet, and
 * reads every tag back.
 */
export async function writeMerge(
  plan: MergePlan,
  clients: RegistryClients,
  options: { immutable?: ReadonlyArray<RegExp | string> } = {},
): Promise<MergeResult> {
  const { index } = plan;
  if (options.immutable) {
    const problems = checkImmutable(
      { source: { digest: index.digest }, targets: plan.targets },
      options.immutable,
      'merging',
    );
    if (problems.length > 0) throw immutableTagsError(problems);
  }
  const client = clientFor(clients, plan.registry);

  const toWrite = plan.targets.filter((target) => target.action !== 'unchanged');
  const repositories = new Set(toWrite.map((target) => target.reference.repository));
  for (const repository of repositories) {
    for (const entry of index.entries) await copyEntry(client, entry, repository);
  }

  const { refs, written } = await writeTags(clients, plan.targets, index, 'merge');
  return {
    digest: index.digest,
    mediaType: index.mediaType,
    refs,
    written,
    platforms: index.platforms,
    attestations: index.attestations,
    notes: index.notes,
  };
}

type ResolvedSource = ImageReference & { from: string };

function resolveSource(source: MergeSource, first: ImageReference): ImageReference {
  const bare = source.repository === undefined || source.repository === '';
  if (bare && !source.digest) {
    throw new ActionError(
      `A source to merge names neither an image nor a digest${source.from ? ` (${source.from})` : ''}.`,
      'Name each source as sha256:<digest> or registry/repository@sha256:<digest>.',
    );
  }
  const reference: ImageReference = bare
    ? { registry: first.registry, repository: first.repository, digest: source.digest }
    : {
        registry: source.registry ?? first.registry,
        repository: source.repository as string,
        ...(source.tag !== undefined && { tag: source.tag }),
        ...(source.digest !== undefined && { digest: source.digest }),
      };
  if (!reference.digest && !reference.tag) {
    throw new ActionError(
      `Source ${formatReference(reference)} names neither a digest nor a tag.`,
      'Name each source as registry/repository@sha256:<digest>, as the leg that built it reported.',
    );
  }
  if (reference.registry !== first.registry) {
    throw new ActionError(
      `Cannot merge ${formatReference(reference)} into ${formatReference(first)}: the merge copies manifests within one registry, and ${reference.registry} is not ${first.registry}.`,
      'Push every leg to the registry of the tags, or copy the images there first (crane copy, skopeo copy).',
    );
  }
  return reference;
}

function describeSource(
  source: MergeSource,
  reference: ImageReference,
  position: number,
  sources: readonly MergeSource[],
): ResolvedSource {
  return {
    ...reference,
    from: source.from ?? `source ${position + 1} of ${sources.length}`,
  };
}

/** What one source offers: its own manifest with the platform of its config, or its entries. */
async function readSource(
  client: RegistryClient,
  source: ResolvedSource,
): Promise<IndexCandidate[]> {
  const { repository } = source;
  const name = source.digest ?? (source.tag as string);
  const shown = `${formatReference(source)} (${source.from})`;
  const manifest = await client.getManifest(repository, name);
  if (!manifest) {
    throw new ActionError(
      `Image ${formatReference(source)} was not found in registry ${source.registry}: ${source.from} names it, so the build leg that reported it should have pushed it to ${source.registry}/${repository}.`,
      `Check that leg's log: it must push by digest to ${repository} (push-by-digest=true) and succeed before the merge job runs. ${MERGE_HINT}`,
    );
  }
  if (!isIndexType(manifest.mediaType)) {
    const platform = await platformOf(
      client,
      repository,
      manifest.mediaType,
      manifest.bytes,
      shown,
    );
    return [
      {
        descriptor: {
          mediaType: manifest.mediaType,
          digest: manifest.digest,
          size: manifest.bytes.length,
          platform,
        },
        source: shown,
        repository,
      },
    ];
  }

  const parsed = JSON.parse(manifest.bytes.toString('utf8')) as { manifests?: unknown };
  const raw = Array.isArray(parsed.manifests) ? (parsed.manifests as unknown[]) : [];
  const descriptors = referencedContent(manifest.mediaType, manifest.bytes).manifests;
  const candidates: IndexCandidate[] = [];
  for (const [position, descriptor] of descriptors.entries()) {
    const entry = raw[position] as Record<string, unknown>;
    const annotations = readAnnotations(entry.annotations);
    let platform = readPlatform(entry.platform);
    const attestation = isAttestation({ ...descriptor, ...(annotations && { annotations }) });
    if (!platform && !attestation && !isIndexType(descriptor.mediaType)) {
      // An index entry without a platform: the image's config says which platform it is for.
      const child = await client.getManifest(repository, descriptor.digest);
      if (!child) {
        throw new ActionError(
          `${shown} refers to ${descriptor.digest}, which ${repository} does not hold.`,
          'Push the image of that leg again.',
        );
      }
      platform = await platformOf(client, repository, child.mediaType, child.bytes, shown);
    }
    candidates.push({
      descriptor: {
        mediaType: descriptor.mediaType,
        digest: descriptor.digest,
        size: descriptor.size,
        ...(platform && { platform }),
        ...(annotations && { annotations }),
      },
      source: shown,
      repository,
    });
  }
  return candidates;
}

async function platformOf(
  client: RegistryClient,
  repository: string,
  mediaType: string,
  bytes: Buffer,
  shown: string,
): Promise<Platform> {
  const config = referencedContent(mediaType, bytes).blobs[0];
  const manifest = JSON.parse(bytes.toString('utf8')) as { config?: { mediaType?: string } };
  if (!config || manifest.config === undefined) {
    throw new ActionError(`${shown} is an image manifest without a config; it cannot be merged.`);
  }
  if (!IMAGE_CONFIG_TYPES.has(config.mediaType)) {
    throw new ActionError(
      `${shown} is not a container image (its config is ${config.mediaType}); only images can be merged into a multi-platform image.`,
    );
  }
  const blob = await client.getBlob(repository, config.digest);
  if (!blob) {
    throw new ActionError(
      `The config ${config.digest} of ${shown} is missing from ${repository}.`,
      'Push the image of that leg again.',
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(blob.toString('utf8'));
  } catch {
    throw new ActionError(`The config ${config.digest} of ${shown} is not JSON.`);
  }
  const platform = readPlatform(parsed);
  if (!platform || isUnknownPlatform(platform)) {
    throw new ActionError(
      `The config of ${shown} names no platform (os and architecture), so it cannot be placed in a multi-platform image.`,
      'Merge the images the platform builds pushed, not attestations or other artifacts.',
    );
  }
  return platform;
}

/** Makes `repository` hold the entry's manifest and everything it refers to. */
async function copyEntry(
  client: RegistryClient,
  entry: IndexCandidate,
  repository: string,
): Promise<void> {
  const from = entry.repository;
  const { digest } = entry.descriptor;
  if (from === undefined || from === repository) return;
  if (await client.headManifest(repository, digest, { forPush: true })) return;
  const manifest = await client.getManifest(from, digest);
  if (!manifest) {
    throw new ActionError(
      `${digest} (${entry.source}) disappeared from ${from} after it was read.`,
      'Something deleted it meanwhile (garbage collection or a retention policy); re-run the leg that built it.',
    );
  }
  for (const blob of referencedContent(manifest.mediaType, manifest.bytes).blobs) {
    // Non-distributable layers live at their URLs, not in any repository.
    if (blob.urls || (await client.blobExists(repository, blob.digest))) continue;
    if (!(await client.mountBlob(repository, blob.digest, from))) {
      throw new ActionError(
        `Registry ${client.registry} did not mount blob ${blob.digest} from ${from} into ${repository}.`,
        `The account needs pull access to ${from} and push access to ${repository}, and ${from} must still hold the blob.`,
      );
    }
  }
  await client.putManifest(repository, digest, manifest.bytes, manifest.mediaType);
}

function checkTarget(first: ImageReference, target: ImageReference): void {
  const shown = formatReference(target);
  if (target.tag === undefined || target.digest !== undefined) {
    throw new ActionError(
      `Cannot put the merged image under ${shown}: a target is a tag without a digest.`,
      'Name targets as registry/repository:tag.',
    );
  }
  if (target.registry !== first.registry) {
    throw new ActionError(
      `Cannot merge into both ${formatReference(first)} and ${shown}: the merge copies manifests within one registry, and ${target.registry} is not ${first.registry}.`,
      'Merge once per registry, with the legs pushing to each, or copy the result with crane copy or skopeo copy.',
    );
  }
}
