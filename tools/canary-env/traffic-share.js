// @ts-check
/**
 * How much traffic a data plane would send to the canary, read from the Kubernetes objects the
 * canary action writes: HTTPRoute weights, the nginx canary Ingress, VirtualService weights, or
 * the ready pods behind the stable Service.
 */

/** @typedef {'replicas' | 'gateway-api' | 'nginx' | 'istio'} TrafficMode */
/**
 * @typedef {object} ObjectSource
 * @property {(resource: string, namespace: string | undefined, name: string) => any} get
 * @property {(resource: string, namespace: string | undefined) => any[]} list
 */
/** @typedef {{ namespace: string, mode: TrafficMode, route?: string, service: string }} ShareQuery */

const CANARY_ANNOTATION = 'nginx.ingress.kubernetes.io/canary';
const WEIGHT_ANNOTATION = 'nginx.ingress.kubernetes.io/canary-weight';
const WEIGHT_TOTAL_ANNOTATION = 'nginx.ingress.kubernetes.io/canary-weight-total';

/** What a data plane answers when it cannot route: the status and why. */
export class RoutingError extends Error {
  /** @param {number} status @param {string} message */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * @param {ShareQuery} query
 * @param {string} name a Service name (or Istio host)
 * @returns {'stable' | 'canary' | undefined}
 */
function trackOf(query, name) {
  const short = name.endsWith(`.${query.namespace}.svc.cluster.local`)
    ? name.slice(0, -`.${query.namespace}.svc.cluster.local`.length)
    : name.replace(new RegExp(`\\.${query.namespace}(\\.svc)?$`), '');
  if (short === query.service) return 'stable';
  if (short === `${query.service}-canary`) return 'canary';
  return undefined;
}

/**
 * The canary's share of `weights`, which must all name one of the two tracks.
 * @param {ShareQuery} query
 * @param {Array<{ name: string, weight: number }>} weights
 * @param {string} where which object, for messages
 */
function shareOf(query, weights, where) {
  let canary = 0;
  let total = 0;
  for (const { name, weight } of weights) {
    const track = trackOf(query, name);
    if (!track) {
      throw new RoutingError(502, `${where} sends traffic to "${name}", which is neither track`);
    }
    if (track === 'canary') canary += weight;
    total += weight;
  }
  if (total <= 0) throw new RoutingError(500, `${where} gives every backend weight 0`);
  return canary / total;
}

/** @param {ObjectSource} store @param {string} resource @param {ShareQuery} query */
function routeObject(store, resource, query) {
  if (!query.route) throw new RoutingError(500, `traffic mode ${query.mode} needs a route name`);
  const object = store.get(resource, query.namespace, query.route);
  if (!object) {
    throw new RoutingError(404, `${resource} ${query.namespace}/${query.route} does not exist`);
  }
  return object;
}

/** @param {ObjectSource} store @param {ShareQuery} query */
function gatewayShare(store, query) {
  const httpRoute = routeObject(store, 'httproutes', query);
  const rules = httpRoute.spec?.rules ?? [];
  /** @param {any} ref */
  const ours = (ref) => trackOf(query, ref.name) !== undefined;
  const rule = rules.find((/** @type {any} */ r) => (r.backendRefs ?? []).some(ours));
  if (!rule) {
    throw new RoutingError(404, `HTTPRoute ${query.route} has no rule for ${query.service}`);
  }
  const weights = rule.backendRefs.map((/** @type {any} */ ref) => ({
    name: ref.name,
    weight: ref.weight ?? 1,
  }));
  return shareOf(query, weights, `HTTPRoute ${query.route}`);
}

/** Hosts an Ingress serves; '' stands for any host (no rules, or rules without a host). */
/** @param {any} ingress */
function ingressHosts(ingress) {
  const rules = ingress.spec?.rules ?? [];
  return rules.length === 0 ? [''] : rules.map((/** @type {any} */ rule) => rule.host ?? '');
}

/** @param {any} ingress */
function ingressServices(ingress) {
  const names = [];
  if (ingress.spec?.defaultBackend?.service) names.push(ingress.spec.defaultBackend.service.name);
  for (const rule of ingress.spec?.rules ?? []) {
    for (const path of rule.http?.paths ?? []) {
      if (path.backend?.service) names.push(path.backend.service.name);
    }
  }
  return names;
}

/** @param {ObjectSource} store @param {ShareQuery} query */
function nginxShare(store, query) {
  const main = routeObject(store, 'ingresses', query);
  const hosts = new Set(ingressHosts(main));
  const canaryIngress = store
    .list('ingresses', query.namespace)
    .find(
      (ingress) =>
        ingress.metadata.name !== query.route &&
        ingress.metadata.annotations?.[CANARY_ANNOTATION] === 'true' &&
        ingressHosts(ingress).some((/** @type {string} */ host) => hosts.has(host)),
    );
  if (!canaryIngress) {
    const stableOnly = [{ name: ingressServices(main)[0] ?? '', weight: 1 }];
    return shareOf(query, stableOnly, `Ingress ${query.route}`);
  }
  const annotations = canaryIngress.metadata.annotations;
  const weight = Number(annotations[WEIGHT_ANNOTATION] ?? 0);
  const total = Number(annotations[WEIGHT_TOTAL_ANNOTATION] ?? 100);
  const share = total > 0 ? Math.min(1, Math.max(0, weight / total)) : 0;
  const where = `canary Ingress ${canaryIngress.metadata.name}`;
  const canaryTrack = trackOf(query, ingressServices(canaryIngress)[0] ?? '');
  if (!canaryTrack) throw new RoutingError(502, `${where} has no backend of either track`);
  return canaryTrack === 'canary' ? share : 0;
}

/** @param {ObjectSource} store @param {ShareQuery} query */
function istioShare(store, query) {
  const virtualService = routeObject(store, 'virtualservices', query);
  const routes = virtualService.spec?.http ?? [];
  /** @param {any} destination */
  const ours = (destination) => trackOf(query, destination.destination?.host ?? '') !== undefined;
  const http = routes.find((/** @type {any} */ r) => (r.route ?? []).some(ours));
  if (!http) {
    throw new RoutingError(404, `VirtualService ${query.route} has no route to ${query.service}`);
  }
  // Istio sends everything to a lone destination whatever its weight.
  const lone = http.route.length === 1;
  const weights = http.route.map((/** @type {any} */ d) => ({
    name: d.destination?.host ?? '',
    weight: lone ? 1 : (d.weight ?? 0),
  }));
  return shareOf(query, weights, `VirtualService ${query.route}`);
}

/** @param {any} pod */
function podReady(pod) {
  return (pod.status?.conditions ?? []).some(
    (/** @type {any} */ c) => c.type === 'Ready' && c.status === 'True',
  );
}

/** @param {ObjectSource} store @param {ShareQuery} query */
function replicasShare(store, query) {
  const service = store.get('services', query.namespace, query.service);
  if (!service) {
    throw new RoutingError(503, `Service ${query.namespace}/${query.service} does not exist`);
  }
  const selector = Object.entries(service.spec?.selector ?? {});
  const pods = store
    .list('pods', query.namespace)
    .filter((pod) => selector.every(([key, value]) => pod.metadata.labels?.[key] === value))
    .filter(podReady);
  if (selector.length === 0 || pods.length === 0) {
    throw new RoutingError(503, `no endpoints available for service "${query.service}"`);
  }
  const canary = pods.filter((pod) => pod.metadata.labels?.track === 'canary').length;
  return canary / pods.length;
}

/**
 * The canary's share of requests in [0, 1]; throws a RoutingError where a data plane would fail.
 * @param {ObjectSource} store
 * @param {ShareQuery} query
 */
export function trafficShare(store, query) {
  switch (query.mode) {
    case 'gateway-api':
      return gatewayShare(store, query);
    case 'nginx':
      return nginxShare(store, query);
    case 'istio':
      return istioShare(store, query);
    case 'replicas':
      return replicasShare(store, query);
    default:
      throw new RoutingError(500, `unknown traffic mode ${JSON.stringify(query.mode)}`);
  }
}
