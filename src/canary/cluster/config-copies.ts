/**
 * The canary's own ConfigMaps and Secrets: copies of the release's, named for the canary, so the
 * canary's new config is judged without touching what stable's pods read. They are canary
 * objects: labelled like the canary Deployment, deleted by the revert, checked as leftovers.
 */
import type { Kubectl } from '../../core/kubectl.js';
import type { Mapping } from '../../core/manifests.js';
import type { ConfigCopy } from './canary-template.js';
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

/** Applies every copy; applying them again changes nothing. */
export async function applyConfigCopies(
  kubectl: Kubectl,
  copies: readonly ConfigCopy[],
  stable: string,
  namespace: string | undefined,
): Promise<void> {
  for (const copy of copies) await kubectl.applyObject(copyObject(copy, stable, namespace));
}
