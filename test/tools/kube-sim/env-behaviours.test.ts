import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { behaviourFor, parseBehaviours } from '../../../tools/kube-sim/behaviours.js';
import { startKubeSim } from '../../../tools/kube-sim/server.js';
import { describeWithTool } from '../../support/tools.js';
import { KUBECTL, runKubectl, type KubectlResult } from '../../support/kube-sim.js';

const BEHAVIOURS = [
  { env: 'DATABASE_URL=broken*', 'never-ready': true },
  { image: 'app:*', env: ['MODE=crash', 'LEVEL=?'], 'crash-loop': true },
  { image: 'app:*', 'ready-after': '100ms' },
];

describe('behaviours matched by environment', () => {
  const parsed = parseBehaviours(BEHAVIOURS);

  it.each<{ env: Record<string, string>; image: string; kind: string }>([
    { env: { DATABASE_URL: 'broken://db' }, image: 'other:1', kind: 'never-ready' },
    { env: { DATABASE_URL: 'postgres://db' }, image: 'app:1', kind: 'ready' },
    { env: { MODE: 'crash', LEVEL: '3' }, image: 'app:1', kind: 'crash-loop' },
    // An entry with image and env needs both.
    { env: { MODE: 'crash', LEVEL: '3' }, image: 'other:1', kind: 'ready' },
    { env: { MODE: 'crash', LEVEL: '30' }, image: 'app:1', kind: 'ready' },
  ])('$image with $env → $kind', ({ env, image, kind }) => {
    expect(behaviourFor(parsed, [{ image, env }])).toMatchObject({ kind });
  });

  it.each([
    { entry: { env: 'DATABASE_URL' }, error: /behaviours\[0\]\.env: must be "NAME=glob"/ },
    { entry: { env: '=x' }, error: /must be "NAME=glob"/ },
    { entry: { env: [] }, error: /must be "NAME=glob"/ },
    { entry: { env: ['A=1', 2] }, error: /must be "NAME=glob"/ },
    { entry: { 'never-ready': true }, error: /"image" must be a glob .*or give "env"/ },
  ])('rejects $entry', ({ entry, error }) => {
    expect(() => parseBehaviours([entry])).toThrow(error);
  });
});

let dir: string;

function kubectl(...args: string[]): Promise<KubectlResult> {
  return runKubectl(dir, args);
}

async function apply(text: string) {
  const file = join(dir, `manifest-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, text);
  const result = await kubectl('apply', '-f', file);
  expect(result, result.stderr).toMatchObject({ code: 0 });
}

function deployment(env: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
      - name: web
        image: app:1
${env}
`;
}

const configMap = (url: string) => `apiVersion: v1
kind: ConfigMap
metadata: { name: web-config }
data: { DATABASE_URL: "${url}" }
`;

const rollout = (timeout = '10s') =>
  kubectl('rollout', 'status', 'deployment/web', `--timeout=${timeout}`);

const container = async () => {
  const result = await kubectl(
    'get',
    'pods',
    '-l',
    'app=web',
    '-o',
    'jsonpath={.items[0].status.phase} {.items[0].status.containerStatuses[0].state.waiting}',
  );
  return result.stdout;
};

describeWithTool(
  { program: KUBECTL, debianPackage: 'kubectl', versionArgs: ['version', '--client'] },
  'pods whose environment picks their behaviour, against kube-sim',
  () => {
    let sim: Awaited<ReturnType<typeof startKubeSim>>;

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'kube-sim-env-'));
      sim = await startKubeSim({
        config: { behaviours: BEHAVIOURS },
        kubeconfigPath: join(dir, 'kubeconfig'),
      });
    });

    afterEach(async () => {
      await sim.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('a ConfigMap value read through envFrom makes pods not ready until it is fixed', async () => {
      await apply(configMap('broken://db'));
      await apply(deployment('        envFrom: [{ configMapRef: { name: web-config } }]'));
      const stuck = await rollout('2s');
      expect(stuck.code).not.toBe(0);
      expect(stuck.stderr).toContain('timed out waiting for the condition');

      // The value is read when the pod starts: fixing the ConfigMap needs new pods.
      await apply(configMap('postgres://db'));
      expect((await kubectl('rollout', 'restart', 'deployment/web')).code).toBe(0);
      const done = await rollout();
      expect(done, done.stderr).toMatchObject({ code: 0 });
    });

    it('reads configMapKeyRef and base64-decoded secretKeyRef values', async () => {
      await apply(`apiVersion: v1
kind: Secret
metadata: { name: web-secret }
data: { mode: ${Buffer.from('crash').toString('base64')} }
`);
      await apply(configMap('postgres://db'));
      await apply(
        deployment(`        env:
        - { name: MODE, valueFrom: { secretKeyRef: { name: web-secret, key: mode } } }
        - { name: LEVEL, value: "1" }
        - { name: DATABASE_URL, valueFrom: { configMapKeyRef: { name: web-config, key: DATABASE_URL } } }`),
      );
      expect((await rollout('2s')).code).not.toBe(0);
      // The secret's decoded value matched the crash-loop entry: the container keeps exiting 1.
      const crashed = await kubectl(
        'get',
        'pods',
        '-l',
        'app=web',
        '-o',
        'jsonpath={.items[0].status.containerStatuses[0].lastState.terminated.exitCode}',
      );
      expect(crashed.stdout).toBe('1');
    });

    it('leaves a container that references a missing ConfigMap in CreateContainerConfigError', async () => {
      await apply(
        deployment(`        env:
        - { name: DATABASE_URL, valueFrom: { configMapKeyRef: { name: web-config, key: DATABASE_URL } } }`),
      );
      expect((await rollout('2s')).code).not.toBe(0);
      expect(await container()).toBe(
        'Pending {"message":"configmap \\"web-config\\" not found","reason":"CreateContainerConfigError"}',
      );
      const events = await kubectl(
        'get',
        'events',
        '--field-selector',
        'reason=Failed',
        '-o',
        'jsonpath={.items[*].message}',
      );
      expect(events.stdout).toContain('Error: configmap "web-config" not found');

      // As the kubelet retries, the container starts once the ConfigMap exists.
      await apply(configMap('postgres://db'));
      const done = await rollout();
      expect(done, done.stderr).toMatchObject({ code: 0 });
    });
  },
);
