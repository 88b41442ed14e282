import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSim } from '../../../tools/kube-sim/server.js';
import {
  seededRandom,
  startLoad,
  startTrafficRouter,
  type TrafficMode,
  type TrafficRouter,
} from '../../support/canary-env.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

type Track = 'stable' | 'canary';

let sim: Awaited<ReturnType<typeof startKubeSim>>;
const backends: Server[] = [];
const urls = { stable: '', canary: '' };
const routers: TrafficRouter[] = [];
let namespaces = 0;

/** Answers with what it received, so a test sees what the router forwarded and to whom. */
async function startEcho(track: Track): Promise<string> {
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const status = request.url === '/teapot' ? 418 : 200;
      response.writeHead(status, { 'content-type': 'application/json', 'x-echo': track });
      response.end(JSON.stringify({ track, method: request.method, url: request.url, body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  backends.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  sim = await startKubeSim({
    config: {
      behaviours: [
        { image: 'good/app:*', 'ready-after': '100ms' },
        { image: 'stuck/app:*', 'never-ready': true },
      ],
    },
  });
  urls.stable = await startEcho('stable');
  urls.canary = await startEcho('canary');
});
afterEach(async () => {
  await Promise.all(routers.splice(0).map((router) => router.stop()));
});
afterAll(async () => {
  await Promise.all(backends.map((s) => new Promise((resolve) => s.close(resolve))));
  await sim?.stop();
});

/** A fresh namespace holding `objects`, and a router for it. */
async function routerFor(mode: TrafficMode, objectsIn: any[] | ((namespace: string) => any[])) {
  const namespace = `router-${++namespaces}`;
  const objects = typeof objectsIn === 'function' ? objectsIn(namespace) : objectsIn;
  sim.store.create('namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: namespace },
  });
  for (const object of objects) {
    sim.store.create(object.resource, {
      ...object.body,
      metadata: { ...object.body.metadata, namespace },
    });
  }
  const router = await startTrafficRouter({
    store: sim.store,
    namespace,
    mode,
    route: 'web',
    service: 'web',
    backends: urls,
    random: seededRandom(7),
  });
  routers.push(router);
  return { router, namespace };
}

/** Sends `count` requests one after another and counts where the router sent them. */
async function split(url: string, count = 1000): Promise<number> {
  let canary = 0;
  for (let index = 0; index < count; index++) {
    const response = await fetch(`${url}/items/${index}`);
    const body = (await response.json()) as { track: Track };
    expect(response.headers.get('x-canary-track')).toBe(body.track);
    if (body.track === 'canary') canary += 1;
  }
  return canary / count;
}

const httpRoute = (backendRefs: object[]) => ({
  resource: 'httproutes',
  body: {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'web' },
    spec: { parentRefs: [{ name: 'gateway' }], rules: [{ backendRefs }] },
  },
});

const ingress = (name: string, host: string, service: string, annotations = {}) => ({
  resource: 'ingresses',
  body: {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, annotations },
    spec: {
      rules: [
        {
          host,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: service, port: { number: 80 } } },
              },
            ],
          },
        },
      ],
    },
  },
});

const virtualService = (route: object[]) => ({
  resource: 'virtualservices',
  body: {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'web' },
    spec: { hosts: ['web'], http: [{ route }] },
  },
});

const deployment = (name: string, replicas: number, image: string, track: Track) => ({
  resource: 'deployments',
  body: {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web', track } },
      template: {
        metadata: { labels: { app: 'web', track } },
        spec: { containers: [{ name: 'app', image }] },
      },
    },
  },
});

const stableService = {
  resource: 'services',
  body: {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
  },
};

