import { describe, expect, it } from 'vitest';
import { betaQuantile, binomialCdf, loadStatistics } from '../../../src/canary/judge/statistics.js';

describe('statistics', () => {
  it('refuses to judge before jStat was loaded, instead of judging with nothing', () => {
    expect(() => binomialCdf(2, 10, 0.5)).toThrow(/loadStatistics\(\) was not awaited/);
  });

  it('gives the binomial CDF and beta quantiles once loaded', async () => {
    await loadStatistics();
    await loadStatistics(); // a second load keeps the first
    // P(X ≤ 2) for 10 fair coins: (1 + 10 + 45) / 1024.
    expect(binomialCdf(2, 10, 0.5)).toBeCloseTo(56 / 1024, 12);
    // Beta(1, 1) is uniform: its 0.25-quantile is 0.25; Beta(2, 1) has CDF x², so √0.25.
    expect(betaQuantile(0.25, 1, 1)).toBeCloseTo(0.25, 9);
    expect(betaQuantile(0.25, 2, 1)).toBeCloseTo(0.5, 9);
  });
});
