import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ObjectStore } from '../../../tools/kube-sim/store.js';
import {
  PROMETHEUS_TOOL,
  childProcessIds,
  processExists,
  startCanaryEnvironment,
  type CanaryEnvironment,
} from '../../support/canary-env.js';
import { describeWithTool } from '../../support/tools.js';

const HEALTHY = { errorRate: 0, latencyMs: 5, jitterMs: 2 };
const BROKEN = { errorRate: 1, latencyMs: 5, jitterMs: 2 };

function storeWithRoute(canaryWeight: number): ObjectStore {
  const store = new ObjectStore();
  store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  store.create('httproutes', {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      rules: [
        {
          backendRefs: [
            { name: 'web', port: 80, weight: 100 - canaryWeight },
            { name: 'web-canary', port: 80, weight: canaryWeight },
          ],
        },
      ],
    },
  });
  return store;
}

describeWithTool(PROMETHEUS_TOOL, 'canary environment', () => {
  let dir: string;
  let env: CanaryEnvironment;
  const childrenBefore = new Set<number>();

  beforeAll(async () => {
    childProcessIds().forEach((pid) => childrenBefore.add(pid));
    dir = await mkdtemp(join(tmpdir(), 'canary-env-'));
    env = await startCanaryEnvironment({
      store: storeWithRoute(40),
      dir,
      namespace: 'shop',
      mode: 'gateway-api',
      route: 'web',
      service: 'web',
      stable: HEALTHY,
      canary: BROKEN,
      ratePerSecond: 100,
    });
  });
  afterAll(async () => {
    await env?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('routes load by the route weights, and Prometheus sees each track’s answers', async () => {
    expect(env.canaryShare()).toBeCloseTo(0.4, 10);
    await sleep(2500);
    const counts = env.load?.counts();
    expect(counts?.sent).toBeGreaterThan(150);
    const canaryShare = (counts?.byTrack.canary ?? 0) / (counts?.sent ?? 1);
    expect(Math.abs(canaryShare - 0.4)).toBeLessThan(0.15);
    expect(counts?.byStatus['500']).toBe(counts?.byTrack.canary);

    // Wait for a scrape after the load so that Prometheus has seen both tracks' answers.
    const query = 'sum by (namespace, track, code) (http_requests_total)';
    let series: Array<{ metric: Record<string, string>; value: [number, string] }> = [];
    for (let tries = 0; tries < 30; tries++) {
      series = (await env.prometheus.query(query)).filter((s) => s.value[1] !== '0');
      if (series.length === 2) break;
      await sleep(200);
    }
    const seen = Object.fromEntries(
      series.map((s) => [`${s.metric.namespace} ${s.metric.track} ${s.metric.code}`, true]),
    );
    expect(seen).toEqual({ 'shop stable 200': true, 'shop canary 500': true });
  });

  it('lets the behaviour of a track change while it runs', async () => {
    await env.canary.setBehaviour({ errorRate: 0 });
    const before = env.load?.counts().byStatus['500'] ?? 0;
    await sleep(500);
    expect(env.load?.counts().byStatus['500'] ?? 0).toBeLessThanOrEqual(before + 5);
  });

  it('stop() leaves no process behind and can be called again', async () => {
    const pids = [env.stable.pid, env.canary.pid, env.prometheus.pid];
    expect(pids.every(processExists)).toBe(true);
    await env.stop();
    expect(pids.filter(processExists)).toEqual([]);
    expect(childProcessIds().filter((pid) => !childrenBefore.has(pid))).toEqual([]);
    await expect(fetch(env.routerUrl)).rejects.toThrow();
    await env.stop();
  });

  it('stops what it had started when starting fails half way', async () => {
    const before = childProcessIds();
    const notADirectory = join(dir, 'a-file');
    await writeFile(notADirectory, '');
    const starting = startCanaryEnvironment({
      store: storeWithRoute(10),
      dir: notADirectory,
      namespace: 'shop',
      mode: 'gateway-api',
      route: 'web',
      service: 'web',
      stable: HEALTHY,
      canary: HEALTHY,
      ratePerSecond: 10,
    });
    await expect(starting).rejects.toThrow(/ENOTDIR/);
    expect(childProcessIds().filter((pid) => !before.includes(pid))).toEqual([]);
  });
});
