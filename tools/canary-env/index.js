// @ts-check
/**
 * The whole canary environment in one call: a stable and a canary sample service, Prometheus
 * scraping both with the labels a cluster's relabelling would give them, a traffic router that
 * splits by the kube-sim objects, and steady load through the router.
 */
import { join } from 'node:path';
import { startLoad } from './load.js';
import { startPrometheus } from './prometheus.js';
import { startSampleServiceProcess } from './sample-service.js';
import { startTrafficRouter } from './traffic-router.js';

export { startLoad } from './load.js';
export { startPrometheus, prometheusConfig } from './prometheus.js';
export {
  startSampleServiceProcess,
  createSampleServer,
  LATENCY_BUCKETS,
} from './sample-service.js';
export { startTrafficRouter, seededRandom } from './traffic-router.js';
export { trafficShare, RoutingError } from './traffic-share.js';

/** @typedef {import('./sample-service.js').Behaviour} Behaviour */
/** @typedef {Awaited<ReturnType<typeof startSampleServiceProcess>>} SampleService */
/** @typedef {import('./prometheus.js').RunningPrometheus} RunningPrometheus */
/** @typedef {import('./traffic-router.js').TrafficRouter} TrafficRouter */
/** @typedef {import('./load.js').RunningLoad} RunningLoad */
/**
 * @typedef {object} CanaryEnvironmentOptions
 * @property {import('./traffic-share.js').ObjectSource} store kube-sim's ObjectStore
 * @property {string} dir a scratch directory (Prometheus keeps its config and data there)
 * @property {string} [namespace] default `default`
 * @property {import('./traffic-share.js').TrafficMode} mode
 * @property {string} [route]
 * @property {string} service the stable Service's name
 * @property {Behaviour} stable
 * @property {Behaviour} canary
 * @property {number} [ratePerSecond] requests per second through the router; 0 or unset = no load
 * @property {number} [concurrency]
 * @property {number} [scrapeIntervalMs] default 1000
 * @property {() => number} [random] for the router's split
 * @property {Array<{ url: string, labels: Record<string, string> }>} [extraTargets] more processes
 *   for Prometheus to scrape, e.g. another workload in the same namespace
 */
/**
 * @typedef {object} CanaryEnvironment
 * @property {string} prometheusUrl
 * @property {string} routerUrl
 * @property {SampleService} stable
 * @property {SampleService} canary
 * @property {RunningPrometheus} prometheus
 * @property {TrafficRouter} router
 * @property {() => number} canaryShare the router's canary share per the objects right now
 * @property {RunningLoad | undefined} load undefined without ratePerSecond
 * @property {() => Promise<void>} stop stops the load, the router, Prometheus and both services
 */

/**
 * @param {CanaryEnvironmentOptions} options
 * @returns {Promise<CanaryEnvironment>}
 */
export async function startCanaryEnvironment(options) {
  const namespace = options.namespace ?? 'default';
  /** @type {Array<() => Promise<unknown>>} */
  const stops = [];
  const stopAll = async () => {
    // Last started first: the load stops before the router it talks to, and so on.
    /** @type {unknown[]} */
    const failures = [];
    for (const stop of stops.splice(0).reverse()) {
      await stop().catch((/** @type {unknown} */ error) => failures.push(error));
    }
    if (failures.length > 0) {
      throw new AggregateError(failures, 'the canary environment did not stop cleanly');
    }
  };
  /**
   * @template {{ stop(): Promise<unknown> }} T
   * @param {Promise<T>} starting
   */
  const track = async (starting) => {
    const started = await starting;
    stops.push(() => started.stop());
    return started;
  };
  try {
    // Both are awaited together so that one failing still leaves the other tracked for stopping.
    const [stable, canary] = await Promise.allSettled([
      track(startSampleServiceProcess(options.stable)),
      track(startSampleServiceProcess(options.canary)),
    ]).then((results) => {
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
      return results.map((r) => /** @type {PromiseFulfilledResult<SampleService>} */ (r).value);
    });
    const prometheus = await track(
      startPrometheus({
        dir: join(options.dir, 'prometheus'),
        scrapeIntervalMs: options.scrapeIntervalMs,
        targets: [
          // As relabelling a pod's labels gives them: the app is the Service's name.
          { url: stable.url, labels: { namespace, app: options.service, track: 'stable' } },
          { url: canary.url, labels: { namespace, app: options.service, track: 'canary' } },
          ...(options.extraTargets ?? []),
        ],
      }),
    );
    const router = await track(
      startTrafficRouter({
        store: options.store,
        namespace,
        mode: options.mode,
        route: options.route,
        service: options.service,
        backends: { stable: stable.url, canary: canary.url },
        random: options.random,
      }),
    );
    const load = options.ratePerSecond
      ? await track(
          Promise.resolve(
            startLoad({
              url: router.url,
              ratePerSecond: options.ratePerSecond,
              concurrency: options.concurrency,
            }),
          ),
        )
      : undefined;
    return {
      prometheusUrl: prometheus.url,
      routerUrl: router.url,
      stable,
      canary,
      prometheus,
      router,
      canaryShare: router.canaryShare,
      load,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll().catch(() => {});
    throw error;
  }
}
