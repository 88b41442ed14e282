import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MetricsCollector, promqlString } from '../../../src/canary/metrics/collector.js';
import { PrometheusClient, PrometheusError } from '../../../src/canary/metrics/prometheus.js';
import type { MetricNames } from '../../../src/canary/types.js';
import {
  startFakePrometheus,
  vector,
  type FakePrometheus,
  type Series,
} from './fake-prometheus.js';

const NAMES: MetricNames = {
  requestMetric: 'http_requests_total',
  latencyMetric: 'http_request_duration_seconds',
  statusLabel: 'code',
  trackLabel: 'track',
  namespaceLabel: 'namespace',
  selector: '',
};

let prometheus: FakePrometheus;
let requests: Series[];
let latency: Series[];

beforeAll(async () => {
  prometheus = await startFakePrometheus();
  prometheus.answer((query) =>
    vector(query.startsWith('http_request_duration_seconds_bucket') ? latency : requests),
  );
});
afterAll(() => prometheus.stop());
beforeEach(() => {
  requests = [];
  latency = [];
});

const series = (track: string, pod: string, code: string): Record<string, string> => ({
  __name__: 'http_requests_total',
  namespace: 'prod',
  pod,
  code,
  ...(track ? { track } : {}),
});
const bucket = (track: string, pod: string, le: string): Record<string, string> => ({
  __name__: 'http_request_duration_seconds_bucket',
  namespace: 'prod',
  pod,
  le,
  track,
});

function collector(clock = () => 1000): MetricsCollector {
  return new MetricsCollector(new PrometheusClient({ url: prometheus.url }), NAMES, 'prod', clock);
}

