import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusClient, PrometheusError } from '../../../src/canary/metrics/prometheus.js';
import {
  prometheusError,
  startFakePrometheus,
  vector,
  type FakePrometheus,
} from './fake-prometheus.js';
import { closedPort } from '../../support/closed-port.js';

let prometheus: FakePrometheus;
beforeAll(async () => {
  prometheus = await startFakePrometheus();
});
afterAll(() => prometheus.stop());

async function failure(promise: Promise<unknown>): Promise<PrometheusError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(PrometheusError);
  return error as PrometheusError;
}

describe('PrometheusClient', () => {
  it('reads every raw sample of a range vector at an explicit evaluation time', async () => {
    prometheus.answer(() => ({
      body: {
        status: 'success',
        data: {
          resultType: 'matrix',
          result: [
            {
              metric: { __name__: 'http_requests_total', track: 'canary' },
              values: [
                [1718000000.5, '10'],
                [1718000015.5, '25'],
                [1718000030.5, 'NaN'],
              ],
            },
          ],
        },
      },
    }));
    const client = new PrometheusClient({ url: prometheus.url });
    const series = await client.series('http_requests_total{track="canary"}', 44.2, 1718000031.25);
    expect(prometheus.requests.at(-1)).toMatchObject({
      query: 'http_requests_total{track="canary"}[45s]',
      time: '1718000031.250',
    });
    expect(series).toEqual([
      {
        labels: { __name__: 'http_requests_total', track: 'canary' },
        points: [
          { atSeconds: 1718000000.5, value: 10 },
          { atSeconds: 1718000015.5, value: 25 },
        ],
      },
    ]);
  });

  it('refuses an instant vector where a range vector was asked for', async () => {
    prometheus.answer(() => vector([[{ track: 'canary' }, 1]]));
    const client = new PrometheusClient({ url: prometheus.url });
    const error = await failure(client.series('up{}', 30, 1718000000));
    expect(error.message).toContain('returned a vector instead of a range vector');
  });

  it('sends an instant query with the headers and reads the vector', async () => {
    prometheus.answer(() =>
      vector([
        [{ __name__: 'http_requests_total', code: '200', track: 'canary' }, 42],
        [{ __name__: 'http_requests_total', code: '500', track: 'canary' }, '3.5'],
      ]),
    );
    const client = new PrometheusClient({
      url: prometheus.url,
      headers: new Map([['X-Scope-OrgID', 'team-a']]),
    });
    const samples = await client.query('http_requests_total{namespace="prod"}');
    expect(samples).toEqual([
      { labels: { __name__: 'http_requests_total', code: '200', track: 'canary' }, value: 42 },
      { labels: { __name__: 'http_requests_total', code: '500', track: 'canary' }, value: 3.5 },
    ]);
    const seen = prometheus.requests.at(-1)!;
    expect(seen.path).toBe('/api/v1/query');
    expect(seen.query).toBe('http_requests_total{namespace="prod"}');
    expect(seen.headers['x-scope-orgid']).toBe('team-a');
  });

  it('keeps a path prefix in the URL', async () => {
    prometheus.answer(() => vector([[{}, 1]]));
    const client = new PrometheusClient({ url: `${prometheus.url}/prefix` });
    await client.query('vector(1)').catch(() => undefined);
    expect(prometheus.requests.at(-1)!.path).toBe('/prefix/api/v1/query');
  });

  it('drops NaN samples and reads infinities', async () => {
    prometheus.answer(() =>
      vector([
        [{ track: 'a' }, 'NaN'],
        [{ track: 'b' }, '+Inf'],
        [{ track: 'c' }, '-Inf'],
      ]),
    );
    const samples = await new PrometheusClient({ url: prometheus.url }).query('x');
    expect(samples).toEqual([
      { labels: { track: 'b' }, value: Infinity },
      { labels: { track: 'c' }, value: -Infinity },
    ]);
  });

  it('reads a scalar as one sample without labels', async () => {
    prometheus.answer(() => ({
      body: { status: 'success', data: { resultType: 'scalar', result: [1718000000, '0.25'] } },
    }));
    expect(await new PrometheusClient({ url: prometheus.url }).query('scalar(x)')).toEqual([
      { labels: {}, value: 0.25 },
    ]);
  });

  it('explains a query Prometheus refused', async () => {
    prometheus.answer(() =>
      prometheusError(400, 'bad_data', '1:5: parse error: unexpected end of input'),
    );
    const error = await failure(new PrometheusClient({ url: prometheus.url }).query('sum('));
    expect(error.message).toContain('HTTP 400');
    expect(error.message).toContain('bad_data: 1:5: parse error: unexpected end of input');
    expect(error.message).toContain('sum(');
    expect(error.hint).toMatch(/PromQL/);
  });

  it('explains an error answer that came with status 200', async () => {
    prometheus.answer(() => prometheusError(200, 'timeout', 'query timed out in query execution'));
    const error = await failure(new PrometheusClient({ url: prometheus.url }).query('up'));
    expect(error.message).toContain('returned an error (timeout: query timed out');
  });

  it('tries a 503 twice, then says Prometheus is unavailable', async () => {
    const before = prometheus.requests.length;
    prometheus.answer(() => ({ status: 503, body: 'Service Unavailable' }));
    const error = await failure(new PrometheusClient({ url: prometheus.url }).query('up'));
    expect(prometheus.requests.length - before).toBe(2);
    expect(error.message).toContain('HTTP 503');
    expect(error.message).toContain('gave up after 2 attempts');
  });

  it.each([
    {
      kind: 'a matrix',
      body: { status: 'success', data: { resultType: 'matrix', result: [] } },
      message: 'returned a matrix instead of an instant vector',
    },
    {
      kind: 'a string',
      body: { status: 'success', data: { resultType: 'string', result: [0, 'x'] } },
      message: 'returned a string instead of an instant vector',
    },
    { kind: 'not the API', body: { hello: 'world' }, message: 'not a Prometheus API answer' },
    { kind: 'an HTML page', body: '<html>login</html>', message: 'unreadable answer' },
  ])('rejects $kind', async ({ body, message }) => {
    prometheus.answer(() => ({ body }));
    const error = await failure(new PrometheusClient({ url: prometheus.url }).query('up[5m]'));
    expect(error.message).toContain(message);
  });

  it('says when Prometheus is unreachable, within a bounded time', async () => {
    const port = await closedPort();
    const started = Date.now();
    const error = await failure(
      new PrometheusClient({ url: `http://127.0.0.1:${port}`, timeoutMs: 1000 }).query('up'),
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error.message).toMatch(/is unreachable: .*connection refused/);
    expect(error.hint).toMatch(/prometheus-url/);
  });

  it('never shows header values in errors, even when the server echoes them', async () => {
    const token = 'Bearer s3cr3t-token-value';
    prometheus.answer((_, request) => ({
      status: 401,
      body: `unauthorized: ${String(request.headers.authorization)}`,
    }));
    const client = new PrometheusClient({
      url: prometheus.url,
      headers: { Authorization: token },
    });
    const error = await failure(client.query('up'));
    expect(prometheus.requests.at(-1)!.headers.authorization).toBe(token);
    expect(error.message).toContain('HTTP 401');
    expect(JSON.stringify({ message: error.message, hint: error.hint })).not.toContain('s3cr3t');
    expect(error.hint).toMatch(/prometheus-headers/);
  });

  it.each(['prometheus:9090', 'not a url', 'ftp://prometheus'])('rejects the URL %s', (url) => {
    expect(() => new PrometheusClient({ url })).toThrow(/is not an http\(s\) URL/);
  });
});
