// @ts-check
/**
 * The defaulting the real API server applies before storing an object, so that controllers never
 * need to write defaults themselves (which would bump metadata.generation).
 */

/** @param {Record<string, any>} target @param {Record<string, any>} values */
function fill(target, values) {
  for (const [key, value] of Object.entries(values))
    if (target[key] === undefined) target[key] = value;
}

/** @param {any} spec */
function defaultPodSpec(spec) {
  if (!spec) return;
  fill(spec, {
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    securityContext: {},
    schedulerName: 'default-scheduler',
  });
  for (const container of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    const tag = String(container.image ?? '')
      .split('@')[0]
      .split('/')
      .pop()
      ?.split(':')[1];
    fill(container, {
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      imagePullPolicy: tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent',
      resources: {},
    });
    for (const port of container.ports ?? []) fill(port, { protocol: 'TCP' });
  }
}

/**
 * Applies defaults in place; returns the object.
 * @param {string} resource
 * @param {any} object
 */
export function applyDefaults(resource, object) {
  const spec = object?.spec;
  if (!spec) return object;
  if (resource === 'deployments') {
    fill(spec, { replicas: 1, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 });
    spec.strategy = spec.strategy ?? {};
    fill(spec.strategy, { type: 'RollingUpdate' });
    if (spec.strategy.type === 'RollingUpdate') {
      spec.strategy.rollingUpdate = spec.strategy.rollingUpdate ?? {};
      fill(spec.strategy.rollingUpdate, { maxUnavailable: '25%', maxSurge: '25%' });
    }
    defaultPodSpec(spec.template?.spec);
  } else if (resource === 'statefulsets') {
    fill(spec, { replicas: 1, podManagementPolicy: 'OrderedReady', revisionHistoryLimit: 10 });
    // As in Kubernetes: rollingUpdate.partition is defaulted only when the strategy type was
    // left out or rollingUpdate was given, so `type: RollingUpdate` alone stays without it.
    spec.updateStrategy = spec.updateStrategy ?? {};
    if (!spec.updateStrategy.type) {
      spec.updateStrategy.type = 'RollingUpdate';
      spec.updateStrategy.rollingUpdate = spec.updateStrategy.rollingUpdate ?? {};
    }
    if (spec.updateStrategy.type === 'RollingUpdate' && spec.updateStrategy.rollingUpdate)
      fill(spec.updateStrategy.rollingUpdate, { partition: 0 });
    spec.persistentVolumeClaimRetentionPolicy = spec.persistentVolumeClaimRetentionPolicy ?? {};
    fill(spec.persistentVolumeClaimRetentionPolicy, {
      whenDeleted: 'Retain',
      whenScaled: 'Retain',
    });
    defaultPodSpec(spec.template?.spec);
  } else if (resource === 'daemonsets') {
    fill(spec, { revisionHistoryLimit: 10 });
    spec.updateStrategy = spec.updateStrategy ?? {};
    fill(spec.updateStrategy, { type: 'RollingUpdate' });
    if (spec.updateStrategy.type === 'RollingUpdate') {
      spec.updateStrategy.rollingUpdate = spec.updateStrategy.rollingUpdate ?? {};
      fill(spec.updateStrategy.rollingUpdate, { maxUnavailable: 1, maxSurge: 0 });
    }
    defaultPodSpec(spec.template?.spec);
  } else if (resource === 'replicasets') {
    fill(spec, { replicas: 1 });
    defaultPodSpec(spec.template?.spec);
  } else if (resource === 'jobs') {
    // As SetDefaults_Job: both counts 1 only when both are unset (a work queue sets parallelism).
    if (spec.completions === undefined && spec.parallelism === undefined) spec.completions = 1;
    fill(spec, {
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      ...(spec.podFailurePolicy ? {} : { podReplacementPolicy: 'TerminatingOrFailed' }),
    });
    const templateLabels = spec.template?.metadata?.labels;
    if (templateLabels && Object.keys(object.metadata?.labels ?? {}).length === 0) {
      object.metadata = { ...object.metadata, labels: { ...templateLabels } };
    }
    defaultPodSpec(spec.template?.spec);
  } else if (resource === 'pods') {
    defaultPodSpec(spec);
  } else if (resource === 'horizontalpodautoscalers') {
    fill(spec, { minReplicas: 1 });
  } else if (resource === 'services') {
    fill(spec, { type: 'ClusterIP', sessionAffinity: 'None' });
    for (const port of spec.ports ?? []) fill(port, { protocol: 'TCP', targetPort: port.port });
  }
  return object;
}
