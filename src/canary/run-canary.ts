/**
 * Runs one canary in the mode asked for, as one flow: auto runs the whole progression; start
 * stops at pause-at and leaves the canary for a later job; promote continues from where start
 * stopped; abort reverts (or finishes a promotion under way). It reaches the cluster, Prometheus
 * and the clock only through its ports (run-canary-ports.ts).
 */
import * as core from '@actions/core';
import { ActionError, describeThrown } from '../core/errors.js';
import { escapeUntrusted } from '../core/log.js';
import { notReadyGraceMs } from './cluster/pod-health.js';
import { seriesSourceFor, type SeriesSource } from './metrics/sources.js';
import { LoadTestRunner } from './load-test.js';
import { progress, type ProgressionResult } from './progression.js';
import type {
  AbortEnd,
  CanaryClusterPort,
  Clock,
  MetricsPort,
  RunCanaryPorts,
} from './run-canary-ports.js';
import { emptyReport } from './report.js';
import { targetOf } from './target.js';
import type { CanaryReport, CleanupReport, Decision, Settings } from './types.js';

export async function runCanary(settings: Settings, ports: RunCanaryPorts): Promise<CanaryReport> {
  const { cluster } = ports;
  const base = emptyReport(settings, cluster);
  base.notes = cluster.notes;
  if (settings.mode === 'abort') return abortOnRequest(base, cluster, settings.staleOnly);
  const metrics = await checkPrometheus(settings, ports.metrics);
  let weights: number[];
  if (settings.mode === 'promote') {
    const found = await cluster.resume('promote');
    if (!found) {
      throw new ActionError(
        `There is no canary of ${settings.deployment} to promote.`,
        'Run this action with mode: start first (in an earlier job), or use mode: auto.',
      );
    }
    if (settings.image && settings.image !== found.canaryImage) {
      throw new ActionError(
        `The running canary has image ${found.canaryImage}, not ${settings.image}.`,
        'Promote the image that was started, or abort that canary first with mode: abort.',
      );
    }
    await cluster.takeOver();
    base.canaryImage = found.canaryImage;
    weights = settings.steps.filter((weight) => weight > found.weight);
  } else {
    const failedStart = await startCanary(cluster, base);
    if (failedStart) return failedStart;
    weights =
      settings.mode === 'start'
        ? settings.steps.filter((weight) => weight <= settings.pauseAt)
        : settings.steps;
  }
  base.stableImage = cluster.stableImage;
  Object.assign(base, cluster.canaryRelease ?? {});
  const source = comparedSeries(settings, cluster);
  base.metricsSource = source.description;
  const result = await runProgression(weights, settings, cluster, ports.clock, metrics, source);
  if (result.end === 'cancelled') return { ...base, steps: result.steps };
  if (result.end === 'aborted') {
    core.error(`Aborting the canary ${result.reason ?? ''}`);
    const cleanup = await putBack(cluster, async () => ({
      cleanup: await cluster.revert(),
      finished: false,
    }));
    return {
      ...base,
      decision: 'aborted',
      reason: `aborted ${result.reason ?? ''}`.trim(),
      steps: result.steps,
      finalWeight: cleanup?.canaryWeight ?? result.finalWeight,
      detectionMs: result.detectionMs,
      cleanup,
    };
  }
  if (settings.mode === 'start') {
    await cluster.pause();
    return paused(base, result, settings.pauseAt);
  }
  ports.promoting();
  const cleanup = await cluster.promote();
  const decision: Decision = cleanup.promoted ? 'promoted' : 'aborted';
  return {
    ...base,
    decision,
    reason: cleanup.promoted
      ? `the canary was as healthy as stable at every step`
      : `aborted during promotion: ${cleanup.problem ?? 'stable did not take the new image'}`,
    steps: result.steps,
    finalWeight: cleanup.promoted ? 100 : 0,
    cleanup,
  };
}

/**
 * Puts the cluster back with `how`, which retries through API faults until the recovery
 * deadline. When even that runs out, the report shows the cluster as it is now, object by object,
 * and the step's failure says how to finish (mode: abort).
 */
async function putBack(
  cluster: CanaryClusterPort,
  how: () => Promise<AbortEnd>,
): Promise<CleanupReport | undefined> {
  try {
    const { cleanup } = await how();
    return { ...cleanup, recoveryMs: cluster.recoveryTookMs() };
  } catch (error) {
    core.error(describeThrown(error));
    const now = await cluster.observe();
    return now && { ...now, recoveryMs: cluster.recoveryTookMs() };
  }
}

/**
 * Creates the canary; when that fails after something was created (an API fault outlasting its
 * retries, a canary that never gets ready), the run reverts it and reports an abort.
 */
async function startCanary(
  cluster: CanaryClusterPort,
  base: CanaryReport,
): Promise<CanaryReport | undefined> {
  try {
    await cluster.begin();
    return undefined;
  } catch (error) {
    if (!cluster.created) throw error;
    const reason = `could not start the canary: ${describeThrown(error)}`;
    core.error(`Aborting: ${reason}`);
    const cleanup = await putBack(cluster, async () => ({
      cleanup: await cluster.revert(),
      finished: false,
    }));
    return { ...base, decision: 'aborted', reason, stableImage: cluster.stableImage, cleanup };
  }
}

