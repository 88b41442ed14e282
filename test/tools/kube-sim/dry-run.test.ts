import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startKubeSim } from '../../../tools/kube-sim/server.js';
import { describeWithTool } from '../../support/tools.js';

const KUBECTL = '/usr/bin/kubectl';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

let sim: Awaited<ReturnType<typeof startKubeSim>>;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kube-sim-dry-run-'));
  sim = await startKubeSim({
    config: { behaviours: [{ image: 'app:*', 'ready-after': '200ms' }] },
    kubeconfigPath: join(dir, 'kubeconfig'),
  });
});

afterEach(async () => {
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
});

function kubectl(...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      KUBECTL,
      ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache'), ...args],
      { timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function deployment(name: string, image: string, extraContainerField = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 2
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
        - name: ${name}
          image: ${image}${extraContainerField}
`;
}

async function manifest(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

/** Everything a user could notice changing: every stored object, its version, and the events. */
async function clusterState() {
  await sim.settle();
  const resources = ['deployments', 'replicasets', 'pods', 'configmaps', 'events'];
  return {
    resourceVersion: sim.store.resourceVersion,
    objects: resources.flatMap((r) =>
      sim.store.list(r, undefined).map((o: { metadata: { namespace?: string; name: string } }) => {
        return `${r}/${o.metadata.namespace}/${o.metadata.name}`;
      }),
    ),
    web: sim.store.get('deployments', 'default', 'web'),
  };
}

describeWithTool(
  { program: KUBECTL, debianPackage: 'kubectl', versionArgs: ['version', '--client'] },
  'server-side dry run against kube-sim',
  () => {
    beforeEach(async () => {
      const applied = await kubectl(
        'apply',
        '-f',
        await manifest('web.yaml', deployment('web', 'app:1')),
      );
      expect(applied, applied.stderr).toMatchObject({ code: 0 });
      const status = await kubectl('rollout', 'status', 'deployment/web', '--timeout=20s');
      expect(status, status.stderr).toMatchObject({ code: 0 });
    });

    it.each([
      {
        command: 'apply of a changed manifest',
        args: async () => ['apply', '-f', await manifest('web2.yaml', deployment('web', 'app:2'))],
        output: 'deployment.apps/web configured (server dry run)',
      },
      {
        command: 'apply of a new object',
        args: async () => ['apply', '-f', await manifest('api.yaml', deployment('api', 'app:1'))],
        output: 'deployment.apps/api created (server dry run)',
      },
      {
        command: 'server-side apply',
        args: async () => [
          'apply',
          '--server-side',
          '-f',
          await manifest('web3.yaml', deployment('web', 'app:3')),
        ],
        output: 'deployment.apps/web serverside-applied (server dry run)',
      },
      {
        command: 'set image',
        args: async () => ['set', 'image', 'deployment/web', 'web=app:2'],
        output: 'deployment.apps/web image updated (server dry run)',
      },
      {
        command: 'scale',
        args: async () => ['scale', 'deployment/web', '--replicas=5'],
        output: 'deployment.apps/web scaled (server dry run)',
      },
      {
        command: 'label',
        args: async () => ['label', 'deployment/web', 'team=blue'],
        output: 'deployment.apps/web labeled (server dry run)',
      },
      {
        command: 'delete',
        args: async () => ['delete', 'deployment/web'],
        output: 'deployment.apps "web" deleted (server dry run)',
      },
      {
        command: 'delete of a whole collection',
        args: async () => ['delete', 'replicasets', '--all'],
        output: 'deleted (server dry run)',
      },
    ])('$command with --dry-run=server reports success and changes nothing', async (row) => {
      const before = await clusterState();
      const result = await kubectl('-n', 'default', ...(await row.args()), '--dry-run=server');
      expect(result, result.stderr).toMatchObject({ code: 0 });
      expect(result.stdout).toContain(row.output);
      expect(await clusterState()).toEqual(before);
    });

    it.each([
      {
        case: 'a new object gets the defaults, a uid and generation 1, but no resourceVersion',
        args: async () => ['apply', '-f', await manifest('api.yaml', deployment('api', 'app:1'))],
        expected: {
          metadata: { name: 'api', generation: 1, uid: expect.any(String) },
          spec: { progressDeadlineSeconds: 600, revisionHistoryLimit: 10 },
        },
        absent: 'resourceVersion',
      },
      {
        case: 'a changed object keeps the stored resourceVersion and shows the next generation',
        args: async () => ['set', 'image', 'deployment/web', 'web=app:2'],
        expected: {
          metadata: { name: 'web', generation: 2 },
          spec: {
            template: { spec: { containers: [expect.objectContaining({ image: 'app:2' })] } },
          },
        },
        absent: undefined,
      },
    ])('the answer is the object as it would be stored: $case', async (row) => {
      const stored = sim.store.get('deployments', 'default', 'web');
      const result = await kubectl(
        '-n',
        'default',
        ...(await row.args()),
        '--dry-run=server',
        '-o',
        'json',
      );
      expect(result, result.stderr).toMatchObject({ code: 0 });
      const answer = JSON.parse(result.stdout);
      expect(answer).toMatchObject(row.expected);
      if (row.absent) expect(answer.metadata).not.toHaveProperty(row.absent);
      else expect(answer.metadata.resourceVersion).toBe(stored.metadata.resourceVersion);
    });

    it('an invalid manifest is rejected by strict validation and nothing changes', async () => {
      const before = await clusterState();
      const bad = await manifest(
        'bad.yaml',
        deployment('web', 'app:2', '\n          imagePolicy: Always'),
      );
      const result = await kubectl('-n', 'default', 'apply', '-f', bad, '--dry-run=server');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'strict decoding error: unknown field "spec.template.spec.containers[0].imagePolicy"',
      );
      expect(await clusterState()).toEqual(before);
    });

    it('the dry run of a missing object fails as the real one would', async () => {
      const result = await kubectl(
        '-n',
        'default',
        'set',
        'image',
        'deployment/nope',
        'web=app:2',
        '--dry-run=server',
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('deployments.apps "nope" not found');
    });
  },
);
