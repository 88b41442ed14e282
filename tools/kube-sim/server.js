// @ts-check
/**
 * The HTTP API server: authentication, fault injection, discovery, OpenAPI and REST for every
 * kind in resources.js, backed by the ObjectStore. startKubeSim wires it to the controllers.
 */
import { createServer } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { ObjectStore, StoreError } from './store.js';
import { WatchHub, status, withTypeMeta } from './watch.js';
import { Faults } from './faults.js';
import { kubeconfigText, writeKubeconfig } from './kubeconfig.js';
import { SERVER_VERSION, coreVersions, apiGroupList, apiResourceList } from './discovery.js';
import { buildOpenApiDocuments, openApiIndex } from './openapi/documents.js';
import { strictProblems } from './openapi/validate.js';
import { KIND_SCHEMAS, scaleSchema } from './openapi/schemas.js';
import { findKind, apiVersionOf, qualifiedName } from './resources.js';
import {
  parseFieldSelector,
  parseLabelSelector,
  labelSelectorToString,
  SelectorError,
} from './selectors.js';
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  applyServerSide,
  PatchError,
} from './patch.js';
import { startControllers } from './controller.js';
import { createServingCertificate } from './tls.js';
import {
  forwardToBackend,
  parseServiceBackends,
  parseServiceProxyPath,
  resolveServiceBackend,
} from './service-proxy.js';

/** @typedef {import('./resources.js').ResourceKind} ResourceKind */
/** @typedef {import('node:http').IncomingMessage} Request */
/** @typedef {import('node:http').ServerResponse} Response */
/** @typedef {{ kind: ResourceKind, namespace: string | undefined, name: string | undefined, subresource: string | undefined }} Target */

class HttpError extends Error {
  /** @param {number} code @param {string} reason @param {string} message @param {Record<string, unknown>} [details] */
  constructor(code, reason, message, details) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }
}

const HEALTH_PATHS = new Set(['/healthz', '/livez', '/readyz']);

/**
 * Maps a URL path to the kind, namespace, name and subresource it addresses.
 * @param {string[]} parts path segments after /api/v1 or /apis/<group>/<version>
 * @param {string} group
 * @param {string} version
 * @returns {Target | undefined}
 */
export function resolveTarget(parts, group, version) {
  let namespace;
  let rest = parts;
  const namespacedPath =
    parts[0] === 'namespaces' && parts.length >= 3 && !['status', 'finalize'].includes(parts[2]);
  if (namespacedPath) {
    namespace = parts[1];
    rest = parts.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  if (!resource || extra.length > 0) return undefined;
  const kind = findKind(group, version, resource);
  if (!kind) return undefined;
  if (namespacedPath && !kind.namespaced) return undefined;
  if (subresource && !kind.subresources.includes(subresource)) return undefined;
  return { kind, namespace, name, subresource };
}

/** @param {Request} req */
async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** @param {Response} res @param {number} code @param {unknown} body @param {Record<string, string>} [headers] */
function sendJson(res, code, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** @param {any} object */
function scaleOf(object) {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: object.metadata.name,
      namespace: object.metadata.namespace,
      uid: object.metadata.uid,
      resourceVersion: object.metadata.resourceVersion,
      creationTimestamp: object.metadata.creationTimestamp,
    },
    spec: { replicas: object.spec?.replicas ?? 1 },
    status: {
      replicas: object.status?.replicas ?? 0,
      selector: labelSelectorToString(object.spec?.selector),
    },
  };
}

/**
 * @param {ResourceKind} kind
 * @param {string[]} problems
 */
function strictError(kind, problems) {
  return new HttpError(
    400,
    'BadRequest',
    `${kind.kind} in version "${kind.version}" cannot be handled as a ${kind.kind}: strict decoding error: ${problems.join(', ')}`,
  );
}

/** @param {string} text @param {string} contentType */
function parseBody(text, contentType) {
  try {
    return contentType.includes('yaml') ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new HttpError(
      400,
      'BadRequest',
      `error decoding request body: ${/** @type {Error} */ (error).message}`,
    );
  }
}

/**
 * An API server over `store`. Returns the node http.Server, not yet listening.
 * @param {{ store: ObjectStore, token: string, hub: WatchHub, faults: Faults, tls: { cert: string, key: string }, backends?: import('./service-proxy.js').ServiceBackend[] }} deps
 */
