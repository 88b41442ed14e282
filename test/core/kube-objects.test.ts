import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { Kubectl } from '../../src/core/kubectl.js';
import {
  loadSnapshots,
  recordAppliedUids,
  resourceOf,
  restoreObjects,
  saveSnapshots,
  snapshotObjects,
} from '../../src/core/kube-objects.js';
import type { ObjectRef } from '../../src/core/manifests.js';
import { startKubeSim } from '../../tools/kube-sim/server.js';
import { captureStdout } from '../support/capture-stdout.js';
import { KUBECTL, runKubectl } from '../support/kube-sim.js';
import { describeWithTool } from '../support/tools.js';

const SECRET_VALUE = 'hunter2-very-secret';

let sim: Awaited<ReturnType<typeof startKubeSim>>;
let dir: string;
let kubectl: Kubectl;
let namespace: string;
let counter = 0;

const configMap = (name: string, data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, labels: { app: 'web' } },
  data,
});
const secret = (name: string, value: string) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace },
  type: 'Opaque',
  data: { password: Buffer.from(value).toString('base64') },
});
const service = (name: string, port: number) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { selector: { app: name }, ports: [{ name: 'http', port }] },
});
const job = (name: string, image: string) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace },
  spec: {
    template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image }] } },
  },
});

const refOf = (object: { apiVersion: string; kind: string; metadata: { name: string } }) =>
  ({
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.metadata.name,
    namespace,
  }) satisfies ObjectRef;

async function apply(...objects: object[]): Promise<void> {
  const file = join(dir, `objects-${++counter}.yaml`);
  await writeFile(file, objects.map((object) => YAML.stringify(object)).join('---\n'));
  const result = await runKubectl(dir, ['apply', '-f', file], namespace);
  expect(result.code, result.stderr).toBe(0);
}

