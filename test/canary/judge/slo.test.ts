import { beforeAll, describe, expect, it } from 'vitest';
import { checkSlo, lowerBound } from '../../../src/canary/judge/slo.js';
import { loadStatistics } from '../../../src/canary/judge/statistics.js';
import type { TrackCounts } from '../../../src/canary/types.js';

beforeAll(() => loadStatistics());

const limits = { maxErrorRate: 0.01, maxLatencyP95Ms: 100, minRequests: 100, alpha: 0.01 };

/** `requests` with `errors` 5xx; latencies split by the share under 50 ms and under 100 ms. */
function counts(requests: number, errors: number, under50 = 1, under100 = 1): TrackCounts {
  return {
    requests,
    errors,
    buckets: [
      { le: 0.05, count: Math.round(requests * under50) },
      { le: 0.1, count: Math.round(requests * under100) },
      { le: 0.25, count: requests },
    ],
    latencyCount: requests,
  };
}

describe('checkSlo', () => {
  it.each([
    { name: 'healthy', canary: counts(200, 0), breaches: [], unsure: [] },
    {
      name: 'clearly too many errors',
      canary: counts(1000, 48),
      breaches: ['canary 5xx 4.8% is above the 1% limit'],
      unsure: [],
    },
    {
      name: 'one 5xx in a small window is over the limit but not yet a breach',
      canary: counts(100, 2),
      breaches: [],
      unsure: ['canary 5xx 2.0% is above the 1% limit (100 requests, not yet significant)'],
    },
    {
      name: 'p95 clearly above the limit',
      canary: counts(1000, 0, 0.5, 0.8),
      breaches: ['canary p95 latency 213 ms is above the 100 ms limit'],
      unsure: [],
    },
    {
      name: 'p95 slightly above the limit on few requests',
      canary: counts(120, 0, 0.5, 0.94),
      breaches: [],
      unsure: [
        'canary p95 latency 121 ms is above the 100 ms limit (120 requests, not yet significant)',
      ],
    },
    {
      name: 'p95 exactly at the limit',
      canary: counts(1000, 0, 0.5, 0.95),
      breaches: [],
      unsure: [],
    },
  ])('$name', ({ canary, breaches, unsure }) => {
    const result = checkSlo({ canary, stable: counts(9000, 9) }, limits);
    expect(result.enoughTraffic).toBe(true);
    expect(result.breaches).toEqual(breaches);
    expect(result.unsure).toEqual(unsure);
    expect(result.stable).toMatchObject({ requests: 9000, errorRate: 0.001 });
  });

  it('judges nothing until the canary has min-requests', () => {
    const result = checkSlo({ canary: counts(99, 50), stable: counts(900, 0) }, limits);
    expect(result).toMatchObject({ enoughTraffic: false, breaches: [], unsure: [] });
    expect(result.canary.errorRate).toBeCloseTo(50 / 99, 10);
  });

  it('passes an empty window on time alone with min-requests 0, as action.yml says', () => {
    const result = checkSlo(
      { canary: counts(0, 0), stable: counts(0, 0) },
      { ...limits, minRequests: 0 },
    );
    expect(result).toMatchObject({ enoughTraffic: true, breaches: [], unsure: [] });
    expect(checkSlo({ canary: counts(0, 0), stable: counts(0, 0) }, limits).enoughTraffic).toBe(
      false,
    );
  });

  it('lets a service slower than max-latency-p95 through when the canary is as slow as stable', () => {
    // 80% of requests under 100 ms: p95 well above the limit, on both tracks.
    const result = checkSlo(
      { canary: counts(1000, 0, 0.5, 0.8), stable: counts(9000, 0, 0.5, 0.8) },
      limits,
    );
    expect(result.breaches).toEqual([]);
    expect(result.unsure).toEqual([]);
    expect(result.stableBreaches).toEqual([
      expect.stringMatching(
        /^stable.s p95 latency 213 ms is above the 100 ms limit too \(canary 213 ms\)/,
      ),
    ]);
  });

  it.each([
    {
      name: 'a blip spread unevenly: canary over the limit, stable just under, no clear difference',
      canary: counts(400, 10),
      stable: counts(3600, 35),
      blamed: false,
    },
    {
      name: 'low traffic: canary 4% against stable 0.1%',
      canary: counts(150, 6),
      stable: counts(1000, 1),
      blamed: true,
    },
  ])('blames the canary for a limit only when it is also worse than stable: $name', (row) => {
    const result = checkSlo({ canary: row.canary, stable: row.stable }, limits);
    expect(result.breaches.length > 0).toBe(row.blamed);
    if (!row.blamed) expect(result.unsure).toEqual([expect.stringMatching(/not yet significant/)]);
  });

  it('does not blame the canary for a limit stable breaches too, and says so', () => {
    const result = checkSlo({ canary: counts(1000, 30), stable: counts(9000, 250) }, limits);
    expect(result.breaches).toEqual([]);
    expect(result.unsure).toEqual([]);
    expect(result.stableBreaches).toEqual([
      expect.stringMatching(/^stable's 5xx 2\.8% is above the 1% limit too \(canary 3\.0%\)/),
    ]);
    const healthyStable = checkSlo({ canary: counts(1000, 30), stable: counts(9000, 20) }, limits);
    expect(healthyStable.breaches).toEqual(['canary 5xx 3.0% is above the 1% limit']);
  });
});

describe('lowerBound', () => {
  it.each([
    // Exact Clopper–Pearson values: the bound is the alpha quantile of Beta(k, n − k + 1).
    { events: 0, trials: 100, alpha: 0.01, expected: 0 },
    { events: 1, trials: 44, alpha: 0.01, expected: 0.000228 },
    { events: 48, trials: 1000, alpha: 0.01, expected: 0.0336 },
    { events: 100, trials: 100, alpha: 0.01, expected: 0.955 },
  ])('$events of $trials at alpha $alpha', ({ events, trials, alpha, expected }) => {
    expect(lowerBound(events, trials, alpha)).toBeCloseTo(expected, 3);
  });
});
