import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startKubeSim } from '../../../tools/kube-sim/server.js';
import { describeWithTool } from '../../support/tools.js';
import { KUBECTL, runKubectl, type KubectlResult } from '../../support/kube-sim.js';

let sim: Awaited<ReturnType<typeof startKubeSim>>;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kube-sim-workloads-'));
  sim = await startKubeSim({
    config: {
      behaviours: [
        { image: 'app:*', 'ready-after': '200ms' },
        { image: 'stuck:*', 'never-ready': true },
      ],
    },
    kubeconfigPath: join(dir, 'kubeconfig'),
  });
});

afterEach(async () => {
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
});

function kubectl(...args: string[]): Promise<KubectlResult> {
  return runKubectl(dir, args);
}

function statefulSet(image: string, spec = ''): string {
  return `apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec:
  replicas: 3
  serviceName: db${spec}
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
      containers: [{ name: db, image: "${image}" }]
`;
}

function daemonSet(image: string, spec = ''): string {
  return `apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent }
spec:${spec}
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec:
      containers: [{ name: agent, image: "${image}" }]
`;
}

async function apply(text: string) {
  const file = join(dir, 'workload.yaml');
  await writeFile(file, text);
  const result = await kubectl('apply', '-f', file);
  expect(result, result.stderr).toMatchObject({ code: 0 });
}

const image = async (workload: string) =>
  (await kubectl('get', workload, '-o', 'jsonpath={.spec.template.spec.containers[0].image}'))
    .stdout;

const podImages = async (selector: string) =>
  (
    await kubectl(
      'get',
      'pods',
      '-l',
      selector,
      '-o',
      'jsonpath={range .items[*]}{.metadata.name}={.spec.containers[0].image} {end}',
    )
  ).stdout.trim();

const WORKLOADS = [
  {
    workload: 'statefulset/db',
    manifest: statefulSet,
    selector: 'app=db',
    done: 'partitioned roll out complete: 3 new pods have been updated...',
    waiting: 'Waiting for 1 pods to be ready...',
    pods: (tag: string) => `db-0=${tag} db-1=${tag} db-2=${tag}`,
    // Kubernetes' "forced rollback": an OrderedReady StatefulSet does not replace a pod that is
    // not ready, so the broken pod must be deleted after the template is reverted.
    afterUndo: ['delete', 'pod', 'db-2'],
  },
  {
    workload: 'daemonset/agent',
    manifest: daemonSet,
    selector: 'app=agent',
    done: 'daemon set "agent" successfully rolled out',
    waiting:
      'Waiting for daemon set "agent" rollout to finish: 0 of 1 updated pods are available...',
    pods: (tag: string) => expect.stringMatching(new RegExp(`^agent-[a-z0-9]{5}=${tag}$`)),
    afterUndo: undefined,
  },
];

