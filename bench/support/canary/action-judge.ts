/**
 * The action's own decision, simulated: src/canary/progression.ts's progress() — the
 * SequentialJudge after every check plus the per-step absolute limits (checkSlo) — driven with a
 * simulated clock and Prometheus counts from the simulated traffic. Nothing is re-implemented.
 */
import {
  progress,
  type ProgressionResult,
  type ProgressionSettings,
} from '../../../src/canary/progression.js';
import type { Observation, TrackCounts } from '../../../src/canary/types.js';
import {
  DEFAULT_ERROR_MARGIN,
  DEFAULT_LATENCY_MARGIN,
  parseMargin,
} from '../../../src/canary/margin-input.js';
import { MetricsCollector } from '../../../src/canary/metrics/collector.js';
import { seriesSourceFor } from '../../../src/canary/metrics/sources.js';
import { DEFAULT_APP_METRICS } from '../../../src/canary/metric-inputs.js';
import { add, cumulativeBuckets, emptyCounts } from './methods.js';
import type { SimulatedRun } from './realistic.js';
import type { SecondCounts, SecondOfTraffic } from './traffic.js';

/** The action's defaults, with check-interval 1s: one check per scrape. */
export const ACTION_SETTINGS: ProgressionSettings = {
  intervalMs: 60_000,
  checkIntervalMs: 1_000,
  stepTimeoutMs: 300_000,
  minRequests: 100,
  maxErrorRate: 0.01,
  maxLatencyP95Ms: 100,
  alpha: 0.01,
  checks: [],
  warmUpMs: undefined,
  errorMargin: parseMargin('error-rate-margin', DEFAULT_ERROR_MARGIN),
  latencyMargin: parseMargin('latency-margin', DEFAULT_LATENCY_MARGIN),
};

/**
 * Holds the canary at one weight in 60 s steps; returns the second of the abort, or undefined when
 * the canary is still running at `boundSeconds`.
 */
export async function actionAbortSecond(
  seconds: Iterator<SecondOfTraffic>,
  weight: number,
  boundSeconds: number,
): Promise<number | undefined> {
  const totals = { canary: emptyCounts(), stable: emptyCounts() };
  let nowMs = 0;
  const steps = new Array<number>(Math.ceil(boundSeconds / 60)).fill(weight);
  const result = await progress(steps, ACTION_SETTINGS, {
    shiftTo: (achieved) => Promise.resolve(achieved),
    readMetrics: () => Promise.resolve(observation(nowMs, totals)),
    runChecks: () => Promise.resolve([]),
    stepFinished: () => undefined,
    now: () => nowMs,
    cancelled: () => nowMs > boundSeconds * 1000,
    sleep(ms) {
      const target = nowMs + ms;
      while (nowMs < target) {
        const second = seconds.next().value as SecondOfTraffic;
        add(totals.canary, second.canary);
        add(totals.stable, second.stable);
        nowMs += 1000;
      }
      return Promise.resolve(nowMs <= boundSeconds * 1000);
    },
  });
  return result.end === 'aborted' ? nowMs / 1000 : undefined;
}

function observation(
  atMs: number,
  totals: { canary: SecondCounts; stable: SecondCounts },
): Observation {
  return { atMs, canary: trackCounts(totals.canary), stable: trackCounts(totals.stable) };
}

function trackCounts(counts: SecondCounts): TrackCounts {
  return {
    requests: counts.requests,
    errors: counts.errors,
    buckets: cumulativeBuckets(counts.buckets),
    latencyCount: counts.requests,
  };
}

/** The action's defaults as a user leaves them: a check every 10 s. */
export const REALISTIC_SETTINGS: ProgressionSettings = {
  ...ACTION_SETTINGS,
  checkIntervalMs: 10_000,
};

/**
 * The action on simulated production data: its own collector reads the scraped samples at each
 * check, with the series selection a Deployment labelled app: web gets by default.
 */
export async function actionAbortSecondRealistic(
  run: SimulatedRun,
  boundSeconds: number,
  options: {
    weights?: number[];
    settings?: Partial<ProgressionSettings>;
    /** Hears why the run ended, for reading a benchmark's outliers. */
    ended?: (result: ProgressionResult) => void;
  } = {},
): Promise<number | undefined> {
  let nowMs = 0;
  const settings = { ...REALISTIC_SETTINGS, ...options.settings };
  const collector = new MetricsCollector(run.prometheus, workloadSource(), {
    checkIntervalMs: settings.checkIntervalMs,
    now: () => nowMs,
  });
  const steps = options.weights ?? new Array<number>(Math.ceil(boundSeconds / 60)).fill(10);
  const result = await progress(steps, settings, {
    shiftTo: (achieved) => Promise.resolve(achieved),
    readMetrics: () => collector.read(),
    runChecks: () => Promise.resolve([]),
    stepFinished: () => undefined,
    now: () => nowMs,
    cancelled: () => nowMs > boundSeconds * 1000,
    sleep(ms) {
      nowMs += ms;
      return Promise.resolve(nowMs <= boundSeconds * 1000);
    },
  });
  options.ended?.(result);
  return result.end === 'aborted' ? nowMs / 1000 : undefined;
}

/** As the action builds it for a Deployment `web` selecting app: web, metrics-selector unset. */
function workloadSource() {
  return seriesSourceFor(DEFAULT_APP_METRICS, {
    namespace: 'production',
    deployment: 'web',
    service: 'web',
    traffic: 'replicas',
    route: undefined,
    stableSelector: { matchLabels: { app: 'web', track: 'stable' } },
  });
}
