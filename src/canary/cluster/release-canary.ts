/**
 * The cluster-side decisions for a canary of a whole release: whether the release changes
 * anything stable runs, what its state records, whether a later promote job renders the same
 * release, and whether stable already runs it (an interrupted promotion).
 */
import { ActionError } from '../../core/errors.js';
import type { Kubectl } from '../../core/kubectl.js';
import type { Mapping } from '../../core/manifests.js';
import { renderRelease, workspace, type RenderedRelease } from '../release.js';
import type { ReleaseSource } from '../../core/release-source.js';
import {
  coveredBy,
  describeChange,
  sameConfig,
  type ContainerImage,
  type PodTemplate,
} from './canary-template.js';
import type { ClusterState, ReleaseRecord } from './cluster-state.js';
import { checkCopiesFree, copyRef } from './config-copies.js';
import { lastAppliedTemplate, removedFields } from './template-removals.js';

export interface PreparedRelease {
  rendered: RenderedRelease;
  record: ReleaseRecord;
  /** The chosen container's image, or every container's when none is chosen. */
  canaryImage: string;
}

interface StableView {
  name: string;
  /** Its namespace as the API says: the release's objects must all be in it. */
  namespace: string | undefined;
  container: string;
  spec: { template: unknown };
}

/** Renders the release and refuses one that changes nothing stable runs. */
export async function prepareRelease(
  kubectl: Kubectl,
  source: ReleaseSource,
  stable: StableView,
  container: string | undefined,
): Promise<PreparedRelease> {
  const rendered = await renderRelease(source, stable.name, workspace(), stable.namespace);
  await checkCopiesFree(kubectl, rendered.copies, stable.name);
  const changedConfig: string[] = [];
  for (const copy of rendered.copies) {
    const live = await kubectl.getIfExists<Mapping>(`${copy.kind.toLowerCase()}/${copy.name}`);
    if (!sameConfig(copy.object, live)) changedConfig.push(`${copy.kind} ${copy.name} changed`);
  }
  const stableTemplate = stable.spec.template as PodTemplate;
  const change = describeChange(stableTemplate, rendered.template);
  if (!coveredBy(withoutImages(rendered.template), withoutImages(stableTemplate))) {
    change.push('pod template changed (env, resources, volumes or other fields)');
  }
  // The other way round: what stable has that the release drops (see template-removals.ts).
  const live = await kubectl.getIfExists<Mapping>(`deployment/${stable.name}`);
  change.push(
    ...removedFields(
      withoutImages(rendered.template),
      withoutImages(stableTemplate),
      live && lastAppliedTemplate(live),
    ),
  );
  change.push(...changedConfig);
  if (change.length === 0 && coveredBy(rendered.template, stableTemplate)) {
    throw new ActionError(
      `Deployment ${stable.name} already runs what the manifests render (same pod template and config); there is nothing to compare.`,
      'Pass the manifests of the new release (or set images to the new image).',
    );
  }
  return {
    rendered,
    canaryImage: canaryImageOf(rendered.images, container ?? stable.container),
    record: {
      digest: rendered.digest,
      copies: rendered.copies.map(copyRef),
      images: rendered.images,
      change,
      template: rendered.template,
    },
  };
}

/** The chosen container's image when the release has it, else `name=image` for each container. */
export function canaryImageOf(images: readonly ContainerImage[], container: string): string {
  const running = images.filter((entry) => !entry.init);
  const chosen = running.find((entry) => entry.container === container);
  if (chosen) return chosen.image;
  return running.map((entry) => `${entry.container}=${entry.image}`).join(', ');
}

/**
 * A promote job renders its own workspace's manifests; it may promote only the release the
 * canary was judged on, and only the way it was started (one image, or a release).
 */
export async function releaseToPromote(
  state: ClusterState,
  source: ReleaseSource | undefined,
  image: string | undefined,
): Promise<RenderedRelease | undefined> {
  if (!state.release) {
    if (!source) return undefined;
    throw new ActionError(
      `The canary of ${state.deployment} runs one new image (${state.canaryImage}), not a release from manifests; promoting manifests would put changes on stable the canary never ran.`,
      'Promote it with the image input (the image it was started with), or abort it and start a canary from the manifests.',
    );
  }
  if (!source) {
    throw new ActionError(
      `The canary of ${state.deployment} runs a release rendered from manifests${image ? `; the image input (${image}) would promote one image only` : ''}.`,
      'Promote it with the same manifests (or kustomize) and images inputs it was started with.',
    );
  }
  const rendered = await renderRelease(source, state.deployment, workspace());
  if (rendered.digest !== state.release.digest) {
    throw new ActionError(
      `The manifests this job renders (${rendered.digest}) differ from the release the canary was started and judged with (${state.release.digest}), so they were not promoted; nothing was changed.`,
      'Promote from the same commit and inputs as the start job (check out the same ref), or abort this canary and start a new one.',
    );
  }
  return rendered;
}

/** Whether stable's live pod template is the canary's: for an interrupted promotion. */
export function stableRunsCanary(
  found: ClusterState,
  stable: { image: string; spec: { template: unknown } },
): boolean {
  if (found.release) return coveredBy(found.release.template, stable.spec.template);
  return stable.image === found.canaryImage;
}

function withoutImages(template: PodTemplate): PodTemplate {
  const copy = structuredClone(template);
  for (const field of ['initContainers', 'containers']) {
    const containers = copy.spec?.[field];
    if (!Array.isArray(containers)) continue;
    for (const container of containers as Mapping[]) delete container.image;
  }
  return copy;
}
