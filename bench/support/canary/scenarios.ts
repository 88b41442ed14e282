import { actionAbortSecond, actionAbortSecondRealistic } from './action-judge.js';
import { simulate, type RealisticScenario } from './realistic.js';
import { concurrentOracle, flagger, mannWhitney, oracleSprt, type Detector } from './methods.js';
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

const REALISTIC_BASE = { ...BASE, scrapeIntervalSeconds: 15 };
/** A 20 ms service (median) at 1000 requests a second. */
const FAST_SERVICE: TrackBehaviour = { errorRate: 0.005, medianSeconds: 0.02, sigma: 0.5 };

/** Identical or practically identical canaries on production-like data (see realistic.ts). */
export const REALISTIC: Record<string, RealisticScenario> = {
  'scrape-skew': {
    ...REALISTIC_BASE,
    name: 'pods scraped at different moments, a 5 s blip (30% 5xx) on both tracks',
    canary: STABLE,
    blip: { seconds: 5, errorRate: 0.3 },
  },
  'warm-up': {
    ...REALISTIC_BASE,
    name: '30% of canary requests 40 ms slower for its first 30 s',
    canary: STABLE,
    warmUp: { seconds: 30, share: 0.3, extraSeconds: 0.04 },
  },
  'tiny-shift': {
    ...REALISTIC_BASE,
    name: 'canary 1 ms slower on a 20 ms service at 1000 rps',
    requestsPerSecond: 1000,
    stable: FAST_SERVICE,
    canary: { ...FAST_SERVICE, shiftSeconds: 0.001 },
  },
  neighbour: {
    ...REALISTIC_BASE,
    name: 'a faster neighbour workload with 3× the traffic in the namespace',
    canary: STABLE,
    neighbour: {
      requestsPerSecond: 3 * BASE.requestsPerSecond,
      behaviour: { ...STABLE, medianSeconds: STABLE.medianSeconds / 2 },
    },
  },
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

/**
 * Every method on one simulated production run. The action reads the scraped samples through its
 * collector; the comparators get each second's true counts of the workload's own tracks (they
 * are not misled by scrape timing or the neighbour, which flatters them).
 */
export async function realisticAbortSeconds(
  scenario: RealisticScenario,
  seed: number,
): Promise<Record<Method, number | undefined>> {
  const run = simulate(scenario, seed, BOUND_SECONDS);
  const detectors: Record<Exclude<Method, 'action'>, Detector> = {
    flagger: flagger(),
    'mann-whitney': mannWhitney(),
    'oracle-sprt': oracleSprt(scenario.stable, { ...scenario.stable, errorRate: 0.05 }),
  };
  const outcome = {
    action: await actionAbortSecondRealistic(run, BOUND_SECONDS),
  } as Record<Method, number | undefined>;
  for (const [name, detector] of Object.entries(detectors) as [Method, Detector][]) {
    outcome[name] = undefined;
    for (let second = 1; second <= BOUND_SECONDS; second += 1) {
      if (detector.check(run.seconds[second - 1], second)) {
        outcome[name] = second;
        break;
      }
    }
  }
  return outcome;
}

/** The concurrent oracle's abort second on `scenario`'s seeded traffic (see methods.ts). */
export function concurrentOracleSecond(scenario: Scenario, seed: number): number | undefined {
  const detector = concurrentOracle(scenario.stable, scenario.canary);
  const seconds = traffic(scenario, seed);
  for (let second = 1; second <= BOUND_SECONDS; second += 1) {
    if (detector.check(seconds.next().value!, second)) return second;
  }
  return undefined;
}
