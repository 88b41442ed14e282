// @ts-check
/**
 * The API server's service proxy (/api/v1/namespaces/{ns}/services/{id}/proxy/{path}). The
 * simulator runs no pods, so each Service is backed by a local URL instead of pod IPs; the
 * Service must still have ready pods behind its selector, because that is what makes a broken
 * rollout unreachable on a real cluster. Failures answer with the real proxy's Status messages.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { StoreError } from './store.js';
import { isPodReady } from './replicaset-controller.js';

export const BACKEND_ANNOTATION = 'kube-sim.slipway.dev/backend';

/** @typedef {{ namespace: string, name: string, port?: number | string, url: string }} ServiceBackend */

const HOP_BY_HOP = new Set([
  'authorization',
  'connection',
  'host',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * The parts of a service proxy URL path, or undefined when the path is something else.
 * @param {string} pathname the raw (still percent-encoded) request path
 * @returns {{ namespace: string, id: string, path: string } | undefined}
 */
export function parseServiceProxyPath(pathname) {
  const match = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy(\/.*)?$/.exec(pathname);
  if (!match) return undefined;
  return {
    namespace: decodeURIComponent(match[1]),
    id: decodeURIComponent(match[2]),
    path: match[3] ?? '/',
  };
}

/**
 * Splits "name", "name:port" or "scheme:name:port" as the API server does.
 * @param {string} id
 * @returns {{ scheme: string, name: string, port: string } | undefined}
 */
export function splitServiceId(id) {
  const parts = id.split(':');
  /** @type {[string, string, string]} */
  let split;
  if (parts.length === 1) split = ['', parts[0], ''];
  else if (parts.length === 2) split = ['', parts[0], parts[1]];
  else if (parts.length === 3) split = [parts[0], parts[1], parts[2]];
  else return undefined;
  const [scheme, name, port] = split;
  if (!name || !['', 'http', 'https'].includes(scheme)) return undefined;
  return { scheme, name, port };
}

/**
 * Checks and normalises the config's `services:` list.
 * @param {unknown} entries
 * @returns {ServiceBackend[]}
 */
export function parseServiceBackends(entries) {
  if (entries === undefined || entries === null) return [];
  if (!Array.isArray(entries)) {
    throw new Error(
      'services: must be a list, for example [{ name: web, port: 80, url: "http://127.0.0.1:8080" }]',
    );
  }
  return entries.map((entry, index) => {
    const { namespace = 'default', name, port, url } = entry ?? {};
    if (typeof name !== 'string' || name === '')
      throw new Error(`services[${index}].name is required, for example name: web`);
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
      throw new Error(
        `services[${index}].url must be an http(s) URL, for example url: http://127.0.0.1:8080`,
      );
    }
    if (port !== undefined && typeof port !== 'number' && typeof port !== 'string')
      throw new Error(`services[${index}].port must be a port number or name, for example 80`);
    return { namespace: String(namespace), name, ...(port === undefined ? {} : { port }), url };
  });
}

/** @param {string} message */
function unavailable(message) {
  return new StoreError(503, 'ServiceUnavailable', message);
}

/**
 * The backend URL for a proxied request, or a StoreError like the real proxy's.
 * @param {{ store: any, backends: ServiceBackend[], namespace: string, id: string }} request
 * @returns {string}
 */
export function resolveServiceBackend({ store, backends, namespace, id }) {
  const split = splitServiceId(id);
  if (!split)
    throw new StoreError(400, 'BadRequest', `invalid service request ${JSON.stringify(id)}`);
  const service = store.get('services', namespace, split.name);
  if (!service) {
    throw new StoreError(404, 'NotFound', `services "${split.name}" not found`, {
      name: split.name,
      kind: 'services',
    });
  }
  const ports = service.spec?.ports ?? [];
  /** @type {any} */
  let servicePort = ports[0];
  if (/^\d+$/.test(split.port)) {
    servicePort = ports.find((/** @type {any} */ p) => p.port === Number(split.port));
    if (!servicePort) {
      throw unavailable(
        `no service port ${split.port} found for service ${JSON.stringify(split.name)}`,
      );
    }
  } else if (split.port) {
    servicePort = ports.find((/** @type {any} */ p) => p.name === split.port);
    if (!servicePort) throw unavailable(`no endpoints available for service ${JSON.stringify(id)}`);
  }
  const selector = service.spec?.selector;
  if (selector && Object.keys(selector).length > 0) {
    const labelSelector = Object.entries(selector)
      .map(([key, value]) => `${key}=${value}`)
      .join(',');
    const pods = store.list('pods', namespace, { labelSelector });
    if (pods.length === 0)
      throw unavailable(`no endpoints available for service ${JSON.stringify(split.name)}`);
    if (!pods.some(isPodReady))
      throw unavailable(`no endpoints available for service ${JSON.stringify(id)}`);
  }
  const annotated = service.metadata.annotations?.[BACKEND_ANNOTATION];
  if (annotated) return annotated;
  const configured = backends.find(
    (b) =>
      b.namespace === namespace &&
      b.name === split.name &&
      (b.port === undefined ||
        String(b.port) === String(servicePort?.port) ||
        (servicePort?.name !== undefined && b.port === servicePort.name)),
  );
  if (configured) return configured.url;
  throw unavailable(`no endpoints available for service ${JSON.stringify(split.name)}`);
}

/**
 * Forwards the request to `backend` + path + query and relays the answer.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} backend
 * @param {string} path percent-encoded path below the proxy prefix
 * @param {string} search the query string with its "?", or ''
 * @returns {Promise<void>}
 */
export function forwardToBackend(req, res, backend, path, search) {
  const base = new URL(backend);
  const target = new URL(base.toString());
  target.pathname = `${base.pathname.replace(/\/$/, '')}${path}`;
  target.search = search;
  /** @type {Record<string, string | string[]>} */
  const headers = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const upstream = send(
      target,
      {
        method: req.method,
        headers,
        // The backends are local test servers, often with self-signed certificates.
        ...(target.protocol === 'https:' ? { rejectUnauthorized: false } : {}),
      },
      (answer) => {
        /** @type {Record<string, string | string[]>} */
        const relayed = {};
        for (const [name, value] of Object.entries(answer.headers)) {
          if (value !== undefined && !HOP_BY_HOP.has(name)) relayed[name] = value;
        }
        res.writeHead(answer.statusCode ?? 502, relayed);
        answer.pipe(res);
        answer.on('end', () => resolve());
        answer.on('error', reject);
      },
    );
    upstream.on('error', (error) =>
      reject(unavailable(`error trying to reach service: ${error.message}`)),
    );
    req.pipe(upstream);
  });
}
