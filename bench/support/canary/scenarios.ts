import { actionAbortSecond } from './action-judge.js';
import { flagger, mannWhitney, oracleSprt, type Detector } from './methods.js';
import { p95Seconds, traffic, type Scenario, type TrackBehaviour } from './traffic.js';

export const BOUND_SECONDS = 600;
const STABLE: TrackBehaviour = { errorRate: 0.005, medianSeconds: 0.025, sigma: 0.5 };
const BASE = { stable: STABLE, canaryWeight: 0.1, requestsPerSecond: 50 };

/** Canary latency scaled so that its p95 is `ms` higher than stable's. */
function slowerP95(ms: number): TrackBehaviour {
  const scale = (p95Seconds(STABLE) + ms / 1000) / p95Seconds(STABLE);
  return { ...STABLE, medianSeconds: STABLE.medianSeconds * scale };
}

export const DETECTION: Scenario = {
  ...BASE,
  name: '5% vs 0.5% errors',
  canary: { ...STABLE, errorRate: 0.05 },
};
export const IDENTICAL: Scenario = { ...BASE, name: 'identical canary', canary: STABLE };
export const SMALLER_EFFECTS: Record<string, Scenario> = {
  'errors-2x': { ...BASE, name: '1% vs 0.5% errors (2×)', canary: { ...STABLE, errorRate: 0.01 } },
  'latency-20ms': { ...BASE, name: 'p95 +20 ms', canary: slowerP95(20) },
};

export const METHODS = ['action', 'flagger', 'mann-whitney', 'oracle-sprt'] as const;
export type Method = (typeof METHODS)[number];

/**
 * Runs every method on the same seeded traffic; returns each one's abort second (undefined when it
 * did not abort within the bound). The oracle's alternative is `alternative`'s canary.
 */
export async function abortSeconds(
  scenario: Scenario,
  alternative: Scenario,
  seed: number,
): Promise<Record<Method, number | undefined>> {
  const detectors: Record<Exclude<Method, 'action'>, Detector> = {
    flagger: flagger(),
    'mann-whitney': mannWhitney(),
    'oracle-sprt': oracleSprt(alternative.stable, alternative.canary),
  };
  const outcome = {
    action: await actionAbortSecond(traffic(scenario, seed), scenario.canaryWeight, BOUND_SECONDS),
  } as Record<Method, number | undefined>;
  for (const [name, detector] of Object.entries(detectors) as [Method, Detector][]) {
    const seconds = traffic(scenario, seed);
    outcome[name] = undefined;
    for (let second = 1; second <= BOUND_SECONDS; second += 1) {
      if (detector.check(seconds.next().value!, second)) {
        outcome[name] = second;
        break;
      }
    }
  }
  return outcome;
}
