/**
 * The canary's own ConfigMaps and Secrets: copies of the release's, named for the canary, so the
 * canary's new config is judged without touching what stable's pods read. They are canary
 * objects: labelled like the canary Deployment, deleted by the revert, checked as leftovers.
 */
import { ActionError } from '../../core/errors.js';
import type { Kubectl } from '../../core/kubectl.js';
import type { Mapping } from '../../core/manifests.js';
import type { ConfigCopy } from './canary-template.js';
import { MANAGED_BY, MANAGED_BY_LABEL, STABLE_LABEL } from './cluster-state.js';
import { ownershipLabels } from './workload.js';

/** The fields that are a ConfigMap's or Secret's content. */
const CONTENT = ['data', 'binaryData', 'stringData', 'type', 'immutable'];

export function copyObject(copy: ConfigCopy, stable: string, namespace: string | undefined) {
  const object: Mapping = {
    apiVersion: 'v1',
    kind: copy.kind,
    metadata: {
      name: copy.copyName,
      ...(namespace ? { namespace } : {}),
      labels: ownershipLabels(stable),
    },
  };
  for (const field of CONTENT) {
    if (copy.object[field] !== undefined) object[field] = structuredClone(copy.object[field]);
  }
  return object;
}

/** kind/name of a copy, as kubectl and the leftover check name it. */
export function copyRef(copy: Pick<ConfigCopy, 'kind' | 'copyName'>): string {
  return `${copy.kind.toLowerCase()}/${copy.copyName}`;
}

interface Labelled {
  metadata?: { labels?: Record<string, string> };
}

/** True when the object carries the labels Slipway puts on the canary copies of `stable`. */
function isCanaryCopy(object: Labelled, stable: string): boolean {
  const labels = object.metadata?.labels ?? {};
  return labels[MANAGED_BY_LABEL] === MANAGED_BY && labels[STABLE_LABEL] === stable;
}

/**
 * Refuses, before anything changes, a copy name that is taken by an object Slipway did not create
 * for this canary: applying over it would merge the release's data into someone's own ConfigMap
 * or Secret, and the revert would then delete it.
 */
export async function checkCopiesFree(
  kubectl: Kubectl,
  copies: readonly Pick<ConfigCopy, 'kind' | 'copyName'>[],
  stable: string,
): Promise<void> {
  for (const copy of copies) {
    const live = await kubectl.getIfExists<Labelled>(copyRef(copy));
    if (!live || isCanaryCopy(live, stable)) continue;
    throw new ActionError(
      `${copy.kind} '${copy.copyName}' already exists and was not created by Slipway for the canary of '${stable}' (it lacks the labels ${MANAGED_BY_LABEL}=${MANAGED_BY} and ${STABLE_LABEL}=${stable}); the canary needs that name for its copy, so nothing was changed.`,
      `Rename or remove that ${copy.kind}, then run the canary again.`,
    );
  }
}

/**
 * Of the copies a canary recorded (kind/name), those that exist and carry its labels: only those
 * are deleted and counted as leftovers, never an object of the same name someone else owns.
 */
export async function ownedCopies(
  kubectl: Kubectl,
  refs: readonly string[],
  stable: string,
): Promise<string[]> {
  const found = await Promise.all(
    refs.map(async (ref) => {
      const live = await kubectl.getIfExists<Labelled>(ref);
      return live && isCanaryCopy(live, stable) ? ref : '';
    }),
  );
  return found.filter((ref) => ref !== '');
}

/** Applies every copy; applying them again changes nothing. */
export async function applyConfigCopies(
  kubectl: Kubectl,
  copies: readonly ConfigCopy[],
  stable: string,
  namespace: string | undefined,
): Promise<void> {
  // Checked again right before writing: the name may have been taken since the release was read.
  await checkCopiesFree(kubectl, copies, stable);
  for (const copy of copies) await kubectl.applyObject(copyObject(copy, stable, namespace));
}
