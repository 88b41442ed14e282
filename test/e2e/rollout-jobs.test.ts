import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import YAML from 'yaml';
import { startKubeSim } from '../../tools/kube-sim/server.js';
import { KUBECTL, kubeAt, yamlDocuments, type Kube } from '../support/kube.js';
import { runAction } from '../support/runner.js';
import { describeWithTool } from '../support/tools.js';

const ROLLOUT = fileURLToPath(new URL('../../actions/rollout', import.meta.url));

const behaviours = [
  { image: 'good/*', 'ready-after': '200ms' },
  { image: 'broken/*', 'crash-loop': true },
  { image: 'slow/*', 'ready-after': '60s' },
];

let sim: Awaited<ReturnType<typeof startKubeSim>>;
let dir: string;
let kube: Kube;
let count = 0;

function deployment(name: string, image: string, namespace?: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    spec: {
      replicas: 1,
      progressDeadlineSeconds: 5,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name, image, envFrom: [{ configMapRef: { name: `${name}-config` } }] }],
        },
      },
    },
  };
}

function job(name: string, image: string, namespace?: string) {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    spec: {
      backoffLimit: 0,
      template: {
        spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image }] },
      },
    },
  };
}

const configMap = (name: string, greeting: string, namespace?: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(namespace ? { namespace } : {}) },
  data: { GREETING: greeting },
});

/** A base (Deployment, its ConfigMap, a migration Job) and an overlay for `namespace`. */
async function kustomization(namespace: string, greeting: string): Promise<string> {
  const root = join(dir, `app-${++count}`);
  await mkdir(join(root, 'base'), { recursive: true });
  await mkdir(join(root, 'overlay'), { recursive: true });
  await writeFile(
    join(root, 'base', 'app.yaml'),
    yamlDocuments([
      deployment('web', 'ghcr.io/acme/web:latest'),
      configMap('web-config', 'hello'),
      job('migrate', 'ghcr.io/acme/web:latest'),
    ]),
  );
  await writeFile(join(root, 'base', 'kustomization.yaml'), 'resources: [app.yaml]\n');
  await writeFile(
    join(root, 'overlay', 'kustomization.yaml'),
    YAML.stringify({
      resources: ['../base'],
      namespace,
      patches: [
        {
          target: { kind: 'ConfigMap', name: 'web-config' },
          patch: YAML.stringify([{ op: 'replace', path: '/data/GREETING', value: greeting }]),
        },
      ],
    }),
  );
  return join(root, 'overlay');
}

function deploy(inputs: Record<string, string>) {
  return runAction(ROLLOUT, {
    timeoutMs: 90_000,
    inputs: { kubeconfig: sim.kubeconfig, timeout: '45s', ...inputs },
  });
}

async function imageOf(namespace: string): Promise<string> {
  const web = await kube.getJson<{
    spec: { template: { spec: { containers: Array<{ image: string }> } } };
  }>(namespace, 'deployment/web');
  return web.spec.template.spec.containers[0].image;
}

interface Job {
  status: { completionTime?: string; conditions?: Array<{ type: string; status: string }> };
}
interface ReplicaSetList {
  items: Array<{
    metadata: { creationTimestamp: string };
    spec: { template: { spec: { containers: Array<{ image: string }> } } };
  }>;
}

