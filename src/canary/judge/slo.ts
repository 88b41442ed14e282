/**
 * The absolute limits (max-error-rate, max-latency-p95), judged on one step's window. A point
 * estimate over the limit from a few dozen requests is often chance: one 5xx in 44 requests is
 * 2.3%. So a limit is broken only when the canary is over it with confidence 1 − alpha (an exact
 * Clopper–Pearson bound); over it by the estimate alone means "keep gathering", and a step that
 * ends its step-timeout still unsure aborts, because an unsure canary is never a pass.
 */
import jstat from 'jstat';
import type { TrackCounts, WindowStats } from '../types.js';
import { formatMs, percent } from './judge.js';
import { slowerThanInterpolated, windowStats } from './latency.js';

export interface SloLimits {
  /** Fraction in [0, 1]. */
  maxErrorRate: number;
  maxLatencyP95Ms: number;
  /** Canary requests the window needs before it is judged at all. */
  minRequests: number;
  alpha: number;
}

export interface SloResult {
  enoughTraffic: boolean;
  /** Limits the canary broke with confidence; empty without enough traffic. */
  breaches: string[];
  /** Limits the canary's estimate is over, without confidence yet. */
  unsure: string[];
  /**
   * Limits stable is over too: they do not blame the canary (the comparison with stable judges
   * it), but the reader is told the service breaches its SLO.
   */
  stableBreaches: string[];
  canary: WindowStats;
  stable: WindowStats;
}

/** p95 above the limit means more than this share of requests is slower than the limit. */
const P95_TAIL = 0.05;

export function checkSlo(
  window: { canary: TrackCounts; stable: TrackCounts; stableReference?: TrackCounts },
  limits: SloLimits,
): SloResult {
  const canary = windowStats(window.canary);
  const stable = windowStats(window.stable);
  // Whether stable breaches a limit too; the step's own stable counts unless told otherwise.
  const reference = window.stableReference ? windowStats(window.stableReference) : stable;
  // min-requests 0 passes a step on time alone, with or without requests.
  const enoughTraffic = canary.requests >= limits.minRequests;
  const result: SloResult = {
    enoughTraffic,
    breaches: [],
    unsure: [],
    stableBreaches: [],
    canary,
    stable,
  };
  if (!enoughTraffic) return result;
  // The canary is blamed for a limit only while stable is clearly within it: a blip both tracks
  // suffered can fall into the two tracks' windows unevenly, so stable's bound is what counts.
  const judge = (
    canaryOver: boolean,
    stableOver: boolean,
    over: string,
    stableOverText: string,
    confident: () => boolean,
    count: number,
  ) => {
    if (!canaryOver) return;
    if (stableOver) result.stableBreaches.push(stableOverText);
    else if (confident()) result.breaches.push(over);
    else result.unsure.push(`${over} (${count} requests, not yet significant)`);
  };
  const { errors, requests, latencyCount } = window.canary;
  const stableCounts = window.stableReference ?? window.stable;
  const errorLimit = limitPercent(limits.maxErrorRate);
  const stableErrorsOver =
    upperBound(stableCounts.errors, stableCounts.requests, limits.alpha) > limits.maxErrorRate;
  const stableSlowOver =
    upperBound(
      slowerThanInterpolated(stableCounts, limits.maxLatencyP95Ms / 1000),
      stableCounts.latencyCount,
      limits.alpha,
    ) > P95_TAIL;
  const aboveOrNear = (over: boolean) => (over ? 'above' : 'not clearly below');
  judge(
    canary.errorRate !== undefined && canary.errorRate > limits.maxErrorRate,
    reference.errorRate !== undefined && stableErrorsOver,
    `canary 5xx ${percent(canary.errorRate)} is above the ${errorLimit} limit`,
    `stable's 5xx ${percent(reference.errorRate)} is ${aboveOrNear((reference.errorRate ?? 0) > limits.maxErrorRate)} the ${errorLimit} limit too (canary ${percent(canary.errorRate)}): the service breaches its SLO, so the canary is judged only against stable`,
    () => lowerBound(errors, requests, limits.alpha) > limits.maxErrorRate,
    requests,
  );
  const latencyLimit = formatMs(limits.maxLatencyP95Ms);
  judge(
    canary.p95Ms !== undefined && canary.p95Ms > limits.maxLatencyP95Ms,
    reference.p95Ms !== undefined && stableSlowOver,
    `canary p95 latency ${canary.p95Ms === undefined ? 'n/a' : formatMs(canary.p95Ms)} is above the ${latencyLimit} limit`,
    `stable's p95 latency ${reference.p95Ms === undefined ? 'n/a' : formatMs(reference.p95Ms)} is ${aboveOrNear((reference.p95Ms ?? 0) > limits.maxLatencyP95Ms)} the ${latencyLimit} limit too (canary ${canary.p95Ms === undefined ? 'n/a' : formatMs(canary.p95Ms)}): the service breaches its SLO, so the canary is judged only against stable`,
    () => {
      const slow = slowerThanInterpolated(window.canary, limits.maxLatencyP95Ms / 1000);
      return lowerBound(slow, latencyCount, limits.alpha) > P95_TAIL;
    },
    latencyCount,
  );
  return result;
}

/** The one-sided upper confidence bound of a binomial proportion (Clopper–Pearson); 1 without trials. */
export function upperBound(events: number, trials: number, alpha: number): number {
  if (trials <= 0) return 1;
  const k = Math.max(0, Math.min(events, trials));
  if (k >= trials) return 1;
  return jstat.beta.inv(1 - alpha, k + 1, trials - k);
}

/** The one-sided lower confidence bound of a binomial proportion (Clopper–Pearson). */
export function lowerBound(events: number, trials: number, alpha: number): number {
  if (events <= 0 || trials <= 0) return 0;
  const k = Math.min(events, trials);
  return jstat.beta.inv(alpha, k, trials - k + 1);
}

function limitPercent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(3))}%`;
}
