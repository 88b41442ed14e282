// @ts-check
/**
 * The Deployment controller, after kube-controller-manager's: one ReplicaSet per pod template,
 * revisions, rolling and recreate updates, status with the Available and Progressing conditions,
 * ScalingReplicaSet events and cleanup of old ReplicaSets.
 */
import {
  canonicalJson,
  podTemplateHash,
  POD_TEMPLATE_HASH_LABEL,
  templatesEqualIgnoringHash,
} from './hash.js';
import { isoSeconds } from './events.js';
import {
  byCreation,
  controllerReference,
  isControlledBy,
  isRetryable,
} from './replicaset-controller.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
const NOT_COPIED_TO_REPLICASET = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  'deprecated.deployment.rollback.to',
]);
const NO_PROGRESS_DEADLINE = 2147483647;

/**
 * An int-or-percent against a total: percentages round up for surge and down for unavailable.
 * @param {unknown} value
 * @param {number} total
 * @param {boolean} roundUp
 */
export function scaledValue(value, total, roundUp) {
  if (typeof value === 'number') return value;
  const text = String(value);
  const percent = /^(\d+)%$/.exec(text);
  if (percent) {
    const exact = (Number(percent[1]) * total) / 100;
    return roundUp ? Math.ceil(exact) : Math.floor(exact);
  }
  if (/^\d+$/.test(text)) return Number(text);
  throw new Error(
    `invalid value for IntOrString: "${text}" is neither an integer nor a percentage`,
  );
}

