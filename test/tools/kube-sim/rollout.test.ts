import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startKubeSim } from '../../../tools/kube-sim/server.js';
import { describeWithTool } from '../../support/tools.js';
import { KUBECTL, runKubectl, type KubectlResult } from '../../support/kube-sim.js';

const behaviours = [
  { image: 'app:*', 'ready-after': '300ms' },
  { image: 'slow:*', 'ready-after': '2500ms' },
  { image: 'very-slow:*', 'ready-after': '60s' },
  { image: 'stuck:*', 'never-ready': true },
];

let sim: Awaited<ReturnType<typeof startKubeSim>>;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kube-sim-rollout-'));
  sim = await startKubeSim({ config: { behaviours }, kubeconfigPath: join(dir, 'kubeconfig') });
});

afterEach(async () => {
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
});

function kubectl(...args: string[]): Promise<KubectlResult> {
  return runKubectl(dir, args);
}

async function apply(image: string, extraSpec = '') {
  const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2${extraSpec}
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ${image}
`;
  const file = join(dir, 'web.yaml');
  await writeFile(file, manifest);
  const result = await kubectl('apply', '-f', file);
  expect(result, result.stderr).toMatchObject({ code: 0 });
}

async function rolloutStatus(...extra: string[]) {
  return kubectl('rollout', 'status', 'deployment/web', ...extra);
}

const currentImage = async () =>
  (
    await kubectl(
      'get',
      'deployment',
      'web',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    )
  ).stdout;

describeWithTool(
  { program: KUBECTL, debianPackage: 'kubectl', versionArgs: ['version', '--client'] },
  'kubectl rollout against kube-sim',
  () => {
    it('rollout status waits for the rollout and reports success', async () => {
      // 2.5 s to ready: still rolling when kubectl starts, however busy the machine (300 ms was not).
      await apply('slow:1');
      const result = await rolloutStatus('--timeout=20s');
      expect(result).toMatchObject({ code: 0 });
      expect(result.stdout).toContain('deployment "web" successfully rolled out');
      expect(result.stdout).toMatch(/Waiting for deployment "web" rollout to finish/);
    });

    it("rollout status --timeout gives up on a slow image with kubectl's message", async () => {
      await apply('very-slow:1');
      const result = await rolloutStatus('--timeout=2s');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('error: timed out waiting for the condition');
    });

    it('a never-ready image exceeds progressDeadlineSeconds', async () => {
      await apply('stuck:1', '\n  progressDeadlineSeconds: 3');
      const result = await rolloutStatus('--timeout=20s');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('error: deployment "web" exceeded its progress deadline');
    });

    it('set image creates a revision that rollout history lists', async () => {
      await apply('app:1');
      expect((await rolloutStatus('--timeout=20s')).code).toBe(0);
      expect((await kubectl('set', 'image', 'deployment/web', 'web=app:2')).code).toBe(0);
      expect((await rolloutStatus('--timeout=20s')).stdout).toContain('successfully rolled out');
      const history = await kubectl('rollout', 'history', 'deployment/web');
      expect(history.code).toBe(0);
      expect(history.stdout).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
      const revision2 = await kubectl('rollout', 'history', 'deployment/web', '--revision=2');
      expect(revision2.stdout).toMatch(/Image:\s+app:2/);
    });

    it('rollout undo returns to the previous image and completes', async () => {
      await apply('app:1');
      await rolloutStatus('--timeout=20s');
      await kubectl('set', 'image', 'deployment/web', 'web=app:2');
      await rolloutStatus('--timeout=20s');
      const undo = await kubectl('rollout', 'undo', 'deployment/web');
      expect(undo).toMatchObject({ code: 0, stdout: 'deployment.apps/web rolled back\n' });
      expect((await rolloutStatus('--timeout=20s')).stdout).toContain('successfully rolled out');
      expect(await currentImage()).toBe('app:1');
      const history = await kubectl('rollout', 'history', 'deployment/web');
      expect(history.stdout).toMatch(/\n2\s+<none>\n3\s+<none>\n*$/);
      const replicaSets = await kubectl('get', 'replicasets', '-o', 'name');
      expect(replicaSets.stdout.trim().split('\n')).toHaveLength(2);
    });

    it('rollout undo --to-revision=1 skips back over two revisions', async () => {
      await apply('app:1');
      await rolloutStatus('--timeout=20s');
      for (const image of ['app:2', 'app:3']) {
        await kubectl('set', 'image', 'deployment/web', `web=${image}`);
        await rolloutStatus('--timeout=20s');
      }
      expect((await kubectl('rollout', 'undo', 'deployment/web', '--to-revision=1')).code).toBe(0);
      expect((await rolloutStatus('--timeout=20s')).code).toBe(0);
      expect(await currentImage()).toBe('app:1');
      const missing = await kubectl('rollout', 'undo', 'deployment/web', '--to-revision=1');
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('unable to find specified revision 1 in history');
    });

    it('rollout status survives a dropped watch and still reports success', async () => {
      await apply('slow:1');
      const status = rolloutStatus('--timeout=20s');
      await new Promise((resolve) => setTimeout(resolve, 1200));
      sim.faults.dropWatches();
      const result = await status;
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('deployment "web" successfully rolled out');
      expect(result.stdout).toContain('of 2 updated replicas are available');
    });
  },
);
