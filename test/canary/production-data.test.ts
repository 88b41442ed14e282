/**
 * The judge on production-like data, as a user's canary meets it: the action's own progression and
 * collector on simulated scrapes (bench/support/canary/realistic.ts). Identical or practically
 * identical canaries must pass; the benchmark measures the same with 1,000 runs each.
 */
import { describe, expect, it } from 'vitest';
import {
  abortSeconds,
  DETECTION,
  IDENTICAL,
  REALISTIC,
  realisticAbortSeconds,
} from '../../bench/support/canary/scenarios.js';
import { actionAbortSecondRealistic } from '../../bench/support/canary/action-judge.js';
import { simulate } from '../../bench/support/canary/realistic.js';

const RUNS = 30;

describe('the canary judge on production-like data', () => {
  it.each(Object.keys(REALISTIC))(
    'lets identical canaries pass: %s',
    async (key) => {
      let aborted = 0;
      for (let run = 0; run < RUNS; run += 1) {
        const outcome = await realisticAbortSeconds(REALISTIC[key], 90_000_000 + run);
        if (outcome.action !== undefined) aborted += 1;
      }
      // At most 1% in the benchmark: one abort in 30 runs is already chance.
      expect(aborted).toBeLessThanOrEqual(1);
    },
    60_000,
  );

  it('lets identical canaries pass on ideal data, and stops a 10× error rate within a minute', async () => {
    let aborted = 0;
    const caught: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const identical = await abortSeconds(IDENTICAL, DETECTION, 91_000_000 + run);
      if (identical.action !== undefined) aborted += 1;
      const worse = await abortSeconds(DETECTION, DETECTION, 92_000_000 + run);
      caught.push(worse.action ?? Infinity);
    }
    expect(aborted).toBeLessThanOrEqual(1);
    expect(caught.filter((second) => second <= 60).length).toBeGreaterThanOrEqual(RUNS - 1);
  }, 60_000);

  it('still stops a canary that is really worse on the same production-like data', async () => {
    const worse = { ...REALISTIC['scrape-skew'], canary: { ...DETECTION.canary } };
    let caught = 0;
    for (let run = 0; run < 10; run += 1) {
      if ((await realisticAbortSeconds(worse, 93_000_000 + run)).action !== undefined) caught += 1;
    }
    expect(caught).toBe(10);
  }, 60_000);
});

describe('a regression that shows at a later weight', () => {
  it('is caught by the comparison with stable at every weight, not only the first', async () => {
    const scenario = {
      ...REALISTIC['scrape-skew'],
      blip: undefined,
      canaryFailsFrom: { second: 100, errorRate: 0.03 },
    };
    let caught = 0;
    for (let run = 0; run < 10; run += 1) {
      const second = await actionAbortSecondRealistic(
        simulate(scenario, 94_000_000 + run, 600),
        600,
        {
          weights: [10, 25, 50, 75, 100],
          // Only the comparison with stable may catch it: the limit is far away.
          settings: { maxErrorRate: 0.5 },
        },
      );
      if (second !== undefined && second > 100) caught += 1;
    }
    expect(caught).toBe(10);
  }, 60_000);
});
