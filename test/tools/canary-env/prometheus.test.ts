import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  endsWithin,
  firstLineOfKilledOwner,
  PROMETHEUS_TOOL,
  processExists,
  processRuns,
  startPrometheus,
  startSampleServiceProcess,
  type RunningPrometheus,
  type SampleService,
} from '../../support/canary-env.js';
import { describeWithTool } from '../../support/tools.js';

async function send(url: string, count: number): Promise<void> {
  for (let index = 0; index < count; index++) await (await fetch(`${url}/`)).arrayBuffer();
}

/** Polls `query` until it gives `expected` (Prometheus sees new samples one scrape later). */
async function eventually<T>(query: () => Promise<T>, expected: T, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await query();
  while (JSON.stringify(last) !== JSON.stringify(expected) && Date.now() < deadline) {
    await sleep(200);
    last = await query();
  }
  return last;
}

describeWithTool(PROMETHEUS_TOOL, 'Prometheus for the canary environment', () => {
  let dir: string;
  let stable: SampleService;
  let canary: SampleService;
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'canary-prometheus-'));
    [stable, canary] = await Promise.all([
      startSampleServiceProcess({ errorRate: 0, latencyMs: 0, jitterMs: 0 }),
      startSampleServiceProcess({ errorRate: 1, latencyMs: 0, jitterMs: 0 }),
    ]);
    prometheus = await startPrometheus({
      dir,
      targets: [
        { url: stable.url, labels: { namespace: 'production', track: 'stable' } },
        { url: canary.url, labels: { namespace: 'production', track: 'canary' } },
      ],
    });
  });
  afterAll(async () => {
    await prometheus?.stop();
    await Promise.all([stable?.stop(), canary?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('has scraped every target once it is handed out', async () => {
    const up = await prometheus.query('up');
    const byTrack = Object.fromEntries(up.map((s) => [s.metric.track, s.value[1]]));
    expect(byTrack).toEqual({ stable: '1', canary: '1' });
    expect(up.every((s) => s.metric.namespace === 'production')).toBe(true);
  });

  it('shows the requests each track answered, labelled by track and code', async () => {
    await send(stable.url, 30);
    await send(canary.url, 10);
    const totals = async () =>
      Object.fromEntries(
        (await prometheus.query('sum by (track, code) (http_requests_total)'))
          .filter((s) => s.value[1] !== '0')
          .map((s) => [`${s.metric.track} ${s.metric.code}`, Number(s.value[1])]),
      );
    expect(await eventually(totals, { 'stable 200': 30, 'canary 500': 10 })).toEqual({
      'stable 200': 30,
      'canary 500': 10,
    });
    const counts = await prometheus.query(
      'sum by (track) (http_request_duration_seconds_bucket{le="+Inf"})',
    );
    expect(Object.fromEntries(counts.map((s) => [s.metric.track, s.value[1]]))).toEqual({
      stable: '30',
      canary: '10',
    });
  });

  it('passes on PromQL errors with Prometheus’s own message', async () => {
    await expect(prometheus.query('sum by (track')).rejects.toThrow(/bad_data.*parse error/);
  });

  it('says what Prometheus printed when it exits early', async () => {
    const broken = startPrometheus({
      dir: join(dir, 'broken'),
      targets: [{ url: stable.url, labels: { 'not a label': 'x' } }],
    });
    await expect(broken).rejects.toThrow(/prometheus exited early \(code \d+\):[\s\S]*not a label/);
  });

  it('says how to install Prometheus when it is missing', async () => {
    const missing = startPrometheus({
      dir: join(dir, 'missing'),
      targets: [],
      program: join(dir, 'no-such-prometheus'),
    });
    await expect(missing).rejects.toThrow(/was not found\. Install it with `apt-get install/);
  });

  it('ends with its targets when its owner is killed: no Prometheus scrapes freed ports', async () => {
    // A test worker killed mid-test never calls stop(). Were Prometheus to outlive it, it would
    // keep scraping its targets' ports, and the next server given one of them (another test's
    // fake GitHub) would get GET /metrics every second.
    const pids = (
      await firstLineOfKilledOwner(
        "import { startPrometheus } from './prometheus.js';\n" +
          "import { startSampleServiceProcess } from './sample-service.js';\n" +
          'const service = await startSampleServiceProcess({ errorRate: 0, latencyMs: 0, jitterMs: 0 });\n' +
          `const prometheus = await startPrometheus({ dir: ${JSON.stringify(join(dir, 'orphaned'))}, targets: [{ url: service.url }] });\n` +
          'console.log(`${prometheus.pid} ${service.pid}`);',
      )
    )
      .split(' ')
      .map(Number);
    try {
      expect(pids).toHaveLength(2);
      for (const pid of pids) expect(await endsWithin(pid, 5000), `pid ${pid}`).toBe(true);
    } finally {
      for (const pid of pids.filter(processRuns)) process.kill(pid, 'SIGKILL');
    }
  }, 60_000);

  it('stop() ends the process and a second stop() is harmless', async () => {
    const second = await startPrometheus({ dir: join(dir, 'second'), targets: [] });
    expect(processExists(second.pid)).toBe(true);
    await second.stop();
    expect(processExists(second.pid)).toBe(false);
    await second.stop();
  });
});
