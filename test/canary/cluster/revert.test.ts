import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Kubectl } from '../../../src/core/kubectl.js';
import type { ClusterState } from '../../../src/canary/cluster/cluster-state.js';
import {
  findLeftovers,
  promoteStable,
  revertToStable,
  type CanaryNames,
} from '../../../src/canary/cluster/revert.js';
import { copyObject } from '../../../src/canary/cluster/config-copies.js';
import { trafficProvider } from '../../../src/canary/cluster/traffic/index.js';
import type { TrafficMode } from '../../../src/canary/types.js';
import {
  createCanary,
  createCanaryService,
  readService,
  readStable,
} from '../../../src/canary/cluster/workload.js';
import { describeWithTool } from '../../support/tools.js';
import {
  given,
  GOOD,
  httpRouteSpec,
  KUBECTL_TOOL,
  namespaceIn,
  podsWith,
  routeObjects,
  specOf,
  stableDeployment,
  stableService,
  startClusterSim,
  STUCK,
  type ClusterSim,
} from './cluster-sim.js';

let cluster: ClusterSim;
const HTTPROUTE = 'httproute.gateway.networking.k8s.io/web';

/** Stable, its Service and routes, and a canary with `image` getting 25% through `mode`. */
async function canaryRunning(prefix: string, mode: TrafficMode, image: string) {
  const { namespace, kubectl } = await namespaceIn(cluster, prefix);
  const router = mode !== 'replicas';
  await given(kubectl, [
    stableDeployment({ trackStable: router }),
    stableService(router),
    ...routeObjects(namespace),
  ]);
  const stable = await readStable(kubectl, 'web');
  const names: CanaryNames = {
    deployment: 'web',
    service: 'web',
    route: router ? 'web' : undefined,
    traffic: mode,
  };
  const provider = () =>
    trafficProvider(kubectl, {
      ...names,
      namespace,
      container: undefined,
      stableReplicas: stable.replicas,
    });
  const first = provider();
  await first.prepare();
  const state: ClusterState = {
    version: 1,
    deployment: 'web',
    container: 'web',
    service: 'web',
    traffic: mode,
    route: names.route,
    stableImage: stable.image,
    stableRevision: stable.revision,
    canaryImage: image,
    weight: 0,
    stepIndex: -1,
    startedAt: new Date().toISOString(),
    originalRoute: first.snapshot(),
  };
  await createCanary(kubectl, { stable, image, replicas: router ? 1 : 0, state });
  if (router) await createCanaryService(kubectl, await readService(kubectl, 'web'), 'web');
  await first.setWeight(25).catch(() => undefined);
  return { namespace, kubectl, names, stable, provider: first, freshProvider: provider };
}

async function stableImage(kubectl: Kubectl): Promise<string> {
  return (await readStable(kubectl, 'web')).image;
}

