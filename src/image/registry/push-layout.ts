import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ActionError } from '../../core/errors.js';
import type { RegistryClient } from './client.js';
import { digestOf, referencedContent, resolveMediaType } from './manifest.js';

/**
 * Pushes an image that a builder copied to disk, by digest and without any tag: what a matrix
 * leg does before the merge job joins the platforms (merge-digests). The bytes on disk are
 * exactly what the builder would push, so the digest is the one the build reported.
 *
 * Two layouts: containers' `dir:` (manifest.json and each blob in a file named by its hex) for
 * one image, and an OCI image layout (index.json, blobs/sha256/<hex>) for a multi-platform list.
 */

export type LayoutFormat = 'dir' | 'oci';

export interface ImageLayout {
  directory: string;
  format: LayoutFormat;
}

export async function pushLayoutByDigest(
  client: RegistryClient,
  repository: string,
  layout: ImageLayout,
): Promise<string> {
  const blobPath = (digest: string) =>
    layout.format === 'dir'
      ? join(layout.directory, digest.replace(/^sha256:/, ''))
      : join(layout.directory, 'blobs', 'sha256', digest.replace(/^sha256:/, ''));
  const top =
    layout.format === 'dir'
      ? await readFile(join(layout.directory, 'manifest.json'))
      : await readFile(blobPath(await topOfOciLayout(layout.directory)));
  return pushManifestTree(client, repository, top, blobPath);
}

/** The one manifest an OCI layout's index.json names (`manifest push --all` writes one). */
async function topOfOciLayout(directory: string): Promise<string> {
  const index = JSON.parse(await readFile(join(directory, 'index.json'), 'utf8')) as {
    manifests?: Array<{ digest?: unknown }>;
  };
  const digest = index.manifests?.[0]?.digest;
  if (index.manifests?.length !== 1 || typeof digest !== 'string') {
    throw new ActionError(
      `The image layout in ${directory} names ${index.manifests?.length ?? 0} manifests, not one.`,
    );
  }
  return digest;
}

/** Blobs first, then child manifests by digest, then the manifest itself by digest. */
async function pushManifestTree(
  client: RegistryClient,
  repository: string,
  bytes: Buffer,
  blobPath: (digest: string) => string,
): Promise<string> {
  const mediaType = resolveMediaType(null, bytes);
  const content = referencedContent(mediaType, bytes);
  for (const blob of content.blobs) {
    if (blob.urls) continue;
    const data = await readFile(blobPath(blob.digest));
    const uploaded = await client.uploadBlob(repository, data);
    if (uploaded !== blob.digest) {
      throw new ActionError(
        `The blob on disk for ${blob.digest} has digest ${uploaded}; the builder's copy is damaged.`,
      );
    }
  }
  for (const child of content.manifests) {
    const childBytes = await readFile(blobPath(child.digest));
    await pushManifestTree(client, repository, childBytes, blobPath);
  }
  const digest = digestOf(bytes);
  await client.putManifest(repository, digest, bytes, mediaType);
  return digest;
}
