import { describe, expect, it } from 'vitest';
import {
  progress,
  type ProgressionPorts,
  type ProgressionSettings,
} from '../../src/canary/progression.js';
import type { CheckOutcome } from '../../src/canary/metrics/checks.js';
import type { Observation, TrackCounts } from '../../src/canary/types.js';

const SETTINGS: ProgressionSettings = {
  intervalMs: 10_000,
  checkIntervalMs: 1_000,
  stepTimeoutMs: 30_000,
  minRequests: 50,
  maxErrorRate: 0.01,
  maxLatencyP95Ms: 100,
  alpha: 0.01,
  checks: [],
  warmUpMs: 0,
  errorMargin: { relative: 0, absolute: 0 },
  latencyMargin: { relative: 0, absolute: 0 },
};

interface World {
  /** Requests per second over both tracks. */
  rate: number;
  canaryErrorRate: number;
  stableErrorRate: number;
  /** Fraction of canary requests slower than 100 ms. */
  canarySlowShare?: number;
  /** Prometheus fails from this time on (ms since start). */
  prometheusDownFrom?: number;
  checks?: (seconds: number) => CheckOutcome[];
  cancelAt?: number;
  failShiftAt?: number;
  /** The canary fails this share of requests during the first ms of every step (a warm-up). */
  warmUpErrors?: { rate: number; ms: number };
}

const BOUNDS = [0.05, 0.1, 0.25];

function counts(requests: number, errors: number, slowShare: number): TrackCounts {
  const slow = Math.round(requests * slowShare);
  return {
    requests,
    errors: Math.round(errors),
    buckets: BOUNDS.map((le) => ({ le, count: le < 0.1 ? requests - slow : requests })),
    latencyCount: requests,
  };
}

/** Deterministic traffic that follows the weight the loop sets, and a clock the loop drives. */
function fakePorts(world: World) {
  let now = 0;
  let weight = 0;
  let canaryRequests = 0;
  let canaryErrors = 0;
  let stableRequests = 0;
  let lastAt = 0;
  let stepAt = 0;
  const shifts: number[] = [];
  const advanceTraffic = () => {
    const warm = world.warmUpErrors && now - stepAt <= world.warmUpErrors.ms;
    const errorRate = warm ? (world.warmUpErrors?.rate ?? 0) : world.canaryErrorRate;
    canaryErrors += (errorRate * (world.rate * ((now - lastAt) / 1000) * weight)) / 100;
    const seconds = (now - lastAt) / 1000;
    canaryRequests += (world.rate * seconds * weight) / 100;
    stableRequests += (world.rate * seconds * (100 - weight)) / 100;
    lastAt = now;
  };
  const ports: ProgressionPorts = {
    shiftTo: (target) => {
      if (world.failShiftAt === target) return Promise.reject(new Error('route is gone'));
      advanceTraffic();
      weight = target;
      stepAt = now;
      shifts.push(target);
      return Promise.resolve(target);
    },
    readMetrics: () => {
      if (world.prometheusDownFrom !== undefined && now >= world.prometheusDownFrom) {
        return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9090'));
      }
      advanceTraffic();
      const observation: Observation = {
        atMs: now,
        canary: counts(Math.round(canaryRequests), canaryErrors, world.canarySlowShare ?? 0.01),
        stable: counts(Math.round(stableRequests), stableRequests * world.stableErrorRate, 0.01),
      };
      return Promise.resolve(observation);
    },
    runChecks: (seconds) => Promise.resolve(world.checks?.(seconds) ?? []),
    stepFinished: () => undefined,
    now: () => now,
    sleep: (ms) => {
      now += ms;
      return Promise.resolve(world.cancelAt === undefined || now < world.cancelAt);
    },
    cancelled: () => world.cancelAt !== undefined && now >= world.cancelAt,
  };
  return { ports, shifts, now: () => now };
}

const healthy: World = { rate: 100, canaryErrorRate: 0.002, stableErrorRate: 0.002 };

