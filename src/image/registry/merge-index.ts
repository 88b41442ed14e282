import { ActionError } from '../../core/errors.js';
import { digestOf, isIndexType, MEDIA_TYPES, type Descriptor } from './manifest.js';

/**
 * The merged index as a pure function of what the sources offer (merge.ts reads them from the
 * registry and writes the result). It lives apart from the registry I/O so that every rule about
 * platforms, attestations, duplicates, order and media type can be read, and tested, without a
 * registry: the same candidates must always give the same bytes, or a re-run would move every tag.
 *
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
 */

export interface Platform {
  architecture: string;
  os: string;
  'os.version'?: string;
  'os.features'?: string[];
  variant?: string;
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

export const ATTESTATION_TYPE_ANNOTATION = 'vnd.docker.reference.type';
export const ATTESTATION_SUBJECT_ANNOTATION = 'vnd.docker.reference.digest';
const ATTESTATION_TYPE = 'attestation-manifest';

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

export function isAttestation(descriptor: IndexDescriptor): boolean {
  return descriptor.annotations?.[ATTESTATION_TYPE_ANNOTATION] === ATTESTATION_TYPE;
}

export function isUnknownPlatform(platform: Platform): boolean {
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

export function readPlatform(value: unknown): Platform | undefined {
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

export function readAnnotations(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  );
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}
