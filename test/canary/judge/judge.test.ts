import { describe, expect, it } from 'vitest';
import { SequentialJudge, type Verdict } from '../../../src/canary/judge/judge.js';
import type { TrackCounts } from '../../../src/canary/types.js';
import { poisson, seededRandom } from '../../../tools/seeded-random.js';

/** Prometheus client libraries' default histogram buckets, in seconds. */
const BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Service {
  errorRate: number;
  /** Added to every request's latency, in seconds. */
  extraLatency: number;
}

const HEALTHY: Service = { errorRate: 0.005, extraLatency: 0 };

/** A request's latency in seconds: log-normal around 20 ms, like a small API. */
function latency(random: () => number, service: Service): number {
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return 0.02 * Math.exp(0.3 * z) + service.extraLatency;
}

/** One track's cumulative counters, as the collector would report them. */
class Track {
  requests = 0;
  errors = 0;
  private readonly perBucket = new Array<number>(BOUNDS.length + 1).fill(0);

  serve(random: () => number, service: Service, count: number): void {
    for (let i = 0; i < count; i++) {
      this.requests++;
      if (random() < service.errorRate) this.errors++;
      const seconds = latency(random, service);
      const index = BOUNDS.findIndex((le) => seconds <= le);
      this.perBucket[index === -1 ? BOUNDS.length : index]++;
    }
  }

  counts(): TrackCounts {
    let running = 0;
    const buckets = BOUNDS.map((le, i) => ({ le, count: (running += this.perBucket[i]) }));
    return { requests: this.requests, errors: this.errors, buckets, latencyCount: this.requests };
  }
}

interface Run {
  seed: number;
  canary: Service;
  stable?: Service;
  /** Canary weight in percent for each 1 s check, in order. */
  weights: number[];
  alpha: number;
  requestsPerSecond?: number;
}

/** Runs checks until the judge says worse; returns the seconds that took and the last verdict. */
function simulate(run: Run): { detectedAtS: number | undefined; verdict: Verdict } {
  const random = seededRandom(run.seed);
  const judge = new SequentialJudge({ alpha: run.alpha });
  const [canary, stable] = [new Track(), new Track()];
  const rate = run.requestsPerSecond ?? 50;
  let verdict = judge.observe({ atMs: 0, canary: canary.counts(), stable: stable.counts() });
  for (const [second, weight] of run.weights.entries()) {
    canary.serve(random, run.canary, poisson(random, (rate * weight) / 100));
    stable.serve(random, run.stable ?? HEALTHY, poisson(random, (rate * (100 - weight)) / 100));
    verdict = judge.observe({
      atMs: (second + 1) * 1000,
      canary: canary.counts(),
      stable: stable.counts(),
    });
    if (verdict.worse) return { detectedAtS: second + 1, verdict };
  }
  return { detectedAtS: undefined, verdict };
}

const STEPS = [10, 25, 50, 75].flatMap((weight) => new Array<number>(30).fill(weight));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

describe('SequentialJudge on simulated traffic', () => {
  it('raises false alarms in at most alpha of A/A runs while weights move 10→25→50→75', () => {
    const alpha = 0.05;
    const runs = 400;
    let alarms = 0;
    for (let seed = 1; seed <= runs; seed++) {
      if (simulate({ seed, canary: HEALTHY, weights: STEPS, alpha }).detectedAtS) alarms++;
    }
    expect(alarms).toBeLessThanOrEqual(alpha * runs);
  });

  it('catches 5% errors against 0.5% at 10% weight within a minute', () => {
    const weights = new Array<number>(300).fill(10);
    const results = Array.from({ length: 40 }, (_, i) =>
      simulate({
        seed: 500 + i,
        canary: { errorRate: 0.05, extraLatency: 0 },
        weights,
        alpha: 0.01,
      }),
    );
    const times = results.map((r) => r.detectedAtS ?? Infinity);
    expect(median(times)).toBeLessThan(45);
    expect(times.every(Number.isFinite)).toBe(true);
    for (const { verdict } of results) {
      expect(verdict.pValue).toBeLessThanOrEqual(0.01);
      expect(verdict.reason).toMatch(/^canary 5xx \d+\.\d% vs stable \d+\.\d+%, p [=<] /);
    }
  });

  it('catches 50 ms of extra latency on a 20 ms service at 10% weight', () => {
    const weights = new Array<number>(300).fill(10);
    const results = Array.from({ length: 40 }, (_, i) =>
      simulate({ seed: 900 + i, canary: { ...HEALTHY, extraLatency: 0.05 }, weights, alpha: 0.01 }),
    );
    expect(median(results.map((r) => r.detectedAtS ?? Infinity))).toBeLessThan(20);
    for (const { verdict } of results) {
      expect(verdict.pValue).toBeLessThanOrEqual(verdict.latency?.pValue ?? 0);
      expect(verdict.latency!.canarySlowShare).toBeGreaterThan(verdict.latency!.stableSlowShare!);
      expect(verdict.reason).toMatch(
        /^canary slower than \d+ ms for \d+\.\d% of requests vs stable \d+\.\d+%, p [=<] /,
      );
    }
  });

  it('never calls a better canary worse', () => {
    const better: Service = { errorRate: 0.001, extraLatency: -0.005 };
    const worseStable: Service = { errorRate: 0.02, extraLatency: 0.01 };
    for (let seed = 2000; seed < 2100; seed++) {
      const { detectedAtS, verdict } = simulate({
        seed,
        canary: better,
        stable: worseStable,
        weights: STEPS,
        alpha: 0.05,
      });
      expect(detectedAtS).toBeUndefined();
      expect(verdict.reason).toBeUndefined();
    }
  });
});