describe('progress', () => {
  it.each<{
    name: string;
    world: World;
    end: string;
    reason?: RegExp;
    stepsRun: number;
    detected?: boolean;
    settings?: Partial<ProgressionSettings>;
  }>([
    { name: 'a healthy canary passes every step', world: healthy, end: 'completed', stepsRun: 3 },
    {
      name: 'a canary with 10x the errors is aborted by the judge at the first step',
      world: { ...healthy, canaryErrorRate: 0.05 },
      end: 'aborted',
      reason: /^at 20%: canary 5xx/,
      stepsRun: 1,
      detected: true,
    },
    {
      name: 'a slow canary is aborted',
      world: { ...healthy, canarySlowShare: 0.5 },
      end: 'aborted',
      reason: /^at 20%/,
      stepsRun: 1,
      detected: true,
    },
    {
      name: 'no traffic waits until the step timeout, then aborts',
      world: { ...healthy, rate: 0 },
      end: 'aborted',
      reason: /too little traffic to judge: 0 canary requests in 30s, 50 needed/,
      stepsRun: 1,
    },
    {
      name: 'both tracks above the error limit: no worse than stable, so the steps go on',
      world: { ...healthy, canaryErrorRate: 0.03, stableErrorRate: 0.03 },
      end: 'completed',
      stepsRun: 3,
    },
    {
      name: 'min-requests 0 passes steps on time alone',
      world: { ...healthy, rate: 0 },
      settings: { minRequests: 0 },
      end: 'completed',
      stepsRun: 3,
    },
    {
      name: 'errors during a warm-up are recorded, not judged',
      world: { ...healthy, warmUpErrors: { rate: 0.3, ms: 4_000 } },
      settings: { warmUpMs: 5_000 },
      end: 'completed',
      stepsRun: 3,
    },
    {
      name: 'without a warm-up the same errors abort',
      world: { ...healthy, warmUpErrors: { rate: 0.3, ms: 4_000 } },
      end: 'aborted',
      reason: /^at 20%: canary 5xx/,
      stepsRun: 1,
      detected: true,
    },
    {
      name: 'Prometheus going away aborts once the outage outlasts the limit',
      world: { ...healthy, prometheusDownFrom: 12_000 },
      end: 'aborted',
      reason: /Prometheus gave no answer for 10s \(connect ECONNREFUSED/,
      stepsRun: 2,
    },
    {
      name: 'a failing custom check aborts at the end of the step',
      world: {
        ...healthy,
        checks: () => [
          {
            name: 'saturation',
            value: 0.97,
            min: undefined,
            max: 0.8,
            passed: false,
            message: "check 'saturation' is 0.97, above the maximum 0.8",
            inconclusive: false,
          },
        ],
      },
      end: 'aborted',
      reason: /check 'saturation' is 0\.97, above the maximum 0\.8/,
      stepsRun: 1,
      detected: true,
    },
    {
      name: 'a custom check without data waits, then aborts at the step timeout',
      world: {
        ...healthy,
        checks: () => [
          {
            name: 'queue',
            value: undefined,
            min: 0,
            max: 5,
            passed: false,
            message: "check 'queue' returned no data",
            inconclusive: true,
          },
        ],
      },
      end: 'aborted',
      reason: /check 'queue' returned no data/,
      stepsRun: 1,
    },
    {
      name: 'a cancellation ends the loop at once',
      world: { ...healthy, cancelAt: 15_000 },
      end: 'cancelled',
      stepsRun: 2,
    },
    {
      name: 'a route that cannot be changed aborts',
      world: { ...healthy, failShiftAt: 50 },
      end: 'aborted',
      reason: /could not shift 50% of traffic to the canary: route is gone/,
      stepsRun: 2,
    },
  ])('$name', async ({ world, end, reason, stepsRun, detected, settings }) => {
    const { ports } = fakePorts(world);
    const checks = world.checks ? [{ name: 'custom', query: 'up', min: 0, max: 1 }] : [];
    const result = await progress([20, 50, 100], { ...SETTINGS, checks, ...settings }, ports);
    expect(result.end).toBe(end);
    if (reason) expect(result.reason).toMatch(reason);
    expect(result.steps).toHaveLength(stepsRun);
    expect(result.detectionMs !== undefined).toBe(detected ?? false);
  });

  it('passes a step only after the interval and with enough canary requests', async () => {
    const { ports } = fakePorts({ ...healthy, rate: 30 });
    const result = await progress([10, 100], SETTINGS, ports);
    expect(result.end).toBe('completed');
    const [first, last] = result.steps;
    // 10% of 30 req/s reaches 50 canary requests after about 17 s, later than the 10 s interval.
    expect(first.durationMs).toBeGreaterThanOrEqual(16_000);
    expect(first.canary.requests).toBeGreaterThanOrEqual(50);
    expect(last.durationMs).toBe(10_000);
    expect(last.stable.requests).toBe(0);
  });

  it('detects a bad canary within seconds of its first traffic', async () => {
    const { ports } = fakePorts({ ...healthy, canaryErrorRate: 0.2 });
    const result = await progress([20, 50, 100], SETTINGS, ports);
    expect(result.end).toBe('aborted');
    expect(result.detectionMs).toBeLessThanOrEqual(10_000);
    expect(result.steps[0].pValue).toBeLessThan(0.01);
  });

  it('warns in each step that stable breaches a limit too', async () => {
    const { ports } = fakePorts({ ...healthy, canaryErrorRate: 0.03, stableErrorRate: 0.03 });
    const result = await progress([20, 100], SETTINGS, ports);
    expect(result.steps.map((step) => step.decision)).toEqual(['passed', 'passed']);
    expect(result.steps[0].warnings).toEqual([
      expect.stringMatching(/^stable's 5xx 3\.0% is above the 1% limit too/),
    ]);
  });

  it('judges a step for its interval after the warm-up before it passes', async () => {
    const { ports } = fakePorts(healthy);
    const result = await progress([20], { ...SETTINGS, warmUpMs: 15_000 }, ports);
    expect(result.steps[0].decision).toBe('passed');
    // 15 s of warm-up, then the 10 s interval; the window starts after the warm-up: 20 canary
    // requests a second from 14 s on.
    expect(result.steps[0].durationMs).toBe(25_000);
    expect(result.steps[0].canary.requests).toBe(220);
  });

  it('passes a healthy step that lasts past step-timeout while the judge closes its last batch', async () => {
    // Scrapes every second, the aligned instant lagging behind: the judge's last batch may close
    // after step-timeout (8 s) while samples keep coming in; that is no missing evidence.
    for (const lagMs of [0, 300, 600, 900]) {
      let now = 0;
      let weight = 0;
      let canary = 0;
      const seen: Array<[number, number, number]> = [[0, 0, 0]];
      const ports: ProgressionPorts = {
        shiftTo: (target) => {
          weight = target;
          return Promise.resolve(target);
        },
        readMetrics: () => {
          const atMs = Math.floor((now - lagMs) / 1000) * 1000;
          const [, c, total] = [...seen].reverse().find(([at]) => at <= atMs) ?? seen[0];
          return Promise.resolve({
            atMs,
            canary: counts(c, 0, 0),
            stable: counts(total - c, 0, 0),
            scrapeIntervalMs: 1000,
          });
        },
        runChecks: () => Promise.resolve([]),
        stepFinished: () => undefined,
        now: () => now,
        sleep: (ms) => {
          now += ms + 37;
          canary += (50 * (ms + 37) * weight) / 100_000;
          seen.push([now, canary, (50 * now) / 1000]);
          return Promise.resolve(true);
        },
        cancelled: () => false,
      };
      const result = await progress(
        [25, 100],
        {
          ...SETTINGS,
          intervalMs: 4_000,
          stepTimeoutMs: 8_000,
          minRequests: 20,
          warmUpMs: undefined,
        },
        ports,
      );
      expect(result.reason).toBeUndefined();
      expect(result.end).toBe('completed');
    }
  });
});
