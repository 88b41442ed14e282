/**
 * Production-like traffic for the canary judge: pods scraped every 15 s at offsets of their own,
 * a stable Deployment that has been serving long before the canary, dependency blips that hit
 * both tracks, a canary warming up, a neighbour workload in the namespace. The counts of every
 * pod are drawn second by second (Poisson arrivals; binomial errors and latency buckets), and
 * each scrape records the pod's counters into an in-memory Prometheus with the labels Kubernetes
 * relabelling gives them, so the action reads them through its own collector.
 */
import { seededRandom } from '../../../tools/seeded-random.js';
import { ScrapedPrometheus } from '../../../test/support/scraped-prometheus.js';
import { logNormalCdf } from './normal.js';
import {
  BUCKETS,
  type SecondCounts,
  type SecondOfTraffic,
  type TrackBehaviour,
} from './traffic.js';

export interface ShiftedBehaviour extends TrackBehaviour {
  /** Added to every request's latency, in seconds. */
  shiftSeconds?: number;
}

export interface RealisticScenario {
  name: string;
  requestsPerSecond: number;
  canaryWeight: number;
  stable: ShiftedBehaviour;
  canary: ShiftedBehaviour;
  scrapeIntervalSeconds: number;
  /** Some seconds of errors on both tracks (a dependency failing), at a random moment. */
  blip?: { seconds: number; errorRate: number };
  /** For its first seconds the canary answers a share of requests this much slower. */
  warmUp?: { seconds: number; share: number; extraSeconds: number };
  /** From this second on the canary fails this share of requests (a regression that shows late). */
  canaryFailsFrom?: { second: number; errorRate: number };
  /** Another workload in the namespace, without a track label. */
  neighbour?: { requestsPerSecond: number; behaviour: ShiftedBehaviour };
}

export interface SimulatedRun {
  prometheus: ScrapedPrometheus;
  /** Each second's true counts of the workload's two tracks, for the comparators. */
  seconds: SecondOfTraffic[];
}

const NAMESPACE = 'production';
/** How long stable and the neighbour have served before the canary starts. */
const HISTORY_SECONDS = 300;

interface Pod {
  name: string;
  labels: Record<string, string>;
  rate: number;
  behaviour: (second: number) => { errorRate: number; buckets: number[] };
  nextScrape: number;
  counters: { ok: number; errors: number; buckets: number[] };
  startsAt: number;
}

/** Simulates `durationSeconds` after the canary's start (second 0), scraping as it goes. */
export function simulate(
  scenario: RealisticScenario,
  seed: number,
  durationSeconds: number,
): SimulatedRun {
  const random = seededRandom(seed);
  const prometheus = new ScrapedPrometheus();
  const blipAt = scenario.blip
    ? 30 + Math.floor(random() * (durationSeconds - 60 - scenario.blip.seconds))
    : -1;
  const inBlip = (second: number) =>
    scenario.blip !== undefined && second >= blipAt && second < blipAt + scenario.blip.seconds;
  const stableBuckets = bucketProbabilities(scenario.stable);
  const canaryBuckets = bucketProbabilities(scenario.canary);
  const warmBuckets = scenario.warmUp
    ? mix(
        canaryBuckets,
        bucketProbabilities({
          ...scenario.canary,
          shiftSeconds: (scenario.canary.shiftSeconds ?? 0) + scenario.warmUp.extraSeconds,
        }),
        scenario.warmUp.share,
      )
    : canaryBuckets;
  const errorRate = (base: number, second: number) =>
    inBlip(second) ? Math.max(base, scenario.blip?.errorRate ?? 0) : base;
  const pods: Pod[] = [
    pod('web-7c9d-stable', { app: 'web', track: 'stable' }, -HISTORY_SECONDS, {
      rate: scenario.requestsPerSecond * (1 - scenario.canaryWeight),
      behaviour: (second) => ({
        errorRate: errorRate(scenario.stable.errorRate, second),
        buckets: stableBuckets,
      }),
    }),
    pod('web-canary-5f4b', { app: 'web', track: 'canary' }, 0, {
      rate: scenario.requestsPerSecond * scenario.canaryWeight,
      behaviour: (second) => ({
        errorRate: errorRate(
          scenario.canaryFailsFrom && second >= scenario.canaryFailsFrom.second
            ? scenario.canaryFailsFrom.errorRate
            : scenario.canary.errorRate,
          second,
        ),
        buckets: scenario.warmUp && second < scenario.warmUp.seconds ? warmBuckets : canaryBuckets,
      }),
    }),
  ];
  if (scenario.neighbour) {
    const { behaviour, requestsPerSecond } = scenario.neighbour;
    const buckets = bucketProbabilities(behaviour);
    pods.push(
      pod('api-6d8e', { app: 'api' }, -HISTORY_SECONDS, {
        rate: requestsPerSecond,
        behaviour: (second) => ({ errorRate: errorRate(behaviour.errorRate, second), buckets }),
      }),
    );
  }
  for (const each of pods) {
    each.nextScrape = each.startsAt + random() * scenario.scrapeIntervalSeconds;
  }

  const seconds: SecondOfTraffic[] = [];
  for (let second = -HISTORY_SECONDS; second < durationSeconds; second += 1) {
    const truth: SecondOfTraffic = { canary: emptyCounts(), stable: emptyCounts() };
    for (const each of pods) {
      if (second < each.startsAt) continue;
      scrapeDue(prometheus, each, second, scenario.scrapeIntervalSeconds);
      const { errorRate: rate, buckets } = each.behaviour(second);
      const requests = poissonDraw(random, each.rate);
      const errors = binomial(random, requests, rate);
      const perBucket = multinomial(random, requests, buckets);
      each.counters.ok += requests - errors;
      each.counters.errors += errors;
      perBucket.forEach((count, index) => (each.counters.buckets[index] += count));
      const track = each.labels.track as 'canary' | 'stable' | undefined;
      if (track && second >= 0) {
        truth[track].requests += requests;
        truth[track].errors += errors;
        perBucket.forEach((count, index) => (truth[track].buckets[index] += count));
      }
    }
    if (second >= 0) seconds.push(truth);
  }
  return { prometheus, seconds };

  function pod(
    name: string,
    labels: Record<string, string>,
    startsAt: number,
    rest: Pick<Pod, 'rate' | 'behaviour'>,
  ): Pod {
    return {
      name,
      labels,
      startsAt,
      nextScrape: startsAt,
      counters: { ok: 0, errors: 0, buckets: new Array<number>(BUCKETS.length + 1).fill(0) },
      ...rest,
    };
  }
}

