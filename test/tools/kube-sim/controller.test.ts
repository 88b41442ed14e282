import { afterEach, describe, expect, it } from 'vitest';
import { ObjectStore } from '../../../tools/kube-sim/store.js';
import { startControllers } from '../../../tools/kube-sim/controller.js';
import { behaviourFor, parseBehaviours } from '../../../tools/kube-sim/behaviours.js';
import { podTemplateHash, templateWithoutHash } from '../../../tools/kube-sim/hash.js';
import { resolveFenceposts } from '../../../tools/kube-sim/deployment-controller.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

const STEP_MS = 50;
const running: Array<{ stop(): void }> = [];
afterEach(() => running.splice(0).forEach((controllers) => controllers.stop()));

function simulate(behaviours: unknown[] = []) {
  const store = new ObjectStore();
  let clock = Date.parse('2025-01-01T00:00:00Z');
  const controllers = startControllers(store, { behaviours, tickMs: 60_000, now: () => clock });
  running.push(controllers);
  const replicaSets = () => store.list('replicasets', 'default') as any[];
  const pods = () => store.list('pods', 'default') as any[];
  const deployment = () => store.get('deployments', 'default', 'web') as any;
  return {
    store,
    replicaSets,
    pods,
    deployment,
    settle: () => controllers.settle(),
    /** Moves the clock in small steps, settling after each one and reporting every state seen. */
    async advance(ms: number, observe: () => void = () => {}) {
      for (let passed = 0; passed < ms; passed += STEP_MS) {
        clock += STEP_MS;
        await controllers.settle();
        observe();
      }
    },
    async deploy(image: string, spec: Record<string, unknown> = {}) {
      store.create('deployments', {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'default' },
        spec: {
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'web', image }] },
          },
          ...spec,
        },
      });
      await controllers.settle();
    },
    async setImage(image: string) {
      const current = deployment();
      current.spec.template.spec.containers[0].image = image;
      store.update('deployments', current);
      await controllers.settle();
    },
  };
}

/** kubectl's rollout-status rule (research/deploy.md §5.1). */
function rolledOut(deployment: any): boolean {
  const status = deployment.status ?? {};
  return (
    deployment.metadata.generation <= status.observedGeneration &&
    status.updatedReplicas === deployment.spec.replicas &&
    status.replicas === status.updatedReplicas &&
    status.availableReplicas === status.updatedReplicas
  );
}

const condition = (deployment: any, type: string) =>
  deployment.status.conditions.find((c: any) => c.type === type);