/** mode: abort, from whatever phase the canary is in; says whether it reverted or promoted. */
async function abortOnRequest(
  base: CanaryReport,
  cluster: CanaryClusterPort,
  staleOnly: boolean,
): Promise<CanaryReport> {
  if (staleOnly) {
    // A canary created between this look and a revert must not be touched: with nothing stale
    // found, nothing is changed.
    const alive = await cluster.liveOwner();
    if (alive !== false) {
      return {
        ...base,
        decision: 'kept',
        reason: alive
          ? `its canary belongs to ${alive}, which is still renewing its lease or waiting for promote or abort (stale-only is set)`
          : 'there is no canary to abort (stale-only is set)',
      };
    }
  }
  const found = await cluster.resume('abort');
  let finished = false;
  const recovered = await putBack(cluster, async () => {
    const ended = await cluster.abort();
    finished = ended.finished;
    return ended;
  });
  const cleanup = recovered ?? { stableImage: undefined };
  if (finished) {
    return {
      ...base,
      decision: 'promoted',
      reason: `the canary was being promoted and stable already ran ${cleanup.stableImage ?? 'its image'} healthily, so the abort finished the promotion instead of rolling stable back`,
      canaryImage: found?.canaryImage ?? base.canaryImage,
      stableImage: cleanup.stableImage,
      finalWeight: 100,
      cleanup: recovered,
    };
  }
  const during =
    found?.phase === 'promoting' ? ' during its promotion; stable was rolled back and' : ';';
  const back =
    recovered?.stableHealthy && recovered.leftoverObjects.length === 0
      ? `${during} all traffic is back on stable`
      : ', but putting the cluster back did not finish';
  return {
    ...base,
    decision: 'aborted',
    reason: found
      ? `aborted on request at ${found.weight}%${back}`
      : 'aborted on request; no canary was running',
    canaryImage: found?.canaryImage ?? base.canaryImage,
    stableImage: cleanup.stableImage,
    cleanup: recovered,
  };
}

function paused(base: CanaryReport, result: ProgressionResult, pauseAt: number): CanaryReport {
  const started = pauseAt === 0;
  return {
    ...base,
    decision: started ? 'started' : 'paused',
    reason: started
      ? 'the canary is ready and gets no traffic yet; continue with mode: promote or abort'
      : `the canary passed every step up to ${pauseAt}% and keeps ${result.finalWeight}% of traffic; continue with mode: promote or abort`,
    steps: result.steps,
    finalWeight: result.finalWeight,
  };
}

async function checkPrometheus(
  settings: Settings,
  metrics: MetricsPort | undefined,
): Promise<MetricsPort> {
  if (!metrics) {
    throw new ActionError(`prometheus-url is required in mode ${settings.mode}.`);
  }
  await metrics.reachable();
  return metrics;
}

/** Which series are compared, now that the stable Deployment (and its selector) is known. */
function comparedSeries(settings: Settings, cluster: CanaryClusterPort): SeriesSource {
  const source = seriesSourceFor(settings.metrics, {
    ...targetOf(settings),
    namespace: cluster.namespace,
    stableSelector: cluster.stableSelector,
  });
  for (const warning of source.warnings ?? []) core.warning(escapeUntrusted(warning));
  core.info(`Comparing ${escapeUntrusted(source.description)}.`);
  return source;
}

async function runProgression(
  weights: number[],
  settings: Settings,
  cluster: CanaryClusterPort,
  clock: Clock,
  metrics: MetricsPort,
  source: SeriesSource,
): Promise<ProgressionResult> {
  const namespace = cluster.namespace;
  const readMetrics = metrics.reader(source, settings.checkIntervalMs);
  const loadTest =
    settings.loadTest &&
    new LoadTestRunner(settings.loadTest, { note: (line) => cluster.notes.push(line) });
  const missing = await metrics.missingSeries(source);
  if (missing) core.warning(escapeUntrusted(missing));
  // Restarts from here on count against the canary; pod health never throws.
  const pods = cluster.podHealth(notReadyGraceMs(settings.checkIntervalMs));
  await pods.baseline();
  return progress(weights, settings, {
    duringStep: loadTest && ((weight) => loadTest.duringStep(weight)),
    shiftTo: (weight) => cluster.shiftTo(weight),
    canaryHealth: () => pods.check(),
    readMetrics,
    runChecks: (seconds) =>
      metrics.runChecks(settings.checks, {
        namespace,
        track: 'canary',
        interval: `${seconds}s`,
      }),
    stepFinished: (record) => {
      core.info(
        `Step ${record.weight}%: ${record.decision}${record.reason ? ` (${record.reason})` : ''}.`,
      );
      for (const warning of record.warnings ?? [])
        core.warning(`At ${record.weight}%: ${warning}.`);
      cluster.recordStep(record);
    },
    now: () => clock.now(),
    sleep: (ms) => clock.sleep(ms),
    cancelled: () => clock.cancelled(),
  });
}