describe('MetricsCollector', () => {
  it('asks for the raw series of the namespace', () => {
    expect(collector().queries()).toEqual({
      requests: 'http_requests_total{namespace="prod"}',
      latency: 'http_request_duration_seconds_bucket{namespace="prod"}',
    });
  });

  it('narrows the series to the workload with the metrics selector', () => {
    const names = { ...NAMES, selector: 'app="web",job=~"kubernetes-.*"' };
    const client = new PrometheusClient({ url: prometheus.url });
    expect(new MetricsCollector(client, names, 'prod').queries()).toEqual({
      requests: 'http_requests_total{namespace="prod",app="web",job=~"kubernetes-.*"}',
      latency:
        'http_request_duration_seconds_bucket{namespace="prod",app="web",job=~"kubernetes-.*"}',
    });
  });

  it('escapes the namespace as a PromQL string', () => {
    const names = { ...NAMES, namespaceLabel: 'kubernetes_namespace' };
    const client = new PrometheusClient({ url: prometheus.url });
    expect(new MetricsCollector(client, names, 'a"b\\c\n').queries().requests).toBe(
      'http_requests_total{kubernetes_namespace="a\\"b\\\\c\\n"}',
    );
    expect(promqlString('plain')).toBe('"plain"');
  });

  it.each([
    [{ requestMetric: 'http-requests' }, "'http-requests' is not a Prometheus metric name"],
    [{ trackLabel: 'app.kubernetes.io/track' }, 'is not a Prometheus label name'],
  ])('rejects bad names %j', (override, message) => {
    const client = new PrometheusClient({ url: prometheus.url });
    expect(() => new MetricsCollector(client, { ...NAMES, ...override }, 'prod')).toThrow(message);
  });

  it('counts from the first read, per track, with 5xx as errors', async () => {
    const reader = collector();
    requests = [
      [series('stable', 'a', '200'), 1000],
      [series('stable', 'a', '503'), 10],
      [series('', 'legacy', '200'), 70],
    ];
    latency = [
      [bucket('stable', 'a', '0.05'), 900],
      [bucket('stable', 'a', '0.1'), 1000],
      [bucket('stable', 'a', '+Inf'), 1010],
    ];
    const baseline = await reader.read();
    expect(baseline.canary).toEqual({ requests: 0, errors: 0, buckets: [], latencyCount: 0 });
    expect(baseline.stable).toEqual({
      requests: 0,
      errors: 0,
      buckets: [
        { le: 0.05, count: 0 },
        { le: 0.1, count: 0 },
      ],
      latencyCount: 0,
    });

    requests = [
      [series('stable', 'a', '200'), 1090],
      [series('stable', 'a', '503'), 11],
      [series('', 'legacy', '200'), 80],
      // Series that appear after the baseline began at zero: all of their count is new.
      [series('canary', 'c', '200'), 9],
      [series('canary', 'c', '500'), 2],
      [series('canary', 'c', '404'), 1],
    ];
    latency = [
      [bucket('stable', 'a', '0.05'), 980],
      [bucket('stable', 'a', '0.1'), 1090],
      [bucket('stable', 'a', '+Inf'), 1101],
      [bucket('canary', 'c', '0.1'), 5],
      [bucket('canary', 'c', '0.05'), 2],
      [bucket('canary', 'c', '+Inf'), 12],
    ];
    const observation = await reader.read();
    expect(observation).toEqual({
      atMs: 1000,
      canary: {
        requests: 12,
        errors: 2,
        buckets: [
          { le: 0.05, count: 2 },
          { le: 0.1, count: 5 },
        ],
        latencyCount: 12,
      },
      stable: {
        requests: 101,
        errors: 1,
        buckets: [
          { le: 0.05, count: 80 },
          { le: 0.1, count: 90 },
        ],
        latencyCount: 91,
      },
    });
  });

  it('counts everything after a counter reset and keeps earlier counts', async () => {
    const reader = collector();
    requests = [[series('canary', 'c', '200'), 500]];
    await reader.read();
    requests = [[series('canary', 'c', '200'), 540]];
    expect((await reader.read()).canary.requests).toBe(40);
    // The pod restarted: its counter began again from 0 and is now at 7.
    requests = [[series('canary', 'c', '200'), 7]];
    expect((await reader.read()).canary.requests).toBe(47);
    requests = [[series('canary', 'c', '200'), 10]];
    expect((await reader.read()).canary.requests).toBe(50);
  });

  it('keeps counts when a series vanishes for a while', async () => {
    const reader = collector();
    requests = [[series('canary', 'c', '200'), 100]];
    await reader.read();
    requests = [];
    expect((await reader.read()).canary.requests).toBe(0);
    requests = [[series('canary', 'c', '200'), 130]];
    expect((await reader.read()).canary.requests).toBe(30);
  });

  it('changes nothing when a read fails, so the next read counts the whole gap', async () => {
    let time = 0;
    const reader = collector(() => (time += 1000));
    requests = [[series('canary', 'c', '200'), 100]];
    await reader.read();
    prometheus.answer(() => ({
      status: 400,
      body: { status: 'error', errorType: 'x', error: 'y' },
    }));
    await expect(reader.read()).rejects.toBeInstanceOf(PrometheusError);
    prometheus.answer((query) =>
      vector(query.startsWith('http_request_duration_seconds_bucket') ? latency : requests),
    );
    requests = [[series('canary', 'c', '200'), 160]];
    const observation = await reader.read();
    expect(observation.canary.requests).toBe(60);
    expect(observation.atMs).toBe(2000);
  });

  it('uses the configured status and track labels', async () => {
    const names = { ...NAMES, statusLabel: 'status', trackLabel: 'variant' };
    const reader = new MetricsCollector(
      new PrometheusClient({ url: prometheus.url }),
      names,
      'prod',
    );
    await reader.read();
    requests = [
      [{ status: '502', variant: 'canary' }, 3],
      [{ status: '200', variant: 'canary', code: '500' }, 5],
      [{ status: '500', track: 'canary' }, 4],
    ];
    const observation = await reader.read();
    expect(observation.canary).toMatchObject({ requests: 8, errors: 3 });
    expect(observation.stable).toMatchObject({ requests: 4, errors: 4 });
  });
});
