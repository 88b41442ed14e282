/**
 * Renders the release a canary runs from its source (manifests or a kustomization, with `images`
 * substituted) into what the cluster side needs: the documents promotion applies, their digest,
 * and the canary's pod template and config copies.
 */
import * as core from '@actions/core';
import { renderKustomization } from '../core/kustomize.js';
import { escapeUntrusted } from '../core/log.js';
import { readManifests, substituteImages, type ManifestDocument } from '../core/manifests.js';
import { deriveCanary, manifestsDigest, type CanaryRelease } from './cluster/canary-template.js';
import type { ReleaseSource } from './source-input.js';

export interface RenderedRelease extends CanaryRelease {
  /** Every object of the release, images substituted: what promotion applies to stable. */
  documents: ManifestDocument[];
  digest: string;
}

/** `cwd` is the workspace the paths are relative to. */
export async function renderRelease(
  source: ReleaseSource,
  deployment: string,
  cwd: string,
): Promise<RenderedRelease> {
  const read = source.kustomize
    ? await renderKustomization(source.kustomize, cwd)
    : await readManifests(source.manifests, cwd);
  const { documents, unused } = substituteImages(read, source.images);
  for (const name of unused) {
    core.warning(
      `images names ${escapeUntrusted(name)}, which no container in the manifests uses; check for a typo.`,
    );
  }
  return { ...deriveCanary(documents, deployment), documents, digest: manifestsDigest(documents) };
}

/** The directory manifests and kustomize paths are relative to: the checked-out repository. */
export function workspace(): string {
  return process.env.GITHUB_WORKSPACE || process.cwd();
}
