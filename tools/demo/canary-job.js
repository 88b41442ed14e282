// @ts-check
/**
 * The demo's canary job: production from 0 to 100% with real traffic and Prometheus, and what the
 * demo checks on the cluster itself afterwards (stable's image, leftover canary objects).
 */
import { NAME } from './environment.js';
import { outcomeOf, resultOf, run, runningImage } from './job-support.js';

/** @typedef {import('./job-support.js').JobContext} JobContext */
/** @typedef {import('./job-support.js').JobResult} JobResult */

/**
 * Canary objects still in production: the canary Deployment and Service, canary pods, and route
 * backends other than the stable Service.
 * @param {JobContext} context
 */
function leftoverCanaryObjects(context) {
  const { store } = context.env.sim;
  const pods = store.list('pods', 'production');
  const route = store.get('httproutes', 'production', NAME);
  const backends = (route?.spec.rules ?? []).flatMap(
    (/** @type {{ backendRefs?: Array<{ name: string }> }} */ rule) => rule.backendRefs ?? [],
  );
  return [
    store.get('deployments', 'production', `${NAME}-canary`),
    store.get('services', 'production', `${NAME}-canary`),
    ...pods.filter((/** @type {any} */ pod) => pod.metadata.labels?.track === 'canary'),
    ...backends.filter((/** @type {{ name: string }} */ backend) => backend.name !== NAME),
  ].filter(Boolean).length;
}

/**
 * From the first traffic on the canary to the abort decision, as the action reports it; null when
 * it aborted for want of data rather than on the canary's figures.
 * @param {Record<string, any>} result the canary's result output
 * @returns {number | null}
 */
function detectionSeconds(result) {
  return typeof result.detectionMs === 'number' ? result.detectionMs / 1000 : null;
}

/** @param {JobContext} context @returns {Promise<JobResult>} */
export async function canary(context) {
  const production = await context.env.production;
  const stableBefore = runningImage(context, 'production');
  const analysed = await run(context, 'canary', {
    inputs: {
      kubeconfig: context.env.sim.kubeconfig,
      namespace: 'production',
      deployment: NAME,
      container: 'app',
      image: /** @type {string} */ (context.imageRef),
      service: NAME,
      traffic: 'gateway-api',
      route: NAME,
      steps: '10,25,50,100',
      interval: '4s',
      'check-interval': '1s',
      'step-timeout': '12s',
      'min-requests': '20',
      // A false alarm on a good canary fails the demo; at 0.1% it should not happen in CI.
      alpha: '0.001',
      'prometheus-url': production.prometheusUrl,
      timeout: '30s',
    },
  });
  const result = resultOf(analysed);
  const stableAfter = runningImage(context, 'production');
  const decision = analysed.main.outputs.decision;
  const leftoverObjects = leftoverCanaryObjects(context);
  const problems = [];
  if (leftoverObjects > 0) problems.push(`${leftoverObjects} canary object(s) left in production`);
  if (decision === 'promoted' && stableAfter !== context.imageRef) {
    problems.push(`promoted, but production runs ${stableAfter}`);
  }
  if (decision !== 'promoted' && stableAfter !== stableBefore) {
    problems.push(`not promoted, but production changed from ${stableBefore} to ${stableAfter}`);
  }
  const seconds = (/** @type {unknown} */ ms) => (typeof ms === 'number' ? ms / 1000 : null);
  return {
    outcome: outcomeOf(analysed),
    summaries: [{ step: 'canary', markdown: analysed.main.summary }],
    details: {
      decision,
      durationSeconds: seconds(result.durationMs),
      detectionSeconds: decision === 'aborted' ? detectionSeconds(result) : null,
      stableUnchanged: stableAfter === stableBefore,
      leftoverObjects,
      finalWeight: Number(analysed.main.outputs['final-weight']),
      requestsByTrack: production.load?.counts().byTrack,
    },
    problems,
  };
}