/**
 * Records the pod's counters for each scrape due in [second, second + 1): they hold the requests
 * of the seconds before, as a scrape during this second would read them.
 */
function scrapeDue(
  prometheus: ScrapedPrometheus,
  pod: Pod,
  second: number,
  interval: number,
): void {
  while (pod.nextScrape < second + 1) {
    const at = pod.nextScrape;
    pod.nextScrape += interval;
    const base = {
      __name__: 'http_requests_total',
      namespace: NAMESPACE,
      pod: pod.name,
      ...pod.labels,
    };
    prometheus.record({ ...base, code: '200' }, at, pod.counters.ok);
    // Client libraries create a labelled series on its first increment.
    if (pod.counters.errors > 0)
      prometheus.record({ ...base, code: '500' }, at, pod.counters.errors);
    const bucketBase = { ...base, __name__: 'http_request_duration_seconds_bucket' };
    let cumulative = 0;
    BUCKETS.forEach((le, index) => {
      cumulative += pod.counters.buckets[index];
      prometheus.record({ ...bucketBase, le: String(le) }, at, cumulative);
    });
    cumulative += pod.counters.buckets[BUCKETS.length];
    prometheus.record({ ...bucketBase, le: '+Inf' }, at, cumulative);
  }
}

/** Probability of each bucket (+Inf last), with a constant added latency. */
function bucketProbabilities(track: ShiftedBehaviour): number[] {
  const shift = track.shiftSeconds ?? 0;
  const cdf = BUCKETS.map((le) =>
    le <= shift ? 0 : logNormalCdf(le - shift, track.medianSeconds, track.sigma),
  );
  return [...cdf, 1].map((upper, index) => upper - (index === 0 ? 0 : cdf[index - 1]));
}

function mix(a: number[], b: number[], share: number): number[] {
  return a.map((p, index) => (1 - share) * p + share * b[index]);
}

function emptyCounts(): SecondCounts {
  return { requests: 0, errors: 0, buckets: new Array<number>(BUCKETS.length + 1).fill(0) };
}

function gaussian(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Knuth's method for small means, the normal approximation above 50. */
function poissonDraw(random: () => number, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(random)));
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random(); p > limit; p *= random()) k += 1;
  return k;
}

/** Exact for small n, the normal approximation when both tails hold 20 or more. */
function binomial(random: () => number, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const mean = n * p;
  if (mean >= 20 && n - mean >= 20) {
    const draw = Math.round(mean + Math.sqrt(mean * (1 - p)) * gaussian(random));
    return Math.min(n, Math.max(0, draw));
  }
  if (n <= 64) {
    let k = 0;
    for (let i = 0; i < n; i += 1) if (random() < p) k += 1;
    return k;
  }
  // Few events among many requests: Poisson(np), which is what the binomial is there.
  return Math.min(n, poissonDraw(random, mean));
}

/** Counts per bucket: sequential binomials on the conditional probabilities. */
function multinomial(random: () => number, n: number, probabilities: readonly number[]): number[] {
  const counts = new Array<number>(probabilities.length).fill(0);
  let left = n;
  let mass = 1;
  for (let index = 0; index < probabilities.length - 1 && left > 0; index += 1) {
    const p = mass > 0 ? Math.min(1, probabilities[index] / mass) : 0;
    const drawn = binomial(random, left, p);
    counts[index] = drawn;
    left -= drawn;
    mass -= probabilities[index];
  }
  counts[probabilities.length - 1] += left;
  return counts;
}
