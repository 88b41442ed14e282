/**
 * Renders the release a canary runs from its source (manifests or a kustomization, with `images`
 * substituted, read as rollout reads them) into what the cluster side needs: the documents
 * promotion applies, their digest, and the canary's pod template and config copies.
 */
import * as core from '@actions/core';
import { InputError } from '../core/errors.js';
import { escapeUntrusted } from '../core/log.js';
import { asMapping } from '../core/mapping.js';
import { substituteImages, type ManifestDocument } from '../core/manifests.js';
import { readReleaseDocuments, releaseInput, type ReleaseSource } from '../core/release-source.js';
import { deriveCanary, manifestsDigest, type CanaryRelease } from './cluster/canary-template.js';

export interface RenderedRelease extends CanaryRelease {
  /** Every object of the release, images substituted: what promotion applies to stable. */
  documents: ManifestDocument[];
  digest: string;
}

/**
 * `cwd` is the workspace the paths are relative to; `namespace` the canary's, when known (a
 * promote job's render is checked by its digest against the start's, which was checked).
 */
export async function renderRelease(
  source: ReleaseSource,
  deployment: string,
  cwd: string,
  namespace?: string,
): Promise<RenderedRelease> {
  const read = await readReleaseDocuments(source, cwd);
  checkCanaryRelease(read, releaseInput(source), namespace);
  const { documents, unused } = substituteImages(read, source.images);
  for (const name of unused) {
    core.warning(
      `images names ${escapeUntrusted(name)}, which no container in the manifests uses; check for a typo.`,
    );
  }
  return {
    ...deriveCanary(documents, deployment, namespace),
    documents,
    digest: manifestsDigest(documents),
  };
}

/**
 * Kinds a canary cannot carry. A Job runs once when it is created and its pod template cannot be
 * changed, so promotion's apply would fail on a changed one and nothing would wait for it to
 * complete; a CronJob starts such Jobs on its own schedule, outside the canary's judgement.
 */
const ONE_OFF_KINDS = new Set(['Job', 'CronJob']);

/**
 * Refuses, before anything changes, a release the canary could not promote and put back whole:
 * Jobs and CronJobs, and objects in another namespace than the canary's (promotion applies and
 * restores the release in the canary's namespace only).
 */
export function checkCanaryRelease(
  documents: readonly ManifestDocument[],
  input: string,
  namespace: string | undefined,
): void {
  for (const { object, file } of documents) {
    const kind = String(object.kind ?? '');
    const metadata = asMapping(object.metadata);
    const name = String(metadata.name ?? '');
    if (ONE_OFF_KINDS.has(kind)) {
      throw new InputError(
        input,
        `holds ${kind} ${name} (${file}), which a canary cannot run: a Job runs once when created and cannot be changed afterwards, so promoting it would fail and nothing would wait for it. Run it in a separate step before the canary (the rollout action's pre-deploy input runs Jobs such as migrations to completion) and leave it out of the canary's ${input}.`,
        input === 'kustomize' ? 'k8s/overlays/production' : 'k8s/app/',
      );
    }
    const own = metadata.namespace;
    if (namespace !== undefined && typeof own === 'string' && own !== namespace) {
      throw new InputError(
        input,
        `puts ${kind} ${name} (${file}) in namespace ${own}, but the canary runs in namespace ${namespace}; a canary's release is the objects of its own namespace, which promotion applies and can put back. Deploy the other namespace's objects in a separate step (the rollout action deploys several namespaces) or drop their metadata.namespace.`,
        input === 'kustomize' ? 'k8s/overlays/production' : 'k8s/app/',
      );
    }
  }
}

/** The directory manifests and kustomize paths are relative to: the checked-out repository. */
export function workspace(): string {
  return process.env.GITHUB_WORKSPACE || process.cwd();
}
