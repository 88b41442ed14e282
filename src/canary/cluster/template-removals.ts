/**
 * What a release takes away from stable's pod template: an env var, args, resources, a probe, a
 * volume. coveredBy only asks whether what the manifests set is live, so a release that only
 * removes something would look like no change at all, and the canary would judge nothing.
 *
 * The live template cannot be compared for equality: the API server fills in defaults the
 * manifests leave out (imagePullPolicy, terminationMessagePath, a probe's periodSeconds, …). So a
 * field counts as removed when the manifests no longer set it and either
 * - the previous manifests set it: kubectl's last-applied-configuration annotation on stable holds
 *   them exactly, without defaults, whenever stable was deployed with `kubectl apply`; or
 * - stable has it live and it is one of the fields below, which the API server never fills in on
 *   its own, so only a manifest (or a person) put it there.
 * Either way applying the release at promotion changes what stable runs, so the canary must judge
 * it. An admission webhook that adds one of these fields would only make a canary run that changes
 * nothing, never let a change through unjudged.
 */
import { asMapping, mappingOrUndefined, mappingsOf, type Mapping } from '../../core/mapping.js';
import type { PodTemplate } from './canary-template.js';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** Container fields with no server default. */
const CONTAINER_FIELDS = [
  'command',
  'args',
  'env',
  'envFrom',
  'ports',
  'resources',
  'volumeMounts',
  'volumeDevices',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
  'workingDir',
  'securityContext',
];

/** Pod spec fields with no server default in a Deployment's template. */
const POD_FIELDS = [
  'volumes',
  'imagePullSecrets',
  'nodeSelector',
  'tolerations',
  'affinity',
  'hostAliases',
  'topologySpreadConstraints',
];

/** The pod template the previous `kubectl apply` gave stable, when stable records one. */
export function lastAppliedTemplate(deployment: unknown): PodTemplate | undefined {
  const metadata = asMapping(asMapping(deployment).metadata);
  const text = asMapping(metadata.annotations)[LAST_APPLIED_ANNOTATION];
  if (typeof text !== 'string') return undefined;
  try {
    const template = mappingOrUndefined(
      asMapping(asMapping(JSON.parse(text) as unknown).spec).template,
    );
    return template && mappingOrUndefined(template.spec)
      ? (template as unknown as PodTemplate)
      : undefined;
  } catch {
    // Not JSON: kubectl did not write it, so it says nothing about the previous manifests.
    return undefined;
  }
}

/**
 * What stable has that the rendered template drops, as a reviewer reads it ("container app: env
 * removed"); empty when nothing is removed. `previous` is stable's last-applied template, if any.
 */
export function removedFields(
  rendered: PodTemplate,
  live: PodTemplate,
  previous: PodTemplate | undefined,
): string[] {
  const lines = new Set<string>();
  for (const line of ownedRemovals(rendered, live)) lines.add(line);
  if (previous) {
    for (const path of missingPaths(previous, rendered, '')) lines.add(`${path} removed`);
  }
  return [...lines];
}

function present(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function containersByName(spec: Mapping, field: string): Map<string, Mapping> {
  return new Map(mappingsOf(spec[field]).map((container) => [String(container.name), container]));
}

/** The fields of CONTAINER_FIELDS / POD_FIELDS stable has live and the release drops. */
function ownedRemovals(rendered: PodTemplate, live: PodTemplate): string[] {
  const lines: string[] = [];
  const wantedSpec = asMapping(rendered.spec);
  const liveSpec = asMapping(live.spec);
  for (const field of POD_FIELDS) {
    if (present(liveSpec[field]) && !present(wantedSpec[field])) {
      lines.push(`spec.${field} removed`);
    }
  }
  for (const [listField, what] of [
    ['initContainers', 'init container'],
    ['containers', 'container'],
  ] as const) {
    const wanted = containersByName(wantedSpec, listField);
    for (const [name, container] of containersByName(liveSpec, listField)) {
      // A container the release drops altogether is reported by describeChange.
      const kept = wanted.get(name);
      if (!kept) continue;
      for (const field of CONTAINER_FIELDS) {
        if (present(container[field]) && !present(kept[field])) {
          lines.push(`${what} ${name}: ${field} removed`);
        }
      }
    }
  }
  return lines;
}

/**
 * Paths set in `before` (manifests, so no defaults) that `after` no longer sets. Containers are
 * matched by name and named in the path; other lists count as one value, removed only when the
 * release drops the whole field (a changed list is a change coveredBy reports).
 */
function missingPaths(before: unknown, after: unknown, path: string): string[] {
  const beforeMapping = mappingOrUndefined(before);
  if (!beforeMapping) return present(before) && !present(after) ? [path] : [];
  const afterMapping = mappingOrUndefined(after);
  if (!afterMapping) return present(after) ? [] : [path];
  const paths: string[] = [];
  for (const [key, value] of Object.entries(beforeMapping)) {
    const where = path ? `${path}.${key}` : key;
    if ((key === 'containers' || key === 'initContainers') && Array.isArray(value)) {
      const kept = containersByName(afterMapping, key);
      const what = key === 'containers' ? 'container' : 'init container';
      for (const container of mappingsOf(value)) {
        const name = String(container.name);
        const match = kept.get(name);
        // Images are the change describeChange reports; a dropped container it reports as well.
        if (!match) continue;
        const fields = { ...container };
        delete fields.image;
        for (const missing of missingPaths(fields, match, '')) {
          paths.push(`${what} ${name}: ${missing}`);
        }
      }
      continue;
    }
    paths.push(...missingPaths(value, afterMapping[key], where));
  }
  return paths;
}
