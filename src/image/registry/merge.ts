import { ActionError } from '../../core/errors.js';
import { formatReference, type ImageReference } from '../../core/image-reference.js';
import type { RegistryClient } from './client.js';
import { checkImmutable } from './immutable.js';
import {
  digestOf,
  isIndexType,
  MEDIA_TYPES,
  referencedContent,
  type Descriptor,
} from './manifest.js';
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
 * - Attestation manifests (platform unknown/unknown, annotation
 *   vnd.docker.reference.type=attestation-manifest) are KEPT: they point at their image by the
 *   annotation vnd.docker.reference.digest, and that image keeps its digest in the merged index,
 *   so the attestation stays attached. One whose image is not in the merged index is dropped
 *   with a note, and so is any other entry without a real platform.
 * - Two entries for one platform are an error naming both digests and where they came from;
 *   the same digest named twice counts once.
 * - The result is a Docker manifest list when every entry is a Docker v2 image manifest without
 *   annotations (all legs built with the classic docker builder), else an OCI image index
 *   (which may refer to Docker v2 manifests too, as buildx's own indexes do).
 * - Its bytes are deterministic: entries sorted by platform (os, architecture, variant,
 *   os.version), attestations after the images in the order of their images, fixed key order,
 *   no timestamps and no whitespace. The same digests in any order give the same index digest,
 *   so a re-run finds every tag unchanged and writes nothing.
 * - Sources in another repository than a target are copied into it first (blobs mounted, child
 *   manifests put by digest), as promotion does. Everything happens within one registry.
 * - Immutable tags that already point elsewhere are refused before anything is written.
 */

export interface Platform {
  architecture: string;
  os: string;
  'os.version'?: string;
  'os.features'?: string[];
  variant?: string;
}

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

/** A manifest descriptor as an index lists it. */
export interface IndexDescriptor extends Descriptor {
  platform?: Platform;
  annotations?: Record<string, string>;
}

/** One entry a source offers for the merged index. */
export interface IndexCandidate {
  descriptor: IndexDescriptor;
  /** The source as shown to users, e.g. ghcr.io/org/app@sha256:... (from digests/abc...). */
  source: string;
  /** The repository (in the merge's registry) that holds this manifest. */
  repository?: string;
}

export interface MergedPlatform {
  /** os[(os.version)]/architecture[/variant], e.g. linux/arm/v7. */
  platform: string;
  digest: string;
  source: string;
}

export interface MergedAttestation {
  digest: string;
  /** The image manifest it describes. */
  subject: string;
}

export interface ComposedIndex {
  mediaType: string;
  bytes: Buffer;
  digest: string;
  /** The entries in index order, each with the repository that holds it. */
  entries: IndexCandidate[];
  platforms: MergedPlatform[];
  attestations: MergedAttestation[];
  /** What was left out and why, for the log and the job summary. */
  notes: string[];
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

export const ATTESTATION_TYPE_ANNOTATION = 'vnd.docker.reference.type';
export const ATTESTATION_SUBJECT_ANNOTATION = 'vnd.docker.reference.digest';
const ATTESTATION_TYPE = 'attestation-manifest';

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

/**
 * The merged index from what the sources offer: pure, so every rule about platforms,
 * attestations, duplicates, order and media type is here. Throws on duplicate platforms.
 */
export function composeIndex(candidates: readonly IndexCandidate[]): ComposedIndex {
  const notes: string[] = [];
  const byDigest = new Map<string, IndexCandidate>();
  const images: IndexCandidate[] = [];
  const attestations: IndexCandidate[] = [];

  for (const candidate of candidates) {
    const { descriptor } = candidate;
    const earlier = byDigest.get(descriptor.digest);
    if (earlier) {
      if (earlier.source !== candidate.source) {
        notes.push(
          `${descriptor.digest} is named twice (${earlier.source} and ${candidate.source}); it is listed once.`,
        );
      }
      continue;
    }
    if (isAttestation(descriptor)) {
      byDigest.set(descriptor.digest, candidate);
      attestations.push(candidate);
    } else if (descriptor.platform && !isUnknownPlatform(descriptor.platform)) {
      if (isIndexType(descriptor.mediaType)) {
        throw new ActionError(
          `${candidate.source} contains a nested index ${descriptor.digest}; an index of indexes cannot be merged.`,
          'Merge the single-platform images (or the indexes buildx pushed for each leg) instead.',
        );
      }
      byDigest.set(descriptor.digest, candidate);
      images.push(candidate);
    } else {
      notes.push(
        `Left out ${descriptor.digest} from ${candidate.source}: it is not an image for a platform (${descriptor.platform ? formatPlatform(descriptor.platform) : 'no platform'}) and not an attestation.`,
      );
    }
  }

  const byPlatform = new Map<string, IndexCandidate[]>();
  for (const image of images) {
    const key = platformKey(image.descriptor.platform as Platform);
    byPlatform.set(key, [...(byPlatform.get(key) ?? []), image]);
  }
  const duplicates = [...byPlatform.values()].filter((group) => group.length > 1);
  if (duplicates.length > 0) {
    throw new ActionError(
      `Several images are for the same platform; a multi-platform image holds one per platform:\n${duplicates
        .map(
          (group) =>
            `- ${formatPlatform(group[0].descriptor.platform as Platform)}: ${group
              .map((image) => `${image.descriptor.digest} (${image.source})`)
              .join(' and ')}`,
        )
        .join('\n')}`,
      'Give each matrix leg a different platform, and merge only the digests of this run.',
    );
  }

  images.sort((a, b) => comparePlatformEntries(a.descriptor, b.descriptor));
  const order = new Map(images.map((image, position) => [image.descriptor.digest, position]));
  const kept = attestations.filter((attestation) => {
    const subject = attestation.descriptor.annotations?.[ATTESTATION_SUBJECT_ANNOTATION];
    if (subject !== undefined && order.has(subject)) return true;
    notes.push(
      `Left out attestation ${attestation.descriptor.digest} from ${attestation.source}: the image it describes (${subject ?? 'none named'}) is not in the merged index.`,
    );
    return false;
  });
  const subjectOf = (candidate: IndexCandidate) =>
    order.get(candidate.descriptor.annotations?.[ATTESTATION_SUBJECT_ANNOTATION] as string) ?? 0;
  kept.sort(
    (a, b) => subjectOf(a) - subjectOf(b) || compareText(a.descriptor.digest, b.descriptor.digest),
  );

  const entries = [...images, ...kept];
  const docker = entries.every(
    (entry) =>
      entry.descriptor.mediaType === MEDIA_TYPES.dockerManifest &&
      Object.keys(entry.descriptor.annotations ?? {}).length === 0,
  );
  const mediaType = docker ? MEDIA_TYPES.dockerList : MEDIA_TYPES.ociIndex;
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      manifests: entries.map((entry) => serializeDescriptor(entry.descriptor)),
    }),
  );
  return {
    mediaType,
    bytes,
    digest: digestOf(bytes),
    entries,
    platforms: images.map((image) => ({
      platform: formatPlatform(image.descriptor.platform as Platform),
      digest: image.descriptor.digest,
      source: image.source,
    })),
    attestations: kept.map((attestation) => ({
      digest: attestation.descriptor.digest,
      subject: attestation.descriptor.annotations?.[ATTESTATION_SUBJECT_ANNOTATION] as string,
    })),
    notes,
  };
}

