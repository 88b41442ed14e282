import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Kubectl } from '../../../../src/core/kubectl.js';
import { createCanary, readStable } from '../../../../src/canary/cluster/workload.js';
import {
  trafficProvider,
  type TrafficOptions,
} from '../../../../src/canary/cluster/traffic/index.js';
import type { ClusterState } from '../../../../src/canary/cluster/cluster-state.js';
import { describeWithTool } from '../../../support/tools.js';
import {
  given,
  GOOD,
  httpRouteSpec,
  ingressSpec,
  KUBECTL_TOOL,
  namespaceIn,
  podsWith,
  routeObjects,
  specOf,
  stableDeployment,
  startClusterSim,
  virtualServiceSpec,
  type ClusterSim,
} from '../cluster-sim.js';

let cluster: ClusterSim;

async function routed(prefix: string) {
  const { namespace, kubectl } = await namespaceIn(cluster, prefix);
  await given(kubectl, routeObjects(namespace));
  const options = (traffic: TrafficOptions['traffic'], snapshot?: unknown): TrafficOptions => ({
    traffic,
    container: undefined,
    namespace,
    service: 'web',
    route: 'web',
    deployment: 'web',
    stableReplicas: 2,
    snapshot,
  });
  return { namespace, kubectl, options };
}

const HTTPROUTE = 'httproute.gateway.networking.k8s.io/web';
const VIRTUALSERVICE = 'virtualservice.networking.istio.io/web';

