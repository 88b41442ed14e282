import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startKubeSim } from '../../tools/kube-sim/server.js';
import { KUBECTL, kubeAt, type Kube } from '../support/kube.js';
import { runAction, type ActionRun } from '../support/runner.js';
import { describeWithTool } from '../support/tools.js';

/**
 * A failed deploy puts back every object it changed, not only its workloads: a ConfigMap whose
 * new value keeps the pods from getting ready is restored exactly, a changed Service too, and the
 * objects the deploy created are removed — in main after a failure, and by post after main died.
 */

const ROLLOUT = fileURLToPath(new URL('../../actions/rollout', import.meta.url));
const SECRET_VALUE = 'db-password-from-the-step';

// The pods read LEVEL from the ConfigMap; kube-sim keeps a pod whose LEVEL is broken unready.
const behaviours = [
  { env: 'LEVEL=broken*', 'never-ready': true },
  { image: 'good/app:*', 'ready-after': '200ms' },
  { image: 'slow/app:*', 'ready-after': '60s' },
];

let sim: Awaited<ReturnType<typeof startKubeSim>>;
let dir: string;
let kube: Kube;

const configMap = (level: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'app-config', labels: { app: 'web' } },
  data: { LEVEL: level, MODE: 'production' },
});

const service = (name: string, port: number) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port }] },
});

const secret = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name },
  type: 'Opaque',
  data: { password: Buffer.from(SECRET_VALUE).toString('base64') },
});

/**
 * A Deployment whose pods take LEVEL from the ConfigMap; `release` changes the pod template.
 * `strategy` Recreate replaces every pod at once, so none of the old ones is kept to hide a pod
 * that cannot get ready.
 */
function deployment(
  image: string,
  release: string,
  progressDeadlineSeconds = 2,
  strategy?: { type: 'Recreate' },
) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas: 2,
      progressDeadlineSeconds,
      ...(strategy ? { strategy } : {}),
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' }, annotations: { release } },
        spec: {
          containers: [
            {
              name: 'web',
              image,
              env: [
                {
                  name: 'LEVEL',
                  valueFrom: { configMapKeyRef: { name: 'app-config', key: 'LEVEL' } },
                },
              ],
            },
          ],
        },
      },
    },
  };
}

/** What a user compares: the content and the annotations `kubectl apply` diffs against. */
async function meaningful(namespace: string, resource: string) {
  const object = await kube.getObject(namespace, resource);
  return object
    ? {
        data: object.data,
        spec: object.spec,
        labels: object.metadata.labels,
        annotations: object.metadata.annotations,
        uid: object.metadata.uid,
      }
    : undefined;
}

function visibleText(run: ActionRun): string {
  return [run.main, ...(run.post ? [run.post] : [])]
    .flatMap((step) => [
      ...step.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::')),
      step.stderr,
      step.summary,
      ...Object.values(step.outputs),
    ])
    .join('\n');
}