export function createApiServer({ store, token, hub, faults, tls, backends = [] }) {
  const openApiDocs = buildOpenApiDocuments();
  /** last object each server-side-apply manager applied, so omitted fields can be removed */
  const appliedByManager = new Map();

  /** @param {Request} req @param {Response} res */
  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://kube-sim');
    if (!(await faults.admit(req, res, url.pathname, HEALTH_PATHS.has(url.pathname)))) return;
    if (HEALTH_PATHS.has(url.pathname)) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (faults.delayMs > 0) await sleep(faults.delayMs);
    if (req.headers.authorization !== `Bearer ${token}`)
      throw new HttpError(401, 'Unauthorized', 'Unauthorized');
    const injected = faults.takeFailure();
    if (injected === 429) {
      throw new HttpError(
        429,
        'TooManyRequests',
        'the server has received too many requests and has asked us to try again later',
        {
          retryAfterSeconds: 1,
        },
      );
    }
    if (injected === 500)
      throw new HttpError(500, 'InternalError', 'Internal error occurred: injected fault');
    if (injected === 503)
      throw new HttpError(
        503,
        'ServiceUnavailable',
        'the server is currently unable to handle the request',
      );

    const proxied = parseServiceProxyPath(url.pathname);
    if (proxied) {
      const backend = resolveServiceBackend({ store, backends, ...proxied });
      return forwardToBackend(req, res, backend, proxied.path, url.search);
    }
    const parts = url.pathname.split('/').filter((p) => p !== '');
    if (url.pathname === '/version') return sendJson(res, 200, SERVER_VERSION);
    if (url.pathname === '/api') return sendJson(res, 200, coreVersions());
    if (url.pathname === '/apis') return sendJson(res, 200, apiGroupList());
    if (parts[0] === 'openapi') return serveOpenApi(res, parts);
    /** @type {Target | undefined} */
    let target;
    if (parts[0] === 'api' && parts.length >= 2) {
      if (parts.length === 2) return sendDiscovery(res, '', parts[1]);
      target = resolveTarget(parts.slice(2), '', parts[1]);
    } else if (parts[0] === 'apis' && parts.length >= 3) {
      if (parts.length === 3) return sendDiscovery(res, parts[1], parts[2]);
      target = resolveTarget(parts.slice(3), parts[1], parts[2]);
    }
    if (!target)
      throw new HttpError(404, 'NotFound', 'the server could not find the requested resource');
    await serveResource(req, res, url, target);
  }

  /** @param {Response} res @param {string} group @param {string} version */
  function sendDiscovery(res, group, version) {
    const list = apiResourceList(group, version);
    if (!list)
      throw new HttpError(404, 'NotFound', 'the server could not find the requested resource');
    sendJson(res, 200, list);
  }

  /** @param {Response} res @param {string[]} parts */
  function serveOpenApi(res, parts) {
    if (parts[1] !== 'v3')
      throw new HttpError(404, 'NotFound', 'the server could not find the requested resource');
    if (parts.length === 2) return sendJson(res, 200, openApiIndex(openApiDocs));
    const doc = openApiDocs.get(parts.slice(2).join('/'));
    if (!doc)
      throw new HttpError(404, 'NotFound', 'the server could not find the requested resource');
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(doc.body),
    });
    res.end(doc.body);
  }

  /**
   * @param {Request} req
   * @param {Response} res
   * @param {URL} url
   * @param {Target} target
   */
  async function serveResource(req, res, url, target) {
    const { kind, name, subresource } = target;
    const namespace = kind.namespaced ? target.namespace : undefined;
    const method = req.method ?? 'GET';
    if (kind.namespaced && name !== undefined && namespace === undefined) {
      throw new HttpError(404, 'NotFound', 'the server could not find the requested resource');
    }
    if (name === undefined) {
      if (method === 'GET') return serveCollection(res, url, kind, namespace);
      if (method === 'POST') return createObject(req, res, url, kind, namespace);
      if (method === 'DELETE')
        return deleteCollection(res, url, kind, namespace, await isDryRunDelete(req, url));
      throw new HttpError(
        405,
        'MethodNotAllowed',
        `the server does not allow this method on the requested resource`,
      );
    }
    if (subresource === 'log') {
      if (method !== 'GET')
        throw new HttpError(
          405,
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource',
        );
      return servePodLog(res, url, /** @type {string} */ (namespace), name);
    }
    if (method === 'GET') {
      const object = mustGet(kind, namespace, name);
      return sendJson(
        res,
        200,
        subresource === 'scale' ? scaleOf(object) : withTypeMeta(kind, object),
      );
    }
    if (method === 'PUT') return replaceObject(req, res, url, kind, namespace, name, subresource);
    if (method === 'PATCH') return patchObject(req, res, url, kind, namespace, name, subresource);
    if (method === 'DELETE' && !subresource) {
      const dryRun = await isDryRunDelete(req, url);
      const deleted = store.delete(kind.resource, namespace, name, { dryRun });
      return sendJson(res, 200, withTypeMeta(kind, deleted));
    }
    throw new HttpError(
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
    );
  }

  /** @param {ResourceKind} kind @param {string | undefined} namespace @param {string} name */
  function mustGet(kind, namespace, name) {
    const object = store.get(kind.resource, namespace, name);
    if (!object) {
      throw new HttpError(404, 'NotFound', `${qualifiedName(kind)} "${name}" not found`, {
        name,
        group: kind.group,
        kind: kind.resource,
      });
    }
    return object;
  }

  /** @param {Response} res @param {URL} url @param {ResourceKind} kind @param {string | undefined} namespace */
  function serveCollection(res, url, kind, namespace) {
    const q = url.searchParams;
    const labelSelector = q.get('labelSelector') ?? undefined;
    const fieldSelector = q.get('fieldSelector') ?? undefined;
    if (q.get('watch') === 'true' || q.get('watch') === '1') {
      let labels;
      let fields;
      try {
        labels = parseLabelSelector(labelSelector);
        fields = parseFieldSelector(fieldSelector);
      } catch (error) {
        if (error instanceof SelectorError) throw new HttpError(400, 'BadRequest', error.message);
        throw error;
      }
      const timeout = Number(q.get('timeoutSeconds'));
      hub.serve(res, {
        kind,
        namespace,
        labels,
        fields,
        resourceVersion: q.get('resourceVersion') ?? undefined,
        bookmarks: q.get('allowWatchBookmarks') === 'true',
        sendInitialEvents: q.get('sendInitialEvents') === 'true',
        timeoutSeconds: Number.isFinite(timeout) && timeout > 0 ? timeout : undefined,
      });
      return;
    }
    const resourceVersion = store.resourceVersion;
    let items = store.list(kind.resource, namespace, { labelSelector, fieldSelector });
    const limit = Number(q.get('limit') ?? 0);
    const token = q.get('continue');
    if (token) {
      const after = decodeContinue(token);
      items = items.filter((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > after);
    }
    /** @type {Record<string, unknown>} */
    const metadata = { resourceVersion };
    if (limit > 0 && items.length > limit) {
      const last = items[limit - 1];
      metadata.continue = Buffer.from(
        JSON.stringify({
          v: 'meta.k8s.io/v1',
          start: `${last.metadata.namespace ?? ''}/${last.metadata.name}`,
        }),
      ).toString('base64url');
      metadata.remainingItemCount = items.length - limit;
      items = items.slice(0, limit);
    }
    sendJson(res, 200, {
      kind: `${kind.kind}List`,
      apiVersion: apiVersionOf(kind),
      metadata,
      items,
    });
  }

  /**
   * @param {Response} res @param {URL} url @param {ResourceKind} kind
   * @param {string | undefined} namespace @param {boolean} dryRun
   */
  function deleteCollection(res, url, kind, namespace, dryRun) {
    const items = store.list(kind.resource, namespace, {
      labelSelector: url.searchParams.get('labelSelector') ?? undefined,
      fieldSelector: url.searchParams.get('fieldSelector') ?? undefined,
    });
    const deleted = items.map((o) =>
      store.delete(kind.resource, o.metadata.namespace, o.metadata.name, { dryRun }),
    );
    sendJson(res, 200, {
      kind: `${kind.kind}List`,
      apiVersion: apiVersionOf(kind),
      metadata: { resourceVersion: store.resourceVersion },
      items: deleted,
    });
  }

  /**
   * Validates per the fieldValidation parameter (Strict, Warn — the default — or Ignore).
   * @param {URL} url @param {Response} res @param {ResourceKind} kind @param {unknown} object
   */
  function validateFields(url, res, kind, object) {
    const mode = url.searchParams.get('fieldValidation') ?? 'Warn';
    if (mode === 'Ignore') return;
    const problems = strictProblems(kind.resource, object);
    if (problems.length === 0) return;
    if (mode === 'Strict') throw strictError(kind, problems);
    res.setHeader(
      'Warning',
      problems.map((p) => `299 - ${JSON.stringify(p)}`),
    );
  }

  /** @param {ResourceKind} kind @param {any} object @param {string | undefined} namespace @param {string} [name] */
  function checkIdentity(kind, object, namespace, name) {
    if (typeof object !== 'object' || object === null || Array.isArray(object)) {
      throw new HttpError(400, 'BadRequest', 'the request body must be a JSON object');
    }
    if (object.kind && object.kind !== kind.kind) {
      throw new HttpError(
        400,
        'BadRequest',
        `the kind of the provided object "${object.kind}" does not match the resource ${kind.resource}`,
      );
    }
    if (object.apiVersion && object.apiVersion !== apiVersionOf(kind)) {
      throw new HttpError(
        400,
        'BadRequest',
        `the API version in the data (${object.apiVersion}) does not match the expected API version (${apiVersionOf(kind)})`,
      );
    }
    object.metadata = object.metadata ?? {};
    if (kind.namespaced) {
      if (object.metadata.namespace && namespace && object.metadata.namespace !== namespace) {
        throw new HttpError(
          400,
          'BadRequest',
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      object.metadata.namespace = namespace ?? object.metadata.namespace;
    }
    if (name !== undefined && object.metadata.name !== undefined && object.metadata.name !== name) {
      throw new HttpError(
        400,
        'BadRequest',
        'the name of the object (' +
          object.metadata.name +
          ') does not match the name on the URL (' +
          name +
          ')',
      );
    }
    if (name !== undefined) object.metadata.name = name;
    object.apiVersion = apiVersionOf(kind);
    object.kind = kind.kind;
  }

  /** @param {Request} req @param {Response} res @param {URL} url @param {ResourceKind} kind @param {string | undefined} namespace */
  async function createObject(req, res, url, kind, namespace) {
    const object = parseBody(await readBody(req), req.headers['content-type'] ?? '');
    checkIdentity(kind, object, namespace);
    validateFields(url, res, kind, object);
    recordManager(object, url.searchParams.get('fieldManager'), 'Update', kind);
    const created = store.create(kind.resource, object, { dryRun: isDryRun(url) });
    sendJson(res, 201, withTypeMeta(kind, created));
  }

  /**
   * @param {Request} req @param {Response} res @param {URL} url @param {ResourceKind} kind
   * @param {string | undefined} namespace @param {string} name @param {string | undefined} subresource
   */
  async function replaceObject(req, res, url, kind, namespace, name, subresource) {
    const body = parseBody(await readBody(req), req.headers['content-type'] ?? '');
    const dryRun = isDryRun(url);
    if (subresource === 'scale') {
      return sendJson(res, 200, writeScale(kind, namespace, name, body, dryRun));
    }
    checkIdentity(kind, body, namespace, name);
    validateFields(url, res, kind, body);
    recordManager(body, url.searchParams.get('fieldManager'), 'Update', kind);
    const updated = store.update(kind.resource, body, {
      ...(subresource === 'status' ? { subresource: 'status' } : {}),
      dryRun,
    });
    sendJson(res, 200, withTypeMeta(kind, updated));
  }

  /**
   * @param {ResourceKind} kind @param {string | undefined} namespace @param {string} name
   * @param {any} scale @param {boolean} dryRun
   */
  function writeScale(kind, namespace, name, scale, dryRun) {
    const current = mustGet(kind, namespace, name);
    const replicas = scale?.spec?.replicas;
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw new HttpError(
        422,
        'Invalid',
        `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
      );
    }
    const rv = scale?.metadata?.resourceVersion;
    current.spec = { ...current.spec, replicas };
    if (rv) current.metadata.resourceVersion = rv;
    return scaleOf(store.update(kind.resource, current, { dryRun }));
  }

  /**
   * @param {Request} req @param {Response} res @param {URL} url @param {ResourceKind} kind
   * @param {string | undefined} namespace @param {string} name @param {string | undefined} subresource
   */
  async function patchObject(req, res, url, kind, namespace, name, subresource) {
    const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim();
    const patch = parseBody(await readBody(req), contentType);
    const manager = url.searchParams.get('fieldManager');
    const dryRun = isDryRun(url);
    const schema = subresource === 'scale' ? scaleSchema : KIND_SCHEMAS[kind.resource];
    let current = store.get(kind.resource, namespace, name);
    if (contentType === 'application/apply-patch+yaml') {
      if (!manager)
        throw new HttpError(
          400,
          'BadRequest',
          'PATCH, application/apply-patch+yaml requires fieldManager to be set',
        );
      checkIdentity(kind, patch, namespace, name);
      validateFields(url, res, kind, patch);
      const key = `${kind.resource}/${namespace ?? ''}/${name}/${manager}`;
      if (!current) {
        recordManager(patch, manager, 'Apply', kind);
        const created = store.create(kind.resource, patch, { dryRun });
        if (!dryRun) appliedByManager.set(key, patch);
        return sendJson(res, 201, withTypeMeta(kind, created));
      }
      const merged = applyServerSide(current, patch, schema, appliedByManager.get(key));
      if (!dryRun) appliedByManager.set(key, patch);
      recordManager(merged, manager, 'Apply', kind);
      merged.metadata.resourceVersion = current.metadata.resourceVersion;
      const applied = store.update(kind.resource, merged, { dryRun });
      return sendJson(res, 200, withTypeMeta(kind, applied));
    }
    if (!current) mustGet(kind, namespace, name);
    const base = subresource === 'scale' ? scaleOf(current) : current;
    let patched;
    try {
      if (contentType === 'application/json-patch+json') patched = applyJsonPatch(base, patch);
      else if (contentType === 'application/merge-patch+json')
        patched = applyMergePatch(base, patch);
      else if (contentType === 'application/strategic-merge-patch+json') {
        if (!kind.builtin) {
          throw new HttpError(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
          );
        }
        patched = applyStrategicMergePatch(base, patch, schema);
      } else {
        throw new HttpError(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
        );
      }
    } catch (error) {
      if (error instanceof PatchError) throw new HttpError(422, 'Invalid', error.message);
      throw error;
    }
    if (subresource === 'scale')
      return sendJson(res, 200, writeScale(kind, namespace, name, patched, dryRun));
    checkIdentity(kind, patched, namespace, name);
    validateFields(url, res, kind, patched);
    // Without a resourceVersion in the patch itself the server patches the latest version.
    const requested = /** @type {any} */ (patch)?.metadata?.resourceVersion;
    patched.metadata.resourceVersion = requested ?? current.metadata.resourceVersion;
    recordManager(patched, manager, 'Update', kind);
    const updated = store.update(kind.resource, patched, {
      ...(subresource === 'status' ? { subresource: 'status' } : {}),
      dryRun,
    });
    sendJson(res, 200, withTypeMeta(kind, updated));
  }

  /**
   * @param {Response} res @param {URL} url
   * @param {string} namespace @param {string} name
   */
  function servePodLog(res, url, namespace, name) {
    const pod = mustGet(/** @type {ResourceKind} */ (findKind('', 'v1', 'pods')), namespace, name);
    const containers = (pod.spec?.containers ?? []).map((/** @type {any} */ c) => c.name);
    const container = url.searchParams.get('container');
    if (
      container &&
      !containers.includes(container) &&
      !(pod.spec?.initContainers ?? []).some((/** @type {any} */ c) => c.name === container)
    ) {
      throw new HttpError(400, 'BadRequest', `container ${container} is not valid for pod ${name}`);
    }
    if (!container && containers.length > 1) {
      throw new HttpError(
        400,
        'BadRequest',
        `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`,
      );
    }
    let text = store.podLog(namespace, name) ?? '';
    const tail = url.searchParams.get('tailLines');
    if (tail !== null) {
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      const count = Math.max(0, Number(tail));
      text = lines
        .slice(count === 0 ? lines.length : -count)
        .map((l) => `${l}\n`)
        .join('');
    }
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write(text);
    if (url.searchParams.get('follow') !== 'true') return void res.end();
    hubTrack(res);
    const onLog = (/** @type {{namespace: string, name: string, text: string}} */ e) => {
      if (e.namespace === namespace && e.name === name) res.write(e.text);
    };
    const onChange = (/** @type {import('./store.js').ChangeEvent} */ e) => {
      if (
        e.type === 'DELETED' &&
        e.resource === 'pods' &&
        e.object.metadata.namespace === namespace &&
        e.object.metadata.name === name
      )
        res.end();
    };
    store.on('log', onLog);
    store.on('change', onChange);
    res.on('close', () => {
      store.off('log', onLog);
      store.off('change', onChange);
      hub.open.delete(res);
    });
  }

  /** Followed logs are long-lived streams too; dropping watches drops them. @param {Response} res */
  function hubTrack(res) {
    hub.open.add(res);
  }

  return createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    handle(req, res).catch((error) => {
      if (res.headersSent) return void res.destroy();
      if (error instanceof HttpError) {
        const headers = error.code === 429 ? { 'Retry-After': '1' } : undefined;
        return sendJson(
          res,
          error.code,
          status(error.code, error.reason, error.message, error.details),
          headers,
        );
      }
      if (error instanceof StoreError) {
        return sendJson(
          res,
          error.status,
          status(error.status, error.reason, error.message, error.details),
        );
      }
      sendJson(
        res,
        500,
        status(500, 'InternalError', `Internal error occurred: ${error?.message ?? error}`),
      );
    });
  });
}

/**
 * The dryRun query parameter: "All" is the only value the real API server accepts.
 * @param {URL} url
 */
function isDryRun(url) {
  const values = url.searchParams.getAll('dryRun');
  if (values.length === 0) return false;
  const unsupported = values.find((v) => v !== 'All');
  if (unsupported !== undefined) {
    throw new HttpError(
      400,
      'BadRequest',
      `Invalid dry run value: dryRun: Unsupported value: ${JSON.stringify(unsupported)}: supported values: "All"`,
    );
  }
  return true;
}

/**
 * kubectl sends a delete's dryRun in the DeleteOptions body; the query parameter works too.
 * @param {Request} req @param {URL} url
 */
async function isDryRunDelete(req, url) {
  const text = await readBody(req);
  const options = text.trim() === '' ? {} : parseBody(text, req.headers['content-type'] ?? '');
  const fromBody = Array.isArray(options?.dryRun) ? options.dryRun : [];
  for (const value of fromBody) url.searchParams.append('dryRun', String(value));
  return isDryRun(url);
}

/** @param {string} token */
function decodeContinue(token) {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof parsed.start === 'string') return parsed.start;
  } catch {
    // fall through to the error below
  }
  throw new HttpError(
    400,
    'BadRequest',
    'continue key is not valid: incorrect encoded start resourceVersion',
  );
}

/**
 * Records the field manager the way `kubectl get --show-managed-fields` shows it (without the
 * field set itself).
 * @param {any} object @param {string | null} manager @param {'Apply'|'Update'} operation @param {ResourceKind} kind
 */
function recordManager(object, manager, operation, kind) {
  if (!manager) return;
  object.metadata = object.metadata ?? {};
  const entries = (object.metadata.managedFields ?? []).filter(
    (/** @type {any} */ e) => !(e.manager === manager && e.operation === operation),
  );
  entries.push({
    manager,
    operation,
    apiVersion: apiVersionOf(kind),
    time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    fieldsType: 'FieldsV1',
    fieldsV1: {},
  });
  object.metadata.managedFields = entries;
}

/**
 * Starts the simulator: store, API server on 127.0.0.1, controllers; writes the kubeconfig last.
 * @param {{ port?: number, config?: { behaviours?: unknown[], services?: unknown[] }, kubeconfigPath?: string, historySize?: number, bookmarkIntervalMs?: number, tickMs?: number }} [options]
 */
export async function startKubeSim(options = {}) {
  const backends = parseServiceBackends(options.config?.services);
  const store = new ObjectStore();
  const token = randomBytes(24).toString('hex');
  const hub = new WatchHub(store, {
    historySize: options.historySize,
    bookmarkIntervalMs: options.bookmarkIntervalMs,
  });
  const faults = new Faults({ dropWatches: () => hub.dropAll() });
  const tls = await createServingCertificate();
  const server = createApiServer({ store, token, hub, faults, tls, backends });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined));
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const url = `https://127.0.0.1:${address.port}`;
  const controllers = startControllers(store, {
    behaviours: options.config?.behaviours ?? [],
    ...(options.tickMs ? { tickMs: options.tickMs } : {}),
  });
  const kubeconfig = kubeconfigText({ url, token, caCertificate: tls.cert });
  if (options.kubeconfigPath) await writeKubeconfig(options.kubeconfigPath, kubeconfig);
  let stopped = false;
  return {
    url,
    token,
    kubeconfig,
    caCertificate: tls.cert,
    store,
    faults,
    /** Forget the watch history so that older resourceVersions answer 410 Gone. */
    compactHistory: () => hub.compact(),
    settle: () => controllers.settle(),
    async stop() {
      if (stopped) return;
      stopped = true;
      controllers.stop();
      hub.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
