import { createHash } from 'node:crypto';
import { ActionError } from '../../core/errors.js';

/** Every manifest type we copy; asking for all of them stops a registry from down-converting. */
export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

export const MANIFEST_ACCEPT = Object.values(MEDIA_TYPES).join(', ');

const INDEX_TYPES = new Set<string>([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList]);
const SUPPORTED = new Set<string>(Object.values(MEDIA_TYPES));

export function isIndexType(mediaType: string): boolean {
  return INDEX_TYPES.has(mediaType);
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  /** Set on non-distributable layers, whose bytes live outside the registry. */
  urls?: string[];
}

/** What a manifest refers to that must exist in a repository before the manifest is accepted. */
export interface ManifestContent {
  /** Child manifests of an index. */
  manifests: Descriptor[];
  /** Config and layer blobs of an image manifest. */
  blobs: Descriptor[];
}

/**
 * The media type of manifest bytes: the response's Content-Type when it names one we know,
 * else the manifest's own `mediaType` field (some registries answer application/json).
 */
export function resolveMediaType(contentType: string | null, bytes: Buffer): string {
  const declared = contentType?.split(';')[0].trim().toLowerCase();
  if (declared && SUPPORTED.has(declared)) return declared;
  const field = parseJson(bytes).mediaType;
  if (typeof field === 'string' && SUPPORTED.has(field)) return field;
  throw new ActionError(
    `The registry returned a manifest of type '${declared || field || 'unknown'}', which cannot be copied.`,
    `Supported types: ${Object.values(MEDIA_TYPES).join(', ')}. Re-push the image with a current builder.`,
  );
}

export function referencedContent(mediaType: string, bytes: Buffer): ManifestContent {
  const manifest = parseJson(bytes);
  if (isIndexType(mediaType)) {
    return { manifests: descriptors(manifest.manifests), blobs: [] };
  }
  const config = manifest.config === undefined ? [] : descriptors([manifest.config]);
  return { manifests: [], blobs: [...config, ...descriptors(manifest.layers)] };
}

function descriptors(value: unknown): Descriptor[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw malformed('a descriptor list is not an array');
  return value.map((entry: Record<string, unknown>) => {
    if (typeof entry?.digest !== 'string' || typeof entry.mediaType !== 'string') {
      throw malformed('a descriptor lacks digest or mediaType');
    }
    return {
      mediaType: entry.mediaType,
      digest: entry.digest,
      size: Number(entry.size ?? 0),
      ...(Array.isArray(entry.urls) && entry.urls.length > 0 && { urls: entry.urls as string[] }),
    };
  });
}

function parseJson(bytes: Buffer): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // reported below
  }
  throw malformed('it is not a JSON object');
}

function malformed(why: string): ActionError {
  return new ActionError(`The registry returned a malformed manifest: ${why}.`);
}

/** The content digest of bytes, with the algorithm of `like` (sha256 unless it says sha512). */
export function digestOf(bytes: Uint8Array, like = 'sha256:'): string {
  const algorithm = like.startsWith('sha512:') ? 'sha512' : 'sha256';
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}
