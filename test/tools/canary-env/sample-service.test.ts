import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LATENCY_BUCKETS,
  processExists,
  startSampleServiceProcess,
  type SampleService,
} from '../../support/canary-env.js';

const SCRIPT = fileURLToPath(
  new URL('../../../tools/canary-env/sample-service.js', import.meta.url),
);

/** Metric line -> value, e.g. `http_requests_total{code="200",method="GET"}` -> 12. */
async function scrape(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

async function send(url: string, count: number, method = 'GET'): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  await Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const response = await fetch(`${url}/orders/${index}`, { method });
      await response.arrayBuffer();
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    }),
  );
  return statuses;
}

describe('sample service', () => {
  let service: SampleService;

  beforeAll(async () => {
    service = await startSampleServiceProcess({ errorRate: 0.3, latencyMs: 20, jitterMs: 5 });
  });
  afterAll(() => service?.stop());

  it('counts every answer it gave by status and method, and times each in the histogram', async () => {
    const before = await scrape(service.url);
    const got = await send(service.url, 60);
    await send(service.url, 5, 'POST');
    const after = await scrape(service.url);
    const increase = (series: string) => (after.get(series) ?? 0) - (before.get(series) ?? 0);

    expect((got[200] ?? 0) + (got[500] ?? 0)).toBe(60);
    expect(got[500], 'an error rate of 30% gives some errors').toBeGreaterThan(0);
    expect(increase('http_requests_total{code="200",method="GET"}')).toBe(got[200] ?? 0);
    expect(increase('http_requests_total{code="500",method="GET"}')).toBe(got[500] ?? 0);
    const postSeries = [...after.keys()].filter((key) => key.includes('method="POST"'));
    expect(postSeries.reduce((sum, key) => sum + increase(key), 0)).toBe(5);

    expect(increase('http_request_duration_seconds_count')).toBe(65);
    expect(increase('http_request_duration_seconds_bucket{le="+Inf"}')).toBe(65);
    // 20 ms ± 5 ms: nothing answers within 10 ms, and (on any sane machine) all within 250 ms.
    expect(increase('http_request_duration_seconds_bucket{le="0.01"}')).toBe(0);
    expect(increase('http_request_duration_seconds_bucket{le="0.3"}')).toBe(65);
    const meanSeconds = increase('http_request_duration_seconds_sum') / 65;
    expect(meanSeconds).toBeGreaterThanOrEqual(0.015);
    expect(meanSeconds).toBeLessThan(0.2);
    const bounds = [...after.keys()]
      .filter((key) => key.startsWith('http_request_duration_seconds_bucket'))
      .map((key) => /le="([^"]+)"/.exec(key)?.[1]);
    expect(bounds).toEqual([...LATENCY_BUCKETS.map(String), '+Inf']);
  });

  it('does not count scrapes or admin calls as requests', async () => {
    const before = await scrape(service.url);
    await fetch(`${service.url}/admin/behaviour`).then((r) => r.json());
    await scrape(service.url);
    const after = await scrape(service.url);
    expect(after.get('http_request_duration_seconds_count')).toBe(
      before.get('http_request_duration_seconds_count'),
    );
  });

  it('changes behaviour at run time and refuses nonsense', async () => {
    await expect(service.setBehaviour({ errorRate: 1, latencyMs: 0 })).resolves.toEqual({
      errorRate: 1,
      latencyMs: 0,
      jitterMs: 5,
    });
    expect(await send(service.url, 20)).toEqual({ 500: 20 });
    await service.setBehaviour({ errorRate: 0 });
    expect(await send(service.url, 20)).toEqual({ 200: 20 });
    await expect(service.setBehaviour({ errorRate: 2 })).rejects.toThrow(
      'errorRate must be at most 1',
    );
  });

  it('runs from the command line, prints where it listens, and exits cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [SCRIPT, '--port', '0', '--error-rate', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    const url = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n$/.exec(line.toString())?.[1];
    expect(url).toBeDefined();
    expect(await send(url as string, 3)).toEqual({ 200: 3 });
    child.kill('SIGTERM');
    const [code, signal] = await once(child, 'exit');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });

  it('stop() ends the process', async () => {
    const other = await startSampleServiceProcess({ errorRate: 0, latencyMs: 0, jitterMs: 0 });
    expect(processExists(other.pid)).toBe(true);
    await other.stop();
    expect(processExists(other.pid)).toBe(false);
    await expect(fetch(`${other.url}/metrics`)).rejects.toThrow();
  });
});
