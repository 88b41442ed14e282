import { describe, expect, it } from 'vitest';
import {
  estimateQuantile,
  quantileBeyondBuckets,
  subtractCounts,
  windowStats,
} from '../../../src/canary/judge/latency.js';
import type { LatencyBucket, TrackCounts } from '../../../src/canary/types.js';

const buckets: LatencyBucket[] = [
  { le: 0.1, count: 50 },
  { le: 0.2, count: 80 },
  { le: 0.5, count: 100 },
];

describe('estimateQuantile', () => {
  it.each([
    { q: 0.5, total: 100, expected: 0.1, why: 'rank at the top of the first bucket' },
    { q: 0.25, total: 100, expected: 0.05, why: 'the first bucket starts at 0' },
    { q: 0.65, total: 100, expected: 0.15, why: 'halfway through the second bucket' },
    { q: 0.95, total: 100, expected: 0.425, why: 'three quarters into the last finite bucket' },
    { q: 0.95, total: 200, expected: 0.5, why: 'in +Inf: the highest finite bound' },
    { q: 0, total: 100, expected: 0, why: 'the lowest quantile' },
  ])('$why: q=$q of $total → $expected s', ({ q, total, expected }) => {
    expect(estimateQuantile(buckets, total, q)).toBeCloseTo(expected, 10);
  });

  it('reads buckets in any order and repairs counts that decrease, as Prometheus does', () => {
    const shuffled = [
      { le: 0.5, count: 100 },
      { le: 0.1, count: 50 },
      { le: 0.2, count: 40 },
    ];
    // The 0.2 bucket is lifted to 50, so the rank 75 falls in (0.2, 0.5].
    expect(estimateQuantile(shuffled, 100, 0.75)).toBeCloseTo(0.2 + 0.3 * (25 / 50), 10);
  });

  it('returns a bound of zero or below as is', () => {
    expect(estimateQuantile([{ le: 0, count: 10 }, ...buckets], 100, 0.05)).toBe(0);
  });

  it.each([
    { total: 0, list: buckets, why: 'no observations' },
    { total: 10, list: [], why: 'no finite buckets' },
  ])('is undefined with $why', ({ total, list }) => {
    expect(estimateQuantile(list, total, 0.95)).toBeUndefined();
  });

  it.each([-0.1, 1.5, NaN])('rejects the quantile %d', (q) => {
    expect(() => estimateQuantile(buckets, 100, q)).toThrow(RangeError);
  });
});

describe('quantileBeyondBuckets', () => {
  it.each([
    { total: 100, expected: false },
    { total: 106, expected: true },
    { total: 0, expected: false },
  ])('with $total observations: $expected', ({ total, expected }) => {
    expect(quantileBeyondBuckets(buckets, total, 0.95)).toBe(expected);
  });
});

const earlier: TrackCounts = {
  requests: 100,
  errors: 2,
  buckets: [
    { le: 0.1, count: 60 },
    { le: 0.5, count: 95 },
  ],
  latencyCount: 100,
};
const later: TrackCounts = {
  requests: 300,
  errors: 12,
  buckets: [
    { le: 0.1, count: 160 },
    { le: 0.25, count: 200 },
    { le: 0.5, count: 290 },
  ],
  latencyCount: 300,
};

describe('subtractCounts', () => {
  it('gives the counts of the window between two readings', () => {
    expect(subtractCounts(later, earlier)).toEqual({
      requests: 200,
      errors: 10,
      buckets: [
        { le: 0.1, count: 100 },
        { le: 0.25, count: 200 },
        { le: 0.5, count: 195 },
      ],
      latencyCount: 200,
    });
  });

  it('never gives negative counts', () => {
    const window = subtractCounts(earlier, later);
    expect(window.requests).toBe(0);
    expect(window.errors).toBe(0);
    expect(window.latencyCount).toBe(0);
    expect(window.buckets.every((bucket) => bucket.count === 0)).toBe(true);
  });
});

describe('windowStats', () => {
  it('gives the 5xx share and the p95 in milliseconds', () => {
    const window = windowStats(subtractCounts(later, earlier));
    expect(window).toMatchObject({ requests: 200, errorRate: 0.05 });
    // The 190th of 200 falls in (0.1, 0.25], 90 of its 100 requests in.
    expect(window.p95Ms).toBeCloseTo(100 + 150 * 0.9, 8);
    const stats = windowStats({
      requests: 40,
      errors: 1,
      buckets: [
        { le: 0.01, count: 20 },
        { le: 0.05, count: 40 },
      ],
      latencyCount: 40,
    });
    expect(stats.errorRate).toBe(0.025);
    expect(stats.p95Ms).toBeCloseTo(10 + 40 * (18 / 20), 8);
  });

  it('leaves rates undefined without requests', () => {
    expect(windowStats({ requests: 0, errors: 0, buckets: [], latencyCount: 0 })).toEqual({
      requests: 0,
      errorRate: undefined,
      p95Ms: undefined,
    });
  });
});
