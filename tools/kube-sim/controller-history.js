// @ts-check
/**
 * ControllerRevisions: the template history StatefulSets and DaemonSets keep, which `kubectl
 * rollout history` lists and `kubectl rollout undo` patches back (the revision's data is a
 * strategic merge patch that replaces spec.template).
 */
import { canonicalJson, podTemplateHash } from './hash.js';
import { controllerReference, isControlledBy } from './replicaset-controller.js';

export const REVISION_HASH_LABEL = 'controller-revision-hash';
const HASH_LABEL = 'controller.kubernetes.io/hash';

/**
 * Keys sorted at every level, as Go's encoding/json writes a map.
 * @param {unknown} value
 * @returns {any}
 */
function sortedKeys(value) {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortedKeys(/** @type {Record<string, unknown>} */ (value)[key])]),
  );
}

/**
 * The revision's data, byte for byte what kubectl computes from a workload (a typed template,
 * so with `creationTimestamp: null`, re-encoded as a sorted map): `rollout undo` compares the
 * two to print "skipped rollback" for the revision already running.
 * @param {any} template
 */
export function revisionData(template) {
  const copy = globalThis.structuredClone(template ?? {});
  copy.metadata = { creationTimestamp: null, ...(copy.metadata ?? {}) };
  return sortedKeys({ spec: { template: { ...copy, $patch: 'replace' } } });
}

/** @param {any} revision */
export function templateOf(revision) {
  const template = globalThis.structuredClone(revision.data?.spec?.template ?? {});
  delete template.$patch;
  return template;
}

/**
 * @param {any} store
 * @param {any} owner
 * @returns {any[]} the owner's revisions, oldest revision number first
 */
export function revisionsOf(store, owner) {
  return store
    .list('controllerrevisions', owner.metadata.namespace)
    .filter((/** @type {any} */ r) => isControlledBy(r, owner))
    .sort((/** @type {any} */ a, /** @type {any} */ b) => a.revision - b.revision);
}

/**
 * The revision that matches the owner's current template: the newest one already when it
 * matches, an older equal one renumbered to the next revision (a rollback), or a new one.
 * @param {any} store
 * @param {any} owner a StatefulSet or DaemonSet
 * @returns {{ revision: any, revisions: any[] }}
 */
export function syncUpdateRevision(store, owner) {
  const revisions = revisionsOf(store, owner);
  const wanted = canonicalJson(owner.spec.template);
  const next = (revisions.at(-1)?.revision ?? 0) + 1;
  const equal = revisions.filter((r) => canonicalJson(templateOf(r)) === wanted).at(-1);
  if (equal && equal === revisions.at(-1)) return { revision: equal, revisions };
  if (equal) {
    const renumbered = store.update('controllerrevisions', { ...equal, revision: next });
    return { revision: renumbered, revisions: revisionsOf(store, owner) };
  }
  const hash = podTemplateHash(owner.spec.template);
  const created = store.create('controllerrevisions', {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: `${owner.metadata.name}-${hash}`,
      namespace: owner.metadata.namespace,
      labels: { ...(owner.spec.template?.metadata?.labels ?? {}), [HASH_LABEL]: hash },
      ...(owner.metadata.annotations ? { annotations: { ...owner.metadata.annotations } } : {}),
      ownerReferences: [controllerReference(owner)],
    },
    data: revisionData(owner.spec.template),
    revision: next,
  });
  return { revision: created, revisions: [...revisions, created] };
}

/**
 * Deletes the oldest revisions no pod and no status field refers to, beyond revisionHistoryLimit.
 * @param {any} store
 * @param {any[]} revisions
 * @param {Set<string>} live names of revisions still in use
 * @param {number} limit
 */
export function pruneRevisions(store, revisions, live, limit) {
  const unused = revisions.filter((r) => !live.has(r.metadata.name));
  for (const revision of unused.slice(0, Math.max(0, unused.length - limit))) {
    try {
      store.delete('controllerrevisions', revision.metadata.namespace, revision.metadata.name);
    } catch (error) {
      if (/** @type {{ status?: number }} */ (error)?.status !== 404) throw error;
    }
  }
}