/** os[(os.version)]/architecture[/variant], as containerd formats a platform. */
export function formatPlatform(platform: Platform): string {
  const os = platform['os.version'] ? `${platform.os}(${platform['os.version']})` : platform.os;
  return [os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/** The platform an image config declares; undefined when it declares no os or architecture. */
export function platformFromConfig(config: Record<string, unknown>): Platform | undefined {
  return readPlatform(config);
}

function isAttestation(descriptor: IndexDescriptor): boolean {
  return descriptor.annotations?.[ATTESTATION_TYPE_ANNOTATION] === ATTESTATION_TYPE;
}

function isUnknownPlatform(platform: Platform): boolean {
  return platform.os === 'unknown' && platform.architecture === 'unknown';
}

/**
 * Platforms that run the same images compare equal: architecture aliases and default variants
 * are normalised as containerd does (aarch64 = arm64 = arm64/v8, x86_64 = amd64 = amd64/v1).
 */
function platformKey(platform: Platform): string {
  let architecture = platform.architecture.toLowerCase();
  let variant = (platform.variant ?? '').toLowerCase();
  if (architecture === 'aarch64') architecture = 'arm64';
  if (architecture === 'x86_64' || architecture === 'x86-64') architecture = 'amd64';
  if (architecture === 'i386') architecture = '386';
  if (architecture === 'arm64' && (variant === 'v8' || variant === '8')) variant = '';
  if (architecture === 'amd64' && variant === 'v1') variant = '';
  if (architecture === 'arm' && variant === '') variant = 'v7';
  return [
    platform.os.toLowerCase(),
    architecture,
    variant,
    platform['os.version'] ?? '',
    [...(platform['os.features'] ?? [])].sort().join(','),
  ].join('|');
}

function comparePlatformEntries(a: IndexDescriptor, b: IndexDescriptor): number {
  const pa = a.platform as Platform;
  const pb = b.platform as Platform;
  return (
    compareText(pa.os, pb.os) ||
    compareText(pa.architecture, pb.architecture) ||
    compareText(pa.variant ?? '', pb.variant ?? '') ||
    compareText(pa['os.version'] ?? '', pb['os.version'] ?? '') ||
    compareText((pa['os.features'] ?? []).join(','), (pb['os.features'] ?? []).join(',')) ||
    compareText(a.digest, b.digest)
  );
}

/** By code unit, not locale, so the order is the same on every runner. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Keys in the order of the OCI spec's Go types, so the bytes never depend on input order. */
function serializeDescriptor(descriptor: IndexDescriptor): Record<string, unknown> {
  const { platform, annotations } = descriptor;
  return {
    mediaType: descriptor.mediaType,
    digest: descriptor.digest,
    size: descriptor.size,
    ...(platform && {
      platform: {
        architecture: platform.architecture,
        os: platform.os,
        ...(platform['os.version'] && { 'os.version': platform['os.version'] }),
        ...(platform['os.features']?.length && { 'os.features': platform['os.features'] }),
        ...(platform.variant && { variant: platform.variant }),
      },
    }),
    ...(annotations &&
      Object.keys(annotations).length > 0 && {
        annotations: Object.fromEntries(
          Object.keys(annotations)
            .sort(compareText)
            .map((key) => [key, annotations[key]]),
        ),
      }),
  };
}

function readPlatform(value: unknown): Platform | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const text = (key: string) =>
    typeof record[key] === 'string' && record[key] !== '' ? (record[key] as string) : undefined;
  const architecture = text('architecture');
  const os = text('os');
  if (!architecture || !os) return undefined;
  const features = Array.isArray(record['os.features'])
    ? record['os.features'].filter((f): f is string => typeof f === 'string')
    : [];
  return {
    architecture,
    os,
    ...(text('os.version') && { 'os.version': text('os.version') }),
    ...(features.length > 0 && { 'os.features': features }),
    ...(text('variant') && { variant: text('variant') }),
  };
}

function readAnnotations(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  );
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
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
