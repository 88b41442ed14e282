import type { Observation, TrackCounts } from '../types.js';
import { RateRatioTest, type RateRatioBatch } from './sequential-test.js';

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
}

/**
 * Compares canary with stable after every check. One sequential test asks whether the canary's
 * 5xx rate per request is higher; for each finite latency bucket bound b another asks whether
 * the canary's share of requests slower than b is higher, so a regression anywhere in the
 * latency distribution is caught, not only at one quantile.
 *
 * Alpha is split in half between the error test and the latency family, and the latency half is
 * split evenly over the bounds (Bonferroni). Bonferroni needs no assumption about how the tests
 * depend on each other, and they do: they share requests, and the bounds share histograms. The
 * latency half is reserved even before a histogram shows up, so the guarantee does not depend on
 * when buckets appear. The bounds are fixed at the first observation where both tracks have
 * buckets, for the same reason.
 */
export class SequentialJudge {
  private readonly alpha: number;
  private readonly errorTest = new CumulativeTest();
  private latencyTests: Map<number, CumulativeTest> | undefined;

  constructor(options: { alpha: number }) {
    if (!(options.alpha > 0 && options.alpha < 1)) {
      throw new RangeError(`alpha must be between 0 and 1, got ${options.alpha}`);
    }
    this.alpha = options.alpha;
  }

  /** Takes counts cumulative since the canary began to receive traffic. */
  observe(observation: Observation): Verdict {
    const { canary, stable } = observation;
    this.errorTest.observe({
      canaryExposure: canary.requests,
      stableExposure: stable.requests,
      canaryEvents: canary.errors,
      stableEvents: stable.errors,
    });
    const errors = {
      pValue: Math.min(1, 2 * this.errorTest.pValue),
      canaryRate: share(canary.errors, canary.requests),
      stableRate: share(stable.errors, stable.requests),
    };
    const latency = this.observeLatency(canary, stable);
    const pValue = Math.min(errors.pValue, latency?.pValue ?? 1);
    const worse = pValue <= this.alpha;
    let reason: string | undefined;
    if (worse) {
      reason =
        latency === undefined || errors.pValue <= latency.pValue
          ? `canary 5xx ${percent(errors.canaryRate)} vs stable ${percent(errors.stableRate)}, ${formatP(errors.pValue)}`
          : `canary slower than ${formatMs(latency.boundMs)} for ${percent(latency.canarySlowShare)} of requests vs stable ${percent(latency.stableSlowShare)}, ${formatP(latency.pValue)}`;
    }
    return { worse, pValue, errors, latency, reason };
  }

  private observeLatency(canary: TrackCounts, stable: TrackCounts): Verdict['latency'] {
    if (this.latencyTests === undefined) {
      const stableBounds = new Set(stable.buckets.map((bucket) => bucket.le));
      const shared = canary.buckets.map((b) => b.le).filter((le) => stableBounds.has(le));
      if (shared.length === 0) return undefined;
      this.latencyTests = new Map(shared.map((le) => [le, new CumulativeTest()]));
    }
    const bounds = this.latencyTests.size;
    let closest: NonNullable<Verdict['latency']> | undefined;
    let closestGap = -Infinity;
    for (const [le, test] of this.latencyTests) {
      const canarySlow = slowerThan(canary, le);
      const stableSlow = slowerThan(stable, le);
      if (canarySlow !== undefined && stableSlow !== undefined) {
        test.observe({
          canaryExposure: canary.latencyCount,
          stableExposure: stable.latencyCount,
          canaryEvents: canarySlow,
          stableEvents: stableSlow,
        });
      }
      const candidate = {
        pValue: Math.min(1, 2 * bounds * test.pValue),
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
 * (a baseline that was reset) gives no batch; the next one is measured from the new values.
 */
class CumulativeTest {
  private readonly test = new RateRatioTest();
  private last: RateRatioBatch = {
    canaryExposure: 0,
    stableExposure: 0,
    canaryEvents: 0,
    stableEvents: 0,
  };

  observe(cumulative: RateRatioBatch): void {
    const canaryExposure = cumulative.canaryExposure - this.last.canaryExposure;
    const stableExposure = cumulative.stableExposure - this.last.stableExposure;
    const canaryEvents = cumulative.canaryEvents - this.last.canaryEvents;
    const stableEvents = cumulative.stableEvents - this.last.stableEvents;
    this.last = cumulative;
    const deltas = [canaryExposure, stableExposure, canaryEvents, stableEvents];
    if (deltas.some((delta) => !Number.isFinite(delta) || delta < 0)) return;
    // Events can't outnumber exposure; counters scraped a moment apart can make them look so.
    this.test.update({
      canaryExposure,
      stableExposure,
      canaryEvents: Math.min(canaryEvents, canaryExposure),
      stableEvents: Math.min(stableEvents, stableExposure),
    });
  }

  get pValue(): number {
    return this.test.pValue;
  }
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
