import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import YAML from 'yaml';
import { startKubeSim } from '../../tools/kube-sim/server.js';
import { nonLoopbackAddress, startTinyproxy } from '../support/proxy.js';
import { runAction, type ActionRun, type StepResult } from '../support/runner.js';
import { describeWithTool } from '../support/tools.js';

const ROLLOUT = fileURLToPath(new URL('../../actions/rollout', import.meta.url));
const KUBECTL = '/usr/bin/kubectl';

const GOOD = 'good/app';
const behaviours = [
  { image: `${GOOD}:*`, 'ready-after': '200ms' },
  { image: 'stuck/app:*', 'never-ready': true },
  { image: 'crash/app:*', 'crash-loop': true },
  { image: 'missing/app:*', 'pull-error': true },
  { image: 'slow/app:*', 'ready-after': '60s' },
];

interface Probe {
  path: string;
  headers: IncomingHttpHeaders;
}

let sim: Awaited<ReturnType<typeof startKubeSim>>;
let backend: Server;
let backendUrl: string;
let dir: string;
const probes: Probe[] = [];
let namespaceCount = 0;

/** A health endpoint: /healthz answers 200, /broken answers 500; every request is recorded. */
async function startBackend(): Promise<void> {
  backend = createServer((request, response) => {
    probes.push({ path: request.url ?? '', headers: request.headers });
    const healthy = !(request.url ?? '').startsWith('/broken');
    response.writeHead(healthy ? 200 : 500, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: healthy ? 'ok' : 'down' }));
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
}

function kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      KUBECTL,
      ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache'), ...args],
      { timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          stdout,
          stderr,
        });
      },
    );
  });
}

function deployment(name: string, image: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 2,
      progressDeadlineSeconds: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image }] },
      },
      ...extra,
    },
  };
}

function service(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 80 }] },
  };
}

async function writeManifests(documents: object[]): Promise<string> {
  const file = join(dir, `manifests-${++namespaceCount}.yaml`);
  await writeFile(file, documents.map((document) => YAML.stringify(document)).join('---\n'));
  return file;
}

/** A fresh namespace with the given objects applied and every Deployment rolled out. */
async function cluster(namespace: string, documents: object[]): Promise<void> {
  // `kubectl create namespace` sends protobuf, which kube-sim does not read; apply sends JSON.
  const namespaceObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } };
  const withNamespace = documents.map((document) => ({
    ...document,
    metadata: { ...(document as { metadata: object }).metadata, namespace },
  }));
  const applied = await kubectl(
    'apply',
    '-f',
    await writeManifests([namespaceObject, ...withNamespace]),
  );
  expect(applied.code, applied.stderr).toBe(0);
  for (const document of documents as Array<{ kind: string; metadata: { name: string } }>) {
    if (document.kind !== 'Deployment') continue;
    const status = await kubectl(
      'rollout',
      'status',
      '-n',
      namespace,
      `deployment/${document.metadata.name}`,
      '--timeout=20s',
    );
    expect(status.code, status.stderr).toBe(0);
  }
}

async function imageOf(namespace: string, name: string): Promise<string> {
  const result = await kubectl(
    'get',
    '-n',
    namespace,
    'deployment',
    name,
    '-o',
    'jsonpath={.spec.template.spec.containers[0].image}',
  );
  return result.code === 0 ? result.stdout : `<missing: ${result.stderr.trim()}>`;
}

async function rolledOut(namespace: string, name: string): Promise<boolean> {
  const status = await kubectl(
    'rollout',
    'status',
    '-n',
    namespace,
    `deployment/${name}`,
    '--timeout=10s',
  );
  return status.code === 0;
}

function deploy(inputs: Record<string, string>, extra: Parameters<typeof runAction>[1] = {}) {
  return runAction(ROLLOUT, {
    timeoutMs: 90_000,
    ...extra,
    inputs: { kubeconfig: sim.kubeconfig, timeout: '60s', ...inputs },
  });
}

const smokeTests = (tests: object[]) => YAML.stringify(tests);

function verdict(step: StepResult): string {
  return (
    step.summary
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line.length > 0) ?? ''
  );
}

