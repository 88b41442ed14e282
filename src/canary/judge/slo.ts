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
import { windowStats } from './latency.js';

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
  canary: WindowStats;
  stable: WindowStats;
}

/** p95 above the limit means more than this share of requests is slower than the limit. */
const P95_TAIL = 0.05;

export function checkSlo(
  window: { canary: TrackCounts; stable: TrackCounts },
  limits: SloLimits,
): SloResult {
  const canary = windowStats(window.canary);
  const stable = windowStats(window.stable);
  const enoughTraffic = canary.requests > 0 && canary.requests >= limits.minRequests;
  const result: SloResult = { enoughTraffic, breaches: [], unsure: [], canary, stable };
  if (!enoughTraffic) return result;
  const { errors, requests } = window.canary;
  if (canary.errorRate !== undefined && canary.errorRate > limits.maxErrorRate) {
    const over = `canary 5xx ${percent(canary.errorRate)} is above the ${limitPercent(limits.maxErrorRate)} limit`;
    const lowest = lowerBound(errors, requests, limits.alpha);
    if (lowest > limits.maxErrorRate) result.breaches.push(over);
    else result.unsure.push(`${over} (${requests} requests, not yet significant)`);
  }
  const { latencyCount } = window.canary;
  if (canary.p95Ms !== undefined && canary.p95Ms > limits.maxLatencyP95Ms) {
    const slow = slowerThan(window.canary, limits.maxLatencyP95Ms / 1000);
    const over = `canary p95 latency ${formatMs(canary.p95Ms)} is above the ${formatMs(limits.maxLatencyP95Ms)} limit`;
    if (lowerBound(slow, latencyCount, limits.alpha) > P95_TAIL) result.breaches.push(over);
    else result.unsure.push(`${over} (${latencyCount} requests, not yet significant)`);
  }
  return result;
}

/** The one-sided lower confidence bound of a binomial proportion (Clopper–Pearson). */
export function lowerBound(events: number, trials: number, alpha: number): number {
  if (events <= 0 || trials <= 0) return 0;
  const k = Math.min(events, trials);
  return jstat.beta.inv(alpha, k, trials - k + 1);
}

/**
 * Requests slower than `seconds`, read off the cumulative buckets by linear interpolation as
 * histogram_quantile does. Beyond the highest finite bound only "slower than that bound" is
 * known, which undercounts, so a breach found with it is still a breach.
 */
function slowerThan(counts: TrackCounts, seconds: number): number {
  let lowerLe = 0;
  let lowerCount = 0;
  for (const bucket of counts.buckets) {
    if (seconds <= bucket.le) {
      const span = bucket.le - lowerLe;
      const within = span > 0 ? ((seconds - lowerLe) / span) * (bucket.count - lowerCount) : 0;
      return Math.max(0, counts.latencyCount - (lowerCount + within));
    }
    lowerLe = bucket.le;
    lowerCount = bucket.count;
  }
  return Math.max(0, counts.latencyCount - lowerCount);
}

function limitPercent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(3))}%`;
}
