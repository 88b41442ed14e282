import { afterAll, beforeAll, expect, it } from 'vitest';
import { ActionError } from '../../../src/core/errors.js';
import {
  readClusterState,
  writeClusterState,
  type ClusterState,
} from '../../../src/canary/cluster/cluster-state.js';
import {
  checkServiceSelection,
  createCanary,
  createCanaryService,
  readService,
  readStable,
  waitReady,
} from '../../../src/canary/cluster/workload.js';
import { describeWithTool } from '../../support/tools.js';
import {
  given,
  GOOD,
  KUBECTL_TOOL,
  namespaceIn,
  podsWith,
  specOf,
  stableDeployment,
  stableService,
  startClusterSim,
  STUCK,
  type ClusterSim,
} from './cluster-sim.js';

let cluster: ClusterSim;

function stateFor(canaryImage: string): ClusterState {
  return {
    version: 1,
    deployment: 'web',
    container: 'web',
    service: 'web',
    traffic: 'gateway-api',
    route: 'web',
    stableImage: `${GOOD}:v1`,
    stableRevision: 1,
    canaryImage,
    weight: 0,
    stepIndex: -1,
    startedAt: '2025-01-02T03:04:05.000Z',
    originalRoute: { rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] },
  };
}

describeWithTool(KUBECTL_TOOL, 'canary workload against kube-sim', () => {
  beforeAll(async () => {
    cluster = await startClusterSim();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('reads the stable Deployment, and says what is wrong when it cannot', async () => {
    const { kubectl } = await namespaceIn(cluster, 'read');
    await expect(readStable(kubectl, 'web')).rejects.toThrow(/Deployment 'web' does not exist/);
    await given(kubectl, [
      stableDeployment({
        trackStable: false,
        containers: [
          { name: 'web', image: `${GOOD}:v1` },
          { name: 'proxy', image: `${GOOD}:proxy` },
        ],
      }),
    ]);

    const ambiguous = readStable(kubectl, 'web');
    await expect(ambiguous).rejects.toBeInstanceOf(ActionError);
    await expect(ambiguous).rejects.toThrow(/2 containers \(web, proxy\)/);
    await expect(readStable(kubectl, 'web', 'sidecar')).rejects.toThrow(
      /no container 'sidecar'; its containers are: web, proxy/,
    );
    const stable = await readStable(kubectl, 'web', 'proxy');
    expect(stable).toMatchObject({
      name: 'web',
      container: 'proxy',
      image: `${GOOD}:proxy`,
      replicas: 2,
      podLabels: { app: 'web' },
      selector: { matchLabels: { app: 'web' } },
      revision: 1,
    });
    await expect(readService(kubectl, 'web')).rejects.toThrow(/Service 'web' does not exist/);
  });

  it('creates the canary beside stable without stable adopting or counting its pods', async () => {
    const { namespace, kubectl } = await namespaceIn(cluster, 'create');
    await given(kubectl, [stableDeployment({ trackStable: false, replicas: 3 })]);
    const stable = await readStable(kubectl, 'web');
    expect(await readClusterState(kubectl, 'web')).toBeUndefined();

    const canary = { stable, image: `${GOOD}:v2`, replicas: 2, state: stateFor(`${GOOD}:v2`) };
    const kindName = await createCanary(kubectl, canary);
    await waitReady(kubectl, kindName, 20_000);
    const generation = async () =>
      (await kubectl.json<{ metadata: { generation: number } }>(['get', kindName])).metadata
        .generation;
    const before = await generation();
    await createCanary(kubectl, canary);
    expect(await generation()).toBe(before);

    expect(await specOf(kubectl, kindName)).toMatchObject({
      replicas: 2,
      selector: { matchLabels: { app: 'web', track: 'canary' } },
      template: {
        metadata: { labels: { app: 'web', track: 'canary' } },
        spec: { containers: [{ name: 'web', image: `${GOOD}:v2` }] },
      },
    });
    expect(podsWith(cluster, namespace, { app: 'web', track: 'canary' })).toBe(2);
    expect(podsWith(cluster, namespace, { app: 'web' })).toBe(5);
    const stableStatus = await kubectl.json<{
      status: { replicas: number; readyReplicas: number };
    }>(['get', 'deployment/web']);
    expect(stableStatus.status).toMatchObject({ replicas: 3, readyReplicas: 3 });
    expect((await kubectl.rolloutStatus('deployment/web', 5_000)).done).toBe(true);
    expect((await readStable(kubectl, 'web')).image).toBe(`${GOOD}:v1`);
  });

  it('keeps the run state on the canary Deployment across jobs', async () => {
    const { kubectl } = await namespaceIn(cluster, 'state');
    await given(kubectl, [stableDeployment({ trackStable: false })]);
    const stable = await readStable(kubectl, 'web');
    const state = stateFor(`${GOOD}:v2`);
    await createCanary(kubectl, { stable, image: state.canaryImage, replicas: 0, state });
    expect(await readClusterState(kubectl, 'web')).toEqual(state);

    const later = { ...state, weight: 25, stepIndex: 1 };
    await writeClusterState(kubectl, later);
    expect(await readClusterState(kubectl, 'web')).toEqual(later);

    await kubectl.annotate('deployment/web-canary', {
      'canary.slipway.dev/state': '{"version":7}',
    });
    await expect(readClusterState(kubectl, 'web')).rejects.toThrow(/version 7/);
  });

  it('refuses to treat a Deployment it did not create as the canary', async () => {
    const { kubectl } = await namespaceIn(cluster, 'foreign');
    const foreign = stableDeployment({ trackStable: false });
    await given(kubectl, [{ ...foreign, metadata: { name: 'web-canary' } }]);
    await expect(readClusterState(kubectl, 'web')).rejects.toThrow(/was not created by Slipway/);
  });

  it('gives router modes a canary Service that selects only the canary pods', async () => {
    const { kubectl } = await namespaceIn(cluster, 'service');
    await given(kubectl, [stableService(true)]);
    const service = await readService(kubectl, 'web');
    expect(await createCanaryService(kubectl, service, 'web')).toBe('service/web-canary');
    expect(await specOf(kubectl, 'service/web-canary')).toMatchObject({
      selector: { app: 'web', track: 'canary' },
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
    });
  });

  it('fails waitReady with an ActionError when the canary never becomes ready', async () => {
    const { kubectl } = await namespaceIn(cluster, 'stuck');
    await given(kubectl, [stableDeployment({ trackStable: false, replicas: 1 })]);
    const stable = await readStable(kubectl, 'web');
    const image = `${STUCK}:v2`;
    const kindName = await createCanary(kubectl, {
      stable,
      image,
      replicas: 1,
      state: stateFor(image),
    });
    await expect(waitReady(kubectl, kindName, 1_500)).rejects.toThrow(
      /deployment\/web-canary did not become ready/,
    );
  });
});

const snapshotOf = (podLabels: Record<string, string>) => ({
  name: 'web',
  namespace: 'default',
  container: 'web',
  image: `${GOOD}:v1`,
  replicas: 2,
  podLabels,
  selector: { matchLabels: { app: 'web' } },
  revision: 1,
  spec: stableDeployment({ trackStable: false }).spec,
});

it('in router modes refuses a stable Service that would also reach the canary, saying how to fix it', () => {
  const service = { name: 'web', selector: { app: 'web' }, ports: [] };
  const check = () => checkServiceSelection('gateway-api', service, snapshotOf({ app: 'web' }));
  expect(check).toThrow(ActionError);
  expect(check).toThrow(/also selects the canary's pods/);
  try {
    check();
  } catch (error) {
    expect((error as ActionError).hint).toMatch(/Add 'track: stable' to the pod labels/);
  }
  const tracked = { ...service, selector: { app: 'web', track: 'stable' } };
  const stable = snapshotOf({ app: 'web', track: 'stable' });
  expect(() => checkServiceSelection('istio', tracked, stable)).not.toThrow();
  expect(() => checkServiceSelection('replicas', tracked, stable)).toThrow(/no traffic/);
  expect(() =>
    checkServiceSelection('replicas', service, snapshotOf({ app: 'web' })),
  ).not.toThrow();
});