describe('rolling update', () => {
  it.each([
    { replicas: 4, maxSurge: '25%', maxUnavailable: '25%', surge: 1, unavailable: 1 },
    { replicas: 3, maxSurge: '25%', maxUnavailable: '25%', surge: 1, unavailable: 0 },
    { replicas: 10, maxSurge: '30%', maxUnavailable: '10%', surge: 3, unavailable: 1 },
    { replicas: 3, maxSurge: 0, maxUnavailable: 1, surge: 0, unavailable: 1 },
    { replicas: 3, maxSurge: 2, maxUnavailable: 0, surge: 2, unavailable: 0 },
    { replicas: 5, maxSurge: '0%', maxUnavailable: '0%', surge: 0, unavailable: 1 },
  ])(
    '$replicas replicas, maxSurge $maxSurge, maxUnavailable $maxUnavailable stay within +$surge/-$unavailable',
    async ({ replicas, maxSurge, maxUnavailable, surge, unavailable }) => {
      const sim = simulate([{ image: '*', 'ready-after': '200ms' }]);
      const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } };
      await sim.deploy('app:1', { replicas, strategy });
      expect(resolveFenceposts(sim.deployment())).toEqual({
        maxSurge: surge,
        maxUnavailable: unavailable,
      });
      await sim.advance(500);
      expect(rolledOut(sim.deployment())).toBe(true);

      await sim.setImage('app:2');
      const seen = { maxPods: 0, minAvailable: Infinity, steps: 0 };
      await sim.advance(6000, () => {
        const live = sim.pods().filter((pod) => !pod.metadata.deletionTimestamp);
        const available = live.filter((pod) =>
          pod.status.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'),
        );
        seen.maxPods = Math.max(seen.maxPods, live.length);
        seen.minAvailable = Math.min(seen.minAvailable, available.length);
        if (!rolledOut(sim.deployment())) seen.steps += 1;
      });

      expect(seen.maxPods).toBeLessThanOrEqual(replicas + surge);
      expect(seen.minAvailable).toBeGreaterThanOrEqual(replicas - unavailable);
      expect(seen.steps).toBeGreaterThan(0);
      const deployment = sim.deployment();
      expect(rolledOut(deployment)).toBe(true);
      const [newSet] = sim
        .replicaSets()
        .filter((rs) => rs.spec.template.spec.containers[0].image === 'app:2');
      expect(newSet.spec.replicas).toBe(replicas);
      expect(
        sim
          .replicaSets()
          .filter((rs) => rs.metadata.name !== newSet.metadata.name && rs.spec.replicas > 0),
      ).toEqual([]);
      expect(sim.pods().map((pod) => pod.spec.containers[0].image)).toEqual(
        Array(replicas).fill('app:2'),
      );
      expect(condition(deployment, 'Progressing')).toMatchObject({
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "${newSet.metadata.name}" has successfully progressed.`,
      });
      expect(condition(deployment, 'Available')).toMatchObject({
        status: 'True',
        reason: 'MinimumReplicasAvailable',
      });
    },
    30_000,
  );

  it('Recreate removes every old pod before the first new one exists', async () => {
    const sim = simulate([{ image: '*', 'ready-after': '200ms' }]);
    await sim.deploy('app:1', { replicas: 3, strategy: { type: 'Recreate' } });
    await sim.advance(500);
    await sim.setImage('app:2');
    let mixed = false;
    await sim.advance(2000, () => {
      const images = new Set(sim.pods().map((pod) => pod.spec.containers[0].image));
      if (images.size > 1) mixed = true;
    });
    expect(mixed).toBe(false);
    expect(rolledOut(sim.deployment())).toBe(true);
    expect(sim.pods().map((pod) => pod.spec.containers[0].image)).toEqual([
      'app:2',
      'app:2',
      'app:2',
    ]);
  });
});

describe('replica sets and revisions', () => {
  it('names, labels, owns and annotates the ReplicaSet like kube-controller-manager', async () => {
    const sim = simulate();
    await sim.deploy('app:1', { replicas: 2 });
    const deployment = sim.deployment();
    const [rs] = sim.replicaSets();
    const hash = podTemplateHash(deployment.spec.template);
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(rs.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.spec.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'web',
        uid: deployment.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(rs.metadata.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '2',
      'deployment.kubernetes.io/max-replicas': '3',
    });
    expect(deployment.metadata.annotations['deployment.kubernetes.io/revision']).toBe('1');
    expect(deployment.spec).toMatchObject({
      replicas: 2,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      },
    });
    for (const pod of sim.pods()) {
      expect(pod.metadata.name).toMatch(new RegExp(`^${rs.metadata.name}-[a-z0-9]{5}$`));
      expect(pod.metadata.labels).toEqual(rs.spec.template.metadata.labels);
      expect(pod.metadata.ownerReferences[0]).toMatchObject({
        kind: 'ReplicaSet',
        uid: rs.metadata.uid,
      });
    }
  });

  it('adopts the old ReplicaSet on rollback and gives it the next revision', async () => {
    const sim = simulate([{ image: '*', 'ready-after': '100ms' }]);
    await sim.deploy('app:1', { replicas: 2 });
    await sim.advance(300);
    await sim.setImage('app:2');
    await sim.advance(1500);
    const first = sim
      .replicaSets()
      .find((rs) => rs.spec.template.spec.containers[0].image === 'app:1');
    expect(first.metadata.annotations['deployment.kubernetes.io/revision']).toBe('1');

    // What `kubectl rollout undo` writes: the old template without pod-template-hash.
    const deployment = sim.deployment();
    deployment.spec.template = templateWithoutHash(first.spec.template);
    sim.store.update('deployments', deployment);
    await sim.settle();
    await sim.advance(1500);

    expect(sim.replicaSets()).toHaveLength(2);
    const adopted = sim.store.get('replicasets', 'default', first.metadata.name) as any;
    expect(adopted.metadata.annotations['deployment.kubernetes.io/revision']).toBe('3');
    expect(adopted.spec.replicas).toBe(2);
    expect(sim.deployment().metadata.annotations['deployment.kubernetes.io/revision']).toBe('3');
    expect(rolledOut(sim.deployment())).toBe(true);
  });

  it('keeps only revisionHistoryLimit old ReplicaSets', async () => {
    const sim = simulate([{ image: '*', 'ready-after': '100ms' }]);
    await sim.deploy('app:1', { replicas: 1, revisionHistoryLimit: 2 });
    await sim.advance(300);
    for (const version of [2, 3, 4, 5]) {
      await sim.setImage(`app:${version}`);
      await sim.advance(800);
    }
    const revisions = sim
      .replicaSets()
      .map((rs) => Number(rs.metadata.annotations['deployment.kubernetes.io/revision']))
      .sort();
    expect(revisions).toEqual([3, 4, 5]);
  });

  it('records the ScalingReplicaSet events of a rollout', async () => {
    const sim = simulate([{ image: '*', 'ready-after': '100ms' }]);
    await sim.deploy('app:1', { replicas: 2 });
    await sim.advance(300);
    const first = sim.replicaSets()[0].metadata.name;
    await sim.setImage('app:2');
    await sim.advance(1000);
    const second = sim.replicaSets().find((rs) => rs.metadata.name !== first).metadata.name;
    const messages = (sim.store.list('events', 'default') as any[])
      .filter((event) => event.involvedObject.kind === 'Deployment')
      .map((event) => [event.reason, event.message, event.source.component, event.type]);
    expect(messages).toEqual(
      expect.arrayContaining([
        [
          'ScalingReplicaSet',
          `Scaled up replica set ${first} to 2`,
          'deployment-controller',
          'Normal',
        ],
        [
          'ScalingReplicaSet',
          `Scaled up replica set ${second} to 1`,
          'deployment-controller',
          'Normal',
        ],
        [
          'ScalingReplicaSet',
          `Scaled down replica set ${first} from 2 to 1`,
          'deployment-controller',
          'Normal',
        ],
      ]),
    );
  });

  it('deleting the Deployment removes its ReplicaSets and pods for good', async () => {
    const sim = simulate();
    await sim.deploy('app:1', { replicas: 3 });
    await sim.advance(500);
    sim.store.delete('deployments', 'default', 'web');
    await sim.advance(500);
    expect([sim.replicaSets(), sim.pods()]).toEqual([[], []]);
  });
});

describe('progress deadline', () => {
  it('reports ProgressDeadlineExceeded once no progress was made for progressDeadlineSeconds', async () => {
    const sim = simulate([{ image: 'stuck:*', 'never-ready': true }]);
    await sim.deploy('stuck:1', { replicas: 1, progressDeadlineSeconds: 3 });
    await sim.advance(2000);
    expect(condition(sim.deployment(), 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'ReplicaSetUpdated',
    });
    await sim.advance(2500);
    const rs = sim.replicaSets()[0].metadata.name;
    expect(condition(sim.deployment(), 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: `ReplicaSet "${rs}" has timed out progressing.`,
    });
    expect(condition(sim.deployment(), 'Available')).toMatchObject({
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
    });
  });
});

describe('behaviours', () => {
  const config = [
    { image: 'registry.example/slow:*', 'ready-after': '2s' },
    { image: 'registry.example/*', 'crash-loop': true },
    { image: '*:broken', 'pull-error': true },
    { image: 'nginx:1.2?', 'never-ready': true },
  ];
  it.each([
    { images: ['registry.example/slow:1'], kind: 'ready', readyAfterMs: 2000 },
    { images: ['registry.example/api:1'], kind: 'crash-loop', readyAfterMs: 300 },
    { images: ['registry.example/api:broken'], kind: 'crash-loop', readyAfterMs: 300 },
    { images: ['other/app:broken'], kind: 'pull-error', readyAfterMs: 300 },
    { images: ['nginx:1.25'], kind: 'never-ready', readyAfterMs: 300 },
    { images: ['nginx:1.250'], kind: 'ready', readyAfterMs: 300 },
    { images: ['sidecar:1', 'registry.example/slow:2'], kind: 'ready', readyAfterMs: 2000 },
  ])('$images → $kind', ({ images, kind, readyAfterMs }) => {
    expect(behaviourFor(parseBehaviours(config), images)).toMatchObject({ kind, readyAfterMs });
  });

  it.each([
    { entry: { image: 'a', 'ready-after': 'soon' }, error: /"soon" is not a duration/ },
    { entry: { image: 'a', 'crash-loop': true, 'pull-error': true }, error: /choose one of/ },
    { entry: { 'ready-after': '1s' }, error: /"image" must be a glob/ },
    { entry: { image: 'a', 'ready-afer': '1s' }, error: /unknown key\(s\) ready-afer/ },
  ])('rejects $entry', ({ entry, error }) => {
    expect(() => parseBehaviours([entry])).toThrow(error);
  });

  it.each([
    {
      behaviour: { image: '*', 'ready-after': '1s' },
      at: 500,
      phase: 'Pending',
      ready: false,
      container: {
        ready: false,
        started: false,
        restartCount: 0,
        state: { waiting: { reason: 'ContainerCreating' } },
      },
    },
    {
      behaviour: { image: '*', 'ready-after': '1s' },
      at: 1200,
      phase: 'Running',
      ready: true,
      container: { ready: true, started: true, restartCount: 0, state: { running: {} } },
    },
    {
      behaviour: { image: '*', 'never-ready': true },
      at: 2000,
      phase: 'Running',
      ready: false,
      container: { ready: false, started: true, state: { running: {} } },
    },
    {
      behaviour: { image: '*', 'crash-loop': true },
      at: 3800,
      phase: 'Running',
      ready: false,
      container: {
        ready: false,
        restartCount: 3,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error' } },
      },
    },
    {
      behaviour: { image: '*', 'pull-error': true },
      at: 600,
      phase: 'Pending',
      ready: false,
      container: { ready: false, state: { waiting: { reason: 'ErrImagePull' } } },
    },
    {
      behaviour: { image: '*', 'pull-error': true },
      at: 2000,
      phase: 'Pending',
      ready: false,
      container: { ready: false, state: { waiting: { reason: 'ImagePullBackOff' } } },
    },
  ])(
    '$behaviour after $at ms: $phase, ready $ready',
    async ({ behaviour, at, phase, ready, container }) => {
      const sim = simulate([behaviour]);
      await sim.deploy('app:1', { replicas: 1 });
      await sim.advance(at);
      const [pod] = sim.pods();
      expect(pod.status.phase).toBe(phase);
      expect(pod.spec.nodeName).toBe('kube-sim-node');
      expect(pod.status.conditions.find((c: any) => c.type === 'Ready').status).toBe(
        ready ? 'True' : 'False',
      );
      expect(pod.status.containerStatuses[0]).toMatchObject({
        name: 'web',
        image: 'app:1',
        ...container,
      });
    },
  );

  it.each([
    {
      behaviour: { image: '*', 'crash-loop': true },
      reason: 'BackOff',
      message: /^Back-off restarting failed container web in pod web-/,
    },
    {
      behaviour: { image: '*', 'pull-error': true },
      reason: 'Failed',
      message: /^Failed to pull image "app:1": /,
    },
    {
      behaviour: { image: '*', 'pull-error': true },
      reason: 'BackOff',
      message: /^Back-off pulling image "app:1"$/,
    },
    { behaviour: { image: '*' }, reason: 'Started', message: /^Started container web$/ },
  ])('$behaviour records kubelet event $reason', async ({ behaviour, reason, message }) => {
    const sim = simulate([behaviour]);
    await sim.deploy('app:1', { replicas: 1 });
    await sim.advance(3000);
    const events = (sim.store.list('events', 'default') as any[]).filter(
      (event) => event.involvedObject.kind === 'Pod' && event.reason === reason,
    );
    expect(events.map((event) => event.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(message)]),
    );
    expect(events[0]).toMatchObject({
      source: { component: 'kubelet' },
      involvedObject: { fieldPath: 'spec.containers{web}' },
    });
    if (reason === 'BackOff' && behaviour['crash-loop']) expect(events[0].count).toBeGreaterThan(1);
  });

  it('writes a few log lines per started container', async () => {
    const sim = simulate();
    await sim.deploy('app:1', { replicas: 1 });
    await sim.advance(500);
    const [pod] = sim.pods();
    expect(sim.store.podLog('default', pod.metadata.name)).toMatch(
      /web: starting app:1\n.*web: listening on :8080\n$/,
    );
  });
});
