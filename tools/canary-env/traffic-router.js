// @ts-check
/**
 * The data plane of the canary environment: an HTTP proxy that sends each request to the stable
 * or the canary service in the share the live Kubernetes objects ask for, read from kube-sim's
 * store at every request so that a weight change takes effect at once, as on a real router.
 */
import { Agent, createServer, request as httpRequest } from 'node:http';
import { trafficShare } from './traffic-share.js';
export { seededRandom } from '../seeded-random.js';

/** @typedef {import('./traffic-share.js').ObjectSource} ObjectSource */
/** @typedef {import('./traffic-share.js').TrafficMode} TrafficMode */
/**
 * @typedef {object} TrafficRouterOptions
 * @property {ObjectSource} store kube-sim's ObjectStore, or anything with its get and list
 * @property {string} namespace
 * @property {TrafficMode} mode
 * @property {string} [route] HTTPRoute / Ingress / VirtualService name (router modes)
 * @property {string} service the stable Service's name
 * @property {{ stable: string, canary: string }} backends base URLs of the two tracks
 * @property {() => number} [random] uniform in [0, 1); Math.random unless a seeded one is given
 */
/**
 * @typedef {object} TrafficRouter
 * @property {string} url
 * @property {() => number} canaryShare the canary's share in [0, 1] per the objects right now
 * @property {() => Promise<void>} stop
 */

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
]);

/** @param {import('node:http').IncomingHttpHeaders} headers */
function forwardable(headers) {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())),
  );
}

/**
 * @param {TrafficRouterOptions} options
 * @returns {Promise<TrafficRouter>}
 */
export async function startTrafficRouter(options) {
  const { store, namespace, mode, route, service, backends } = options;
  const random = options.random ?? Math.random;
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const canaryShare = () => trafficShare(store, { namespace, mode, route, service });

  const server = createServer((request, response) => {
    /** @type {'stable' | 'canary'} */
    let track;
    try {
      track = random() < canaryShare() ? 'canary' : 'stable';
    } catch (error) {
      const status = /** @type {{ status?: number }} */ (error).status ?? 500;
      response.writeHead(status, { 'content-type': 'text/plain' });
      response.end(`traffic router: ${error instanceof Error ? error.message : error}\n`);
      request.resume();
      return;
    }
    const target = new URL(request.url ?? '/', backends[track]);
    const upstream = httpRequest(
      target,
      { method: request.method, headers: forwardable(request.headers), agent },
      (answer) => {
        const headers = forwardable(answer.headers);
        response.writeHead(answer.statusCode ?? 502, { ...headers, 'x-canary-track': track });
        answer.pipe(response);
      },
    );
    upstream.on('error', (error) => {
      if (response.headersSent) {
        response.destroy(error);
        return;
      }
      response.writeHead(502, { 'content-type': 'text/plain', 'x-canary-track': track });
      response.end(`traffic router: ${track} backend ${backends[track]}: ${error.message}\n`);
    });
    request.pipe(upstream);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  let stopped = false;
  return {
    url: `http://127.0.0.1:${port}`,
    canaryShare,
    async stop() {
      if (stopped) return;
      stopped = true;
      const closed = new Promise((resolve) => server.close(() => resolve(undefined)));
      server.closeAllConnections();
      agent.destroy();
      await closed;
    },
  };
}