/** @param {any} deployment */
function isRollingUpdate(deployment) {
  return (deployment.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/**
 * maxSurge and maxUnavailable as pod counts; both zero would never make progress, so
 * unavailable becomes 1 (Kubernetes' ResolveFenceposts).
 * @param {any} deployment
 */
export function resolveFenceposts(deployment) {
  const replicas = deployment.spec.replicas ?? 1;
  const rolling = deployment.spec.strategy?.rollingUpdate ?? {};
  const maxSurge = scaledValue(rolling.maxSurge ?? '25%', replicas, true);
  let maxUnavailable = scaledValue(rolling.maxUnavailable ?? '25%', replicas, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

/** @param {any} deployment */
export function maxUnavailable(deployment) {
  const replicas = deployment.spec.replicas ?? 1;
  if (!isRollingUpdate(deployment) || replicas === 0) return 0;
  return Math.min(resolveFenceposts(deployment).maxUnavailable, replicas);
}

/** @param {any} deployment */
function maxSurge(deployment) {
  return isRollingUpdate(deployment) ? resolveFenceposts(deployment).maxSurge : 0;
}

/**
 * The spec fields the API server defaults, filled in when missing; undefined when none was.
 * @param {any} deployment
 */
export function withDefaults(deployment) {
  const spec = globalThis.structuredClone(deployment.spec ?? {});
  const before = canonicalJson(spec);
  spec.replicas ??= 1;
  spec.strategy ??= {};
  spec.strategy.type ??= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    spec.strategy.rollingUpdate.maxSurge ??= '25%';
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  return canonicalJson(spec) === before ? undefined : { ...deployment, spec };
}

/** @param {any} rs */
export function revisionOf(rs) {
  const revision = Number(rs?.metadata.annotations?.[REVISION_ANNOTATION]);
  return Number.isInteger(revision) ? revision : 0;
}

/** @param {any[]} replicaSets */
const specReplicas = (replicaSets) =>
  replicaSets.reduce((sum, rs) => sum + (rs?.spec.replicas ?? 0), 0);
/**
 * @param {any[]} replicaSets
 * @param {'replicas' | 'readyReplicas' | 'availableReplicas'} field
 */
const statusCount = (replicaSets, field) =>
  replicaSets.reduce((sum, rs) => sum + (rs?.status?.[field] ?? 0), 0);

/**
 * How many replicas the new ReplicaSet may have now.
 * @param {any} deployment
 * @param {any[]} allReplicaSets
 * @param {any} newReplicaSet
 */
export function newReplicaSetReplicas(deployment, allReplicaSets, newReplicaSet) {
  const replicas = deployment.spec.replicas ?? 1;
  if (!isRollingUpdate(deployment)) return replicas;
  const current = newReplicaSet?.spec.replicas ?? 0;
  const maxTotal = replicas + maxSurge(deployment);
  const podCount = specReplicas(allReplicaSets);
  if (podCount >= maxTotal) return current;
  return current + Math.min(maxTotal - podCount, replicas - current);
}

/**
 * @param {any} status
 * @param {string} type
 */
function conditionOf(status, type) {
  return (status?.conditions ?? []).find((/** @type {any} */ c) => c.type === type);
}

/**
 * Kubernetes' SetDeploymentCondition: same status and reason keeps the old condition untouched;
 * same status keeps lastTransitionTime.
 * @param {any} status
 * @param {any} condition
 */
function setCondition(status, condition) {
  const current = conditionOf(status, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return;
  if (current && current.status === condition.status)
    condition.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [
    ...(status.conditions ?? []).filter((/** @type {any} */ c) => c.type !== condition.type),
    condition,
  ];
}

/**
 * @param {string} type
 * @param {'True' | 'False'} status
 * @param {string} reason
 * @param {string} message
 * @param {number} nowMs
 */
function condition(type, status, reason, message, nowMs) {
  const time = isoSeconds(nowMs);
  return { type, status, lastUpdateTime: time, lastTransitionTime: time, reason, message };
}

/**
 * @param {any} deployment
 * @param {any} status
 */
export function deploymentComplete(deployment, status) {
  const replicas = deployment.spec.replicas ?? 1;
  return (
    status.updatedReplicas === replicas &&
    status.replicas === replicas &&
    status.availableReplicas === replicas &&
    status.observedGeneration >= deployment.metadata.generation
  );
}

/**
 * @param {any} deployment
 * @param {any} status
 */
function deploymentProgressing(deployment, status) {
  const old = deployment.status ?? {};
  const oldPending = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newPending = status.replicas - status.updatedReplicas;
  return (
    status.updatedReplicas > (old.updatedReplicas ?? 0) ||
    newPending < oldPending ||
    status.readyReplicas > (old.readyReplicas ?? 0) ||
    status.availableReplicas > (old.availableReplicas ?? 0)
  );
}

/** @param {any} deployment */
function hasProgressDeadline(deployment) {
  const seconds = deployment.spec.progressDeadlineSeconds;
  return seconds !== undefined && seconds !== null && seconds !== NO_PROGRESS_DEADLINE;
}

/**
 * @param {any} deployment
 * @param {any} status
 * @param {number} nowMs
 */
function deploymentTimedOut(deployment, status, nowMs) {
  const progressing = conditionOf(status, 'Progressing');
  if (!hasProgressDeadline(deployment) || !progressing) return false;
  if (progressing.reason === 'NewReplicaSetAvailable') return false;
  if (progressing.reason === 'ProgressDeadlineExceeded') return true;
  return (
    Date.parse(progressing.lastUpdateTime) + deployment.spec.progressDeadlineSeconds * 1000 < nowMs
  );
}

/**
 * The status the controller writes after a sync (calculateStatus + syncRolloutStatus).
 * @param {any} deployment with the conditions recorded earlier in this sync
 * @param {any[]} allReplicaSets
 * @param {any} newReplicaSet
 * @param {number} nowMs
 */
export function deploymentStatus(deployment, allReplicaSets, newReplicaSet, nowMs) {
  const replicas = deployment.spec.replicas ?? 1;
  const availableReplicas = statusCount(allReplicaSets, 'availableReplicas');
  /** @type {any} */
  const status = {
    observedGeneration: deployment.metadata.generation,
    replicas: statusCount(allReplicaSets, 'replicas'),
    updatedReplicas: statusCount(newReplicaSet ? [newReplicaSet] : [], 'replicas'),
    readyReplicas: statusCount(allReplicaSets, 'readyReplicas'),
    availableReplicas,
    unavailableReplicas: Math.max(0, specReplicas(allReplicaSets) - availableReplicas),
    conditions: globalThis.structuredClone(deployment.status?.conditions ?? []),
    ...(deployment.status?.collisionCount
      ? { collisionCount: deployment.status.collisionCount }
      : {}),
  };
  if (availableReplicas >= replicas - maxUnavailable(deployment)) {
    setCondition(
      status,
      condition(
        'Available',
        'True',
        'MinimumReplicasAvailable',
        'Deployment has minimum availability.',
        nowMs,
      ),
    );
  } else {
    setCondition(
      status,
      condition(
        'Available',
        'False',
        'MinimumReplicasUnavailable',
        'Deployment does not have minimum availability.',
        nowMs,
      ),
    );
  }
  if (!hasProgressDeadline(deployment)) {
    status.conditions = status.conditions.filter(
      (/** @type {any} */ c) => c.type !== 'Progressing',
    );
    return status;
  }
  const current = conditionOf(deployment.status, 'Progressing');
  const complete =
    status.replicas === status.updatedReplicas && current?.reason === 'NewReplicaSetAvailable';
  if (complete || deployment.spec.paused) return status;
  const subject = newReplicaSet
    ? `ReplicaSet "${newReplicaSet.metadata.name}"`
    : `Deployment "${deployment.metadata.name}"`;
  if (deploymentComplete(deployment, status)) {
    setCondition(
      status,
      condition(
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        `${subject} has successfully progressed.`,
        nowMs,
      ),
    );
  } else if (deploymentProgressing(deployment, status)) {
    // Progress moves lastUpdateTime even when the reason stays, which is what the deadline is measured from.
    const updated = condition(
      'Progressing',
      'True',
      'ReplicaSetUpdated',
      `${subject} is progressing.`,
      nowMs,
    );
    if (current?.status === 'True') updated.lastTransitionTime = current.lastTransitionTime;
    status.conditions = status.conditions.filter(
      (/** @type {any} */ c) => c.type !== 'Progressing',
    );
    status.conditions.push(updated);
  } else if (deploymentTimedOut(deployment, status, nowMs)) {
    setCondition(
      status,
      condition(
        'Progressing',
        'False',
        'ProgressDeadlineExceeded',
        `${subject} has timed out progressing.`,
        nowMs,
      ),
    );
  }
  return status;
}

/**
 * @param {{ store: any, now: () => number, recorder: import('./events.js').EventRecorder, retry: () => void }} context
 */
export function createDeploymentController({ store, now, recorder, retry }) {
  const component = 'deployment-controller';

  /**
   * @param {any} deployment
   * @param {any} rs
   * @param {number} replicas
   */
  function scaleReplicaSet(deployment, rs, replicas) {
    const annotations = {
      ...(rs.metadata.annotations ?? {}),
      [DESIRED_REPLICAS_ANNOTATION]: String(deployment.spec.replicas ?? 1),
      [MAX_REPLICAS_ANNOTATION]: String((deployment.spec.replicas ?? 1) + maxSurge(deployment)),
    };
    const from = rs.spec.replicas ?? 0;
    if (
      from === replicas &&
      canonicalJson(annotations) === canonicalJson(rs.metadata.annotations ?? {})
    )
      return rs;
    const updated = store.update('replicasets', {
      ...rs,
      metadata: { ...rs.metadata, annotations },
      spec: { ...rs.spec, replicas },
    });
    if (from !== replicas) {
      const direction = from < replicas ? 'up' : 'down';
      recorder.record(deployment, {
        reason: 'ScalingReplicaSet',
        message: `Scaled ${direction} replica set ${rs.metadata.name} from ${from} to ${replicas}`,
        component,
      });
    }
    return updated;
  }

  /**
   * @param {any} deployment
   * @param {any[]} replicaSets
   * @param {number} maxOldRevision
   */
  function createNewReplicaSet(deployment, replicaSets, maxOldRevision) {
    const hash = podTemplateHash(deployment.spec.template, deployment.status?.collisionCount);
    const template = globalThis.structuredClone(deployment.spec.template ?? {});
    template.metadata = {
      ...(template.metadata ?? {}),
      labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash },
    };
    const selector = globalThis.structuredClone(deployment.spec.selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
    const replicas = newReplicaSetReplicas(deployment, replicaSets, undefined);
    const copied = Object.entries(deployment.metadata.annotations ?? {}).filter(
      ([key]) => !NOT_COPIED_TO_REPLICASET.has(key),
    );
    const name = `${deployment.metadata.name}-${hash}`;
    let created;
    try {
      created = store.create('replicasets', {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name,
          namespace: deployment.metadata.namespace,
          labels: template.metadata.labels,
          annotations: {
            ...Object.fromEntries(copied),
            [DESIRED_REPLICAS_ANNOTATION]: String(deployment.spec.replicas ?? 1),
            [MAX_REPLICAS_ANNOTATION]: String(
              (deployment.spec.replicas ?? 1) + maxSurge(deployment),
            ),
            [REVISION_ANNOTATION]: String(maxOldRevision + 1),
          },
          ownerReferences: [controllerReference(deployment)],
        },
        spec: {
          replicas,
          minReadySeconds: deployment.spec.minReadySeconds ?? 0,
          selector,
          template,
        },
      });
    } catch (error) {
      if (/** @type {{ status?: number }} */ (error).status !== 409) throw error;
      // A ReplicaSet of that name with another template: hash again with a higher collisionCount.
      const collisionCount = (deployment.status?.collisionCount ?? 0) + 1;
      store.update(
        'deployments',
        { ...deployment, status: { ...(deployment.status ?? {}), collisionCount } },
        { subresource: 'status' },
      );
      return undefined;
    }
    if (replicas > 0) {
      recorder.record(deployment, {
        reason: 'ScalingReplicaSet',
        message: `Scaled up replica set ${name} to ${replicas}`,
        component,
      });
    }
    deployment.status ??= {};
    setCondition(
      deployment.status,
      condition(
        'Progressing',
        'True',
        'NewReplicaSetCreated',
        `Created new replica set "${name}"`,
        now(),
      ),
    );
    return created;
  }

  /**
   * Scale old ReplicaSets down as far as availability allows: unhealthy replicas first, then
   * the oldest sets (reconcileOldReplicaSets).
   * @param {any} deployment
   * @param {any[]} oldSets
   * @param {any} newSet
   */
  function scaleDownOld(deployment, oldSets, newSet) {
    const active = oldSets.filter((rs) => (rs.spec.replicas ?? 0) > 0);
    if (active.length === 0) return false;
    const replicas = deployment.spec.replicas ?? 1;
    const minAvailable = replicas - maxUnavailable(deployment);
    const newUnavailable = (newSet?.spec.replicas ?? 0) - (newSet?.status?.availableReplicas ?? 0);
    const allPods = specReplicas([...oldSets, newSet]);
    const maxScaledDown = allPods - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;
    let scaled = false;
    let cleaned = 0;
    const sorted = [...active].sort(byCreation);
    for (const [index, rs] of sorted.entries()) {
      if (cleaned >= maxScaledDown) break;
      const unhealthy = (rs.spec.replicas ?? 0) - (rs.status?.availableReplicas ?? 0);
      if (unhealthy <= 0) continue;
      const count = Math.min(maxScaledDown - cleaned, unhealthy);
      sorted[index] = scaleReplicaSet(deployment, rs, rs.spec.replicas - count);
      cleaned += count;
      scaled = true;
    }
    const available = statusCount([...sorted, newSet], 'availableReplicas');
    if (available > minAvailable) {
      const total = available - minAvailable;
      let done = 0;
      for (const rs of sorted) {
        if (done >= total) break;
        const current = rs.spec.replicas ?? 0;
        if (current === 0) continue;
        const count = Math.min(current, total - done);
        scaleReplicaSet(deployment, rs, current - count);
        done += count;
        scaled = true;
      }
    }
    return scaled;
  }

  /**
   * @param {any} deployment
   * @param {any[]} oldSets
   */
  function cleanupHistory(deployment, oldSets) {
    const limit = deployment.spec.revisionHistoryLimit;
    if (limit === undefined || limit === null) return;
    const excess = oldSets.length - limit;
    if (excess <= 0) return;
    const byRevision = [...oldSets].sort(
      (a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b),
    );
    for (const rs of byRevision.slice(0, excess)) {
      const idle = (rs.status?.replicas ?? 0) === 0 && (rs.spec.replicas ?? 0) === 0;
      if (!idle || (rs.metadata.generation ?? 1) > (rs.status?.observedGeneration ?? 0)) continue;
      store.delete('replicasets', rs.metadata.namespace, rs.metadata.name);
    }
  }

  /** @param {any} original */
  function syncDeployment(original) {
    const defaulted = withDefaults(original);
    if (defaulted) {
      store.update('deployments', defaulted);
      return;
    }
    let deployment = globalThis.structuredClone(original);
    const namespace = deployment.metadata.namespace;
    const owned = store
      .list('replicasets', namespace)
      .filter((/** @type {any} */ rs) => isControlledBy(rs, deployment))
      .sort(byCreation);
    let newSet = owned.find((/** @type {any} */ rs) =>
      templatesEqualIgnoringHash(rs.spec.template, deployment.spec.template),
    );
    let oldSets = owned.filter((/** @type {any} */ rs) => rs !== newSet);
    const maxOldRevision = Math.max(0, ...oldSets.map(revisionOf));
    const rolling = isRollingUpdate(deployment);
    const paused = deployment.spec.paused === true;

    if (newSet) {
      if (revisionOf(newSet) <= maxOldRevision) {
        newSet = store.update('replicasets', {
          ...newSet,
          metadata: {
            ...newSet.metadata,
            annotations: {
              ...(newSet.metadata.annotations ?? {}),
              [REVISION_ANNOTATION]: String(maxOldRevision + 1),
            },
          },
        });
      }
      if (!conditionOf(deployment.status, 'Progressing') && hasProgressDeadline(deployment)) {
        deployment.status ??= {};
        setCondition(
          deployment.status,
          condition(
            'Progressing',
            'True',
            'FoundNewReplicaSet',
            `Found new replica set "${newSet.metadata.name}"`,
            now(),
          ),
        );
      }
    } else if (rolling && !paused) {
      newSet = createNewReplicaSet(deployment, owned, maxOldRevision);
      if (!newSet) return;
    }

    const revision = newSet ? String(revisionOf(newSet)) : undefined;
    if (revision && deployment.metadata.annotations?.[REVISION_ANNOTATION] !== revision) {
      const updated = store.update('deployments', {
        ...deployment,
        metadata: {
          ...deployment.metadata,
          annotations: {
            ...(deployment.metadata.annotations ?? {}),
            [REVISION_ANNOTATION]: revision,
          },
        },
      });
      deployment = { ...updated, status: deployment.status };
    }

    const all = () => [...oldSets, ...(newSet ? [newSet] : [])];
    if (!paused) {
      if (rolling) {
        const replicas = deployment.spec.replicas ?? 1;
        const current = newSet.spec.replicas ?? 0;
        const target =
          current > replicas ? replicas : newReplicaSetReplicas(deployment, all(), newSet);
        if (target !== current) {
          newSet = scaleReplicaSet(deployment, newSet, target);
        } else if (
          !scaleDownOld(deployment, oldSets, newSet) &&
          deploymentComplete(deployment, deployment.status ?? {})
        ) {
          cleanupHistory(deployment, oldSets);
        }
      } else {
        syncRecreate(original, deployment);
        return;
      }
    }
    writeStatus(original, deployment, namespace, newSet);
  }

  /**
   * Recreate: every old pod goes before the new ReplicaSet is created or scaled up.
   * @param {any} original
   * @param {any} deployment
   */
  function syncRecreate(original, deployment) {
    const namespace = deployment.metadata.namespace;
    const owned = () =>
      store
        .list('replicasets', namespace)
        .filter((/** @type {any} */ rs) => isControlledBy(rs, deployment))
        .sort(byCreation);
    let sets = owned();
    let newSet = sets.find((/** @type {any} */ rs) =>
      templatesEqualIgnoringHash(rs.spec.template, deployment.spec.template),
    );
    const oldSets = sets.filter((/** @type {any} */ rs) => rs !== newSet);
    const scaledDown = oldSets.filter((/** @type {any} */ rs) => (rs.spec.replicas ?? 0) > 0);
    for (const rs of scaledDown) scaleReplicaSet(deployment, rs, 0);
    const oldPodsRunning = oldSets.some((/** @type {any} */ rs) => (rs.status?.replicas ?? 0) > 0);
    if (scaledDown.length === 0 && !oldPodsRunning) {
      if (!newSet) {
        newSet = createNewReplicaSet(deployment, sets, Math.max(0, ...oldSets.map(revisionOf)));
        if (!newSet) return;
        if (
          newSet.metadata.annotations[REVISION_ANNOTATION] !==
          deployment.metadata.annotations?.[REVISION_ANNOTATION]
        ) {
          const updated = store.update('deployments', {
            ...deployment,
            metadata: {
              ...deployment.metadata,
              annotations: {
                ...(deployment.metadata.annotations ?? {}),
                [REVISION_ANNOTATION]: newSet.metadata.annotations[REVISION_ANNOTATION],
              },
            },
          });
          deployment = { ...updated, status: deployment.status };
        }
      } else if ((newSet.spec.replicas ?? 0) !== (deployment.spec.replicas ?? 1)) {
        newSet = scaleReplicaSet(deployment, newSet, deployment.spec.replicas ?? 1);
      } else if (deploymentComplete(deployment, deployment.status ?? {})) {
        cleanupHistory(deployment, oldSets);
      }
    }
    sets = owned();
    newSet = sets.find((/** @type {any} */ rs) =>
      templatesEqualIgnoringHash(rs.spec.template, deployment.spec.template),
    );
    writeStatus(original, deployment, namespace, newSet);
  }

  /**
   * @param {any} original the deployment as read at the start of the sync
   * @param {any} deployment with metadata and conditions updated during the sync
   * @param {string} namespace
   * @param {any} newSet
   */
  function writeStatus(original, deployment, namespace, newSet) {
    const sets = store
      .list('replicasets', namespace)
      .filter((/** @type {any} */ rs) => isControlledBy(rs, deployment));
    const current = newSet
      ? sets.find((/** @type {any} */ rs) => rs.metadata.uid === newSet.metadata.uid)
      : undefined;
    const status = deploymentStatus(deployment, sets, current, now());
    if (canonicalJson(status) === canonicalJson(original.status ?? {})) return;
    const latest = store.get('deployments', namespace, deployment.metadata.name);
    if (!latest || latest.metadata.resourceVersion !== deployment.metadata.resourceVersion) {
      retry();
      return;
    }
    store.update('deployments', { ...latest, status }, { subresource: 'status' });
  }

  return {
    sync() {
      for (const deployment of store.list('deployments', undefined)) {
        try {
          syncDeployment(deployment);
        } catch (error) {
          if (!isRetryable(error)) throw error;
          retry();
        }
      }
    },
  };
}
