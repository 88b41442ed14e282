/**
 * The comparators, each fed the same simulated seconds as the action's judge. Each returns true
 * at the check where it would abort the canary.
 */
import { estimateQuantile } from '../../../src/canary/judge/latency.js';
import { normalUpperTail } from './normal.js';
import {
  BUCKETS,
  bucketProbabilities,
  type SecondCounts,
  type SecondOfTraffic,
  type TrackBehaviour,
} from './traffic.js';

export interface Detector {
  /** Called after each simulated second with that second's traffic; `second` counts from 1. */
  check(traffic: SecondOfTraffic, second: number): boolean;
}

const ALPHA = 0.01;
const MAX_ERROR_RATE = 0.01;
const MAX_P95_SECONDS = 0.1;

/**
 * Flagger's analysis: every interval (60 s) the canary's request success rate over that interval
 * must be at least 99% and its p95 latency at most 100 ms (the action's own default limits); the
 * first failed check aborts (threshold 1).
 */
export function flagger(intervalSeconds = 60): Detector {
  let window = emptyCounts();
  return {
    check(traffic, second) {
      add(window, traffic.canary);
      if (second % intervalSeconds !== 0) return false;
      const { requests, errors, buckets } = window;
      window = emptyCounts();
      if (requests === 0) return false;
      const p95 = estimateQuantile(cumulativeBuckets(buckets), requests, 0.95) ?? 0;
      return 1 - errors / requests < 1 - MAX_ERROR_RATE || p95 > MAX_P95_SECONDS;
    },
  };
}

/**
 * Kayenta-style: a one-sided Mann–Whitney U test of canary against stable on per-second samples
 * (each track's error rate and its p95 latency in that second), over a fixed window of the last
 * 60 s, re-run at every check once the window is full. Each metric gets alpha / 2.
 */
export function mannWhitney(windowSeconds = 60): Detector {
  const samples = {
    canaryErrors: [] as number[],
    stableErrors: [] as number[],
    canaryP95: [] as number[],
    stableP95: [] as number[],
  };
  const push = (list: number[], value: number | undefined) => {
    if (value === undefined) return;
    list.push(value);
    if (list.length > windowSeconds) list.shift();
  };
  return {
    check(traffic, second) {
      push(samples.canaryErrors, errorRate(traffic.canary));
      push(samples.stableErrors, errorRate(traffic.stable));
      push(samples.canaryP95, p95(traffic.canary));
      push(samples.stableP95, p95(traffic.stable));
      if (second < windowSeconds) return false;
      return (
        mannWhitneyGreater(samples.canaryErrors, samples.stableErrors) <= ALPHA / 2 ||
        mannWhitneyGreater(samples.canaryP95, samples.stableP95) <= ALPHA / 2
      );
    },
  };
}

/**
 * Wald's SPRT on each canary request's outcome (5xx or not, latency bucket), knowing the true
 * distributions of stable (H0) and of the canary under the effect (H1): abort when the likelihood
 * ratio reaches 1 / alpha. No test can detect that effect much sooner at the same false-abort rate.
 */
export function oracleSprt(stable: TrackBehaviour, canary: TrackBehaviour): Detector {
  const errorTerm = Math.log(canary.errorRate / stable.errorRate);
  const successTerm = Math.log((1 - canary.errorRate) / (1 - stable.errorRate));
  const q0 = bucketProbabilities(stable);
  const q1 = bucketProbabilities(canary);
  // A bucket neither distribution can reach (beyond 5 s) says nothing: 0, not log(0 / 0).
  const bucketTerms = q0.map((p, index) => (p === q1[index] ? 0 : Math.log(q1[index] / p)));
  const threshold = Math.log(1 / ALPHA);
  let logLikelihoodRatio = 0;
  return {
    check(traffic) {
      const { requests, errors, buckets } = traffic.canary;
      logLikelihoodRatio += errors * errorTerm + (requests - errors) * successTerm;
      buckets.forEach((count, index) => (logLikelihoodRatio += count * bucketTerms[index]));
      return logLikelihoodRatio >= threshold;
    },
  };
}

/**
 * The best a comparison with stable *as it serves now* can do on errors: Wald's SPRT on which
 * track each 5xx fell in (given each second's requests), knowing the true rate ratio. Unlike the
 * oracle it must learn stable's rate from stable's own errors, as every concurrent judge does.
 */
export function concurrentOracle(stable: TrackBehaviour, canary: TrackBehaviour): Detector {
  const ratio = canary.errorRate / stable.errorRate;
  const threshold = Math.log(1 / ALPHA);
  let logLikelihoodRatio = 0;
  return {
    check(traffic) {
      const nc = traffic.canary.requests;
      const ns = traffic.stable.requests;
      if (nc === 0 || ns === 0) return false;
      const q0 = nc / (nc + ns);
      const q1 = (ratio * nc) / (ratio * nc + ns);
      logLikelihoodRatio +=
        traffic.canary.errors * Math.log(q1 / q0) +
        traffic.stable.errors * Math.log((1 - q1) / (1 - q0));
      return logLikelihoodRatio >= threshold;
    },
  };
}

/** P-value of "x tends to exceed y": normal approximation with tie and continuity corrections. */
export function mannWhitneyGreater(x: readonly number[], y: readonly number[]): number {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) return 1;
  const all = [...x.map((v) => ({ v, fromX: true })), ...y.map((v) => ({ v, fromX: false }))].sort(
    (a, b) => a.v - b.v,
  );
  let rankSumX = 0;
  let tieTerm = 0;
  for (let start = 0; start < all.length;) {
    let end = start;
    while (end + 1 < all.length && all[end + 1].v === all[start].v) end += 1;
    const ties = end - start + 1;
    const rank = (start + end) / 2 + 1;
    for (let index = start; index <= end; index += 1) if (all[index].fromX) rankSumX += rank;
    tieTerm += ties ** 3 - ties;
    start = end + 1;
  }
  const n = n1 + n2;
  const u = rankSumX - (n1 * (n1 + 1)) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return 1;
  return normalUpperTail((u - (n1 * n2) / 2 - 0.5) / Math.sqrt(variance));
}

export function cumulativeBuckets(perBucket: readonly number[]): { le: number; count: number }[] {
  let sum = 0;
  return BUCKETS.map((le, index) => ({ le, count: (sum += perBucket[index]) }));
}

export function emptyCounts(): SecondCounts {
  return { requests: 0, errors: 0, buckets: new Array<number>(BUCKETS.length + 1).fill(0) };
}

export function add(into: SecondCounts, counts: SecondCounts): void {
  into.requests += counts.requests;
  into.errors += counts.errors;
  counts.buckets.forEach((count, index) => (into.buckets[index] += count));
}

function errorRate(counts: SecondCounts): number | undefined {
  return counts.requests > 0 ? counts.errors / counts.requests : undefined;
}

function p95(counts: SecondCounts): number | undefined {
  return estimateQuantile(cumulativeBuckets(counts.buckets), counts.requests, 0.95);
}
