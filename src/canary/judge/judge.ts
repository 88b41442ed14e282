import type { Observation, TrackCounts } from '../types.js';
import { logSumExp, RateRatioTest, type RateRatioBatch } from './sequential-test.js';

export interface Verdict {
  /** The canary is worse than stable with confidence 1 − alpha. */
  worse: boolean;
  /** The smallest adjusted p-value over every test; compared with alpha. */
  pValue: number;
  /** pValue is adjusted for the alpha split; rates are since the first observation. */
  errors: { pValue: number; canaryRate: number | undefined; stableRate: number | undefined };
  /** The bucket bound whose test is closest to rejecting; undefined without a histogram. */
  latency:
    | {
        pValue: number;
        boundMs: number;
        canarySlowShare: number | undefined;
        stableSlowShare: number | undefined;
      }
    | undefined;
  /** Why the canary is worse, with the numbers; undefined unless worse. */
  reason: string | undefined;
  /** The instant of the counts this verdict is about (atMs of the observation judged). */
  judgedAtMs: number;
}

/**
 * Compares canary with stable after every check. One sequential test asks whether the canary's
 * 5xx rate per request is higher; for each finite latency bucket bound b another asks whether
 * the canary's share of requests slower than b is higher, so a regression anywhere in the
 * latency distribution is caught, not only at one quantile.
 *
 * The tests' evidence (Bayes factors, which are e-processes) is averaged with weights — 0.7 for
 * the error test, 0.3 shared evenly by the bounds — and the canary is worse once the running
 * maximum of that average reaches 1/alpha. An average of e-processes is one, whatever their
 * dependence (they share requests, and the bounds share histograms), so by Ville's inequality the
 * false-alarm rate stays at most alpha; unlike a Bonferroni split, a regression that shows at
 * several bounds adds up. The latency weight is reserved even before a histogram shows up, so
 * the guarantee does not depend on when buckets appear. The bounds are fixed at the first
 * observation where both tracks have buckets, for the same reason.
 *
 * The canary is "worse" only beyond the margins: its rates may be up to stable's × (1 + relative)
 * + absolute (error-rate-margin, latency-margin), so a practically identical canary at high
 * traffic is not stopped for a difference nobody would notice.
 */
export class SequentialJudge {
  private readonly alpha: number;
  private readonly errorMargin: Margin;
  private readonly latencyMargin: Margin;
  private readonly errorTest = new CumulativeTest();
  private latencyTests: Map<number, CumulativeTest> | undefined;
  private lastVerdict: Verdict | undefined;
  private lastBatchAt = -Infinity;
  private largestLogEvidence = 0;

  constructor(options: { alpha: number; errorMargin?: Margin; latencyMargin?: Margin }) {
    if (!(options.alpha > 0 && options.alpha < 1)) {
      throw new RangeError(`alpha must be between 0 and 1, got ${options.alpha}`);
    }
    this.alpha = options.alpha;
    this.errorMargin = options.errorMargin ?? NO_MARGIN;
    this.latencyMargin = options.latencyMargin ?? NO_MARGIN;
  }

  /**
   * Takes counts without judging them (a warm-up): the tests go on from these counts, as if the
   * requests before them had never been seen.
   */
  skip(observation: Observation): void {
    this.lastBatchAt = observation.atMs;
    this.errorTest.skipTo(errorBatch(observation.canary, observation.stable));
    for (const [le, test] of this.latencyTestsFor(observation.canary, observation.stable)) {
      const batch = this.latencyBatch(observation.canary, observation.stable, le);
      if (batch) test.skipTo(batch);
    }
  }

  /**
   * Takes counts cumulative since the canary began to receive traffic. Counts are tested in
   * batches of at least two scrape intervals: Prometheus has each counter only at its scrapes,
   * so what happened between two scrapes is spread over them, at different moments for different
   * pods; a blip both tracks suffered would otherwise weigh on the canary in one batch and on
   * stable in the next. A verdict says which counts it judged (judgedAtMs).
   */
  observe(observation: Observation): Verdict {
    const batchMs = 2 * (observation.scrapeIntervalMs ?? 0);
    const small = observation.atMs - this.lastBatchAt < batchMs;
    if (this.lastVerdict && small) return this.lastVerdict;
    this.lastBatchAt = observation.atMs;
    this.lastVerdict = this.judge(observation);
    return this.lastVerdict;
  }

