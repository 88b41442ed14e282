/**
 * The release an action deploys from files: `manifests` (files, directories, globs; a directory
 * holding a kustomization is rendered) or one `kustomize` directory, with `images` substituted.
 * Rollout and canary read and render it here, so the same inputs mean the same objects in both.
 */
import * as core from '@actions/core';
import { InputError } from './errors.js';
import { parseImageReferenceInput } from './image-reference.js';
import { readList, readString } from './inputs.js';
import { readManifestsOrKustomizations, renderKustomization } from './kustomize.js';
import { escapeUntrusted } from './log.js';
import { parseImageOverrides, type ManifestDocument } from './manifests.js';

export interface ReleaseSource {
  /** Files, directories and globs, in order; empty with `kustomize`. */
  manifests: string[];
  /** A kustomization directory, rendered with kubectl's built-in kustomize. */
  kustomize: string | undefined;
  /** Repository → image, from `images` lines. */
  images: Map<string, string>;
}

export const IMAGES_EXAMPLE = 'ghcr.io/acme/web=ghcr.io/acme/web:1.2.3';

/**
 * Reads `manifests`, `kustomize` and `images`; empty when none is set. Refuses both manifests and
 * kustomize, and images with neither (`instead` says what the action offers for one new image).
 */
export function readReleaseSource(options: { instead: string }): ReleaseSource {
  const manifests = readList('manifests', { commas: false });
  const kustomize = readString('kustomize', { example: 'k8s/overlays/production' })?.trim();
  const images = parseImageOverrides(readList('images', { commas: false }));
  for (const image of images.values()) parseImageReferenceInput('images', image, IMAGES_EXAMPLE);
  if (kustomize && manifests.length > 0) {
    throw new InputError(
      'kustomize',
      'and manifests are both set; a step deploys one release. List the kustomization directory in manifests (it is rendered, as kubectl apply -k would), or use kustomize alone.',
      'k8s/overlays/production',
    );
  }
  if (images.size > 0 && manifests.length === 0 && !kustomize) {
    throw new InputError(
      'images',
      `substitutes images in manifests or a kustomization, but no manifests were given and kustomize is not set; ${options.instead}`,
      IMAGES_EXAMPLE,
    );
  }
  return { manifests, kustomize: kustomize || undefined, images };
}

/** Whether the source names any release at all. */
export function hasRelease(source: ReleaseSource): boolean {
  return source.manifests.length > 0 || source.kustomize !== undefined;
}

/** The input the release came from, for messages about its objects. */
export function releaseInput(source: ReleaseSource): 'manifests' | 'kustomize' {
  return source.kustomize ? 'kustomize' : 'manifests';
}

/**
 * The release's documents, images not yet substituted, relative to `cwd` (the workspace). A
 * notice says which `manifests` entries were rendered as kustomizations.
 */
export async function readReleaseDocuments(
  source: ReleaseSource,
  cwd: string,
): Promise<ManifestDocument[]> {
  if (source.kustomize) return renderKustomization(source.kustomize, cwd);
  const read = await readManifestsOrKustomizations(source.manifests, cwd);
  noticeRendered('manifests', read.rendered);
  return read.documents;
}

/** Says which entries of `input` were kustomization directories, rendered rather than read. */
export function noticeRendered(input: string, directories: readonly string[]): void {
  for (const directory of directories) {
    core.notice(
      escapeUntrusted(
        `${input}: ${directory} holds a kustomization, so it was rendered with kubectl kustomize, as kubectl apply -k would.`,
      ),
    );
  }
}
