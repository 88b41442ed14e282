import type { LatencyBucket, TrackCounts, WindowStats } from '../types.js';

/**
 * The q-quantile in seconds from cumulative histogram buckets, estimated as Prometheus'
 * histogram_quantile does: linear interpolation inside the bucket the rank falls in, the first
 * bucket starting at 0. When the rank falls in the +Inf bucket the highest finite bound is
 * returned, since nothing more is known. Undefined without observations or finite buckets.
 */
export function estimateQuantile(
  buckets: readonly LatencyBucket[],
  total: number,
  q: number,
): number | undefined {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be within [0, 1], got ${q}`);
  if (!(total > 0) || buckets.length === 0) return undefined;
  const sorted = monotone(buckets);
  const rank = q * total;
  const index = sorted.findIndex((bucket) => bucket.count >= rank);
  if (index === -1) return sorted[sorted.length - 1].le;
  const bucket = sorted[index];
  if (index === 0 && bucket.le <= 0) return bucket.le;
  const previous = index > 0 ? sorted[index - 1] : { le: 0, count: 0 };
  const inBucket = bucket.count - previous.count;
  if (inBucket <= 0) return bucket.le;
  return previous.le + (bucket.le - previous.le) * ((rank - previous.count) / inBucket);
}

/**
 * Whether the q-quantile lies above every finite bucket, where estimateQuantile can only say "at
 * least the highest bound".
 */
export function quantileBeyondBuckets(
  buckets: readonly LatencyBucket[],
  total: number,
  q: number,
): boolean {
  if (!(total > 0) || buckets.length === 0) return false;
  const highest = monotone(buckets).at(-1);
  return highest !== undefined && highest.count < q * total;
}

/**
 * Counts in the window between two cumulative readings. A count that went backwards gives 0,
 * never a negative number of requests.
 */
export function subtractCounts(later: TrackCounts, earlier: TrackCounts): TrackCounts {
  const before = new Map(earlier.buckets.map((bucket) => [bucket.le, bucket.count]));
  return {
    requests: Math.max(0, later.requests - earlier.requests),
    errors: Math.max(0, later.errors - earlier.errors),
    buckets: later.buckets.map((bucket) => ({
      le: bucket.le,
      count: Math.max(0, bucket.count - (before.get(bucket.le) ?? 0)),
    })),
    latencyCount: Math.max(0, later.latencyCount - earlier.latencyCount),
  };
}

export function windowStats(counts: TrackCounts): WindowStats {
  const p95 = estimateQuantile(counts.buckets, counts.latencyCount, 0.95);
  return {
    requests: counts.requests,
    errorRate: counts.requests > 0 ? Math.min(1, counts.errors / counts.requests) : undefined,
    p95Ms: p95 === undefined ? undefined : p95 * 1000,
  };
}

/**
 * Buckets in ascending order with counts made non-decreasing: buckets scraped at slightly
 * different moments can disagree, and Prometheus applies the same repair.
 */
function monotone(buckets: readonly LatencyBucket[]): LatencyBucket[] {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  let running = 0;
  return sorted.map((bucket) => {
    running = Math.max(running, bucket.count);
    return { le: bucket.le, count: running };
  });
}

/**
 * Requests slower than `seconds`, read off the cumulative buckets by linear interpolation as
 * histogram_quantile does. Beyond the highest finite bound only "slower than that bound" is
 * known, which undercounts, so a breach found with it is still a breach.
 */
export function slowerThanInterpolated(counts: TrackCounts, seconds: number): number {
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
