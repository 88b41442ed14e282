// @ts-check
/**
 * Discovery documents: /version, /api, /apis and the per-group-version APIResourceLists.
 */
import { RESOURCE_KINDS, VERBS, groupVersions } from './resources.js';

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: '59526cd4867447956156ae3a602fcbac10a2c335',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T16:00:00Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function coreVersions() {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
  };
}

export function apiGroupList() {
  const groups = groupVersions().filter((gv) => gv.group !== '');
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((gv) => {
      const version = { groupVersion: `${gv.group}/${gv.version}`, version: gv.version };
      return { name: gv.group, versions: [version], preferredVersion: version };
    }),
  };
}

// The kinds `kubectl get all` shows.
const IN_CATEGORY_ALL = new Set([
  'pods',
  'services',
  'deployments',
  'replicasets',
  'statefulsets',
  'daemonsets',
  'jobs',
  'horizontalpodautoscalers',
]);

const SUBRESOURCE_SHAPES = {
  status: { verbs: ['get', 'patch', 'update'] },
  scale: { verbs: ['get', 'patch', 'update'], group: 'autoscaling', version: 'v1', kind: 'Scale' },
  log: { verbs: ['get'], kind: 'Pod' },
};

/**
 * @param {string} group
 * @param {string} version
 * @returns {object | undefined}
 */
export function apiResourceList(group, version) {
  const kinds = RESOURCE_KINDS.filter((k) => k.group === group && k.version === version);
  if (kinds.length === 0) return undefined;
  const resources = [];
  for (const k of kinds) {
    resources.push({
      name: k.resource,
      singularName: k.singular,
      namespaced: k.namespaced,
      kind: k.kind,
      verbs: VERBS,
      ...(k.shortNames.length ? { shortNames: k.shortNames } : {}),
      ...(IN_CATEGORY_ALL.has(k.resource) ? { categories: ['all'] } : {}),
    });
    for (const sub of k.subresources) {
      const shape = SUBRESOURCE_SHAPES[/** @type {keyof typeof SUBRESOURCE_SHAPES} */ (sub)];
      resources.push({
        name: `${k.resource}/${sub}`,
        singularName: '',
        namespaced: k.namespaced,
        ...('group' in shape ? { group: shape.group, version: shape.version } : {}),
        kind: 'kind' in shape ? shape.kind : k.kind,
        verbs: shape.verbs,
      });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}