const track = (requests: number, errors: number, slow = 0): TrackCounts => ({
  requests,
  errors,
  buckets: [
    { le: 0.05, count: requests - slow },
    { le: 0.1, count: requests - slow },
  ],
  latencyCount: requests,
});

describe('SequentialJudge verdicts', () => {
  it('explains a 5xx regression with the rates since the start', () => {
    const judge = new SequentialJudge({ alpha: 0.01 });
    const verdict = judge.observe({ atMs: 1, canary: track(1000, 48), stable: track(9000, 36) });
    expect(verdict.worse).toBe(true);
    expect(verdict.errors).toMatchObject({ canaryRate: 0.048, stableRate: 0.004 });
    expect(verdict.pValue / verdict.errors.pValue).toBeLessThanOrEqual(1 + 1e-9);
    expect(verdict.reason).toMatch(/^canary 5xx 4\.8% vs stable 0\.4%, p < 0\.0001$/);
  });

  it('explains a latency regression with the bound and both slow shares', () => {
    const judge = new SequentialJudge({ alpha: 0.01 });
    const verdict = judge.observe({
      atMs: 1,
      canary: track(1000, 4, 120),
      stable: track(9000, 36, 189),
    });
    expect(verdict.worse).toBe(true);
    expect(verdict.latency).toMatchObject({ canarySlowShare: 0.12, stableSlowShare: 0.021 });
    expect(verdict.reason).toMatch(
      /^canary slower than (50|100) ms for 12\.0% of requests vs stable 2\.1%, p < 0\.0001$/,
    );
  });

  it('reports p-values adjusted for the alpha split, capped at 1', () => {
    const judge = new SequentialJudge({ alpha: 0.05 });
    const verdict = judge.observe({ atMs: 1, canary: track(100, 1), stable: track(900, 9) });
    expect(verdict).toMatchObject({ worse: false, pValue: 1, reason: undefined });
    expect(verdict.errors.pValue).toBe(1);
    expect(verdict.latency).toMatchObject({ pValue: 1, canarySlowShare: 0, stableSlowShare: 0 });
  });

  it('leaves latency undefined without histogram buckets', () => {
    const judge = new SequentialJudge({ alpha: 0.05 });
    const bare = (requests: number, errors: number) => ({
      requests,
      errors,
      buckets: [],
      latencyCount: 0,
    });
    expect(judge.observe({ atMs: 1, canary: bare(10, 0), stable: bare(90, 0) }).latency).toBe(
      undefined,
    );
  });

  it('keeps a check in which one track got no traffic for the next, instead of dropping it', () => {
    const judge = new SequentialJudge({ alpha: 0.01 });
    const first = judge.observe({ atMs: 1, canary: track(100, 3), stable: track(900, 4) });
    // Stable was scraped alone, then the canary alone: together they compare the tracks.
    const second = judge.observe({ atMs: 2, canary: track(100, 3), stable: track(1900, 4) });
    const third = judge.observe({ atMs: 3, canary: track(150, 20, 50), stable: track(1900, 4) });
    expect(second.errors.pValue).toBe(first.errors.pValue);
    // 17 errors in 50 canary requests against none in 1000 stable ones.
    expect(third.errors.pValue).toBeLessThan(first.errors.pValue / 1000);
    expect(third.worse).toBe(true);
  });

  it('skips a warm-up at the very start, latency included', () => {
    const judge = new SequentialJudge({ alpha: 0.01 });
    judge.skip({ atMs: 1, canary: track(100, 0, 60), stable: track(900, 0, 90) });
    const after = judge.observe({
      atMs: 2,
      canary: track(300, 0, 80),
      stable: track(2700, 0, 270),
    });
    expect(after.worse).toBe(false);
    expect(after.latency?.pValue).toBe(1);
  });

  it('skips warm-up counts: what came before them is never judged', () => {
    const judge = new SequentialJudge({ alpha: 0.01 });
    judge.observe({ atMs: 1, canary: track(0, 0), stable: track(0, 0) });
    judge.skip({ atMs: 2, canary: track(100, 60), stable: track(900, 4) });
    const after = judge.observe({ atMs: 3, canary: track(200, 61), stable: track(1800, 8) });
    expect(after.worse).toBe(false);
  });

  it('treats counts that go backwards as no information rather than failing', () => {
    const judge = new SequentialJudge({ alpha: 0.01 });
    const first = judge.observe({ atMs: 1, canary: track(100, 3), stable: track(900, 4) });
    const reset = judge.observe({ atMs: 2, canary: track(10, 0), stable: track(90, 0) });
    expect(reset.errors.pValue).toBe(first.errors.pValue);
  });

  it.each([0, 1, -0.1, NaN])('rejects alpha %d', (alpha) => {
    expect(() => new SequentialJudge({ alpha })).toThrow(RangeError);
  });
});