describeWithTool(KUBECTL_TOOL, 'reverting and promoting a canary against kube-sim', () => {
  beforeAll(async () => {
    cluster = await startClusterSim();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('revert gives traffic back, removes every canary object, verifies stable, and can repeat', async () => {
    const { namespace, kubectl, names, provider, freshProvider } = await canaryRunning(
      'revert',
      'gateway-api',
      `${GOOD}:v2`,
    );
    expect(await provider.canaryWeight()).toBe(25);
    const expected = {
      stableImage: `${GOOD}:v1`,
      stableHealthy: true,
      leftoverObjects: [],
      canaryWeight: 0,
    };
    const options = { stableImage: `${GOOD}:v1`, timeoutMs: 10_000 };
    expect(await revertToStable(kubectl, provider, names, options)).toEqual(expected);
    expect(await specOf(kubectl, HTTPROUTE)).toEqual(httpRouteSpec);
    expect(podsWith(cluster, namespace, { track: 'canary' })).toBe(0);

    // The post step repeats it without the snapshot main had.
    expect(await revertToStable(kubectl, freshProvider(), names, options)).toEqual(expected);
    expect(await specOf(kubectl, HTTPROUTE)).toEqual(httpRouteSpec);
  });

  it('revert in nginx mode deletes the canary Ingress and Service too', async () => {
    const { kubectl, names, provider } = await canaryRunning('revert-nginx', 'nginx', `${GOOD}:v2`);
    const objects = ['deployment/web-canary', 'service/web-canary', 'ingress/web-canary'];
    expect(await findLeftovers(kubectl, objects)).toEqual(objects);
    const report = await revertToStable(kubectl, provider, names, {
      stableImage: `${GOOD}:v1`,
      timeoutMs: 10_000,
    });
    expect(report).toMatchObject({ stableHealthy: true, leftoverObjects: [], canaryWeight: 0 });
    expect(await findLeftovers(kubectl, objects)).toEqual([]);
  });

  it("revert deletes the canary's own config copies but never an unlabelled object of a recorded copy name", async () => {
    const { kubectl, names, provider } = await canaryRunning(
      'revert-copies',
      'replicas',
      `${GOOD}:v2`,
    );
    const ownCopy = copyObject(
      {
        kind: 'ConfigMap',
        name: 'web-config',
        copyName: 'web-config-canary',
        object: { data: { a: '1' } },
      },
      'web',
      undefined,
    );
    await kubectl.applyObject(ownCopy);
    // Someone's own Secret under a name the state records (a state from before the check, or a
    // name taken after the copy went): the revert must leave it as it is.
    await given(kubectl, [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'web-secret-canary' },
        stringData: { k: 'mine' },
      },
    ]);
    const copies = ['configmap/web-config-canary', 'secret/web-secret-canary'];
    const report = await revertToStable(
      kubectl,
      provider,
      { ...names, copies },
      { stableImage: `${GOOD}:v1`, timeoutMs: 10_000 },
    );
    expect(report).toMatchObject({ stableHealthy: true, leftoverObjects: [] });
    expect(await findLeftovers(kubectl, copies)).toEqual(['secret/web-secret-canary']);
  });

  it('promote gives stable the new image, then traffic back to stable, then removes the canary', async () => {
    const { namespace, kubectl, names, provider } = await canaryRunning(
      'promote',
      'istio',
      `${GOOD}:v2`,
    );
    const report = await promoteStable(kubectl, provider, names, {
      image: `${GOOD}:v2`,
      stableImage: `${GOOD}:v1`,
      timeoutMs: 15_000,
      retryUntil: Date.now() + 30_000,
    });
    expect(report).toEqual({
      promoted: true,
      problem: undefined,
      stableImage: `${GOOD}:v2`,
      stableHealthy: true,
      leftoverObjects: [],
      canaryWeight: 0,
    });
    expect(await stableImage(kubectl)).toBe(`${GOOD}:v2`);
    expect(podsWith(cluster, namespace, { app: 'web' })).toBe(2);
    const virtualService = routeObjects(namespace)[2];
    expect(await specOf(kubectl, 'virtualservice.networking.istio.io/web')).toEqual(
      virtualService.spec,
    );
  });

  it('promote with an image stable cannot run rolls stable back and removes the canary', async () => {
    const { kubectl, names, provider, stable } = await canaryRunning(
      'promote-stuck',
      'replicas',
      `${STUCK}:v2`,
    );
    const report = await promoteStable(kubectl, provider, names, {
      image: `${STUCK}:v2`,
      stableImage: `${GOOD}:v1`,
      stableRevision: stable.revision,
      timeoutMs: 6_000,
      retryUntil: Date.now() + 30_000,
    });
    expect(report).toMatchObject({
      promoted: false,
      stableImage: `${GOOD}:v1`,
      stableHealthy: true,
      leftoverObjects: [],
      canaryWeight: 0,
    });
    expect(report.problem).toMatch(
      new RegExp(`did not roll out with ${STUCK}:v2 .*rolled back to ${GOOD}:v1`),
    );
    expect(await stableImage(kubectl)).toBe(`${GOOD}:v1`);
    expect(await kubectl.getIfExists('deployment/web-canary')).toBeUndefined();
  });
});
