// @ts-check
/**
 * The DaemonSet controller on the simulator's single node: one pod per DaemonSet, replaced on a
 * template change per the RollingUpdate strategy (maxSurge 0: delete first; maxSurge above 0:
 * start the new pod and delete the old one once the new one is available), left alone with
 * OnDelete. ControllerRevisions record the templates for `kubectl rollout history|undo`.
 */
import { canonicalJson } from './hash.js';
import { NODE_NAME } from './kubelet.js';
import {
  REVISION_HASH_LABEL,
  pruneRevisions,
  syncUpdateRevision,
  templateOf,
} from './controller-history.js';
import {
  byCreation,
  controllerReference,
  isControlledBy,
  isPodActive,
  isPodAvailable,
  isPodReady,
  isRetryable,
  randomSuffix,
} from './replicaset-controller.js';

const COMPONENT = 'daemonset-controller';
const HASH_LABEL = 'controller.kubernetes.io/hash';

/** @param {unknown} value */
function isNonZero(value) {
  if (typeof value === 'number') return value > 0;
  return typeof value === 'string' && /[1-9]/.test(value);
}

/**
 * @param {any} ds
 * @param {any} revision
 */
function podFor(ds, revision) {
  const template = templateOf(revision);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(template.metadata ?? {}),
      name: `${ds.metadata.name}-${randomSuffix()}`,
      generateName: `${ds.metadata.name}-`,
      namespace: ds.metadata.namespace,
      labels: {
        ...(template.metadata?.labels ?? {}),
        [REVISION_HASH_LABEL]: revision.metadata.labels?.[HASH_LABEL] ?? revision.metadata.name,
        'pod-template-generation': String(ds.metadata.generation ?? 1),
      },
      ownerReferences: [controllerReference(ds)],
    },
    spec: { ...(template.spec ?? { containers: [] }), nodeName: NODE_NAME },
    status: { phase: 'Pending', qosClass: 'BestEffort' },
  };
}

/**
 * @param {{ store: any, now: () => number, recorder: import('./events.js').EventRecorder, retry: () => void }} context
 */
export function createDaemonSetController({ store, now, recorder, retry }) {
  /** @param {any} ds @param {any} pod @param {'create' | 'delete'} verb */
  function record(ds, pod, verb) {
    recorder.record(ds, {
      reason: verb === 'create' ? 'SuccessfulCreate' : 'SuccessfulDelete',
      message: `${verb === 'create' ? 'Created' : 'Deleted'} pod: ${pod.metadata.name}`,
      component: COMPONENT,
    });
  }

  /** @param {any} ds @param {any} pod */
  function remove(ds, pod) {
    store.delete('pods', pod.metadata.namespace, pod.metadata.name);
    record(ds, pod, 'delete');
  }

  /** @param {any} ds */
  function syncDaemonSet(ds) {
    const { revision: update, revisions } = syncUpdateRevision(store, ds);
    const updateHash = update.metadata.labels?.[HASH_LABEL] ?? update.metadata.name;
    const minReady = ds.spec.minReadySeconds ?? 0;
    /** @returns {any[]} */
    const owned = () =>
      store
        .list('pods', ds.metadata.namespace)
        .filter((/** @type {any} */ pod) => isControlledBy(pod, ds) && isPodActive(pod))
        .sort(byCreation);
    const isUpdated = (/** @type {any} */ pod) =>
      pod.metadata.labels?.[REVISION_HASH_LABEL] === updateHash;
    let pods = owned();
    const updated = pods.filter(isUpdated);
    const old = pods.filter((pod) => !isUpdated(pod));
    const strategy = ds.spec.updateStrategy ?? {};
    const surge = isNonZero(strategy.rollingUpdate?.maxSurge);
    if (pods.length === 0) {
      record(ds, store.create('pods', podFor(ds, update)), 'create');
    } else if (updated.length > 1) {
      for (const extra of updated.slice(0, -1)) remove(ds, extra);
    } else if (old.length > 0 && strategy.type === 'RollingUpdate') {
      if (!surge) {
        for (const pod of old) remove(ds, pod);
      } else if (updated.length === 0) {
        record(ds, store.create('pods', podFor(ds, update)), 'create');
      } else if (isPodAvailable(updated[0], minReady, now())) {
        for (const pod of old) remove(ds, pod);
      }
    }
    pods = owned();
    const available = pods.some((pod) => isPodAvailable(pod, minReady, now())) ? 1 : 0;
    const status = {
      currentNumberScheduled: pods.length > 0 ? 1 : 0,
      numberMisscheduled: 0,
      desiredNumberScheduled: 1,
      numberReady: pods.some(isPodReady) ? 1 : 0,
      observedGeneration: ds.metadata.generation,
      updatedNumberScheduled: pods.some(isUpdated) ? 1 : 0,
      numberAvailable: available,
      numberUnavailable: 1 - available,
    };
    if (canonicalJson(status) !== canonicalJson(ds.status ?? {})) {
      store.update('daemonsets', { ...ds, status }, { subresource: 'status' });
    }
    const liveHashes = new Set(pods.map((pod) => pod.metadata.labels?.[REVISION_HASH_LABEL]));
    const live = new Set(
      revisions
        .filter((r) => liveHashes.has(r.metadata.labels?.[HASH_LABEL]))
        .map((r) => r.metadata.name),
    );
    live.add(update.metadata.name);
    pruneRevisions(store, revisions, live, ds.spec.revisionHistoryLimit ?? 10);
  }

  return {
    sync() {
      for (const ds of store.list('daemonsets', undefined)) {
        try {
          syncDaemonSet(ds);
        } catch (error) {
          if (!isRetryable(error)) throw error;
          retry();
        }
      }
    },
  };
}