describeWithTool(
  { program: KUBECTL, debianPackage: 'kubectl', versionArgs: ['version', '--client'] },
  'StatefulSets and DaemonSets against kube-sim',
  () => {
    it('discovery lists statefulsets, daemonsets and controllerrevisions in apps/v1', async () => {
      const result = await kubectl('api-resources', '--api-group=apps', '--no-headers');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^statefulsets\s+sts\s+apps\/v1\s+true\s+StatefulSet$/m);
      expect(result.stdout).toMatch(/^daemonsets\s+ds\s+apps\/v1\s+true\s+DaemonSet$/m);
      expect(result.stdout).toMatch(
        /^controllerrevisions\s+apps\/v1\s+true\s+ControllerRevision$/m,
      );
    });

    it.each(WORKLOADS)('$workload: rollout status reports success', async (row) => {
      await apply(row.manifest('app:1'));
      const result = await kubectl('rollout', 'status', row.workload, '--timeout=20s');
      expect(result, result.stderr).toMatchObject({ code: 0 });
      expect(result.stdout).toContain(row.done);
      expect(await podImages(row.selector)).toEqual(row.pods('app:1'));
    });

    it.each(WORKLOADS)('$workload: set image rolls every pod to the new image', async (row) => {
      await apply(row.manifest('app:1'));
      expect((await kubectl('rollout', 'status', row.workload, '--timeout=20s')).code).toBe(0);
      const kind = row.workload.split('/')[1];
      expect((await kubectl('set', 'image', row.workload, `${kind}=app:2`)).code).toBe(0);
      const result = await kubectl('rollout', 'status', row.workload, '--timeout=20s');
      expect(result, result.stderr).toMatchObject({ code: 0 });
      expect(result.stdout).toContain(row.done);
      expect(await podImages(row.selector)).toEqual(row.pods('app:2'));
    });

    it.each(WORKLOADS)(
      '$workload: a never-ready image keeps rollout status waiting until --timeout',
      async (row) => {
        await apply(row.manifest('app:1'));
        expect((await kubectl('rollout', 'status', row.workload, '--timeout=20s')).code).toBe(0);
        const kind = row.workload.split('/')[1];
        expect((await kubectl('set', 'image', row.workload, `${kind}=stuck:1`)).code).toBe(0);
        const result = await kubectl('rollout', 'status', row.workload, '--timeout=3s');
        expect(result.code).toBe(1);
        expect(result.stdout).toContain(row.waiting);
        expect(result.stderr).toContain('error: timed out waiting for the condition');
      },
    );

    it.each(WORKLOADS)(
      '$workload: rollout history lists revisions and undo returns to the previous image',
      async (row) => {
        const kind = row.workload.split('/')[1];
        await apply(row.manifest('app:1'));
        expect((await kubectl('rollout', 'status', row.workload, '--timeout=20s')).code).toBe(0);
        expect((await kubectl('set', 'image', row.workload, `${kind}=stuck:2`)).code).toBe(0);
        await sim.settle();
        const history = await kubectl('rollout', 'history', row.workload);
        expect(history.stdout).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
        const undo = await kubectl('rollout', 'undo', row.workload);
        expect(undo, undo.stderr).toMatchObject({ code: 0 });
        expect(undo.stdout).toContain('rolled back');
        if (row.afterUndo) {
          const stuck = await kubectl('rollout', 'status', row.workload, '--timeout=2s');
          expect(stuck.code).toBe(1);
          expect((await kubectl(...row.afterUndo)).code).toBe(0);
        }
        const status = await kubectl('rollout', 'status', row.workload, '--timeout=20s');
        expect(status, status.stderr).toMatchObject({ code: 0 });
        expect(await image(row.workload)).toBe('app:1');
        expect(await podImages(row.selector)).toEqual(row.pods('app:1'));
        // The revision rolled back to is renumbered, as the real controllers do.
        const after = await kubectl('rollout', 'history', row.workload);
        expect(after.stdout).toMatch(/REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>/);
        const again = await kubectl('rollout', 'undo', row.workload, '--to-revision=3');
        expect(again.stdout).toContain(
          'skipped rollback (current template already matches revision 3)',
        );
      },
    );

    it('a StatefulSet replaces one pod at a time, highest ordinal first', async () => {
      await apply(statefulSet('app:1'));
      expect((await kubectl('rollout', 'status', 'statefulset/db', '--timeout=20s')).code).toBe(0);
      expect((await kubectl('set', 'image', 'statefulset/db', 'db=app:2')).code).toBe(0);
      expect((await kubectl('rollout', 'status', 'statefulset/db', '--timeout=20s')).code).toBe(0);
      const events = await kubectl(
        'get',
        'events',
        '--field-selector',
        'involvedObject.name=db,reason=SuccessfulDelete',
        '-o',
        'jsonpath={range .items[*]}{.message}|{end}',
      );
      expect(events.stdout.split('|').filter(Boolean)).toEqual([
        'delete Pod db-2 in StatefulSet db successful',
        'delete Pod db-1 in StatefulSet db successful',
        'delete Pod db-0 in StatefulSet db successful',
      ]);
      const status = JSON.parse(
        (await kubectl('get', 'statefulset', 'db', '-o', 'jsonpath={.status}')).stdout,
      );
      expect(status).toMatchObject({
        replicas: 3,
        readyReplicas: 3,
        currentReplicas: 3,
        updatedReplicas: 3,
        observedGeneration: 2,
      });
      expect(status.currentRevision).toBe(status.updateRevision);
      const revisionLabel = await kubectl(
        'get',
        'pod',
        'db-0',
        '-o',
        'jsonpath={.metadata.labels.controller-revision-hash}',
      );
      expect(revisionLabel.stdout).toBe(status.updateRevision);
    });

    it.each([
      {
        case: 'a partition keeps the lower ordinals on the old revision',
        spec: '\n  updateStrategy: { type: RollingUpdate, rollingUpdate: { partition: 2 } }',
        code: 0,
        output: 'partitioned roll out complete: 1 new pods have been updated...',
        pods: 'db-0=app:1 db-1=app:1 db-2=app:2',
      },
      {
        case: 'RollingUpdate without rollingUpdate reports the revision',
        spec: '\n  updateStrategy: { type: RollingUpdate }',
        code: 0,
        output: 'statefulset rolling update complete 3 pods at revision db-',
        pods: 'db-0=app:2 db-1=app:2 db-2=app:2',
      },
      {
        case: 'OnDelete is refused by rollout status and leaves the pods alone',
        spec: '\n  updateStrategy: { type: OnDelete }',
        code: 1,
        output: 'rollout status is only available for RollingUpdate strategy type',
        pods: 'db-0=app:1 db-1=app:1 db-2=app:1',
      },
    ])('StatefulSet: $case', async (row) => {
      await apply(statefulSet('app:1', row.spec));
      const ready = await kubectl(
        'wait',
        '--for=jsonpath={.status.readyReplicas}=3',
        'statefulset/db',
        '--timeout=20s',
      );
      expect(ready, ready.stderr).toMatchObject({ code: 0 });
      expect((await kubectl('set', 'image', 'statefulset/db', 'db=app:2')).code).toBe(0);
      const result = await kubectl('rollout', 'status', 'statefulset/db', '--timeout=20s');
      expect(result.code).toBe(row.code);
      expect(result.stdout + result.stderr).toContain(row.output);
      await sim.settle();
      expect(await podImages('app=db')).toBe(row.pods);
    });

    it('deleting a StatefulSet removes its pods and revisions', async () => {
      await apply(statefulSet('app:1'));
      expect((await kubectl('rollout', 'status', 'statefulset/db', '--timeout=20s')).code).toBe(0);
      expect((await kubectl('delete', 'statefulset', 'db')).code).toBe(0);
      await sim.settle();
      expect(sim.store.list('pods', 'default')).toEqual([]);
      expect(sim.store.list('controllerrevisions', 'default')).toEqual([]);
    });
  },
);
