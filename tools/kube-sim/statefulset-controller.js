// @ts-check
/**
 * The StatefulSet controller, reduced to what `kubectl rollout status|history|undo` observe:
 * pods named <set>-<ordinal>, created in order (OrderedReady waits for each to be ready, Parallel
 * does not), a RollingUpdate that replaces one pod at a time from the highest ordinal down to the
 * partition, OnDelete that leaves pods alone, ControllerRevisions, and the status fields.
 */
import { canonicalJson } from './hash.js';
import {
  REVISION_HASH_LABEL,
  pruneRevisions,
  syncUpdateRevision,
  templateOf,
} from './controller-history.js';
import {
  controllerReference,
  isControlledBy,
  isPodActive,
  isPodAvailable,
  isPodReady,
  isRetryable,
} from './replicaset-controller.js';

const COMPONENT = 'statefulset-controller';

/** @param {any} set @param {any} pod */
function ordinalOf(set, pod) {
  const suffix = pod.metadata.name.slice(set.metadata.name.length + 1);
  return /^\d+$/.test(suffix) ? Number(suffix) : -1;
}

/** @param {any} pod */
function isRunningAndReady(pod) {
  return pod.status?.phase === 'Running' && isPodReady(pod);
}

/**
 * @param {any} set
 * @param {any} revision the ControllerRevision whose template the pod gets
 * @param {number} ordinal
 */
function podFor(set, revision, ordinal) {
  const template = templateOf(revision);
  const name = `${set.metadata.name}-${ordinal}`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(template.metadata ?? {}),
      name,
      namespace: set.metadata.namespace,
      labels: {
        ...(template.metadata?.labels ?? {}),
        [REVISION_HASH_LABEL]: revision.metadata.name,
        'statefulset.kubernetes.io/pod-name': name,
        'apps.kubernetes.io/pod-index': String(ordinal),
      },
      ownerReferences: [controllerReference(set)],
    },
    spec: {
      ...(template.spec ?? { containers: [] }),
      hostname: name,
      ...(set.spec.serviceName ? { subdomain: set.spec.serviceName } : {}),
    },
    status: { phase: 'Pending', qosClass: 'BestEffort' },
  };
}

/**
 * @param {{ store: any, now: () => number, recorder: import('./events.js').EventRecorder, retry: () => void }} context
 */
export function createStatefulSetController({ store, now, recorder, retry }) {
  /** @param {any} set @param {any} pod @param {'create' | 'delete'} verb */
  function record(set, pod, verb) {
    recorder.record(set, {
      reason: verb === 'create' ? 'SuccessfulCreate' : 'SuccessfulDelete',
      message: `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`,
      component: COMPONENT,
    });
  }

  /**
   * One step towards the wanted pods; the next pass takes the next step, as the real
   * controller does after each pod event.
   * @param {any} set @param {any[]} pods @param {any} current @param {any} update
   */
  function stepPods(set, pods, current, update) {
    const replicas = set.spec.replicas ?? 1;
    const ordered = set.spec.podManagementPolicy !== 'Parallel';
    const strategy = set.spec.updateStrategy ?? {};
    const partition = strategy.rollingUpdate?.partition ?? 0;
    const byOrdinal = new Map(pods.map((pod) => [ordinalOf(set, pod), pod]));
    for (let ordinal = 0; ordinal < replicas; ordinal++) {
      const pod = byOrdinal.get(ordinal);
      if (!pod) {
        const keepsCurrent =
          strategy.type === 'RollingUpdate' &&
          (strategy.rollingUpdate
            ? ordinal < partition
            : ordinal < (set.status?.currentReplicas ?? 0));
        const created = store.create('pods', podFor(set, keepsCurrent ? current : update, ordinal));
        record(set, created, 'create');
        if (ordered) return;
        continue;
      }
      if (ordered && !isRunningAndReady(pod)) return;
    }
    const condemned = pods
      .filter((pod) => ordinalOf(set, pod) >= replicas || ordinalOf(set, pod) < 0)
      .sort((a, b) => ordinalOf(set, b) - ordinalOf(set, a));
    if (condemned.length > 0) {
      if (ordered && pods.some((pod) => !isRunningAndReady(pod))) return;
      for (const pod of ordered ? condemned.slice(0, 1) : condemned) {
        store.delete('pods', pod.metadata.namespace, pod.metadata.name);
        record(set, pod, 'delete');
      }
      return;
    }
    if (strategy.type !== 'RollingUpdate') return;
    // As in Kubernetes, an unhealthy pod halts the update: after reverting a broken template
    // the broken pod must be deleted by hand unless the policy is Parallel.
    for (let ordinal = replicas - 1; ordinal >= partition; ordinal--) {
      const pod = byOrdinal.get(ordinal);
      if (!pod) continue;
      if (pod.metadata.labels?.[REVISION_HASH_LABEL] !== update.metadata.name) {
        store.delete('pods', pod.metadata.namespace, pod.metadata.name);
        record(set, pod, 'delete');
        return;
      }
      if (!isRunningAndReady(pod)) return;
    }
  }

  /** @param {any} set */
  function syncStatefulSet(set) {
    const { revision: update, revisions } = syncUpdateRevision(store, set);
    const current =
      revisions.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
    /** @returns {any[]} */
    const owned = () =>
      store
        .list('pods', set.metadata.namespace)
        .filter((/** @type {any} */ pod) => isControlledBy(pod, set) && isPodActive(pod));
    stepPods(set, owned(), current, update);
    const pods = owned();
    const revisionOf = (/** @type {any} */ pod) => pod.metadata.labels?.[REVISION_HASH_LABEL];
    const status = {
      observedGeneration: set.metadata.generation,
      replicas: pods.length,
      readyReplicas: pods.filter(isPodReady).length,
      currentReplicas: pods.filter((pod) => revisionOf(pod) === current.metadata.name).length,
      updatedReplicas: pods.filter((pod) => revisionOf(pod) === update.metadata.name).length,
      availableReplicas: pods.filter((pod) =>
        isPodAvailable(pod, set.spec.minReadySeconds ?? 0, now()),
      ).length,
      currentRevision: current.metadata.name,
      updateRevision: update.metadata.name,
      collisionCount: 0,
    };
    // Deletion is immediate here, so a pod being replaced is simply missing; a real terminating
    // pod would still count in status.replicas and hold the revision back until it is back.
    if (
      set.spec.updateStrategy?.type === 'RollingUpdate' &&
      status.replicas >= (set.spec.replicas ?? 1) &&
      status.updatedReplicas === status.replicas &&
      status.readyReplicas === status.replicas
    ) {
      status.currentReplicas = status.updatedReplicas;
      status.currentRevision = status.updateRevision;
    }
    if (canonicalJson(status) !== canonicalJson(set.status ?? {})) {
      store.update('statefulsets', { ...set, status }, { subresource: 'status' });
    }
    const live = new Set([status.currentRevision, status.updateRevision, ...pods.map(revisionOf)]);
    pruneRevisions(store, revisions, live, set.spec.revisionHistoryLimit ?? 10);
  }

  return {
    sync() {
      for (const set of store.list('statefulsets', undefined)) {
        try {
          syncStatefulSet(set);
        } catch (error) {
          if (!isRetryable(error)) throw error;
          retry();
        }
      }
    },
  };
}
