// @ts-check
/**
 * The kinds the simulator serves. One row per resource; discovery, routing, OpenAPI and the store
 * all read this table so that a kind is added in one place.
 */

/**
 * @typedef {object} ResourceKind
 * @property {string} resource plural name used in URLs and as the store key
 * @property {string} singular
 * @property {string} kind
 * @property {string} group '' for the core group
 * @property {string} version
 * @property {boolean} namespaced
 * @property {string[]} shortNames
 * @property {string[]} subresources
 * @property {boolean} builtin false for kinds a real cluster serves from a CustomResourceDefinition
 */

const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

/** @type {ResourceKind[]} */
export const RESOURCE_KINDS = [
  row('namespaces', 'Namespace', '', 'v1', false, ['ns'], ['status']),
  row('pods', 'Pod', '', 'v1', true, ['po'], ['status', 'log']),
  row('services', 'Service', '', 'v1', true, ['svc'], ['status']),
  row('configmaps', 'ConfigMap', '', 'v1', true, ['cm'], []),
  row('secrets', 'Secret', '', 'v1', true, [], []),
  row('events', 'Event', '', 'v1', true, ['ev'], []),
  row('deployments', 'Deployment', 'apps', 'v1', true, ['deploy'], ['status', 'scale']),
  row('replicasets', 'ReplicaSet', 'apps', 'v1', true, ['rs'], ['status', 'scale']),
  row('statefulsets', 'StatefulSet', 'apps', 'v1', true, ['sts'], ['status', 'scale']),
  row('daemonsets', 'DaemonSet', 'apps', 'v1', true, ['ds'], ['status']),
  row('controllerrevisions', 'ControllerRevision', 'apps', 'v1', true, [], []),
  row('ingresses', 'Ingress', 'networking.k8s.io', 'v1', true, ['ing'], ['status']),
  row('jobs', 'Job', 'batch', 'v1', true, [], ['status']),
  row(
    'horizontalpodautoscalers',
    'HorizontalPodAutoscaler',
    'autoscaling',
    'v2',
    true,
    ['hpa'],
    ['status'],
  ),
  {
    ...row('httproutes', 'HTTPRoute', 'gateway.networking.k8s.io', 'v1', true, [], ['status']),
    builtin: false,
  },
  {
    ...row(
      'virtualservices',
      'VirtualService',
      'networking.istio.io',
      'v1',
      true,
      ['vs'],
      ['status'],
    ),
    builtin: false,
  },
];

/**
 * @param {string} resource
 * @param {string} kind
 * @param {string} group
 * @param {string} version
 * @param {boolean} namespaced
 * @param {string[]} shortNames
 * @param {string[]} subresources
 * @returns {ResourceKind}
 */
function row(resource, kind, group, version, namespaced, shortNames, subresources) {
  return {
    resource,
    singular: kind.toLowerCase(),
    kind,
    group,
    version,
    namespaced,
    shortNames,
    subresources,
    builtin: true,
  };
}

export const VERBS = ALL_VERBS;

/** @param {ResourceKind} kind */
export function apiVersionOf(kind) {
  return kind.group ? `${kind.group}/${kind.version}` : kind.version;
}

/**
 * @param {string} group
 * @param {string} version
 * @param {string} resource
 */
export function findKind(group, version, resource) {
  return RESOURCE_KINDS.find(
    (k) => k.group === group && k.version === version && k.resource === resource,
  );
}

/** @param {string} resource */
export function kindByResource(resource) {
  return RESOURCE_KINDS.find((k) => k.resource === resource);
}

/** Group/version pairs in discovery order. @returns {{group: string, version: string}[]} */
export function groupVersions() {
  /** @type {Map<string, {group: string, version: string}>} */
  const seen = new Map();
  for (const k of RESOURCE_KINDS)
    seen.set(`${k.group}/${k.version}`, { group: k.group, version: k.version });
  return [...seen.values()];
}

/**
 * Kubernetes' qualified resource name as used in messages: "deployments.apps", "pods".
 * @param {ResourceKind} kind
 */
export function qualifiedName(kind) {
  return kind.group ? `${kind.resource}.${kind.group}` : kind.resource;
}