describeWithTool(
  { program: KUBECTL, debianPackage: 'kubectl', versionArgs: ['version', '--client'] },
  'rollout restores every object a failed deploy changed',
  () => {
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'slipway-rollout-restore-'));
      sim = await startKubeSim({ config: { behaviours }, kubeconfigPath: join(dir, 'kubeconfig') });
      kube = kubeAt(dir);
    });

    afterAll(async () => {
      await sim?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('a broken ConfigMap value: workload undone, ConfigMap and Service restored exactly, new objects removed, pod log tail shown', async () => {
      const namespace = 'restore';
      await kube.createNamespace(
        namespace,
        [configMap('info'), service('web', 80), deployment('good/app:v1', 'r1')],
        ['deployment/web'],
      );
      const configBefore = await meaningful(namespace, 'configmap/app-config');
      const serviceBefore = await meaningful(namespace, 'service/web');

      const run = await runAction(ROLLOUT, {
        timeoutMs: 120_000,
        inputs: {
          kubeconfig: sim.kubeconfig,
          namespace,
          timeout: '60s',
          manifests: await kube.writeManifests([
            configMap('broken-level'),
            service('web', 8080),
            service('web-admin', 9090),
            secret('web-db'),
            deployment('good/app:v2', 'r2'),
          ]),
        },
      });

      expect(run.main.exitCode, run.main.stdout).toBe(1);
      expect(run.main.outputs.status).toBe('rolled-back');
      expect(await meaningful(namespace, 'configmap/app-config')).toEqual(configBefore);
      expect(await meaningful(namespace, 'service/web')).toEqual(serviceBefore);
      expect(await kube.getObject(namespace, 'service/web-admin')).toBeUndefined();
      expect(await kube.getObject(namespace, 'secret/web-db')).toBeUndefined();
      const web = await kube.getObject(namespace, 'deployment/web');
      expect(web?.spec?.template?.spec.containers[0].image).toBe('good/app:v1');

      const result = JSON.parse(run.main.outputs.result) as {
        restored: Array<{ object: string; outcome: string; verified: boolean }>;
      };
      expect(
        result.restored.map(({ object, outcome, verified }) => [object, outcome, verified]),
      ).toEqual([
        ['ConfigMap/app-config', 'restored', true],
        ['Service/web', 'restored', true],
        ['Service/web-admin', 'removed', true],
        ['Secret/web-db', 'removed', true],
      ]);
      const summary = run.main.summary;
      expect(summary).toContain('<h4>Objects restored</h4>');
      expect(summary).toMatch(
        /<code>restore\/ConfigMap\/app-config<\/code><\/td><td>restored<\/td><td>✅/,
      );
      expect(summary).toMatch(/<details><summary>Log tail of pod web-[a-z0-9-]+<\/summary>/);
      // Secret contents never reach what people and later steps see.
      const visible = visibleText(run);
      expect(visible).not.toContain(SECRET_VALUE);
      expect(visible).not.toContain(Buffer.from(SECRET_VALUE).toString('base64'));
      expect(run.post?.exitCode).toBe(0);
    });

    it('every pod replaced (Recreate): the ConfigMap is restored before the undo, so the pods it starts get ready', async () => {
      const namespace = 'restore-recreate';
      const recreate = { type: 'Recreate' } as const;
      await kube.createNamespace(
        namespace,
        [configMap('info'), deployment('good/app:v1', 'r1', 2, recreate)],
        ['deployment/web'],
      );
      const configBefore = await meaningful(namespace, 'configmap/app-config');

      const run = await runAction(ROLLOUT, {
        timeoutMs: 120_000,
        inputs: {
          kubeconfig: sim.kubeconfig,
          namespace,
          timeout: '60s',
          // Pods started by the undo while the ConfigMap is still broken would never get ready.
          'recovery-timeout': '20s',
          manifests: await kube.writeManifests([
            configMap('broken-level'),
            deployment('good/app:v2', 'r2', 2, recreate),
          ]),
        },
      });

      expect(run.main.exitCode, run.main.stdout).toBe(1);
      expect(run.main.outputs.status, run.main.summary).toBe('rolled-back');
      expect(await meaningful(namespace, 'configmap/app-config')).toEqual(configBefore);
      const result = JSON.parse(run.main.outputs.result) as {
        rollback: Array<{ workload: string; outcome: string }>;
      };
      expect(result.rollback.map(({ workload, outcome }) => [workload, outcome])).toEqual([
        ['deployment/web', 'rolled-back'],
      ]);
      await kube.rolloutStatus(namespace, 'deployment/web');
      expect(run.post?.exitCode).toBe(0);
    });

    it('a failed first deploy removes everything it created', async () => {
      const namespace = 'first-restore';
      await kube.createNamespace(namespace);

      const run = await runAction(ROLLOUT, {
        timeoutMs: 120_000,
        inputs: {
          kubeconfig: sim.kubeconfig,
          namespace,
          timeout: '60s',
          manifests: await kube.writeManifests([
            configMap('broken-level'),
            deployment('good/app:v1', 'r1'),
          ]),
        },
      });

      expect(run.main.exitCode).toBe(1);
      expect(run.main.outputs.status).toBe('rolled-back');
      expect(await kube.getObject(namespace, 'deployment/web')).toBeUndefined();
      expect(await kube.getObject(namespace, 'configmap/app-config')).toBeUndefined();
      expect(run.main.summary).toMatch(
        /<code>first-restore\/Deployment\/web<\/code><\/td><td>removed/,
      );
    });

    it('main killed mid-deploy: post restores the ConfigMap and removes what main created', async () => {
      const namespace = 'restore-killed';
      await kube.createNamespace(
        namespace,
        [configMap('info'), deployment('good/app:v1', 'r1', 600)],
        ['deployment/web'],
      );
      const configBefore = await meaningful(namespace, 'configmap/app-config');

      const kill = new AbortController();
      // Killed once the change is in the cluster and main waits for the slow pods.
      const watcher = (async () => {
        for (let tries = 0; tries < 200 && !kill.signal.aborted; tries++) {
          const config = await kube.getObject(namespace, 'configmap/app-config');
          if (config?.data?.LEVEL === 'debug') {
            await new Promise((resolve) => setTimeout(resolve, 3_000));
            kill.abort();
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      })();
      const run = await runAction(ROLLOUT, {
        timeoutMs: 120_000,
        killMain: kill.signal,
        inputs: {
          kubeconfig: sim.kubeconfig,
          namespace,
          timeout: '90s',
          manifests: await kube.writeManifests([
            configMap('debug'),
            service('web-admin', 9090),
            deployment('slow/app:v2', 'r2', 600),
          ]),
        },
      });
      kill.abort();
      await watcher;

      expect(run.main.killed).toBe(true);
      expect(run.post?.exitCode).toBe(0);
      expect(run.post?.summary).toContain('Objects restored');
      expect(await meaningful(namespace, 'configmap/app-config')).toEqual(configBefore);
      expect(await kube.getObject(namespace, 'service/web-admin')).toBeUndefined();
      const web = await kube.getObject(namespace, 'deployment/web');
      expect(web?.spec?.template?.spec.containers[0].image).toBe('good/app:v1');
    });
  },
);
