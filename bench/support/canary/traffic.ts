/**
 * Simulated traffic, second by second: 50 requests a second, each sent to the canary with the
 * canary's weight, failing with its track's error rate and taking a latency drawn from its track's
 * distribution, counted into the sample service's histogram buckets. Seeded, so every method sees
 * the very same requests in a run.
 */
import { logNormalCdf } from './normal.js';
import { seededRandom } from '../../../tools/seeded-random.js';

export const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2.5, 5];

export interface TrackBehaviour {
  errorRate: number;
  /** Log-normal latency: median in seconds and σ of log latency. */
  medianSeconds: number;
  sigma: number;
}

export interface Scenario {
  name: string;
  stable: TrackBehaviour;
  canary: TrackBehaviour;
  canaryWeight: number;
  requestsPerSecond: number;
}

/** One track's requests in one second: requests, 5xx, and a count per bucket (+Inf last). */
export interface SecondCounts {
  requests: number;
  errors: number;
  buckets: number[];
}

export interface SecondOfTraffic {
  canary: SecondCounts;
  stable: SecondCounts;
}

/** Probability of each bucket (+Inf last) for a track's latency distribution. */
export function bucketProbabilities(track: TrackBehaviour): number[] {
  const cdf = BUCKETS.map((le) => logNormalCdf(le, track.medianSeconds, track.sigma));
  return [...cdf, 1].map((upper, index) => upper - (index === 0 ? 0 : cdf[index - 1]));
}

export function p95Seconds(track: TrackBehaviour): number {
  return track.medianSeconds * Math.exp(1.6448536269514722 * track.sigma);
}

export function* traffic(scenario: Scenario, seed: number): Generator<SecondOfTraffic> {
  const random = seededRandom(seed);
  const cumulative = (track: TrackBehaviour) => {
    let sum = 0;
    return bucketProbabilities(track).map((p) => (sum += p));
  };
  const tracks = { canary: cumulative(scenario.canary), stable: cumulative(scenario.stable) };
  for (;;) {
    const second: SecondOfTraffic = { canary: empty(), stable: empty() };
    for (let request = 0; request < scenario.requestsPerSecond; request += 1) {
      const name = random() < scenario.canaryWeight ? 'canary' : 'stable';
      const counts = second[name];
      counts.requests += 1;
      if (random() < scenario[name].errorRate) counts.errors += 1;
      const draw = random();
      const bucket = tracks[name].findIndex((upper) => draw < upper);
      counts.buckets[bucket === -1 ? BUCKETS.length : bucket] += 1;
    }
    yield second;
  }
}

function empty(): SecondCounts {
  return { requests: 0, errors: 0, buckets: new Array<number>(BUCKETS.length + 1).fill(0) };
}