describeWithTool(
  { program: KUBECTL, debianPackage: 'kubectl', versionArgs: ['version', '--client'] },
  'rollout of kustomizations, Jobs, Lists and namespaces against kube-sim',
  () => {
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'slipway-rollout-jobs-'));
      sim = await startKubeSim({ config: { behaviours }, kubeconfigPath: join(dir, 'kubeconfig') });
      kube = kubeAt(dir);
    });

    afterAll(async () => {
      await sim?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('renders a kustomize overlay, runs its migration Job to completion first, then rolls', async () => {
      await kube.createNamespace('shop');
      const first = await deploy({
        kustomize: await kustomization('shop', 'hello'),
        images: 'ghcr.io/acme/web=good/web:v1',
      });
      expect(first.main.exitCode, first.main.stdout).toBe(0);

      const second = await deploy({
        kustomize: await kustomization('shop', 'bonjour'),
        images: 'ghcr.io/acme/web=good/web:v2',
      });
      expect(second.main.exitCode, second.main.stdout).toBe(0);
      expect(second.main.outputs.status).toBe('succeeded');
      expect(await imageOf('shop')).toBe('good/web:v2');
      const config = await kube.getJson<{ data: { GREETING: string } }>(
        'shop',
        'configmap/web-config',
      );
      expect(config.data.GREETING).toBe('bonjour');

      // The Job's template changed (a new image), so it was replaced and ran again, to completion
      // before the Deployment's new ReplicaSet was created.
      const migrate = await kube.getJson<Job>('shop', 'job/migrate');
      expect(migrate.status.conditions).toContainEqual(
        expect.objectContaining({ type: 'Complete', status: 'True' }),
      );
      const replicaSets = await kube.getJson<ReplicaSetList>('shop', 'replicasets');
      const newSet = replicaSets.items.find(
        (set) => set.spec.template.spec.containers[0].image === 'good/web:v2',
      );
      expect(newSet).toBeDefined();
      expect(Date.parse(migrate.status.completionTime ?? '')).toBeLessThanOrEqual(
        Date.parse(newSet?.metadata.creationTimestamp ?? ''),
      );
      const result = JSON.parse(second.main.outputs.result) as {
        jobs: Array<{ ref: string; outcome: string; replaced: boolean }>;
      };
      expect(result.jobs).toEqual([
        expect.objectContaining({ ref: 'job/migrate', outcome: 'completed', replaced: true }),
      ]);
      expect(second.main.summary).toContain('job/migrate');
      expect(second.main.summary).toMatch(/completed in/);
    });

    it('fails the step when the migration Job fails, with its reason and log; the workloads never change', async () => {
      await kube.createNamespace('failing');
      const good = await deploy({
        kustomize: await kustomization('failing', 'hello'),
        images: 'ghcr.io/acme/web=good/web:v1',
      });
      expect(good.main.exitCode, good.main.stdout).toBe(0);
      const overlay = await kustomization('failing', 'broken value');
      const manifests = join(overlay, '..', 'base', 'app.yaml');
      // The migration runs a broken image; the Deployment would get a good one.
      await writeFile(
        manifests,
        yamlDocuments([
          deployment('web', 'ghcr.io/acme/web:latest'),
          configMap('web-config', 'hello'),
          job('migrate', 'broken/migrate:v2'),
        ]),
      );
      const run = await deploy({ kustomize: overlay, images: 'ghcr.io/acme/web=good/web:v2' });

      expect(run.main.exitCode).not.toBe(0);
      expect(run.main.outputs.status).not.toBe('succeeded');
      expect(run.main.summary).toContain('job/migrate failed');
      expect(run.main.summary).toContain('BackoffLimitExceeded');
      expect(run.main.summary).toContain('exited with code 1');
      expect(await imageOf('failing')).toBe('good/web:v1');
      // The ConfigMap applied before the Job ran is put back too.
      const config = await kube.getJson<{ data: { GREETING: string } }>(
        'failing',
        'configmap/web-config',
      );
      expect(config.data.GREETING).toBe('hello');
      const replicaSets = await kube.getJson<ReplicaSetList>('failing', 'replicasets');
      expect(replicaSets.items.map((set) => set.spec.template.spec.containers[0].image)).toEqual([
        'good/web:v1',
      ]);
    });

    it('deploys a kind: List manifest into two namespaces in one step', async () => {
      await kube.createNamespace('north');
      await kube.createNamespace('south');
      const file = await kube.writeManifests(
        [
          {
            apiVersion: 'v1',
            kind: 'List',
            items: [
              configMap('web-config', 'north', 'north'),
              deployment('web', 'ghcr.io/acme/web:latest', 'north'),
              configMap('web-config', 'south', 'south'),
              deployment('web', 'ghcr.io/acme/web:latest', 'south'),
            ],
          },
        ],
        'list',
      );
      const run = await deploy({ manifests: file, images: 'ghcr.io/acme/web=good/web:v3' });

      expect(run.main.exitCode, run.main.stdout).toBe(0);
      expect(await imageOf('north')).toBe('good/web:v3');
      expect(await imageOf('south')).toBe('good/web:v3');
      expect(Object.keys(JSON.parse(run.main.outputs.images) as object).sort()).toEqual([
        'north/deployment/web',
        'south/deployment/web',
      ]);
    });

    it('a failed deploy into two namespaces shows the failing pods and log tails of both', async () => {
      await kube.createNamespace('east');
      await kube.createNamespace('west');
      const file = await kube.writeManifests(
        ['east', 'west'].flatMap((namespace) => [
          configMap('web-config', namespace, namespace),
          deployment('web', 'broken/web:v1', namespace),
        ]),
        'broken',
      );
      const run = await deploy({ manifests: file, 'rollback-on-failure': 'false' });

      expect(run.main.exitCode).toBe(1);
      const summary = run.main.summary;
      // Pods are read in each workload's namespace, and named with it. A crash-looping pod is
      // seen either backing off or briefly running (not ready) between two crashes.
      for (const namespace of ['east', 'west']) {
        expect(summary).toMatch(
          new RegExp(
            `<code>${namespace}/web-[a-z0-9-]+</code></td><td>(CrashLoopBackOff|NotReady)`,
          ),
        );
      }
      expect(summary).toMatch(/<summary>Log tail of pod east\/web-[a-z0-9-]+<\/summary>/);
      expect(summary).toMatch(/<summary>Log tail of pod west\/web-[a-z0-9-]+<\/summary>/);
      expect(summary).toContain('exiting with code 1');
    });

    it('cancelled while a Job runs: the objects it created so far, the Job among them, are removed', async () => {
      const namespace = 'cancelled-jobs';
      await kube.createNamespace(namespace);
      const cancel = new AbortController();
      // Cancelled once the Job, applied after the new ConfigMap, is running.
      const watcher = (async () => {
        for (let tries = 0; tries < 300 && !cancel.signal.aborted; tries++) {
          if (await kube.getObject(namespace, 'job/slow-migrate')) {
            cancel.abort();
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      })();
      const run = await runAction(ROLLOUT, {
        timeoutMs: 90_000,
        signal: cancel.signal,
        inputs: {
          kubeconfig: sim.kubeconfig,
          namespace,
          timeout: '45s',
          manifests: await kube.writeManifests([
            configMap('web-config', 'hello'),
            job('slow-migrate', 'slow/migrate:v1'),
            deployment('web', 'good/web:v1'),
          ]),
        },
      });
      cancel.abort();
      await watcher;

      expect(run.main.cancelled).toBe(true);
      const result = JSON.parse(run.main.outputs.result) as {
        restored: Array<{ object: string; outcome: string; message: string }>;
      };
      // Every object created so far was recorded, so none is left for want of knowing it; on a
      // slow runner the post step finishes removing what the grace period could not.
      expect(
        result.restored.filter(({ outcome }) => outcome === 'left'),
        run.main.stdout,
      ).toEqual([]);
      expect(result.restored.map(({ object }) => object)).toEqual([
        'ConfigMap/web-config',
        'Job/slow-migrate',
        'Deployment/web',
      ]);
      expect(run.post?.exitCode).toBe(0);
      expect(await kube.getObject(namespace, 'configmap/web-config')).toBeUndefined();
      expect(await kube.getObject(namespace, 'job/slow-migrate')).toBeUndefined();
    });
  },
);