/** The parts of an object these tests read. */
interface KubeObject {
  metadata: { uid?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  data?: Record<string, string>;
  spec?: {
    ports?: Array<{ port: number }>;
    template?: { spec: { containers: Array<{ image: string }> } };
  };
}

async function get(ref: ObjectRef): Promise<KubeObject | undefined> {
  const result = await runKubectl(
    dir,
    ['get', resourceOf(ref), '--ignore-not-found', '-o', 'json'],
    namespace,
  );
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.trim() ? (JSON.parse(result.stdout) as KubeObject) : undefined;
}

/** Runs a restore with its retry lines kept out of the test output. */
async function quietly<T>(work: () => Promise<T>): Promise<T> {
  let value: T | undefined;
  await captureStdout(async () => {
    value = await work();
  });
  return value as T;
}

describeWithTool(
  { program: KUBECTL, debianPackage: 'kubectl', versionArgs: ['version', '--client'] },
  'kube-objects against kube-sim',
  () => {
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'kube-objects-'));
      sim = await startKubeSim({ kubeconfigPath: join(dir, 'kubeconfig') });
      kubectl = new Kubectl({
        kubeconfigPath: join(dir, 'kubeconfig'),
        namespace: 'default',
        cacheDir: join(dir, 'cache'),
        timeoutMs: 20_000,
      });
    });

    afterAll(async () => {
      await sim?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    beforeEach(async () => {
      // Objects name their own namespace, away from the kubectl's default one.
      namespace = `objects-${++counter}`;
      await apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
      sim.faults.reset();
    });

    it('puts changed objects back exactly and removes the ones the change created', async () => {
      const config = configMap('config', { LEVEL: 'info' });
      await apply(config, secret('creds', SECRET_VALUE), service('web', 80));
      const configBefore = await get(refOf(config));
      const refs = [
        refOf(config),
        refOf(secret('creds', '')),
        refOf(service('web', 0)),
        refOf(service('new-svc', 0)),
        refOf(secret('new-secret', '')),
      ];
      const snapshots = await snapshotObjects(kubectl, refs, Date.now() + 10_000);

      await apply(
        configMap('config', { LEVEL: 'broken' }),
        secret('creds', 'changed-password'),
        service('web', 8080),
        service('new-svc', 80),
        secret('new-secret', 'created-by-step'),
      );
      await recordAppliedUids(kubectl, snapshots, Date.now() + 10_000);
      const results = await quietly(() => restoreObjects(kubectl, snapshots, Date.now() + 20_000));

      expect(results.map((r) => [r.object, r.outcome, r.verified])).toEqual([
        ['ConfigMap/config', 'restored', true],
        ['Secret/creds', 'restored', true],
        ['Service/web', 'restored', true],
        ['Service/new-svc', 'removed', true],
        ['Secret/new-secret', 'removed', true],
      ]);
      const configAfter = await get(refOf(config));
      expect(configAfter?.data).toEqual({ LEVEL: 'info' });
      // The annotation the next `kubectl apply` diffs against is the one from before, too.
      expect(configAfter?.metadata.annotations).toEqual(configBefore?.metadata.annotations);
      expect(configAfter?.metadata.uid).toBe(configBefore?.metadata.uid);
      expect((await get(refs[1]))?.data?.password).toBe(
        Buffer.from(SECRET_VALUE).toString('base64'),
      );
      expect((await get(refs[2]))?.spec?.ports?.[0]?.port).toBe(80);
      expect(await get(refs[3])).toBeUndefined();
      expect(await get(refs[4])).toBeUndefined();
      expect(JSON.stringify(results)).not.toContain(Buffer.from(SECRET_VALUE).toString('base64'));
    });

    it('runs the caller between restoring what existed and removing what the change created', async () => {
      await apply(configMap('kept', { LEVEL: 'info' }));
      const refs = [refOf(configMap('kept', {})), refOf(configMap('created', {}))];
      const snapshots = await snapshotObjects(kubectl, refs, Date.now() + 10_000);
      await apply(configMap('kept', { LEVEL: 'broken' }), configMap('created', { a: '1' }));
      await recordAppliedUids(kubectl, snapshots, Date.now() + 10_000);

      // What a workload undone here would find: the old content, and nothing removed yet.
      let seen: Array<KubeObject | undefined> = [];
      const results = await quietly(() =>
        restoreObjects(kubectl, snapshots, Date.now() + 20_000, {
          betweenPhases: async () => {
            seen = [await get(refs[0]), await get(refs[1])];
          },
        }),
      );
      expect(seen[0]?.data).toEqual({ LEVEL: 'info' });
      expect(seen[1]?.data).toEqual({ a: '1' });
      expect(results.map((r) => r.outcome)).toEqual(['restored', 'removed']);
    });

    it('never deletes an object someone else re-created after the change', async () => {
      const ref = refOf(configMap('shared', {}));
      const snapshots = await snapshotObjects(kubectl, [ref], Date.now() + 10_000);
      await apply(configMap('shared', { by: 'this step' }));
      await recordAppliedUids(kubectl, snapshots, Date.now() + 10_000);
      expect((await runKubectl(dir, ['delete', 'configmap', 'shared'], namespace)).code).toBe(0);
      await apply(configMap('shared', { by: 'another team' }));

      const [result] = await quietly(() => restoreObjects(kubectl, snapshots, Date.now() + 10_000));
      expect(result).toMatchObject({ outcome: 'left', verified: false });
      expect(result.message).toMatch(/replaced by someone else/);
      expect((await get(ref))?.data).toEqual({ by: 'another team' });
    });

    it('leaves a created object whose uid was never recorded, and reports unchanged ones', async () => {
      await apply(configMap('same', { a: '1' }));
      const refs = [refOf(configMap('same', {})), refOf(configMap('unknown', {}))];
      const snapshots = await snapshotObjects(kubectl, refs, Date.now() + 10_000);
      await apply(configMap('unknown', { a: '1' }));

      const results = await quietly(() => restoreObjects(kubectl, snapshots, Date.now() + 10_000));
      expect(results.map((r) => r.outcome)).toEqual(['unchanged', 'left']);
      expect(await get(refs[1])).toBeDefined();
    });

    it('removes a Job the change put in place of another, and does not re-create the old one', async () => {
      await apply(job('migrate', 'migrate:1'));
      const ref = refOf(job('migrate', ''));
      const snapshots = await snapshotObjects(kubectl, [ref], Date.now() + 10_000);
      expect((await runKubectl(dir, ['delete', 'job', 'migrate'], namespace)).code).toBe(0);
      await apply(job('migrate', 'migrate:2'));
      await recordAppliedUids(kubectl, snapshots, Date.now() + 10_000);

      const [result] = await quietly(() => restoreObjects(kubectl, snapshots, Date.now() + 10_000));
      expect(result).toMatchObject({ outcome: 'not-recreated', verified: true });
      expect(result.message).toMatch(/not re-created/);
      expect(await get(ref)).toBeUndefined();
    });

    it('restores through API faults until it is done', async () => {
      await apply(configMap('flaky', { v: '1' }));
      const ref = refOf(configMap('flaky', {}));
      const snapshots = await snapshotObjects(kubectl, [ref], Date.now() + 10_000);
      await apply(configMap('flaky', { v: '2' }));
      sim.faults.failNext(4, 503);

      const [result] = await quietly(() => restoreObjects(kubectl, snapshots, Date.now() + 30_000));
      expect(result).toMatchObject({ outcome: 'restored', verified: true });
      expect((await get(ref))?.data).toEqual({ v: '1' });
    });

    it('keeps snapshots in a 0600 file a post step can read back', async () => {
      await apply(secret('kept', SECRET_VALUE));
      const snapshots = await snapshotObjects(
        kubectl,
        [refOf(secret('kept', ''))],
        Date.now() + 10_000,
      );
      const runnerTemp = await mkdtemp(join(dir, 'runner-temp-'));
      const previous = process.env.RUNNER_TEMP;
      process.env.RUNNER_TEMP = runnerTemp;
      try {
        const file = await saveSnapshots(snapshots);
        expect((await stat(file)).mode & 0o777).toBe(0o600);
        expect(await loadSnapshots(file)).toEqual(snapshots);
        await expect(loadSnapshots(join(dir, 'elsewhere.json'))).rejects.toThrow(/Not reading/);
      } finally {
        if (previous === undefined) delete process.env.RUNNER_TEMP;
        else process.env.RUNNER_TEMP = previous;
      }
    });
  },
);
