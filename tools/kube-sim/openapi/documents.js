// @ts-check
/**
 * OpenAPI v3 documents in the layout kube-apiserver serves: an index at /openapi/v3 whose paths
 * point at one document per group/version with a content hash in the query string.
 */
import { createHash } from 'node:crypto';
import { RESOURCE_KINDS, groupVersions } from '../resources.js';
import { KIND_SCHEMAS, scaleSchema } from './schemas.js';

/** @typedef {import('./schemas.js').Schema} Schema */
/** @typedef {import('../resources.js').ResourceKind} ResourceKind */

const SCHEMA_PREFIX = {
  '': 'io.k8s.api.core.v1',
  apps: 'io.k8s.api.apps.v1',
  batch: 'io.k8s.api.batch.v1',
  'networking.k8s.io': 'io.k8s.api.networking.v1',
  'gateway.networking.k8s.io': 'io.k8s.networking.gateway.v1',
  'networking.istio.io': 'io.istio.networking.v1',
  autoscaling: 'io.k8s.api.autoscaling.v2',
};

/** @param {ResourceKind} kind */
export function schemaName(kind) {
  return `${SCHEMA_PREFIX[/** @type {keyof typeof SCHEMA_PREFIX} */ (kind.group)]}.${kind.kind}`;
}

/** @param {Schema} schema @returns {Record<string, unknown>} */
export function toOpenApi(schema) {
  switch (schema.type) {
    case 'object':
      return {
        type: 'object',
        properties: Object.fromEntries(
          Object.entries(schema.properties).map(([k, v]) => [k, toOpenApi(v)]),
        ),
      };
    case 'open':
      return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    case 'map':
      return { type: 'object', additionalProperties: toOpenApi(schema.values) };
    case 'array':
      return {
        type: 'array',
        items: toOpenApi(schema.items),
        ...(schema.mergeKey ? { 'x-kubernetes-patch-merge-key': schema.mergeKey } : {}),
        ...(schema.strategy ? { 'x-kubernetes-patch-strategy': schema.strategy } : {}),
      };
    case 'int-or-string':
      return {
        'x-kubernetes-int-or-string': true,
        anyOf: [{ type: 'integer' }, { type: 'string' }],
      };
    default:
      return { type: schema.type };
  }
}

/** @param {ResourceKind} kind */
function gvk(kind) {
  return { group: kind.group, version: kind.version, kind: kind.kind };
}

/** @param {string} name @param {string} where */
const param = (name, where = 'query') => ({
  name,
  in: where,
  ...(where === 'path' ? { required: true } : {}),
  schema: { type: where === 'query' && name === 'force' ? 'boolean' : 'string', uniqueItems: true },
});

/** @param {string} ref */
const jsonBody = (ref) => ({
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } },
  required: true,
});

/** @param {string} ref */
const okResponse = (ref) => ({
  200: {
    description: 'OK',
    content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } },
  },
});

/**
 * @param {ResourceKind} kind
 * @param {string} ref
 * @param {Record<string, unknown>} target the GVK that kubectl looks up on PATCH operations
 */
function patchOperation(kind, ref, target) {
  // Built-in kinds accept strategic merge patches; custom resources do not, and kubectl reads
  // exactly this list to choose between a strategic and a JSON merge patch.
  const types = ['application/json-patch+json', 'application/merge-patch+json'];
  if (kind.builtin) types.push('application/strategic-merge-patch+json');
  types.push('application/apply-patch+yaml');
  return {
    operationId: `patch${kind.kind}`,
    parameters: ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((n) => param(n)),
    requestBody: {
      content: Object.fromEntries(
        types.map((t) => [
          t,
          { schema: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } },
        ]),
      ),
      required: true,
    },
    responses: okResponse(ref),
    'x-kubernetes-action': 'patch',
    'x-kubernetes-group-version-kind': target,
  };
}

/**
 * @param {ResourceKind} kind
 * @returns {Record<string, unknown>}
 */
