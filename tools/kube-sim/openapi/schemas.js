// @ts-check
/**
 * Hand-written structural schemas of the simulated kinds. They are minimal: the fields users put
 * in manifests are listed (so strict validation can reject a misspelt one), rarely used subtrees
 * are "open" (any content accepted), and every list carries the patch strategy and merge key of
 * the real API so strategic merge patches behave the same. They feed the served OpenAPI v3
 * documents, server-side strict field validation and the strategic-merge-patch engine.
 */

/**
 * @typedef {{ type: 'object', properties: Record<string, Schema> }
 *   | { type: 'open' }
 *   | { type: 'map', values: Schema }
 *   | { type: 'array', items: Schema, mergeKey?: string, strategy?: string }
 *   | { type: 'string' | 'integer' | 'boolean' | 'number' | 'int-or-string' }} Schema
 */

/** @param {Record<string, Schema>} properties @returns {Schema} */
export const obj = (properties) => ({ type: 'object', properties });
/** @type {Schema} */
export const open = { type: 'open' };
/** @type {Schema} */
const str = { type: 'string' };
/** @type {Schema} */
const int = { type: 'integer' };
/** @type {Schema} */
const bool = { type: 'boolean' };
/** @type {Schema} */
const intOrString = { type: 'int-or-string' };
/** @param {Schema} values @returns {Schema} */
const map = (values) => ({ type: 'map', values });
/** @param {Schema} items @param {string} [mergeKey] @param {string} [strategy] @returns {Schema} */
const list = (items, mergeKey, strategy = mergeKey ? 'merge' : undefined) => ({
  type: 'array',
  items,
  ...(mergeKey ? { mergeKey } : {}),
  ...(strategy ? { strategy } : {}),
});
const strings = list(str);
const stringMap = map(str);

const ownerReference = obj({
  apiVersion: str,
  kind: str,
  name: str,
  uid: str,
  controller: bool,
  blockOwnerDeletion: bool,
});

export const objectMeta = obj({
  name: str,
  generateName: str,
  namespace: str,
  selfLink: str,
  uid: str,
  resourceVersion: str,
  generation: int,
  creationTimestamp: str,
  deletionTimestamp: str,
  deletionGracePeriodSeconds: int,
  labels: stringMap,
  annotations: stringMap,
  ownerReferences: list(ownerReference, 'uid'),
  finalizers: list(str, undefined, 'merge'),
  managedFields: list(open),
});

const labelSelector = obj({
  matchLabels: stringMap,
  matchExpressions: list(obj({ key: str, operator: str, values: strings })),
});

const resources = obj({
  limits: map(intOrString),
  requests: map(intOrString),
  claims: list(open, 'name'),
});

const container = obj({
  name: str,
  image: str,
  command: strings,
  args: strings,
  workingDir: str,
  ports: list(
    obj({ containerPort: int, name: str, protocol: str, hostPort: int, hostIP: str }),
    'containerPort',
  ),
  envFrom: list(open),
  env: list(obj({ name: str, value: str, valueFrom: open }), 'name'),
  resources,
  resizePolicy: list(open),
  restartPolicy: str,
  volumeMounts: list(
    obj({
      name: str,
      mountPath: str,
      readOnly: bool,
      recursiveReadOnly: str,
      subPath: str,
      subPathExpr: str,
      mountPropagation: str,
    }),
    'mountPath',
  ),
  volumeDevices: list(open, 'devicePath'),
  livenessProbe: open,
  readinessProbe: open,
  startupProbe: open,
  lifecycle: open,
  terminationMessagePath: str,
  terminationMessagePolicy: str,
  imagePullPolicy: str,
  securityContext: open,
  stdin: bool,
  stdinOnce: bool,
  tty: bool,
});

export const podSpec = obj({
  volumes: list(open, 'name', 'merge,retainKeys'),
  initContainers: list(container, 'name'),
  containers: list(container, 'name'),
  ephemeralContainers: list(open, 'name'),
  restartPolicy: str,
  terminationGracePeriodSeconds: int,
  activeDeadlineSeconds: int,
  dnsPolicy: str,
  nodeSelector: stringMap,
  serviceAccountName: str,
  serviceAccount: str,
  automountServiceAccountToken: bool,
  nodeName: str,
  hostNetwork: bool,
  hostPID: bool,
  hostIPC: bool,
  shareProcessNamespace: bool,
  securityContext: open,
  imagePullSecrets: list(obj({ name: str }), 'name'),
  hostname: str,
  subdomain: str,
  affinity: open,
  schedulerName: str,
  tolerations: list(open),
  hostAliases: list(open, 'ip'),
  priorityClassName: str,
  priority: int,
  dnsConfig: open,
  readinessGates: list(open),
  runtimeClassName: str,
  enableServiceLinks: bool,
  preemptionPolicy: str,
  overhead: map(intOrString),
  topologySpreadConstraints: list(open, 'topologyKey'),
  setHostnameAsFQDN: bool,
  os: open,
  hostUsers: bool,
  schedulingGates: list(open, 'name'),
  resourceClaims: list(open, 'name'),
  resources: open,
});

const podTemplate = obj({ metadata: objectMeta, spec: podSpec });

/** Top-level shape shared by every kind. @param {Record<string, Schema>} body @returns {Schema} */
const kindSchema = (body) => obj({ apiVersion: str, kind: str, metadata: objectMeta, ...body });