  private judge(observation: Observation): Verdict {
    const { canary, stable } = observation;
    this.errorTest.observe(errorBatch(canary, stable), this.errorMargin);
    const errors = {
      pValue: Math.min(1, this.errorTest.pValue / ERROR_WEIGHT),
      canaryRate: share(canary.errors, canary.requests),
      stableRate: share(stable.errors, stable.requests),
    };
    const latency = this.observeLatency(canary, stable);
    // The evidence of every test, weighted: an average of e-processes is one, so its running
    // maximum is compared with 1/alpha (Ville) without splitting alpha bound by bound.
    const tests = [...(this.latencyTests?.values() ?? [])];
    const logEvidence = logSumExp([
      Math.log(ERROR_WEIGHT) + this.errorTest.logBayesFactor,
      ...(tests.length === 0
        ? [Math.log(1 - ERROR_WEIGHT)]
        : tests.map((test) => Math.log((1 - ERROR_WEIGHT) / tests.length) + test.logBayesFactor)),
    ]);
    this.largestLogEvidence = Math.max(this.largestLogEvidence, logEvidence);
    const pValue = Math.min(1, Math.exp(-this.largestLogEvidence));
    const worse = pValue <= this.alpha;
    let reason: string | undefined;
    if (worse) {
      reason =
        latency === undefined || errors.pValue <= latency.pValue
          ? `canary 5xx ${percent(errors.canaryRate)} vs stable ${percent(errors.stableRate)}, ${formatP(pValue)}`
          : `canary slower than ${formatMs(latency.boundMs)} for ${percent(latency.canarySlowShare)} of requests vs stable ${percent(latency.stableSlowShare)}, ${formatP(pValue)}`;
    }
    return { worse, pValue, errors, latency, reason, judgedAtMs: observation.atMs };
  }

  /**
   * Requests slower than `le` on each track, as a batch of the rate-ratio test; undefined when a
   * track has no bucket at `le`.
   */
  private latencyBatch(
    canary: TrackCounts,
    stable: TrackCounts,
    le: number,
  ): RateRatioBatch | undefined {
    const canarySlow = slowerThan(canary, le);
    const stableSlow = slowerThan(stable, le);
    if (canarySlow === undefined || stableSlow === undefined) return undefined;
    return {
      canaryExposure: canary.latencyCount,
      stableExposure: stable.latencyCount,
      canaryEvents: canarySlow,
      stableEvents: stableSlow,
    };
  }

  /** One test per bucket bound both tracks have, fixed the first time both have buckets. */
  private latencyTestsFor(canary: TrackCounts, stable: TrackCounts): Map<number, CumulativeTest> {
    if (this.latencyTests) return this.latencyTests;
    const stableBounds = new Set(stable.buckets.map((bucket) => bucket.le));
    const shared = canary.buckets.map((b) => b.le).filter((le) => stableBounds.has(le));
    if (shared.length === 0) return new Map();
    this.latencyTests = new Map(shared.map((le) => [le, new CumulativeTest()]));
    return this.latencyTests;
  }

  private observeLatency(canary: TrackCounts, stable: TrackCounts): Verdict['latency'] {
    const tests = this.latencyTestsFor(canary, stable);
    if (tests.size === 0) return undefined;
    const bounds = tests.size;
    let closest: NonNullable<Verdict['latency']> | undefined;
    let closestGap = -Infinity;
    for (const [le, test] of tests) {
      const batch = this.latencyBatch(canary, stable, le);
      if (batch) test.observe(batch, this.latencyMargin);
      const canarySlow = batch?.canaryEvents ?? slowerThan(canary, le);
      const stableSlow = batch?.stableEvents;
      const candidate = {
        pValue: Math.min(1, (bounds * test.pValue) / (1 - ERROR_WEIGHT)),
        boundMs: Number((le * 1000).toPrecision(12)),
        canarySlowShare: share(canarySlow, canary.latencyCount),
        stableSlowShare: share(stableSlow, stable.latencyCount),
      };
      // Among equal p-values the bound where the canary looks worst says the most to a reader.
      const gap = (candidate.canarySlowShare ?? 0) - (candidate.stableSlowShare ?? 0);
      if (
        closest === undefined ||
        candidate.pValue < closest.pValue ||
        (candidate.pValue === closest.pValue && gap > closestGap)
      ) {
        closest = candidate;
        closestGap = gap;
      }
    }
    return closest;
  }
}

