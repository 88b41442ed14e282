// @ts-check
/**
 * The ReplicaSet controller: keeps the number of live pods owned by each ReplicaSet at
 * spec.replicas and reports what those pods are doing in the ReplicaSet's status.
 */
import { randomInt } from 'node:crypto';
import { canonicalJson } from './hash.js';

/** @param {any} object */
export function controllerOf(object) {
  return (object.metadata.ownerReferences ?? []).find(
    (/** @type {any} */ ref) => ref.controller === true,
  );
}

/**
 * @param {any} object
 * @param {any} owner
 */
export function isControlledBy(object, owner) {
  return controllerOf(object)?.uid === owner.metadata.uid;
}

/** @param {any} owner */
export function controllerReference(owner) {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * Oldest first; names break ties because creationTimestamp has second precision.
 * @param {any} a
 * @param {any} b
 */
export function byCreation(a, b) {
  const at = a.metadata.creationTimestamp ?? '';
  const bt = b.metadata.creationTimestamp ?? '';
  if (at !== bt) return at < bt ? -1 : 1;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

/** Conflicts and vanished objects are retried on the next pass, as a workqueue requeue would. */
/** @param {unknown} error */
export function isRetryable(error) {
  const status = /** @type {{ status?: number } | undefined} */ (error)?.status;
  return status === 409 || status === 404;
}

// Kubernetes' name-suffix alphabet (lowercase alphanumerics without vowels and look-alikes).
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix() {
  return Array.from({ length: 5 }, () => SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)]).join(
    '',
  );
}

/** @param {any} pod */
export function isPodActive(pod) {
  return (
    !pod.metadata.deletionTimestamp &&
    pod.status?.phase !== 'Succeeded' &&
    pod.status?.phase !== 'Failed'
  );
}

/** @param {any} pod */
function readyCondition(pod) {
  return (pod.status?.conditions ?? []).find((/** @type {any} */ c) => c.type === 'Ready');
}

/** @param {any} pod */
export function isPodReady(pod) {
  return readyCondition(pod)?.status === 'True';
}

/**
 * @param {any} pod
 * @param {number} minReadySeconds
 * @param {number} nowMs
 */
export function isPodAvailable(pod, minReadySeconds, nowMs) {
  if (!isPodReady(pod)) return false;
  if (!minReadySeconds) return true;
  const since = Date.parse(readyCondition(pod).lastTransitionTime ?? '');
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= nowMs;
}

/**
 * Pods the controller deletes first: unscheduled, then pending, then not ready, then the newest.
 * @param {any} a
 * @param {any} b
 */
function deletionOrder(a, b) {
  const rank = (/** @type {any} */ pod) => [
    pod.spec?.nodeName ? 1 : 0,
    pod.status?.phase === 'Pending' ? 0 : pod.status?.phase === 'Running' ? 2 : 1,
    isPodReady(pod) ? 1 : 0,
  ];
  const [ra, rb] = [rank(a), rank(b)];
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i];
  return -byCreation(a, b);
}

/**
 * @param {Record<string, string> | undefined} wanted
 * @param {Record<string, string> | undefined} actual
 */
function hasLabels(wanted, actual) {
  return Object.entries(wanted ?? {}).every(([key, value]) => actual?.[key] === value);
}

/**
 * @param {any} rs
 * @param {any[]} pods
 * @param {number} nowMs
 */
export function replicaSetStatus(rs, pods, nowMs) {
  const minReadySeconds = rs.spec.minReadySeconds ?? 0;
  return {
    ...(rs.status ?? {}),
    replicas: pods.length,
    fullyLabeledReplicas: pods.filter((pod) =>
      hasLabels(rs.spec.template?.metadata?.labels, pod.metadata.labels),
    ).length,
    readyReplicas: pods.filter(isPodReady).length,
    availableReplicas: pods.filter((pod) => isPodAvailable(pod, minReadySeconds, nowMs)).length,
    observedGeneration: rs.metadata.generation,
  };
}

/**
 * @param {any} rs
 */
function podFromTemplate(rs) {
  const template = globalThis.structuredClone(rs.spec.template ?? {});
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(template.metadata ?? {}),
      name: `${rs.metadata.name}-${randomSuffix()}`,
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      ownerReferences: [controllerReference(rs)],
    },
    spec: template.spec ?? { containers: [] },
    status: { phase: 'Pending', qosClass: 'BestEffort' },
  };
}

/**
 * @param {{ store: any, now: () => number, recorder: import('./events.js').EventRecorder, retry: () => void }} context
 */
export function createReplicaSetController({ store, now, recorder, retry }) {
  const component = 'replicaset-controller';

  /** @param {any} rs */
  function syncReplicaSet(rs) {
    const owned = () =>
      store
        .list('pods', rs.metadata.namespace)
        .filter((/** @type {any} */ pod) => isControlledBy(pod, rs) && isPodActive(pod));
    const pods = owned();
    const wanted = rs.spec.replicas ?? 1;
    if (pods.length < wanted) {
      for (let i = pods.length; i < wanted; i++) {
        let created;
        try {
          created = store.create('pods', podFromTemplate(rs));
        } catch (error) {
          // A random-name clash or a vanished namespace: the next pass tries again.
          if (isRetryable(error)) {
            retry();
            continue;
          }
          throw error;
        }
        recorder.record(rs, {
          reason: 'SuccessfulCreate',
          message: `Created pod: ${created.metadata.name}`,
          component,
        });
      }
    } else if (pods.length > wanted) {
      for (const pod of [...pods].sort(deletionOrder).slice(0, pods.length - wanted)) {
        try {
          store.delete('pods', pod.metadata.namespace, pod.metadata.name);
        } catch (error) {
          if (!isRetryable(error)) throw error;
        }
        recorder.record(rs, {
          reason: 'SuccessfulDelete',
          message: `Deleted pod: ${pod.metadata.name}`,
          component,
        });
      }
    }
    const status = replicaSetStatus(rs, pods.length === wanted ? pods : owned(), now());
    if (canonicalJson(status) !== canonicalJson(rs.status ?? {})) {
      store.update('replicasets', { ...rs, status }, { subresource: 'status' });
    }
  }

  return {
    sync() {
      for (const rs of store.list('replicasets', undefined)) {
        try {
          syncReplicaSet(rs);
        } catch (error) {
          if (!isRetryable(error)) throw error;
          retry();
        }
      }
    },
  };
}