/** @type {Record<string, Schema>} keyed by plural resource name */
export const KIND_SCHEMAS = {
  namespaces: kindSchema({ spec: obj({ finalizers: strings }), status: open }),
  pods: kindSchema({ spec: podSpec, status: open }),
  services: kindSchema({
    spec: obj({
      ports: list(
        obj({
          name: str,
          protocol: str,
          appProtocol: str,
          port: int,
          targetPort: intOrString,
          nodePort: int,
        }),
        'port',
      ),
      selector: stringMap,
      clusterIP: str,
      clusterIPs: strings,
      type: str,
      externalIPs: strings,
      sessionAffinity: str,
      loadBalancerIP: str,
      loadBalancerSourceRanges: strings,
      externalName: str,
      externalTrafficPolicy: str,
      healthCheckNodePort: int,
      publishNotReadyAddresses: bool,
      sessionAffinityConfig: open,
      ipFamilies: strings,
      ipFamilyPolicy: str,
      allocateLoadBalancerNodePorts: bool,
      loadBalancerClass: str,
      internalTrafficPolicy: str,
      trafficDistribution: str,
    }),
    status: open,
  }),
  configmaps: kindSchema({ data: stringMap, binaryData: stringMap, immutable: bool }),
  secrets: kindSchema({ data: stringMap, stringData: stringMap, type: str, immutable: bool }),
  events: kindSchema({
    involvedObject: obj({
      kind: str,
      namespace: str,
      name: str,
      uid: str,
      apiVersion: str,
      resourceVersion: str,
      fieldPath: str,
    }),
    reason: str,
    message: str,
    source: obj({ component: str, host: str }),
    firstTimestamp: str,
    lastTimestamp: str,
    count: int,
    type: str,
    eventTime: str,
    series: open,
    action: str,
    related: open,
    reportingComponent: str,
    reportingInstance: str,
  }),
  deployments: kindSchema({
    spec: obj({
      replicas: int,
      selector: labelSelector,
      template: podTemplate,
      strategy: obj({
        type: str,
        rollingUpdate: obj({ maxUnavailable: intOrString, maxSurge: intOrString }),
      }),
      minReadySeconds: int,
      revisionHistoryLimit: int,
      paused: bool,
      progressDeadlineSeconds: int,
    }),
    status: open,
  }),
  replicasets: kindSchema({
    spec: obj({
      replicas: int,
      minReadySeconds: int,
      selector: labelSelector,
      template: podTemplate,
    }),
    status: open,
  }),
  statefulsets: kindSchema({
    spec: obj({
      replicas: int,
      selector: labelSelector,
      template: podTemplate,
      volumeClaimTemplates: list(open),
      serviceName: str,
      podManagementPolicy: str,
      updateStrategy: obj({
        type: str,
        rollingUpdate: obj({ partition: int, maxUnavailable: intOrString }),
      }),
      revisionHistoryLimit: int,
      minReadySeconds: int,
      persistentVolumeClaimRetentionPolicy: obj({ whenDeleted: str, whenScaled: str }),
      ordinals: obj({ start: int }),
    }),
    status: open,
  }),
  daemonsets: kindSchema({
    spec: obj({
      selector: labelSelector,
      template: podTemplate,
      updateStrategy: obj({
        type: str,
        rollingUpdate: obj({ maxUnavailable: intOrString, maxSurge: intOrString }),
      }),
      minReadySeconds: int,
      revisionHistoryLimit: int,
    }),
    status: open,
  }),
  controllerrevisions: kindSchema({ data: open, revision: int }),
  jobs: kindSchema({
    spec: obj({
      parallelism: int,
      completions: int,
      activeDeadlineSeconds: int,
      podFailurePolicy: open,
      successPolicy: open,
      backoffLimit: int,
      backoffLimitPerIndex: int,
      maxFailedIndexes: int,
      selector: labelSelector,
      manualSelector: bool,
      template: podTemplate,
      ttlSecondsAfterFinished: int,
      completionMode: str,
      suspend: bool,
      podReplacementPolicy: str,
      managedBy: str,
    }),
    status: open,
  }),
  ingresses: kindSchema({
    spec: obj({ ingressClassName: str, defaultBackend: open, tls: list(open), rules: list(open) }),
    status: open,
  }),
  httproutes: kindSchema({ spec: open, status: open }),
  virtualservices: kindSchema({ spec: open, status: open }),
  // metrics and behavior are kept as given: kube-sim has no metrics, only a recommendation.
  horizontalpodautoscalers: kindSchema({
    spec: obj({
      scaleTargetRef: obj({ apiVersion: str, kind: str, name: str }),
      minReplicas: int,
      maxReplicas: int,
      metrics: list(open),
      behavior: open,
    }),
    status: open,
  }),
};

/** The Scale subresource body (autoscaling/v1). */
export const scaleSchema = kindSchema({
  spec: obj({ replicas: int }),
  status: obj({ replicas: int, selector: str }),
});

/**
 * The child schema under a map key, or undefined when the parent is open or unknown.
 * @param {Schema | undefined} schema
 * @param {string} key
 * @returns {Schema | undefined}
 */
export function childSchema(schema, key) {
  if (!schema) return undefined;
  if (schema.type === 'object') return schema.properties[key];
  if (schema.type === 'map') return schema.values;
  return undefined;
}
