import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { startKubeSim } from '../../../tools/kube-sim/server.js';
import { describeWithTool } from '../../support/tools.js';
import { KUBECTL, runKubectl, type KubectlResult } from '../../support/kube-sim.js';

const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';
const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';
/** What kubectl prints when the connection is cut without an answer. */
const CONNECTION_ERROR = /: EOF\b|connection reset by peer/;

let sim: Awaited<ReturnType<typeof startKubeSim>>;
let dir: string;

function kubectl(...args: string[]): Promise<KubectlResult> {
  return runKubectl(dir, args);
}

/** Resolves with 'fired' if the promise settles within `ms`, else with 'pending'. */
function settledWithin(promise: Promise<void>, ms = 100) {
  return Promise.race([promise.then(() => 'fired'), sleep(ms).then(() => 'pending')]);
}

describeWithTool(
  { program: KUBECTL, debianPackage: 'kubectl', versionArgs: ['version', '--client'] },
  'kube-sim faults against kubectl',
  () => {
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'kube-sim-faults-'));
      sim = await startKubeSim({ kubeconfigPath: join(dir, 'kubeconfig') });
      const manifest = join(dir, 'web.yaml');
      await writeFile(
        manifest,
        `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: 'app:1' }] }
`,
      );
      // Also fills kubectl's discovery cache, so the tests below see only the requests they make.
      const applied = await kubectl('apply', '-f', manifest);
      expect(applied, applied.stderr).toMatchObject({ code: 0 });
    });

    afterAll(async () => {
      await sim?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    beforeEach(() => sim.faults.reset());

    it('an outage cuts every connection, health paths too, and ends after its window', async () => {
      const started = Date.now();
      sim.faults.outage(2000);
      const during = await kubectl('get', 'deployments', '--request-timeout=1s');
      expect(during.code).toBe(1);
      expect(during.stderr).toMatch(CONNECTION_ERROR);
      expect(during.stderr).not.toContain('Error from server');
      const health = await kubectl('get', '--raw', '/readyz', '--request-timeout=1s');
      expect(health.code).toBe(1);
      expect(health.stderr).toMatch(CONNECTION_ERROR);

      await sleep(started + 2050 - Date.now());
      const after = await kubectl('get', 'deployments', '-o', 'name');
      expect(after, after.stderr).toMatchObject({ code: 0, stdout: 'deployment.apps/web\n' });
      expect((await kubectl('get', '--raw', '/readyz')).stdout).toBe('ok');
    });

    it('records the attempts of a client that retries through an outage', async () => {
      sim.faults.outage(2000);
      const result = await kubectl('get', 'deployments', '-o', 'name');
      expect(result, result.stderr).toMatchObject({ code: 0, stdout: 'deployment.apps/web\n' });
      const attempts = sim.faults.requests.filter((r) => r.path === DEPLOYMENTS);
      expect(attempts.length).toBeGreaterThanOrEqual(2);
      expect(attempts.slice(0, -1).every((r) => r.status === 'dropped' && r.method === 'GET')).toBe(
        true,
      );
      expect(attempts.at(-1)).toMatchObject({ method: 'GET', status: 200 });
      expect(sim.faults.requests.some((r) => r.path === '/readyz')).toBe(false);
    });

    it('cuts open watches when an outage starts', async () => {
      const watchArrived = sim.faults.when({ method: 'GET', path: CONFIGMAPS, skip: 1 }, () => {});
      const watching = kubectl('get', 'configmaps', '--watch');
      await watchArrived.fired;
      await sleep(100);
      const cutAt = Date.now();
      sim.faults.outage(300);
      const result = await watching;
      expect(Date.now() - cutAt).toBeLessThan(2000);
      expect(result.stderr).not.toContain('Error from server');
    });

    it('a trigger fails the PATCH of `kubectl set image` after its GET was served', async () => {
      const trigger = sim.faults.when({ method: 'PATCH', path: `${DEPLOYMENTS}/web` }, (faults) =>
        faults.failNext(1, 500),
      );
      const result = await kubectl('set', 'image', 'deployment/web', 'web=app:2');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'error: failed to patch image update to pod template: Internal error occurred: injected fault',
      );
      await expect(settledWithin(trigger.fired)).resolves.toBe('fired');

      const onWeb = sim.faults.requests.filter((r) => r.path === `${DEPLOYMENTS}/web`);
      expect(onWeb.map((r) => [r.method, r.status])).toEqual([
        ['GET', 200],
        ['PATCH', 500],
      ]);
      expect(onWeb[0].at).toBeLessThanOrEqual(onWeb[1].at);
      const image = await kubectl(
        'get',
        'deployment',
        'web',
        '-o',
        'jsonpath={.spec.template.spec.containers[0].image}',
      );
      expect(image.stdout).toBe('app:1');
    });

    it('a trigger that starts an outage drops the very request that fired it', async () => {
      sim.faults.when({ method: 'post', path: CONFIGMAPS }, (faults) => faults.outage(300));
      const manifest = join(dir, 'settings.yaml');
      await writeFile(
        manifest,
        'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { a: b }\n',
      );
      const cut = await kubectl('create', '-f', manifest);
      expect(cut.code).toBe(1);
      expect(cut.stderr).toMatch(CONNECTION_ERROR);
      await sleep(350);
      const created = await kubectl('create', '-f', manifest);
      expect(created, created.stderr).toMatchObject({ code: 0 });
      expect(sim.faults.requests.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([
        'dropped',
        201,
      ]);
    });

    it("503 gives kubectl's ServiceUnavailable message, once, after `skip` requests", async () => {
      const trigger = sim.faults.when({ method: 'get', path: /\/deployments$/, skip: 1 }, (f) =>
        f.failNext(1, 503),
      );
      expect((await kubectl('get', 'deployments')).code).toBe(0);
      await expect(settledWithin(trigger.fired, 0)).resolves.toBe('pending');
      const failed = await kubectl('get', 'deployments');
      expect(failed.code).toBe(1);
      expect(failed.stderr).toBe(
        'Error from server (ServiceUnavailable): the server is currently unable to handle the request\n',
      );
      expect((await kubectl('get', 'deployments')).code).toBe(0);
      expect(
        sim.faults.requests.filter((r) => r.path === DEPLOYMENTS).map((r) => r.status),
      ).toEqual([200, 503, 200]);
    });

    it('reset and cancel() disarm triggers, and health paths never fire them', async () => {
      const reset = sim.faults.when({ path: /deployments/ }, (f) => f.outage(5000));
      sim.faults.reset();
      const cancelled = sim.faults.when({ path: /deployments/ }, (f) => f.failNext(1, 500));
      cancelled.cancel();
      const health = sim.faults.when({ path: '/readyz' }, (f) => f.outage(5000));
      expect((await kubectl('get', '--raw', '/readyz')).stdout).toBe('ok');
      const result = await kubectl('get', 'deployments', '-o', 'name');
      expect(result, result.stderr).toMatchObject({ code: 0, stdout: 'deployment.apps/web\n' });
      for (const trigger of [reset, cancelled, health]) {
        await expect(settledWithin(trigger.fired)).resolves.toBe('pending');
      }
      expect(sim.faults.requests.map((r) => r.path)).toEqual([DEPLOYMENTS]);
    });

    it('refuses statuses it cannot inject', () => {
      // @ts-expect-error 502 is not one of the injectable statuses
      expect(() => sim.faults.failNext(1, 502)).toThrow(/500, 429, 503/);
    });
  },
);