describeWithTool(KUBECTL_TOOL, 'traffic providers against kube-sim', () => {
  beforeAll(async () => {
    cluster = await startClusterSim();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('gateway-api splits the stable backend and restores the rules exactly', async () => {
    const { kubectl, options } = await routed('gateway');
    const provider = trafficProvider(kubectl, options('gateway-api'));
    await provider.prepare();
    expect(await provider.setWeight(25)).toBe(25);

    const { rules } = (await specOf(kubectl, HTTPROUTE)) as typeof httpRouteSpec;
    const [main, admin] = rules;
    expect(main.backendRefs).toEqual([
      { name: 'web', port: 80, weight: 75 },
      { name: 'web-canary', port: 80, weight: 25 },
    ]);
    expect(admin).toEqual(httpRouteSpec.rules[1]);
    expect(await provider.canaryWeight()).toBe(25);
    expect(await provider.setWeight(50)).toBe(50);
    expect(await provider.canaryWeight()).toBe(50);

    // A later job continues from the snapshot kept in the run state.
    const later = trafficProvider(kubectl, options('gateway-api', provider.snapshot()));
    await later.restoreStable();
    expect(await specOf(kubectl, HTTPROUTE)).toEqual(httpRouteSpec);
    await later.restoreStable();
    expect(await specOf(kubectl, HTTPROUTE)).toEqual(httpRouteSpec);
    expect(await later.canaryWeight()).toBe(0);
    expect(later.objects()).toEqual([]);
  });

  it('gateway-api without a snapshot strips canary backends and keeps other weights in proportion', async () => {
    const { kubectl, options } = await routed('gateway-shared');
    const shared = [
      { name: 'web', port: 80, weight: 3 },
      { name: 'legacy', port: 80 },
    ];
    await kubectl.patch(HTTPROUTE, 'merge', { spec: { rules: [{ backendRefs: shared }] } });
    const provider = trafficProvider(kubectl, options('gateway-api'));
    expect(await provider.setWeight(25)).toBe(25);
    const split = (await specOf(kubectl, HTTPROUTE)) as typeof httpRouteSpec;
    expect(split.rules[0].backendRefs).toEqual([
      { name: 'web', port: 80, weight: 225 },
      { name: 'web-canary', port: 80, weight: 75 },
      { name: 'legacy', port: 80, weight: 100 },
    ]);

    await trafficProvider(kubectl, options('gateway-api')).restoreStable();
    const restored = (await specOf(kubectl, HTTPROUTE)) as typeof httpRouteSpec;
    expect(restored.rules[0].backendRefs).toEqual([
      { name: 'web', port: 80, weight: 300 },
      { name: 'legacy', port: 80, weight: 100 },
    ]);
  });

  it('router modes refuse a route that is missing or does not reach the stable Service', async () => {
    const { kubectl, options } = await routed('refuse');
    const missing = { ...options('gateway-api'), route: 'nope' };
    await expect(trafficProvider(kubectl, missing).prepare()).rejects.toThrow(
      /HTTPRoute 'nope' does not exist/,
    );
    const elsewhere = { ...options('istio'), service: 'checkout' };
    await expect(trafficProvider(kubectl, elsewhere).prepare()).rejects.toThrow(
      /no HTTP route to host 'checkout'/,
    );
    await expect(
      trafficProvider(kubectl, { ...options('nginx'), service: 'checkout' }).prepare(),
    ).rejects.toThrow(/no backend that is Service 'checkout'/);
    expect(() => trafficProvider(kubectl, { ...options('nginx'), route: undefined })).toThrow(
      /needs the name of the route/,
    );
  });

  it('nginx adds a canary Ingress for the stable paths only and deletes it to restore', async () => {
    const { kubectl, options } = await routed('nginx');
    const provider = trafficProvider(kubectl, options('nginx'));
    await provider.prepare();
    expect(await provider.setWeight(25)).toBe(25);

    const canary = await kubectl.json<{
      metadata: { annotations: Record<string, string>; labels: Record<string, string> };
      spec: unknown;
    }>(['get', 'ingress/web-canary']);
    const annotations = { ...canary.metadata.annotations };
    delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
    expect(annotations).toEqual({
      'nginx.ingress.kubernetes.io/proxy-body-size': '8m',
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '25',
    });
    expect(canary.metadata.labels['app.kubernetes.io/managed-by']).toBe('slipway');
    expect(canary.spec).toEqual({
      ingressClassName: 'nginx',
      rules: [
        {
          host: 'web.example.com',
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'web-canary', port: { number: 80 } } },
              },
            ],
          },
        },
      ],
    });
    expect(await specOf(kubectl, 'ingress/web')).toEqual(ingressSpec);
    expect(await provider.canaryWeight()).toBe(25);
    expect(provider.objects()).toEqual(['ingress/web-canary']);

    await provider.restoreStable();
    await provider.restoreStable();
    expect(await kubectl.getIfExists('ingress/web-canary')).toBeUndefined();
    expect(await specOf(kubectl, 'ingress/web')).toEqual(ingressSpec);
    expect(await provider.canaryWeight()).toBe(0);
  });

  it('istio splits the stable destination by its full host name and restores the routes exactly', async () => {
    const { namespace, kubectl, options } = await routed('istio');
    const original = virtualServiceSpec(namespace);
    const provider = trafficProvider(kubectl, options('istio'));
    await provider.prepare();
    expect(await provider.setWeight(25)).toBe(25);

    const spec = (await specOf(kubectl, VIRTUALSERVICE)) as typeof original;
    expect(spec.http[0].route).toEqual([
      {
        destination: {
          host: `web.${namespace}.svc.cluster.local`,
          subset: 'v1',
          port: { number: 80 },
        },
        weight: 75,
      },
      {
        destination: { host: `web-canary.${namespace}.svc.cluster.local`, port: { number: 80 } },
        weight: 25,
      },
    ]);
    expect(spec.http[1]).toEqual(original.http[1]);
    expect(await provider.canaryWeight()).toBe(25);

    await provider.restoreStable();
    expect(await specOf(kubectl, VIRTUALSERVICE)).toEqual(original);

    // Without a snapshot (lost state), stripping the canary gives the same routes back.
    await provider.setWeight(10);
    await trafficProvider(kubectl, options('istio')).restoreStable();
    expect(await specOf(kubectl, VIRTUALSERVICE)).toEqual(original);
  });

  it('replicas mode sizes the canary for its weight of stable’s pods, never past stable', async () => {
    const { namespace, kubectl } = await namespaceIn(cluster, 'replicas');
    await given(kubectl, [stableDeployment({ trackStable: false, replicas: 4 })]);
    const stable = await readStable(kubectl, 'web');
    const state = { version: 1, deployment: 'web' } as ClusterState;
    await createCanary(kubectl, { stable, image: `${GOOD}:v2`, replicas: 0, state });
    const provider = trafficProvider(kubectl, {
      traffic: 'replicas',
      container: undefined,
      namespace,
      service: 'web',
      route: undefined,
      deployment: 'web',
      stableReplicas: 4,
    });
    await provider.prepare();
    const canaryPods = () => podsWith(cluster, namespace, { track: 'canary' });

    const ready = () => kubectl.rolloutStatus('deployment/web-canary', 20_000);
    expect(await provider.setWeight(20)).toBe(20);
    await ready();
    expect(canaryPods()).toBe(1);
    expect(await provider.canaryWeight()).toBe(20);
    // The canary is sized for its weight of stable's pods (2 of 4), a true pod share of 33%.
    expect(await provider.setWeight(50)).toBe(33);
    await ready();
    expect(canaryPods()).toBe(2);
    // At 100% it is sized for all traffic, and never grows past stable.
    expect(await provider.setWeight(100)).toBe(50);
    await ready();
    expect(canaryPods()).toBe(4);
    await expect(stableCounts(kubectl)).resolves.toMatchObject({ replicas: 4, readyReplicas: 4 });

    await provider.restoreStable();
    await provider.restoreStable();
    expect(await kubectl.getIfExists('deployment/web-canary')).toBeUndefined();
    expect(canaryPods()).toBe(0);
    expect(await provider.canaryWeight()).toBe(0);
    expect(podsWith(cluster, namespace, { app: 'web' })).toBe(4);
  });
});

async function stableCounts(kubectl: Kubectl) {
  return (await kubectl.json<{ status: object }>(['get', 'deployment/web'])).status;
}
