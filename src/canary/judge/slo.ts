/**
 * The absolute limits (max-error-rate, max-latency-p95), judged on one step's window. A point
 * estimate over the limit from a few dozen requests is often chance: one 5xx in 44 requests is
 * 2.3%. So a limit is broken only when the canary is over it with confidence 1 − alpha (an exact
 * Clopper–Pearson bound); over it by the estimate alone means "keep gathering", and a step that
 * ends its step-timeout still unsure aborts, because an unsure canary is never a pass.
 */
import type { TrackCounts, WindowStats } from '../types.js';
import { formatMs, percent } from './judge.js';
import { slowerThanInterpolated, windowStats } from './latency.js';
import { betaQuantile, binomialCdf } from './statistics.js';

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
   * Those of `unsure` where the canary is not clearly worse than stable either: at the step's
   * timeout they pass with a warning instead of aborting, since chance alone puts a canary as good
   * as stable over a limit close to stable's rate now and then.
   */
  noWorseThanStable: string[];
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
    noWorseThanStable: [],
    stableBreaches: [],
    canary,
    stable,
  };
  if (!enoughTraffic) return result;
  // A limit stable is over too is the service's problem, not the canary's: the comparison with
  // stable judges the canary then. And a canary over a limit is blamed only when it is also worse
  // than stable in the same window: a blip both tracks suffered, spread by the scrapes a little
  // differently over the two tracks' windows, can put the canary over the limit alone.
  const judge = (
    canaryOver: boolean,
    stableOver: boolean,
    over: string,
    stableOverText: string,
    confident: () => boolean,
    count: number,
    worseThanStable: () => boolean,
  ) => {
    if (!canaryOver) return;
    if (stableOver) {
      result.stableBreaches.push(stableOverText);
      return;
    }
    const worse = worseThanStable();
    if (confident() && worse) {
      result.breaches.push(over);
      return;
    }
    const unsure = `${over} (${count} requests, not yet significant)`;
    result.unsure.push(unsure);
    if (!worse) result.noWorseThanStable.push(unsure);
  };
  const { errors, requests, latencyCount } = window.canary;
  const errorLimit = limitPercent(limits.maxErrorRate);
  judge(
    canary.errorRate !== undefined && canary.errorRate > limits.maxErrorRate,
    reference.errorRate !== undefined && reference.errorRate > limits.maxErrorRate,
    `canary 5xx ${percent(canary.errorRate)} is above the ${errorLimit} limit`,
    `stable's 5xx ${percent(reference.errorRate)} is above the ${errorLimit} limit too (canary ${percent(canary.errorRate)}): the service breaches its SLO, so the canary is judged only against stable`,
    () => lowerBound(errors, requests, limits.alpha) > limits.maxErrorRate,
    requests,
    () =>
      moreThanItsShare(
        { events: errors, trials: requests },
        { events: window.stable.errors, trials: window.stable.requests },
        limits.alpha,
      ),
  );
  const latencyLimit = formatMs(limits.maxLatencyP95Ms);
  judge(
    canary.p95Ms !== undefined && canary.p95Ms > limits.maxLatencyP95Ms,
    reference.p95Ms !== undefined && reference.p95Ms > limits.maxLatencyP95Ms,
    `canary p95 latency ${canary.p95Ms === undefined ? 'n/a' : formatMs(canary.p95Ms)} is above the ${latencyLimit} limit`,
    `stable's p95 latency ${reference.p95Ms === undefined ? 'n/a' : formatMs(reference.p95Ms)} is above the ${latencyLimit} limit too (canary ${canary.p95Ms === undefined ? 'n/a' : formatMs(canary.p95Ms)}): the service breaches its SLO, so the canary is judged only against stable`,
    () => {
      const slow = slowerThanInterpolated(window.canary, limits.maxLatencyP95Ms / 1000);
      return lowerBound(slow, latencyCount, limits.alpha) > P95_TAIL;
    },
    latencyCount,
    () =>
      moreThanItsShare(
        {
          events: slowerThanInterpolated(window.canary, limits.maxLatencyP95Ms / 1000),
          trials: latencyCount,
        },
        {
          events: slowerThanInterpolated(window.stable, limits.maxLatencyP95Ms / 1000),
          trials: window.stable.latencyCount,
        },
        limits.alpha,
      ),
  );
  return result;
}

/**
 * Whether the canary has more than its share of the events of both tracks with confidence
 * 1 − alpha (the exact conditional binomial test of equal rates). Without stable requests in the
 * window there is nothing to compare with, and the limit alone decides.
 */
export function moreThanItsShare(
  canary: { events: number; trials: number },
  stable: { events: number; trials: number },
  alpha: number,
): boolean {
  if (stable.trials <= 0) return true;
  const canaryEvents = Math.round(canary.events);
  const total = canaryEvents + Math.round(stable.events);
  if (canaryEvents <= 0) return false;
  const share = canary.trials / (canary.trials + stable.trials);
  const atLeast = 1 - binomialCdf(canaryEvents - 1, total, share);
  return atLeast <= alpha;
}

/** The one-sided lower confidence bound of a binomial proportion (Clopper–Pearson). */
export function lowerBound(events: number, trials: number, alpha: number): number {
  if (events <= 0 || trials <= 0) return 0;
  const k = Math.min(events, trials);
  return betaQuantile(alpha, k, trials - k + 1);
}

function limitPercent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(3))}%`;
}