function expectOutputsSet(step: StepResult, status: string, rolledBack: boolean): void {
  expect(step.outputs.status).toBe(status);
  expect(step.outputs['rolled-back']).toBe(String(rolledBack));
  expect(() => JSON.parse(step.outputs.result) as unknown).not.toThrow();
  expect(() => JSON.parse(step.outputs.images) as unknown).not.toThrow();
}

const filesIn = (folder: string) =>
  readdirSync(folder, { recursive: true, encoding: 'utf8' }).map(String);

/** What this suite left under RUNNER_TEMP after the post step: rendered manifests, caches, credentials. */
const leftovers = (run: ActionRun) =>
  readdirSync(run.runnerTemp).filter((entry) => entry.startsWith('slipway-'));

/** Everything a person or a later step can see, less the add-mask commands that hide secrets. */
function visibleText(run: ActionRun): string[] {
  return [run.main, ...(run.post ? [run.post] : [])].flatMap((step) => [
    ...step.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::')),
    step.stderr,
    step.summary,
    ...Object.values(step.outputs),
    ...step.annotations.map((annotation) => annotation.message),
  ]);
}

describeWithTool(
  { program: KUBECTL, debianPackage: 'kubectl', versionArgs: ['version', '--client'] },
  'rollout bundle against kube-sim with the real kubectl',
  () => {
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'slipway-rollout-e2e-'));
      await startBackend();
      sim = await startKubeSim({
        config: {
          behaviours,
          services: [{ namespace: 'good', name: 'web', port: 80, url: backendUrl }],
        },
        kubeconfigPath: join(dir, 'kubeconfig'),
      });
    });

    afterAll(async () => {
      await sim?.stop();
      await new Promise((resolve) => backend?.close(resolve));
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('deploys a good image from manifests, passes smoke tests by URL and by service, verdict first', async () => {
      await cluster('good', [deployment('web', `${GOOD}:v1`), service('web')]);
      const run = await deploy({
        namespace: 'good',
        manifests: await writeManifests([
          deployment('web', 'ghcr.io/acme/web:latest'),
          service('web'),
        ]),
        images: `ghcr.io/acme/web=${GOOD}:v2`,
        'smoke-tests': smokeTests([
          { name: 'health', url: `${backendUrl}/healthz`, 'expect-json': 'status=ok' },
          { name: 'through the service', service: 'web:80', path: '/healthz/service' },
        ]),
      });

      expect(run.main.exitCode, run.main.stdout).toBe(0);
      expectOutputsSet(run.main, 'succeeded', false);
      expect(await imageOf('good', 'web')).toBe(`${GOOD}:v2`);
      expect(Object.values(JSON.parse(run.main.outputs.images) as object)).toEqual([`${GOOD}:v2`]);
      expect(run.main.outputs.revision).toBe('2');
      expect(verdict(run.main)).toMatch(/deployed/i);
      expect(verdict(run.main)).toContain(`${GOOD}:v2`);
      expect(probes.map((probe) => probe.path)).toEqual(
        expect.arrayContaining(['/healthz', '/healthz/service']),
      );
      expect(run.post?.exitCode).toBe(0);
      expect(leftovers(run)).toEqual([]);
    });

    it("smoke-tests a URL through the runner's proxy while kubectl reaches the loopback cluster directly", async () => {
      // A health endpoint on this machine's own address: loopback would never take the proxy.
      const health = createServer((request, response) => {
        probes.push({ path: request.url ?? '', headers: request.headers });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      });
      const address = nonLoopbackAddress();
      await new Promise<void>((resolve) => health.listen(0, address, resolve));
      const healthUrl = `http://${address}:${(health.address() as AddressInfo).port}/healthz/proxied`;
      const proxy = await startTinyproxy({
        credentials: { username: 'ci', password: 'pr0xy-rollout' },
      });
      try {
        await cluster('proxied', [deployment('web', `${GOOD}:v1`)]);
        const run = await deploy(
          {
            namespace: 'proxied',
            deployment: 'web',
            container: 'web',
            image: `${GOOD}:v2`,
            'smoke-tests': smokeTests([{ name: 'health', url: healthUrl }]),
          },
          { env: { http_proxy: proxy.url, https_proxy: proxy.url } },
        );
        expect(run.main.exitCode, run.main.stdout).toBe(0);
        expect(await imageOf('proxied', 'web')).toBe(`${GOOD}:v2`);
        expect(await proxy.requests()).toEqual([`GET ${healthUrl}`]);
        expect(visibleText(run).join('\n')).not.toContain('pr0xy-rollout');
      } finally {
        await proxy.stop();
        await new Promise((resolve) => health.close(resolve));
      }
    });

    it.each([
      { name: 'a never-ready image', image: 'stuck/app:v2' },
      { name: 'a crash-looping image', image: 'crash/app:v2' },
      { name: 'an image that cannot be pulled', image: 'missing/app:v2' },
    ])(
      '$name is rolled back to the previous image, verified, and fails the step',
      async ({ image }) => {
        const namespace = `bad-${++namespaceCount}`;
        await cluster(namespace, [deployment('web', `${GOOD}:v1`)]);
        const run = await deploy({
          namespace,
          deployment: 'web',
          container: 'web',
          image,
        });

        expect(run.main.exitCode).toBe(1);
        expectOutputsSet(run.main, 'rolled-back', true);
        expect(await imageOf(namespace, 'web')).toBe(`${GOOD}:v1`);
        expect(await rolledOut(namespace, 'web')).toBe(true);
        expect(run.main.outputs.revision).toMatch(/^\d+$/);
        expect(verdict(run.main)).toMatch(/rolled back/i);
        expect(verdict(run.main)).toContain(`${GOOD}:v1`);
        expect(run.main.annotations.some((annotation) => annotation.level === 'error')).toBe(true);
        expect(leftovers(run)).toEqual([]);
      },
    );

    it('a smoke test answering 500 rolls back a rollout that itself succeeded', async () => {
      await cluster('smoke', [deployment('web', `${GOOD}:v1`)]);
      const run = await deploy({
        namespace: 'smoke',
        deployment: 'deployment/web',
        container: 'web',
        image: `${GOOD}:v2`,
        'smoke-tests': smokeTests([
          { name: 'health', url: `${backendUrl}/broken`, retries: 1, interval: '100ms' },
        ]),
      });

      expect(run.main.exitCode).toBe(1);
      expectOutputsSet(run.main, 'rolled-back', true);
      expect(await imageOf('smoke', 'web')).toBe(`${GOOD}:v1`);
      expect(run.main.summary).toContain('health');
      expect(run.main.summary).toContain('500');
    });

    it('a manifest the API server rejects in the dry run changes nothing', async () => {
      await cluster('dry-run', [deployment('web', `${GOOD}:v1`)]);
      const rejected = deployment('api', `${GOOD}:v2`, { unknownField: true });
      const run = await deploy({
        namespace: 'dry-run',
        manifests: await writeManifests([deployment('web', `${GOOD}:v2`), rejected]),
      });

      expect(run.main.exitCode).toBe(1);
      expect(run.main.outputs.status).toBe('failed');
      expect(run.main.outputs['rolled-back']).toBe('false');
      expect(run.main.annotations.map((annotation) => annotation.message).join('\n')).toContain(
        'unknownField',
      );
      expect(await imageOf('dry-run', 'web')).toBe(`${GOOD}:v1`);
      expect(await imageOf('dry-run', 'api')).toMatch(/^<missing: .*(NotFound|not found)/);
    });

    it('deploys two workloads in one run, with a base64 kubeconfig', async () => {
      await cluster('pair', [deployment('web', `${GOOD}:v1`), deployment('api', `${GOOD}:v1`)]);
      const run = await deploy({
        kubeconfig: Buffer.from(sim.kubeconfig).toString('base64'),
        namespace: 'pair',
        manifests: await writeManifests([
          deployment('web', `${GOOD}:v1`),
          deployment('api', `${GOOD}:v1`),
        ]),
        images: `${GOOD}=${GOOD}:v2`,
      });

      expect(run.main.exitCode, run.main.stdout).toBe(0);
      expectOutputsSet(run.main, 'succeeded', false);
      expect(await imageOf('pair', 'web')).toBe(`${GOOD}:v2`);
      expect(await imageOf('pair', 'api')).toBe(`${GOOD}:v2`);
      expect(Object.values(JSON.parse(run.main.outputs.images) as object)).toEqual([
        `${GOOD}:v2`,
        `${GOOD}:v2`,
      ]);
    });

    it('a first deploy that fails removes the workload it created and counts as rolled back', async () => {
      await cluster('first', []);
      const run = await deploy({
        namespace: 'first',
        manifests: await writeManifests([deployment('web', 'stuck/app:v1')]),
      });

      expect(run.main.exitCode).toBe(1);
      expectOutputsSet(run.main, 'rolled-back', true);
      expect(await imageOf('first', 'web')).toMatch(/^<missing: .*(NotFound|not found)/);
      expect(run.main.summary).toMatch(/first\/Deployment\/web<\/code><\/td><td>removed/);
    });

    it('a cancelled run (SIGINT, then SIGTERM) restores the previous image by the end of post', async () => {
      await cluster('cancel', [deployment('web', `${GOOD}:v1`, { progressDeadlineSeconds: 600 })]);
      const runnerTemp = await mkdtemp(join(dir, 'runner-temp-'));
      const kubeconfigFiles = () => filesIn(runnerTemp).filter((f) => f.endsWith('kubeconfig'));
      let kubeconfigsAfterMain: string[] = [];
      const run = await deploy(
        { namespace: 'cancel', deployment: 'web', container: 'web', image: 'slow/app:v2' },
        {
          runnerTemp,
          cancelMainAfterMs: 2_000,
          beforePost: () => {
            kubeconfigsAfterMain = kubeconfigFiles();
          },
        },
      );

      expect(run.main.exitCode).not.toBe(0);
      expect(run.post).toBeDefined();
      expect(await imageOf('cancel', 'web')).toBe(`${GOOD}:v1`);
      expect(await rolledOut('cancel', 'web')).toBe(true);
      // Main leaves the kubeconfig for post, which needs it to finish a rollback, then removes it.
      expect(kubeconfigsAfterMain).toHaveLength(1);
      expect(kubeconfigFiles()).toEqual([]);
    });

    it("never shows the kubeconfig's token in logs, outputs, summaries or annotations", async () => {
      await cluster('secret', [deployment('web', `${GOOD}:v1`)]);
      const runs = [
        await deploy({
          namespace: 'secret',
          deployment: 'web',
          container: 'web',
          image: `${GOOD}:v2`,
        }),
        await deploy({
          namespace: 'secret',
          deployment: 'web',
          container: 'web',
          image: 'crash/app:v3',
        }),
      ];

      expect(runs.map((run) => run.main.outputs.status)).toEqual(['succeeded', 'rolled-back']);
      for (const run of runs) {
        expect(run.main.masks).toContain(sim.token);
        for (const text of visibleText(run)) expect(text).not.toContain(sim.token);
      }
    });

    it('refuses shell metacharacters in an image and passes a smoke-test header as data', async () => {
      await cluster('shell', [deployment('web', `${GOOD}:v1`)]);
      const marker = join(dir, 'injected');
      const refused = await deploy({
        namespace: 'shell',
        deployment: 'web',
        container: 'web',
        image: `${GOOD}:v2;touch${'${IFS}'}${marker}`,
      });
      expect(refused.main.exitCode).toBe(1);
      expect(refused.main.annotations[0]?.message).toMatch(
        /Input 'image' has an invalid image reference/,
      );
      expect(await imageOf('shell', 'web')).toBe(`${GOOD}:v1`);

      const header = `$(touch ${marker}); \`touch ${marker}\` && touch ${marker}`;
      probes.length = 0;
      const run = await deploy({
        namespace: 'shell',
        deployment: 'web',
        container: 'web',
        image: `${GOOD}:v2`,
        'smoke-tests': smokeTests([
          { name: 'header', url: `${backendUrl}/healthz/shell`, headers: { 'X-Probe': header } },
        ]),
      });

      expect(existsSync(marker)).toBe(false);
      expect(run.main.exitCode, run.main.stdout).toBe(0);
      expect(probes.find((probe) => probe.path === '/healthz/shell')?.headers['x-probe']).toBe(
        header,
      );
    });
  },
);
