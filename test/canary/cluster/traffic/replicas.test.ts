import { afterAll, beforeAll, expect, it } from 'vitest';
import { canaryReplicas, sizeCanary } from '../../../../src/canary/cluster/traffic/replicas.js';
import { describeWithTool } from '../../../support/tools.js';
import {
  given,
  KUBECTL_TOOL,
  namespaceIn,
  stableDeployment,
  startClusterSim,
  type ClusterSim,
} from '../cluster-sim.js';

it.each([
  { stable: 4, weight: 10, floor: 0, canary: 1 },
  { stable: 4, weight: 25, floor: 0, canary: 1 },
  { stable: 4, weight: 26, floor: 0, canary: 2 },
  { stable: 4, weight: 75, floor: 0, canary: 3 },
  { stable: 4, weight: 100, floor: 0, canary: 4 },
  { stable: 10, weight: 1, floor: 0, canary: 1 },
  { stable: 10, weight: 50, floor: 0, canary: 5 },
  { stable: 3, weight: 33, floor: 0, canary: 1 },
  { stable: 3, weight: 34, floor: 0, canary: 2 },
  { stable: 3, weight: 0, floor: 0, canary: 0 },
  { stable: 3, weight: 0, floor: 1, canary: 1 },
  { stable: 0, weight: 50, floor: 1, canary: 1 },
] as const)(
  'stable $stable at $weight% (floor $floor) → $canary canary pods, never more than stable',
  (row) => {
    expect(canaryReplicas(row.stable, row.weight, row.floor)).toBe(row.canary);
  },
);

let cluster: ClusterSim;

describeWithTool(KUBECTL_TOOL, 'sizing the canary against kube-sim', () => {
  beforeAll(async () => {
    cluster = await startClusterSim();
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it("follows stable's replicas as they are at each shift, and grows or shrinks only as asked", async () => {
    const { kubectl } = await namespaceIn(cluster, 'size');
    const canary = { ...stableDeployment({ trackStable: true, replicas: 0 }) };
    canary.metadata = { name: 'web-canary' };
    await given(kubectl, [stableDeployment({ trackStable: true, replicas: 4 }), canary]);
    const replicasOf = async (name: string) =>
      (await kubectl.json<{ spec: { replicas: number } }>(['get', `deployment/${name}`])).spec
        .replicas;

    expect(await sizeCanary(kubectl, 'web', 50, { floor: 0 })).toEqual({ canary: 2, stable: 4 });
    expect(await replicasOf('web-canary')).toBe(2);

    // An HPA (or anyone) scaled stable meanwhile: the next shift sizes the canary for it.
    await kubectl.scale('deployment/web', 8);
    expect(await sizeCanary(kubectl, 'web', 50, { floor: 1, only: 'shrink' })).toEqual({
      canary: 2,
      stable: 8,
    });
    expect(await replicasOf('web-canary')).toBe(2);
    expect(await sizeCanary(kubectl, 'web', 50, { floor: 1, only: 'grow' })).toEqual({
      canary: 4,
      stable: 8,
    });
    expect(await sizeCanary(kubectl, 'web', 100, { floor: 1 })).toEqual({ canary: 8, stable: 8 });
    expect(await replicasOf('web-canary')).toBe(8);
    expect(await sizeCanary(kubectl, 'web', 10, { floor: 1, only: 'shrink' })).toEqual({
      canary: 1,
      stable: 8,
    });
    expect(await replicasOf('web-canary')).toBe(1);
  });
});
