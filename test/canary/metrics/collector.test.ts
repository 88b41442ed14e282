import { DEFAULT_APP_METRICS } from '../../../src/canary/metric-inputs.js';
import { describe, expect, it } from 'vitest';
import { MetricsCollector } from '../../../src/canary/metrics/collector.js';
import { appSeriesSource } from '../../../src/canary/metrics/sources.js';
import type { MetricNames } from '../../../src/canary/types.js';
import { ScrapedPrometheus } from '../../support/scraped-prometheus.js';

const NAMES: MetricNames = { ...DEFAULT_APP_METRICS, preset: undefined };

const request = (track: string, pod: string, code = '200') => ({
  __name__: 'http_requests_total',
  namespace: 'prod',
  pod,
  code,
  track,
});
const bucket = (track: string, pod: string, le: string) => ({
  __name__: 'http_request_duration_seconds_bucket',
  namespace: 'prod',
  pod,
  le,
  track,
});

/** A collector over scraped samples, read at `clock.seconds`. */
function setup(names: MetricNames = NAMES, checkIntervalMs = 10_000) {
  const prometheus = new ScrapedPrometheus();
  const clock = { seconds: 0 };
  const collector = new MetricsCollector(prometheus, appSeriesSource(names, 'prod'), {
    checkIntervalMs,
    now: () => clock.seconds * 1000,
  });
  return { prometheus, clock, collector };
}