function kindPaths(kind) {
  const prefix = kind.group ? `/apis/${kind.group}/${kind.version}` : `/api/${kind.version}`;
  const base = kind.namespaced
    ? `${prefix}/namespaces/{namespace}/${kind.resource}`
    : `${prefix}/${kind.resource}`;
  const ref = schemaName(kind);
  const target = gvk(kind);
  const pathParams = kind.namespaced ? [param('namespace', 'path')] : [];
  const writeParams = ['dryRun', 'fieldManager', 'fieldValidation'].map((n) => param(n));
  /** @type {Record<string, unknown>} */
  const paths = {
    [base]: {
      get: {
        operationId: `list${kind.kind}`,
        responses: { 200: { description: 'OK' } },
        'x-kubernetes-action': 'list',
        'x-kubernetes-group-version-kind': target,
      },
      post: {
        operationId: `create${kind.kind}`,
        parameters: writeParams,
        requestBody: jsonBody(ref),
        responses: okResponse(ref),
        'x-kubernetes-action': 'post',
        'x-kubernetes-group-version-kind': target,
      },
      parameters: pathParams,
    },
    [`${base}/{name}`]: {
      get: {
        operationId: `read${kind.kind}`,
        responses: okResponse(ref),
        'x-kubernetes-action': 'get',
        'x-kubernetes-group-version-kind': target,
      },
      put: {
        operationId: `replace${kind.kind}`,
        parameters: writeParams,
        requestBody: jsonBody(ref),
        responses: okResponse(ref),
        'x-kubernetes-action': 'put',
        'x-kubernetes-group-version-kind': target,
      },
      patch: patchOperation(kind, ref, target),
      delete: {
        operationId: `delete${kind.kind}`,
        responses: { 200: { description: 'OK' } },
        'x-kubernetes-action': 'delete',
        'x-kubernetes-group-version-kind': target,
      },
      parameters: [param('name', 'path'), ...pathParams],
    },
  };
  if (kind.subresources.includes('scale')) {
    const scaleTarget = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
    paths[`${base}/{name}/scale`] = {
      get: {
        operationId: `read${kind.kind}Scale`,
        responses: okResponse('io.k8s.api.autoscaling.v1.Scale'),
        'x-kubernetes-action': 'get',
        'x-kubernetes-group-version-kind': scaleTarget,
      },
      put: {
        operationId: `replace${kind.kind}Scale`,
        parameters: writeParams,
        requestBody: jsonBody('io.k8s.api.autoscaling.v1.Scale'),
        responses: okResponse('io.k8s.api.autoscaling.v1.Scale'),
        'x-kubernetes-action': 'put',
        'x-kubernetes-group-version-kind': scaleTarget,
      },
      patch: {
        ...patchOperation(kind, 'io.k8s.api.autoscaling.v1.Scale', scaleTarget),
        operationId: `patch${kind.kind}Scale`,
      },
      parameters: [param('name', 'path'), ...pathParams],
    };
  }
  return paths;
}

/**
 * The OpenAPI v3 document of one group/version.
 * @param {string} group
 * @param {string} version
 */
export function groupVersionDocument(group, version) {
  const kinds = RESOURCE_KINDS.filter((k) => k.group === group && k.version === version);
  /** @type {Record<string, unknown>} */
  const schemas = {
    'io.k8s.apimachinery.pkg.apis.meta.v1.Patch': {
      type: 'object',
      description: 'A patch document.',
    },
  };
  /** @type {Record<string, unknown>} */
  let paths = {};
  for (const kind of kinds) {
    schemas[schemaName(kind)] = {
      ...toOpenApi(KIND_SCHEMAS[kind.resource]),
      'x-kubernetes-group-version-kind': [gvk(kind)],
    };
    paths = { ...paths, ...kindPaths(kind) };
  }
  if (kinds.some((k) => k.subresources.includes('scale'))) {
    schemas['io.k8s.api.autoscaling.v1.Scale'] = {
      ...toOpenApi(scaleSchema),
      'x-kubernetes-group-version-kind': [{ group: 'autoscaling', version: 'v1', kind: 'Scale' }],
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.4' },
    paths,
    components: { schemas },
  };
}

/** @param {{group: string, version: string}} gv */
export function groupVersionPath(gv) {
  return gv.group ? `apis/${gv.group}/${gv.version}` : `api/${gv.version}`;
}

/**
 * All documents keyed by their index path ("apis/apps/v1"), each with its serialized body and hash.
 * @returns {Map<string, {body: string, hash: string}>}
 */
export function buildOpenApiDocuments() {
  /** @type {Map<string, {body: string, hash: string}>} */
  const docs = new Map();
  for (const gv of groupVersions()) {
    const body = JSON.stringify(groupVersionDocument(gv.group, gv.version));
    const hash = createHash('sha512').update(body).digest('hex').toUpperCase();
    docs.set(groupVersionPath(gv), { body, hash });
  }
  return docs;
}

/** @param {Map<string, {body: string, hash: string}>} docs */
export function openApiIndex(docs) {
  return {
    paths: Object.fromEntries(
      [...docs].map(([path, doc]) => [
        path,
        { serverRelativeURL: `/openapi/v3/${path}?hash=${doc.hash}` },
      ]),
    ),
  };
}