/**
 * A RateRatioTest fed cumulative counts: it tests the increments. A count that went backwards
 * (a baseline that was reset) gives no batch; the next one is measured from the new values. A
 * batch where one track got no requests is not thrown away: it is kept for the next, since the
 * test can only weigh events against the other track's exposure.
 */
class CumulativeTest {
  private readonly test = new RateRatioTest();
  private last: RateRatioBatch = {
    canaryExposure: 0,
    stableExposure: 0,
    canaryEvents: 0,
    stableEvents: 0,
  };

  /** Tests the counts since the last batch, allowing the canary `margin` over stable's rate. */
  observe(cumulative: RateRatioBatch, margin: Margin = NO_MARGIN): void {
    const nullRatio = this.nullRatio(margin);
    const canaryExposure = cumulative.canaryExposure - this.last.canaryExposure;
    const stableExposure = cumulative.stableExposure - this.last.stableExposure;
    const canaryEvents = cumulative.canaryEvents - this.last.canaryEvents;
    const stableEvents = cumulative.stableEvents - this.last.stableEvents;
    const deltas = [canaryExposure, stableExposure, canaryEvents, stableEvents];
    if (deltas.some((delta) => !Number.isFinite(delta) || delta < 0)) {
      this.last = cumulative;
      return;
    }
    if (canaryExposure <= 0 || stableExposure <= 0) return;
    this.last = cumulative;
    // Events can't outnumber exposure; counters scraped a moment apart can make them look so.
    this.test.update(
      {
        canaryExposure,
        stableExposure,
        canaryEvents: Math.min(canaryEvents, canaryExposure),
        stableEvents: Math.min(stableEvents, stableExposure),
      },
      nullRatio,
    );
  }

  /**
   * The rate ratio the margin allows against stable's rate so far, (1 + relative) + absolute /
   * stable's rate; with half an event when stable has none yet, so that an absolute margin still
   * bounds what is tolerated. Fixed before the batch is seen, as the test requires.
   */
  private nullRatio({ relative, absolute }: Margin): number {
    const seen = this.last;
    if (absolute <= 0 || seen.stableExposure <= 0) return 1 + relative;
    const stableRate = Math.max(seen.stableEvents, 0.5) / seen.stableExposure;
    return 1 + relative + absolute / stableRate;
  }

  /** Goes on from `cumulative` without testing what came before it. */
  skipTo(cumulative: RateRatioBatch): void {
    this.last = cumulative;
  }

  get pValue(): number {
    return this.test.pValue;
  }

  get logBayesFactor(): number {
    return this.test.logBayesFactor;
  }
}

/**
 * How much worse than stable the canary may be and still pass: a rate (5xx per request, or the
 * share of requests slower than a bucket bound) up to stable's × (1 + relative) + absolute.
 */
export interface Margin {
  relative: number;
  absolute: number;
}

/**
 * The error test's weight in the evidence (the latency bounds share the rest): most regressions
 * that matter show in 5xx, which are rarer events than slow requests, so they need the alpha.
 */
const ERROR_WEIGHT = 0.7;
const NO_MARGIN: Margin = { relative: 0, absolute: 0 };

function errorBatch(canary: TrackCounts, stable: TrackCounts): RateRatioBatch {
  return {
    canaryExposure: canary.requests,
    stableExposure: stable.requests,
    canaryEvents: canary.errors,
    stableEvents: stable.errors,
  };
}

function slowerThan(counts: TrackCounts, le: number): number | undefined {
  const bucket = counts.buckets.find((b) => b.le === le);
  return bucket === undefined ? undefined : Math.max(0, counts.latencyCount - bucket.count);
}

function share(part: number | undefined, whole: number): number | undefined {
  return part === undefined || whole <= 0 ? undefined : Math.min(1, part / whole);
}

export function percent(fraction: number | undefined): string {
  if (fraction === undefined) return 'n/a';
  const value = fraction * 100;
  return `${value > 0 && value < 0.1 ? value.toFixed(2) : value.toFixed(1)}%`;
}

export function formatMs(ms: number): string {
  return `${Number(ms.toPrecision(3))} ms`;
}

export function formatP(p: number): string {
  return p < 0.0001 ? 'p < 0.0001' : `p = ${Number(p.toPrecision(2))}`;
}