describe('traffic router', () => {
  it('gateway-api: splits by the HTTPRoute weights and follows a change at once', async () => {
    const { router, namespace } = await routerFor('gateway-api', [
      httpRoute([
        { name: 'web', port: 80, weight: 80 },
        { name: 'web-canary', port: 80, weight: 20 },
      ]),
    ]);
    expect(router.canaryShare()).toBeCloseTo(0.2, 10);
    expect(await split(router.url)).toBeCloseTo(0.2, 1);

    const route = sim.store.get('httproutes', namespace, 'web') as any;
    route.spec.rules[0].backendRefs = [
      { name: 'web', port: 80 },
      { name: 'web-canary', port: 80 },
    ];
    sim.store.update('httproutes', route);
    expect(router.canaryShare(), 'weight defaults to 1 each').toBe(0.5);
    expect(await split(router.url)).toBeCloseTo(0.5, 1);

    const updated = sim.store.get('httproutes', namespace, 'web') as any;
    updated.spec.rules[0].backendRefs = [{ name: 'web', port: 80, weight: 100 }];
    sim.store.update('httproutes', updated);
    expect(await split(router.url, 200)).toBe(0);
  });

  it('nginx: gives the canary Ingress of the same host its canary-weight share', async () => {
    const canaryAnnotations = {
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '30',
    };
    const { router, namespace } = await routerFor('nginx', [
      ingress('web', 'shop.example.com', 'web'),
      ingress('other-canary', 'other.example.com', 'web-canary', {
        ...canaryAnnotations,
        'nginx.ingress.kubernetes.io/canary-weight': '90',
      }),
    ]);
    expect(router.canaryShare(), 'a canary Ingress for another host is ignored').toBe(0);
    expect(await split(router.url, 200)).toBe(0);

    sim.store.create('ingresses', {
      ...ingress('web-canary', 'shop.example.com', 'web-canary', canaryAnnotations).body,
      metadata: { name: 'web-canary', namespace, annotations: canaryAnnotations },
    });
    expect(router.canaryShare()).toBeCloseTo(0.3, 10);
    expect(await split(router.url)).toBeCloseTo(0.3, 1);

    const canary = sim.store.get('ingresses', namespace, 'web-canary') as any;
    canary.metadata.annotations['nginx.ingress.kubernetes.io/canary-weight'] = '50';
    canary.metadata.annotations['nginx.ingress.kubernetes.io/canary-weight-total'] = '200';
    sim.store.update('ingresses', canary);
    expect(router.canaryShare()).toBe(0.25);
  });

  it('istio: splits by the destination weights of the VirtualService', async () => {
    const { router } = await routerFor('istio', (namespace) => [
      virtualService([
        { destination: { host: 'web', port: { number: 80 } }, weight: 60 },
        { destination: { host: `web-canary.${namespace}.svc.cluster.local` }, weight: 40 },
      ]),
    ]);
    expect(router.canaryShare()).toBeCloseTo(0.4, 10);
    expect(await split(router.url)).toBeCloseTo(0.4, 1);
  });

  it('replicas: splits by the ready pods behind the stable Service', async () => {
    const { router, namespace } = await routerFor('replicas', [
      stableService,
      deployment('web', 3, 'good/app:1', 'stable'),
      deployment('web-canary', 1, 'good/app:2', 'canary'),
      deployment('web-broken', 2, 'stuck/app:2', 'canary'),
    ]);
    const ready = () =>
      (sim.store.list('pods', namespace) as any[]).filter((pod) =>
        pod.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'),
      ).length;
    for (let waited = 0; ready() < 4 && waited < 10_000; waited += 50) await sleep(50);
    expect(ready()).toBe(4);
    expect(router.canaryShare(), 'pods that never get ready take no traffic').toBe(0.25);
    expect(await split(router.url)).toBeCloseTo(0.25, 1);
  });

  it('forwards method, path, query and body, and relays status and headers', async () => {
    const { router } = await routerFor('gateway-api', [
      httpRoute([{ name: 'web-canary', port: 80, weight: 1 }]),
    ]);
    const posted = await fetch(`${router.url}/orders?id=7`, { method: 'POST', body: 'hello' });
    expect(posted.status).toBe(200);
    expect(posted.headers.get('x-echo')).toBe('canary');
    expect(posted.headers.get('x-canary-track')).toBe('canary');
    expect(await posted.json()).toEqual({
      track: 'canary',
      method: 'POST',
      url: '/orders?id=7',
      body: 'hello',
    });
    const teapot = await fetch(`${router.url}/teapot`);
    expect(teapot.status).toBe(418);
  });

  it('answers as a data plane would when the route is missing, and says why', async () => {
    const { router, namespace } = await routerFor('gateway-api', []);
    const response = await fetch(`${router.url}/`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain(`httproutes ${namespace}/web does not exist`);
    expect(() => router.canaryShare()).toThrow('does not exist');
  });

  it('splits steady open-loop load, as counted by the load generator', async () => {
    const { router } = await routerFor('gateway-api', [
      httpRoute([
        { name: 'web', port: 80, weight: 50 },
        { name: 'web-canary', port: 80, weight: 50 },
      ]),
    ]);
    const load = startLoad({ url: `${router.url}/`, ratePerSecond: 400, concurrency: 32 });
    await sleep(1000);
    const totals = await load.stop();
    expect(totals.sent).toBeGreaterThan(300);
    expect(totals.sent).toBeLessThan(480);
    expect(totals.byStatus).toEqual({ 200: totals.sent });
    expect((totals.byTrack.stable ?? 0) + (totals.byTrack.canary ?? 0)).toBe(totals.sent);
    // About 400 requests at p = 0.5: 0.1 is four standard deviations.
    expect(Math.abs((totals.byTrack.canary ?? 0) / totals.sent - 0.5)).toBeLessThan(0.1);
    expect(load.counts()).toEqual(totals);
  });
});
