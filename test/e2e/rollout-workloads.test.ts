/**
 * StatefulSets and DaemonSets through the rollout bundle, as a user deploys them: rolled to a new
 * image, and rolled back from a broken one with every pod verified back on the old image.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startKubeSim } from '../../tools/kube-sim/server.js';
import { KUBECTL, kubeAt, type Kube } from '../support/kube.js';
import { runAction, type ActionRun } from '../support/runner.js';
import { describeWithTool } from '../support/tools.js';

const ROLLOUT = fileURLToPath(new URL('../../actions/rollout', import.meta.url));
const GOOD = 'good/db';
const BROKEN = 'crash/db';

type Kind = 'StatefulSet' | 'DaemonSet';

let sim: Awaited<ReturnType<typeof startKubeSim>>;
let dir: string;
let kube: Kube;

function workload(kind: Kind, name: string, image: string): object {
  const template = {
    metadata: { labels: { app: name } },
    spec: { containers: [{ name, image }] },
  };
  const spec =
    kind === 'StatefulSet'
      ? {
          replicas: 3,
          serviceName: name,
          podManagementPolicy: 'OrderedReady',
          selector: { matchLabels: { app: name } },
          template,
        }
      : { selector: { matchLabels: { app: name } }, template };
  return { apiVersion: 'apps/v1', kind, metadata: { name }, spec };
}

/** A namespace of its own, with the workload on its first image and rolled out. */
async function existing(namespace: string, kind: Kind, name: string): Promise<void> {
  await kube.createNamespace(
    namespace,
    [workload(kind, name, `${GOOD}:v1`)],
    [`${kind.toLowerCase()}/${name}`],
  );
}

interface PodView {
  name: string;
  uid: string;
  images: string[];
  ready: boolean;
}

async function pods(namespace: string, name: string): Promise<PodView[]> {
  const result = await kube.kubectl(['get', 'pods', '-l', `app=${name}`, '-o', 'json'], namespace);
  expect(result.code, result.stderr).toBe(0);
  const list = JSON.parse(result.stdout) as {
    items: {
      metadata: { name: string; uid: string };
      spec: { containers: { image: string }[] };
      status?: { conditions?: { type: string; status: string }[] };
    }[];
  };
  return list.items
    .map((pod) => ({
      name: pod.metadata.name,
      uid: pod.metadata.uid,
      images: pod.spec.containers.map((container) => container.image),
      ready: (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The rollout step with the workload's manifest, its image substituted as the example does. */
async function deploy(namespace: string, kind: Kind, name: string, image: string, timeout: string) {
  const manifests = await kube.writeManifests(
    [workload(kind, name, 'registry.example/db:placeholder')],
    name,
  );
  return runAction(ROLLOUT, {
    timeoutMs: 120_000,
    inputs: {
      kubeconfig: sim.kubeconfig,
      namespace,
      manifests,
      images: `registry.example/db=${image}`,
      timeout,
    },
  });
}

function result(run: ActionRun) {
  return JSON.parse(run.main.outputs.result) as {
    workloads: { workload: string; before: { revision: number }; after: { revision: number } }[];
    rollback: { workload: string; outcome: string; revision: number }[];
  };
}

const KINDS: { kind: Kind; name: string; pods: number }[] = [
  { kind: 'StatefulSet', name: 'db', pods: 3 },
  { kind: 'DaemonSet', name: 'agent', pods: 1 },
];

describeWithTool(
  { program: KUBECTL, debianPackage: 'kubectl', versionArgs: ['version', '--client'] },
  'rollout bundle with StatefulSets and DaemonSets against kube-sim',
  () => {
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'slipway-rollout-workloads-'));
      sim = await startKubeSim({
        config: {
          behaviours: [
            { image: `${GOOD}:*`, 'ready-after': '200ms' },
            { image: `${BROKEN}:*`, 'crash-loop': true },
          ],
        },
        kubeconfigPath: join(dir, 'kubeconfig'),
      });
      kube = kubeAt(dir);
    });

    afterAll(async () => {
      await sim?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it.each(KINDS)(
      'a $kind rolled to a new image succeeds, every pod on it and ready, its revision reported',
      async ({ kind, name, pods: expected }) => {
        const namespace = `${name}-good`;
        await existing(namespace, kind, name);
        const run = await deploy(namespace, kind, name, `${GOOD}:v2`, '60s');

        expect(run.main.exitCode, run.main.stdout).toBe(0);
        expect(run.main.outputs.status).toBe('succeeded');
        expect(run.main.outputs.revision).toBe('2');
        expect(result(run).workloads).toEqual([
          expect.objectContaining({
            workload: `${kind.toLowerCase()}/${name}`,
            before: expect.objectContaining({ revision: 1 }),
            after: expect.objectContaining({ revision: 2 }),
          }),
        ]);
        expect(run.main.summary).toContain(`Deployed ${GOOD}:v2 to ${kind.toLowerCase()}/${name}`);
        const now = await pods(namespace, name);
        expect(now).toHaveLength(expected);
        expect(now.every((pod) => pod.ready && pod.images.join() === `${GOOD}:v2`)).toBe(true);
      },
      90_000,
    );

    it.each(KINDS)(
      'a $kind rolled to a broken image is rolled back: every pod on the old image and ready',
      async ({ kind, name, pods: expected }) => {
        const namespace = `${name}-broken`;
        await existing(namespace, kind, name);
        const stuckPods = new Set<string>();
        sim.faults.reset();
        // Neither kind has a progress deadline, so the step's timeout decides that it failed.
        const run = await deploy(namespace, kind, name, `${BROKEN}:v2`, '6s');

        expect(run.main.exitCode).not.toBe(0);
        expect(run.main.outputs.status).toBe('rolled-back');
        expect(result(run).rollback).toEqual([
          expect.objectContaining({
            workload: `${kind.toLowerCase()}/${name}`,
            outcome: 'rolled-back',
            revision: 1,
          }),
        ]);
        const now = await pods(namespace, name);
        expect(now).toHaveLength(expected);
        for (const pod of now) {
          expect(pod.images, pod.name).toEqual([`${GOOD}:v1`]);
          expect(pod.ready, pod.name).toBe(true);
        }
        if (kind === 'StatefulSet') {
          // The update halts on the broken pod (the highest ordinal); undo alone never replaces
          // it, so the rollback deletes it ("forced rollback") and the controller recreates it.
          for (const request of sim.faults.requests) {
            const match = /^\/api\/v1\/namespaces\/[^/]+\/pods\/([^/]+)$/.exec(request.path);
            if (request.method === 'DELETE' && match) stuckPods.add(match[1]);
          }
          expect([...stuckPods]).toEqual([`${name}-2`]);
        }
      },
      90_000,
    );
  },
);
