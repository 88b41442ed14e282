import { describe, expect, it } from 'vitest';
import { missingSeriesWarning } from '../../../src/canary/metrics/series-check.js';
import { PrometheusError } from '../../../src/canary/metrics/prometheus.js';
import type { SeriesSource } from '../../../src/canary/metrics/sources.js';

const source = {
  requestSelector: 'http_requests_total{namespace="prod",app="web"}',
} as SeriesSource;

describe('missingSeriesWarning', () => {
  it('says nothing when series match', async () => {
    const client = { query: () => Promise.resolve([{ labels: {}, value: 4 }]) };
    expect(await missingSeriesWarning(client, source)).toBeUndefined();
  });

  it('names the selector and metrics-selector when none match', async () => {
    const asked: string[] = [];
    const client = {
      query: (promql: string) => {
        asked.push(promql);
        return Promise.resolve([]);
      },
    };
    const warning = await missingSeriesWarning(client, source);
    expect(asked).toEqual(['count(http_requests_total{namespace="prod",app="web"})']);
    expect(warning).toMatch(
      /^Prometheus has no series matching http_requests_total\{namespace="prod",app="web"\}.*set metrics-selector/,
    );
  });

  it('leaves a Prometheus failure to the steps', async () => {
    const client = { query: () => Promise.reject(new PrometheusError('down', 'count(x)')) };
    expect(await missingSeriesWarning(client, source)).toBeUndefined();
  });
});