describe('MetricsCollector', () => {
  it('reads the series of the namespace, narrowed by the metrics selector', () => {
    const { collector } = setup({ ...NAMES, selector: 'app="web"' });
    expect(collector.queries()).toEqual({
      requests: 'http_requests_total{namespace="prod",app="web"}',
      latency: 'http_request_duration_seconds_bucket{namespace="prod",app="web"}',
    });
  });

  it('counts from the first read, per track, with 5xx as errors and buckets by le', async () => {
    const { prometheus, clock, collector } = setup();
    for (const at of [0, 10]) {
      const grown = at === 0 ? 0 : 1;
      prometheus.record(request('stable', 'a'), at, 1000 + 90 * grown);
      prometheus.record(request('stable', 'a', '503'), at, 10 + grown);
      prometheus.record(bucket('stable', 'a', '0.05'), at, 900 + 80 * grown);
      prometheus.record(bucket('stable', 'a', '0.1'), at, 1000 + 90 * grown);
      prometheus.record(bucket('stable', 'a', '+Inf'), at, 1010 + 91 * grown);
    }
    clock.seconds = 0;
    const baseline = await collector.read();
    expect(baseline.stable.requests).toBe(0);
    clock.seconds = 10;
    const observation = await collector.read();
    expect(observation.atMs).toBe(10_000);
    expect(observation.stable).toEqual({
      requests: 91,
      errors: 1,
      buckets: [
        { le: 0.05, count: 80 },
        { le: 0.1, count: 90 },
      ],
      latencyCount: 91,
    });
    expect(observation.scrapeIntervalMs).toBe(10_000);
  });

  it('reads both tracks at the same instant though their pods are scraped 7 s apart', async () => {
    // Stable gets 90 requests a second, the canary 10: the counts of one check must keep that
    // ratio, whichever pod was scraped last.
    const { prometheus, clock, collector } = setup();
    for (let at = 0; at <= 120; at += 15) {
      prometheus.record(request('stable', 's'), at, 90 * at);
      prometheus.record(request('canary', 'c'), at + 7, 10 * (at + 7));
    }
    const ratios: number[] = [];
    let last = { canary: 0, stable: 0 };
    for (clock.seconds = 30; clock.seconds <= 120; clock.seconds += 10) {
      const { canary, stable } = await collector.read();
      const batch = {
        canary: canary.requests - last.canary,
        stable: stable.requests - last.stable,
      };
      if (batch.stable > 0) ratios.push(batch.canary / batch.stable);
      last = { canary: canary.requests, stable: stable.requests };
    }
    expect(ratios.length).toBeGreaterThan(4);
    for (const ratio of ratios) expect(ratio).toBeCloseTo(10 / 90, 6);
  });

  it('counts a new series from its first sample, not from zero', async () => {
    const { prometheus, clock, collector } = setup();
    for (let at = 0; at <= 40; at += 10) prometheus.record(request('stable', 's'), at, 10 * at);
    clock.seconds = 10;
    await collector.read();
    // A pod that has long been serving starts matching (say, its scrape target was found late).
    prometheus.record(request('stable', 'old'), 20, 5_000);
    prometheus.record(request('stable', 'old'), 30, 5_050);
    clock.seconds = 30;
    expect((await collector.read()).stable.requests).toBe(200 + 50);
  });

  it('counts on through a restart and keeps earlier counts', async () => {
    const { prometheus, clock, collector } = setup();
    const values = [500, 540, 7, 10];
    values.forEach((value, index) => prometheus.record(request('canary', 'c'), index * 10, value));
    const seen = [];
    for (clock.seconds = 0; clock.seconds <= 30; clock.seconds += 10) {
      seen.push((await collector.read()).canary.requests);
    }
    expect(seen).toEqual([0, 40, 47, 50]);
  });

  it('does not wait for a pod that is gone', async () => {
    const { prometheus, clock, collector } = setup();
    prometheus.record(request('canary', 'old'), 0, 0);
    prometheus.record(request('canary', 'old'), 10, 100);
    for (let at = 0; at <= 120; at += 10) prometheus.record(request('stable', 's'), at, at);
    for (let at = 20; at <= 120; at += 10) prometheus.record(request('canary', 'new'), at, at);
    clock.seconds = 10;
    await collector.read();
    clock.seconds = 120;
    const observation = await collector.read();
    expect(observation.atMs).toBe(120_000);
    expect(observation.canary.requests).toBe(100);
  });

  it('changes nothing when a read fails, so the next read counts the whole gap', async () => {
    const { prometheus, clock, collector } = setup();
    for (let at = 0; at <= 30; at += 10) prometheus.record(request('canary', 'c'), at, 100 + at);
    const failing = {
      series: () => Promise.reject(new Error('Prometheus is down')),
    };
    clock.seconds = 10;
    await collector.read();
    const real = prometheus.series.bind(prometheus);
    (prometheus as { series: unknown }).series = failing.series;
    clock.seconds = 20;
    await expect(collector.read()).rejects.toThrow('down');
    (prometheus as { series: unknown }).series = real;
    clock.seconds = 30;
    expect((await collector.read()).canary.requests).toBe(20);
  });

  it('returns the last observation unchanged when nothing new was scraped', async () => {
    const { prometheus, clock, collector } = setup();
    prometheus.record(request('canary', 'c'), 0, 1);
    prometheus.record(request('canary', 'c'), 10, 11);
    clock.seconds = 5;
    await collector.read();
    clock.seconds = 12;
    const first = await collector.read();
    clock.seconds = 14;
    expect(await collector.read()).toEqual(first);
  });

  it("counts a pod's first 5xx series from zero: the client library created it at that 5xx", async () => {
    const { prometheus, clock, collector } = setup();
    for (let at = 0; at <= 20; at += 10) prometheus.record(request('canary', 'c'), at, 10 * at);
    clock.seconds = 10;
    await collector.read();
    prometheus.record(request('canary', 'c', '500'), 20, 7);
    clock.seconds = 20;
    const observation = await collector.read();
    expect(observation.canary).toMatchObject({ requests: 100 + 7, errors: 7 });
  });

  it('lists every bucket bound from the first read, so no bound is left out of the comparison', async () => {
    const { prometheus, clock, collector } = setup();
    for (const at of [0, 10]) {
      prometheus.record(bucket('canary', 'c', '0.005'), at, 0);
      prometheus.record(bucket('canary', 'c', '0.05'), at, at);
      prometheus.record(bucket('canary', 'c', '+Inf'), at, at);
    }
    clock.seconds = 0;
    await collector.read();
    clock.seconds = 10;
    expect((await collector.read()).canary.buckets).toEqual([
      { le: 0.005, count: 0 },
      { le: 0.05, count: 10 },
    ]);
  });

  it("is not thrown by a runner clock 40 s ahead of Prometheus'", async () => {
    const { prometheus, clock, collector } = setup();
    const scrapeUntil = (at: number) => {
      if (at % 15 === 0) prometheus.record(request('stable', 's'), at, 9 * at);
      if (at % 15 === 7) prometheus.record(request('canary', 'c'), at, at);
    };
    for (let at = 0; at <= 22; at += 1) scrapeUntil(at);
    // Prometheus is asked at the runner's time; its newest samples are 40 s older than that.
    clock.seconds = 22 + 40;
    expect((await collector.read()).atMs).toBe(15_000);
    for (let at = 23; at <= 52; at += 1) scrapeUntil(at);
    clock.seconds = 52 + 40;
    const observation = await collector.read();
    expect(observation.atMs).toBe(45_000);
    expect(observation.canary.requests / observation.stable.requests).toBeCloseTo(1 / 9, 6);
  });
});
