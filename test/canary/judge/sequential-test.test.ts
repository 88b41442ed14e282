import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  logAddExp,
  logSumExp,
  RateRatioTest,
  type RateRatioBatch,
} from '../../../src/canary/judge/sequential-test.js';
import { poisson, seededRandom } from '../../../tools/seeded-random.js';

function binomialPmf(n: number, p: number, k: number): number {
  let logChoose = 0;
  for (let i = 1; i <= k; i++) logChoose += Math.log(n - k + i) - Math.log(i);
  return Math.exp(logChoose + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

describe('RateRatioTest', () => {
  it('starts with no evidence', () => {
    const test = new RateRatioTest();
    expect(test.pValue).toBe(1);
    expect(test.logBayesFactor).toBe(0);
  });

  it('gathers evidence when the canary gets more than its share of events', () => {
    const test = new RateRatioTest();
    // 10% of the traffic, half of the errors, ten times over.
    for (let i = 0; i < 10; i++) {
      test.update({ canaryExposure: 10, stableExposure: 90, canaryEvents: 3, stableEvents: 3 });
    }
    expect(test.logBayesFactor).toBeGreaterThan(Math.log(1000));
    expect(test.pValue).toBeLessThan(0.001);
  });

  it('finds no evidence when the canary has fewer events than its share', () => {
    const test = new RateRatioTest();
    for (let i = 0; i < 20; i++) {
      test.update({ canaryExposure: 50, stableExposure: 50, canaryEvents: 0, stableEvents: 5 });
    }
    expect(test.logBayesFactor).toBeLessThan(0);
    expect(test.pValue).toBe(1);
  });

  it.each<[string, RateRatioBatch]>([
    [
      'no canary exposure',
      { canaryExposure: 0, stableExposure: 90, canaryEvents: 5, stableEvents: 0 },
    ],
    [
      'no stable exposure',
      { canaryExposure: 10, stableExposure: 0, canaryEvents: 5, stableEvents: 1 },
    ],
    [
      'no exposure at all',
      { canaryExposure: 0, stableExposure: 0, canaryEvents: 0, stableEvents: 0 },
    ],
    ['no events', { canaryExposure: 10, stableExposure: 90, canaryEvents: 0, stableEvents: 0 }],
  ])('a batch with %s does not move the statistic', (_, batch) => {
    const test = new RateRatioTest();
    test.update({ canaryExposure: 10, stableExposure: 90, canaryEvents: 2, stableEvents: 1 });
    const before = { logBayesFactor: test.logBayesFactor, pValue: test.pValue };
    test.update(batch);
    expect({ logBayesFactor: test.logBayesFactor, pValue: test.pValue }).toEqual(before);
  });

  it('matches the mixture likelihood ratio computed directly', () => {
    const options = { priorScale: 1, maxLogRatio: 2, gridPoints: 4 };
    const test = new RateRatioTest(options);
    const batches = [
      { canaryExposure: 10, stableExposure: 90, canaryEvents: 2, stableEvents: 3 },
      { canaryExposure: 50, stableExposure: 50, canaryEvents: 4, stableEvents: 1 },
    ];
    for (const batch of batches) test.update(batch);

    const ratios = [0.5, 1, 1.5, 2].map(Math.exp);
    const weights = [0.5, 1, 1.5, 2].map((x) => Math.exp(-(x * x) / 2));
    const totalWeight = weights.reduce((a, b) => a + b);
    const bayesFactor = ratios.reduce((sum, rho, k) => {
      const likelihoodRatio = batches.reduce((product, b) => {
        const q = (rho * b.canaryExposure) / (rho * b.canaryExposure + b.stableExposure);
        const q1 = b.canaryExposure / (b.canaryExposure + b.stableExposure);
        return product * (q / q1) ** b.canaryEvents * ((1 - q) / (1 - q1)) ** b.stableEvents;
      }, 1);
      return sum + (weights[k] / totalWeight) * likelihoodRatio;
    }, 0);
    expect(test.logBayesFactor).toBeCloseTo(Math.log(bayesFactor), 10);
    expect(test.pValue).toBeCloseTo(Math.min(1, 1 / bayesFactor), 10);
  });

  it.each([
    { rho: 1, label: 'equals 1 when the rates are equal' },
    { rho: 0.5, label: 'is below 1 when the canary is better' },
  ])('its expected Bayes factor after one batch $label (no false-alarm inflation)', ({ rho }) => {
    const [canaryExposure, stableExposure, events] = [20, 80, 12];
    const q = (rho * canaryExposure) / (rho * canaryExposure + stableExposure);
    let expected = 0;
    for (let canaryEvents = 0; canaryEvents <= events; canaryEvents++) {
      const test = new RateRatioTest();
      test.update({
        canaryExposure,
        stableExposure,
        canaryEvents,
        stableEvents: events - canaryEvents,
      });
      expected += binomialPmf(events, q, canaryEvents) * Math.exp(test.logBayesFactor);
    }
    if (rho === 1) expect(expected).toBeCloseTo(1, 10);
    else expect(expected).toBeLessThan(1);
  });

  it('has a p-value that never increases, whatever the batches', () => {
    const batch = fc.record({
      canaryExposure: fc.nat({ max: 1000 }),
      stableExposure: fc.nat({ max: 1000 }),
      canaryEvents: fc.nat({ max: 50 }),
      stableEvents: fc.nat({ max: 50 }),
    });
    fc.assert(
      fc.property(fc.array(batch, { maxLength: 40 }), (batches) => {
        const test = new RateRatioTest();
        let previous = test.pValue;
        for (const b of batches) {
          test.update(b);
          if (test.pValue > previous || !(test.pValue >= 0)) return false;
          previous = test.pValue;
        }
        return true;
      }),
      { seed: 20240611, numRuns: 300 },
    );
  });

  it('stays finite with very large counts', () => {
    const test = new RateRatioTest();
    test.update({ canaryExposure: 1e9, stableExposure: 9e9, canaryEvents: 5e7, stableEvents: 1e7 });
    expect(Number.isFinite(test.logBayesFactor)).toBe(true);
    expect(test.logBayesFactor).toBeGreaterThan(1e6);
    expect(test.pValue).toBe(0);
  });

  it('keeps false alarms at or below alpha when exposures change between batches', () => {
    const alpha = 0.05;
    const runs = 400;
    let alarms = 0;
    for (let run = 0; run < runs; run++) {
      const random = seededRandom(1000 + run);
      const test = new RateRatioTest();
      for (const weight of [0.1, 0.25, 0.5, 0.75]) {
        for (let check = 0; check < 30; check++) {
          const canaryExposure = poisson(random, 50 * weight);
          const stableExposure = poisson(random, 50 * (1 - weight));
          test.update({
            canaryExposure,
            stableExposure,
            canaryEvents: poisson(random, 0.02 * canaryExposure),
            stableEvents: poisson(random, 0.02 * stableExposure),
          });
        }
      }
      if (test.pValue <= alpha) alarms++;
    }
    expect(alarms).toBeLessThanOrEqual(alpha * runs);
  });

  it.each([
    { name: 'a canary exactly as much worse as the margin allows', ratio: 1.5, alarms: 0.05 },
    { name: 'a canary twice as much worse as the margin allows', ratio: 3, alarms: 0.9 },
  ])('with a null ratio, tests worse than the margin: $name', ({ ratio, alarms: expected }) => {
    const alpha = 0.05;
    const runs = 200;
    let alarms = 0;
    for (let run = 0; run < runs; run++) {
      const random = seededRandom(5000 + run);
      const test = new RateRatioTest();
      for (let check = 0; check < 120; check++) {
        const canaryExposure = poisson(random, 10);
        const stableExposure = poisson(random, 90);
        const batch = {
          canaryExposure,
          stableExposure,
          canaryEvents: poisson(random, 0.02 * ratio * canaryExposure),
          stableEvents: poisson(random, 0.02 * stableExposure),
        };
        test.update(batch, 1.5);
      }
      if (test.pValue <= alpha) alarms++;
    }
    if (expected < 0.5) expect(alarms).toBeLessThanOrEqual(expected * runs);
    else expect(alarms).toBeGreaterThanOrEqual(expected * runs);
  });

  it('refuses a null ratio below 1', () => {
    const test = new RateRatioTest();
    const batch = { canaryExposure: 1, stableExposure: 1, canaryEvents: 1, stableEvents: 0 };
    expect(() => test.update(batch, 0.5)).toThrow('nullRatio must be a finite number ≥ 1');
  });

  it('rejects counts that are negative or not numbers', () => {
    const test = new RateRatioTest();
    expect(() =>
      test.update({ canaryExposure: -1, stableExposure: 1, canaryEvents: 0, stableEvents: 0 }),
    ).toThrow(RangeError);
    expect(() =>
      test.update({ canaryExposure: 1, stableExposure: 1, canaryEvents: NaN, stableEvents: 0 }),
    ).toThrow(RangeError);
    expect(() => new RateRatioTest({ gridPoints: 0 })).toThrow(RangeError);
  });
});

describe('log-space helpers', () => {
  it.each([
    [[0, 0], Math.log(2)],
    [[1000, 1000], 1000 + Math.log(2)],
    [[-1000, -Infinity], -1000],
    [[-Infinity, -Infinity], -Infinity],
  ])('logSumExp(%j) = %d', (values, expected) => {
    expect(logSumExp(values)).toBeCloseTo(expected, 10);
    expect(logAddExp(values[0], values[1])).toBeCloseTo(expected, 10);
  });
});
