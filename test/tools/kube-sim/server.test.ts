import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSim } from '../../../tools/kube-sim/server.js';
import { describeWithTool } from '../../support/tools.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

type Sim = Awaited<ReturnType<typeof startKubeSim>>;
interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

function call(
  sim: Sim,
  method: string,
  path: string,
  options: { body?: unknown; contentType?: string; token?: string | null } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.token !== null) headers.Authorization = `Bearer ${options.token ?? sim.token}`;
    if (body) headers['Content-Type'] = options.contentType ?? 'application/json';
    const req = request(
      new URL(path, sim.url),
      { method, headers, ca: sim.caCertificate },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let json: any;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens a watch and collects events until `until` says enough (or the stream ends). */
function watch(sim: Sim, path: string, until: (events: any[]) => boolean, after?: () => void) {
  return new Promise<{ events: any[]; ended: 'done' | 'closed' | 'error' }>((resolve) => {
    const events: any[] = [];
    const req = request(
      new URL(path, sim.url),
      { headers: { Authorization: `Bearer ${sim.token}` }, ca: sim.caCertificate },
      (res) => {
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          const lines = buffer.split('\n');
          buffer = lines.pop() ?? '';
          for (const line of lines) if (line) events.push(JSON.parse(line));
          if (until(events)) {
            req.destroy();
            resolve({ events, ended: 'done' });
          }
        });
        res.on('end', () => resolve({ events, ended: 'closed' }));
        res.on('error', () => resolve({ events, ended: 'error' }));
        after?.();
      },
    );
    req.on('error', () => resolve({ events, ended: 'error' }));
    req.end();
  });
}

const configMap = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels },
  data: { k: 'v' },
});
const CM = '/api/v1/namespaces/default/configmaps';

describe('kube-sim API over HTTP', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startKubeSim({ bookmarkIntervalMs: 200 });
  });
  afterAll(() => sim.stop());

  it.each([
    ['no token', null],
    ['a wrong token', 'nope'],
  ])('answers 401 with a Status for %s', async (_, token) => {
    const reply = await call(sim, 'GET', '/api/v1/namespaces', { token });
    expect(reply.status).toBe(401);
    expect(reply.json).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });

  it.each([
    ['/version', { gitVersion: 'v1.32.4' }],
    ['/api', { kind: 'APIVersions', versions: ['v1'] }],
    ['/apis', { kind: 'APIGroupList' }],
    ['/apis/apps/v1', { kind: 'APIResourceList', groupVersion: 'apps/v1' }],
    ['/apis/gateway.networking.k8s.io/v1', { groupVersion: 'gateway.networking.k8s.io/v1' }],
  ])('serves discovery at %s', async (path, shape) => {
    const reply = await call(sim, 'GET', path);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.json).toMatchObject(shape);
  });

  it('lists subresources and short names in discovery', async () => {
    const { json } = await call(sim, 'GET', '/apis/apps/v1');
    const names = json.resources.map((r: any) => r.name);
    expect(names).toEqual(
      expect.arrayContaining(['deployments/scale', 'deployments/status', 'replicasets/scale']),
    );
    expect(json.resources.find((r: any) => r.name === 'deployments').shortNames).toEqual([
      'deploy',
    ]);
    expect(json.resources.find((r: any) => r.name === 'deployments/scale')).toMatchObject({
      group: 'autoscaling',
      kind: 'Scale',
    });
  });

  it('serves an OpenAPI v3 index whose URLs resolve to documents with GVK extensions', async () => {
    const index = await call(sim, 'GET', '/openapi/v3');
    const url = index.json.paths['apis/apps/v1'].serverRelativeURL as string;
    expect(url).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]+$/);
    const doc = (await call(sim, 'GET', url)).json;
    const deployment = doc.components.schemas['io.k8s.api.apps.v1.Deployment'];
    expect(deployment['x-kubernetes-group-version-kind']).toEqual([
      { group: 'apps', version: 'v1', kind: 'Deployment' },
    ]);
    const containers =
      deployment.properties.spec.properties.template.properties.spec.properties.containers;
    expect(containers).toMatchObject({
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
    });
  });

  it('creates, rejects duplicates, and detects stale updates', async () => {
    const created = await call(sim, 'POST', CM, { body: configMap('conflict') });
    expect(created.status).toBe(201);
    const duplicate = await call(sim, 'POST', CM, { body: configMap('conflict') });
    expect(duplicate.json).toMatchObject({ reason: 'AlreadyExists', code: 409 });
    const fresh = { ...created.json, data: { k: 'v2' } };
    expect((await call(sim, 'PUT', `${CM}/conflict`, { body: fresh })).status).toBe(200);
    const stale = await call(sim, 'PUT', `${CM}/conflict`, {
      body: { ...created.json, data: { k: 'v3' } },
    });
    expect(stale.json).toMatchObject({ reason: 'Conflict', code: 409 });
    expect(stale.json.message).toBe(
      'Operation cannot be fulfilled on configmaps "conflict": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it.each([
    ['GET missing', 'GET', `${CM}/absent`, undefined, 404, 'NotFound'],
    [
      'unknown field with Strict',
      'POST',
      `${CM}?fieldValidation=Strict`,
      { ...configMap('x'), dta: {} },
      400,
      'BadRequest',
    ],
    ['wrong kind', 'POST', CM, { ...configMap('x'), kind: 'Secret' }, 400, 'BadRequest'],
    [
      'missing name',
      'POST',
      CM,
      { kind: 'ConfigMap', apiVersion: 'v1', metadata: {} },
      422,
      'Invalid',
    ],
    ['POST to an object', 'POST', `${CM}/x`, configMap('x'), 405, 'MethodNotAllowed'],
    [
      'missing namespace',
      'POST',
      '/api/v1/namespaces/nowhere/configmaps',
      configMap('x'),
      404,
      'NotFound',
    ],
  ])('answers %s with a %s Status', async (_, method, path, body, code, reason) => {
    const reply = await call(sim, method, path, { body });
    expect(reply.status).toBe(code);
    expect(reply.json).toMatchObject({ kind: 'Status', status: 'Failure', reason, code });
  });

  it('names every unknown field the way the API server does', async () => {
    const reply = await call(sim, 'POST', `${CM}?fieldValidation=Strict`, {
      body: { ...configMap('strict'), dta: {} },
    });
    expect(reply.json.message).toBe(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "dta"',
    );
  });

  it.each([
    ['app=a', ['sel-a']],
    ['app in (a,b)', ['sel-a', 'sel-b']],
    ['app notin (a)', ['sel-b', 'sel-none']],
    ['!app', ['sel-none']],
    ['app', ['sel-a', 'sel-b']],
    ['app!=a', ['sel-b', 'sel-none']],
  ])('lists with labelSelector %j', async (selector, names) => {
    for (const [name, labels] of [
      ['sel-a', { app: 'a', sel: 'y' }],
      ['sel-b', { app: 'b', sel: 'y' }],
      ['sel-none', { sel: 'y' }],
    ] as const) {
      await call(sim, 'POST', CM, { body: configMap(name, labels) });
    }
    const query = encodeURIComponent(`sel=y,${selector}`);
    const { json } = await call(sim, 'GET', `${CM}?labelSelector=${query}`);
    expect(json.items.map((i: any) => i.metadata.name)).toEqual(names);
  });

  it('pages with limit and continue', async () => {
    for (const name of ['page-1', 'page-2', 'page-3'])
      await call(sim, 'POST', CM, { body: configMap(name, { page: 'y' }) });
    const first = (await call(sim, 'GET', `${CM}?labelSelector=page&limit=2`)).json;
    expect(first.items.map((i: any) => i.metadata.name)).toEqual(['page-1', 'page-2']);
    expect(first.metadata.remainingItemCount).toBe(1);
    const second = (
      await call(sim, 'GET', `${CM}?labelSelector=page&limit=2&continue=${first.metadata.continue}`)
    ).json;
    expect(second.items.map((i: any) => i.metadata.name)).toEqual(['page-3']);
    expect(second.metadata.continue).toBeUndefined();
  });

  it('filters by fieldSelector metadata.name', async () => {
    const { json } = await call(
      sim,
      'GET',
      `${CM}?fieldSelector=${encodeURIComponent('metadata.name=page-2')}`,
    );
    expect(json.items.map((i: any) => i.metadata.name)).toEqual(['page-2']);
  });

  it('watches from a list resourceVersion and delivers only later events', async () => {
    await call(sim, 'POST', CM, { body: configMap('w-before', { w: 'y' }) });
    const list = (await call(sim, 'GET', `${CM}?labelSelector=w`)).json;
    const path = `${CM}?labelSelector=w&resourceVersion=${list.metadata.resourceVersion}&watch=true`;
    const result = await watch(
      sim,
      path,
      (events) => events.length >= 2,
      () => {
        void call(sim, 'POST', CM, { body: configMap('w-after', { w: 'y' }) }).then(() =>
          call(sim, 'DELETE', `${CM}/w-after`),
        );
      },
    );
    expect(result.events.map((e) => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', 'w-after'],
      ['DELETED', 'w-after'],
    ]);
    expect(result.events[0].object).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1' });
  });

  it('replays events after an older resourceVersion', async () => {
    const created = (await call(sim, 'POST', CM, { body: configMap('replay', { r: 'y' }) })).json;
    await call(sim, 'PATCH', `${CM}/replay`, {
      body: { data: { k: 'x' } },
      contentType: 'application/merge-patch+json',
    });
    const rv = Number(created.metadata.resourceVersion) - 1;
    const result = await watch(
      sim,
      `${CM}?labelSelector=r&resourceVersion=${rv}&watch=true`,
      (e) => e.length >= 2,
    );
    expect(result.events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED']);
  });

  it('sends bookmarks when asked', async () => {
    const result = await watch(
      sim,
      `${CM}?allowWatchBookmarks=true&resourceVersion=${Number.MAX_SAFE_INTEGER}&watch=true`,
      (e) => e.some((x) => x.type === 'BOOKMARK'),
    );
    const bookmark = result.events.find((e) => e.type === 'BOOKMARK');
    expect(bookmark.object).toMatchObject({
      kind: 'ConfigMap',
      metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
    });
  });

  it('ends the initial events of a WatchList with the annotated bookmark', async () => {
    const result = await watch(
      sim,
      `${CM}?labelSelector=page&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&watch=true`,
      (e) => e.some((x) => x.type === 'BOOKMARK'),
    );
    expect(result.events.map((e) => e.type)).toEqual(['ADDED', 'ADDED', 'ADDED', 'BOOKMARK']);
    expect(result.events[3].object.metadata.annotations).toEqual({
      'k8s.io/initial-events-end': 'true',
    });
  });

  it('ends a watch after timeoutSeconds', async () => {
    const started = Date.now();
    const result = await watch(
      sim,
      `${CM}?timeoutSeconds=1&resourceVersion=${Number.MAX_SAFE_INTEGER}&watch=true`,
      () => false,
    );
    expect(result.ended).toBe('closed');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('answers a compacted resourceVersion with an ERROR event carrying 410 Expired', async () => {
    const { json } = await call(sim, 'GET', CM);
    sim.compactHistory();
    await call(sim, 'POST', CM, { body: configMap('after-compaction') });
    const result = await watch(
      sim,
      `${CM}?resourceVersion=${Number(json.metadata.resourceVersion) - 1}&watch=true`,
      (e) => e.length > 0,
    );
    expect(result.events[0]).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', code: 410, reason: 'Expired' },
    });
    expect(result.events[0].object.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  it('drops open watches on request', async () => {
    const result = await watch(
      sim,
      `${CM}?resourceVersion=${Number.MAX_SAFE_INTEGER}&watch=true`,
      () => false,
      () => {
        setTimeout(() => sim.faults.dropWatches(), 50);
      },
    );
    expect(result.ended).not.toBe('done');
  });

  it.each([
    [500, 'InternalError', undefined],
    [429, 'TooManyRequests', '1'],
  ] as const)('fails the next requests with %s', async (code, reason, retryAfter) => {
    sim.faults.failNext(2, code);
    const replies = [
      await call(sim, 'GET', CM),
      await call(sim, 'GET', CM),
      await call(sim, 'GET', CM),
    ];
    expect(replies.map((r) => r.status)).toEqual([code, code, 200]);
    expect(replies[0].json).toMatchObject({ kind: 'Status', reason, code });
    expect(replies[0].headers['retry-after']).toBe(retryAfter);
  });

  it('delays responses', async () => {
    sim.faults.delay(300);
    const started = Date.now();
    await call(sim, 'GET', '/version');
    sim.faults.delay(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('serves and writes the scale subresource of a deployment', async () => {
    const body = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'scaled' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'scaled' } },
        template: {
          metadata: { labels: { app: 'scaled' } },
          spec: { containers: [{ name: 'c', image: 'x' }] },
        },
      },
    };
    const path = '/apis/apps/v1/namespaces/default/deployments/scaled';
    await call(sim, 'POST', '/apis/apps/v1/namespaces/default/deployments', { body });
    const scale = (await call(sim, 'GET', `${path}/scale`)).json;
    expect(scale).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      spec: { replicas: 1 },
      status: { selector: 'app=scaled' },
    });
    await call(sim, 'PATCH', `${path}/scale`, {
      body: { spec: { replicas: 4 } },
      contentType: 'application/merge-patch+json',
    });
    const after = (await call(sim, 'GET', path)).json;
    expect(after.spec.replicas).toBe(4);
    expect(after.metadata.generation).toBe(2);
  });

  it('applies server-side with a field manager and creates when missing', async () => {
    const path = `${CM}/ssa?fieldManager=tester&force=false`;
    const created = await call(sim, 'PATCH', path, {
      body: configMap('ssa'),
      contentType: 'application/apply-patch+yaml',
    });
    expect(created.status).toBe(201);
    const updated = await call(sim, 'PATCH', path, {
      body: { ...configMap('ssa'), data: { k: 'v', extra: 'e' } },
      contentType: 'application/apply-patch+yaml',
    });
    expect(updated.json.data).toEqual({ k: 'v', extra: 'e' });
    expect(updated.json.metadata.managedFields).toEqual([
      expect.objectContaining({ manager: 'tester', operation: 'Apply' }),
    ]);
  });

  it('refuses strategic merge patches for custom resources like the real server', async () => {
    const route = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'r' },
      spec: { rules: [] },
    };
    const base = '/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes';
    await call(sim, 'POST', base, { body: route });
    const reply = await call(sim, 'PATCH', `${base}/r`, {
      body: { spec: {} },
      contentType: 'application/strategic-merge-patch+json',
    });
    expect(reply.json).toMatchObject({ reason: 'UnsupportedMediaType', code: 415 });
  });

  it('serves pod logs with tailLines and a container check', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'logger', ownerReferences: [] },
      spec: { containers: [{ name: 'main', image: 'x' }] },
    };
    await call(sim, 'POST', '/api/v1/namespaces/default/pods', { body: pod });
    sim.store.setPodLog('default', 'logger', 'one\ntwo\nthree\n');
    const tail = await call(sim, 'GET', '/api/v1/namespaces/default/pods/logger/log?tailLines=2');
    expect(tail.text).toBe('two\nthree\n');
    const wrong = await call(
      sim,
      'GET',
      '/api/v1/namespaces/default/pods/logger/log?container=other',
    );
    expect(wrong.json).toMatchObject({
      reason: 'BadRequest',
      message: 'container other is not valid for pod logger',
    });
  });
});

const KUBECTL = '/usr/bin/kubectl';

describeWithTool(
  { program: KUBECTL, debianPackage: 'kubectl', versionArgs: ['version', '--client'] },
  'kube-sim driven by the real kubectl',
  () => {
    let sim: Sim;
    let dir: string;
    let kubeconfig: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'kube-sim-test-'));
      kubeconfig = join(dir, 'kubeconfig');
      sim = await startKubeSim({ kubeconfigPath: kubeconfig });
    });
    afterAll(async () => {
      await sim.stop();
      await rm(dir, { recursive: true, force: true });
    });

    let cacheCount = 0;
    function kubectl(...args: string[]) {
      // A fresh discovery cache per command, so every run exercises discovery and OpenAPI.
      const cacheDir = join(dir, `cache-${cacheCount++}`);
      return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          KUBECTL,
          ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args],
          { timeout: 60_000 },
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
    async function manifest(name: string, text: string) {
      const path = join(dir, name);
      await writeFile(path, text);
      return path;
    }
    const deployment = (image: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: ${image}
        ports: [{containerPort: 8080${extra}}]
        env: [{name: MODE, value: demo}]
`;

    it('applies a Deployment, then re-applies a change as a patch', async () => {
      const first = await kubectl('apply', '-f', await manifest('d1.yaml', deployment('web:1')));
      expect(first).toMatchObject({ code: 0, stdout: 'deployment.apps/web created\n' });
      const second = await kubectl('apply', '-f', await manifest('d2.yaml', deployment('web:2')));
      expect(second).toMatchObject({
        code: 0,
        stdout: 'deployment.apps/web configured\n',
        stderr: '',
      });
      const stored = sim.store.get('deployments', 'default', 'web');
      expect(stored.spec.template.spec.containers).toEqual([
        expect.objectContaining({
          name: 'web',
          image: 'web:2',
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
          env: [{ name: 'MODE', value: 'demo' }],
        }),
      ]);
      expect(stored.metadata.generation).toBe(2);
      expect(
        JSON.parse(stored.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'])
          .spec.template.spec.containers[0].image,
      ).toBe('web:2');
    });

    it('rejects an unknown field under strict validation like the real server', async () => {
      const result = await kubectl(
        'apply',
        '-f',
        await manifest('bad.yaml', deployment('web:2', ', colour: red')),
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'strict decoding error: unknown field "spec.template.spec.containers[0].ports[0].colour"',
      );
    });

    it('prints the object with get -o json', async () => {
      const result = await kubectl('get', 'deployment', 'web', '-o', 'json');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({
        kind: 'Deployment',
        apiVersion: 'apps/v1',
        metadata: { name: 'web', namespace: 'default' },
      });
    });

    it.each([
      [
        ['annotate', 'deployment', 'web', 'team=payments'],
        'deployment.apps/web annotated\n',
        (d: any) => d.metadata.annotations.team === 'payments',
      ],
      [
        ['label', 'deployment', 'web', 'tier=front'],
        'deployment.apps/web labeled\n',
        (d: any) => d.metadata.labels.tier === 'front',
      ],
      [
        ['scale', 'deployment', 'web', '--replicas=3'],
        'deployment.apps/web scaled\n',
        (d: any) => d.spec.replicas === 3,
      ],
      [
        ['set', 'image', 'deployment/web', 'web=web:3'],
        'deployment.apps/web image updated\n',
        (d: any) => d.spec.template.spec.containers[0].image === 'web:3',
      ],
    ])('kubectl %j', async (args, stdout, check) => {
      const result = await kubectl(...args);
      expect(result).toMatchObject({ code: 0, stdout });
      expect(check(sim.store.get('deployments', 'default', 'web'))).toBe(true);
    });

    it('describes the deployment with its events', async () => {
      await sim.settle();
      const result = await kubectl('describe', 'deployment', 'web');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Name:\s+web$/m);
      expect(result.stdout).toMatch(/^Selector:\s+app=web$/m);
      expect(result.stdout).toContain('ScalingReplicaSet');
    });

    it('lists events', async () => {
      const result = await kubectl('get', 'events', '-o', 'json');
      expect(result.code).toBe(0);
      const reasons = JSON.parse(result.stdout).items.map((e: any) => e.reason);
      expect(reasons).toContain('ScalingReplicaSet');
    });

    it.each([
      [
        'service',
        `apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080}]\n`,
        'service/web',
      ],
      [
        'configmap',
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata: {a: "1"}\n`,
        'configmap/web',
      ],
      [
        'ingress',
        `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec:\n  rules:\n  - host: web.example\n    http:\n      paths:\n      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}\n`,
        'ingress.networking.k8s.io/web',
      ],
      [
        'httproute',
        `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: web}\nspec:\n  rules:\n  - backendRefs: [{name: web, port: 80, weight: 90}, {name: web-canary, port: 80, weight: 10}]\n`,
        'httproute.gateway.networking.k8s.io/web',
      ],
      [
        'virtualservice',
        `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: web}\nspec:\n  hosts: [web]\n  http:\n  - route: [{destination: {host: web}, weight: 100}]\n`,
        'virtualservice.networking.istio.io/web',
      ],
    ])('applies a %s twice', async (name, text, printed) => {
      const path = await manifest(`${name}.yaml`, text);
      expect(await kubectl('apply', '-f', path)).toMatchObject({
        code: 0,
        stdout: `${printed} created\n`,
      });
      await writeFile(
        path,
        `${text}  # changed\n`.replace('web', 'web').replace(/\n {2}# changed\n$/, '\n'),
      );
      const again = await kubectl('apply', '-f', path);
      expect(again).toMatchObject({ code: 0, stdout: `${printed} unchanged\n` });
    });

    it('patches a custom resource with a JSON merge patch on re-apply', async () => {
      const path = await manifest(
        'route2.yaml',
        `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: web}\nspec:\n  rules:\n  - backendRefs: [{name: web, port: 80, weight: 50}, {name: web-canary, port: 80, weight: 50}]\n`,
      );
      expect(await kubectl('apply', '-f', path)).toMatchObject({
        code: 0,
        stdout: 'httproute.gateway.networking.k8s.io/web configured\n',
      });
      const route = sim.store.get('httproutes', 'default', 'web');
      expect(route.spec.rules[0].backendRefs.map((b: any) => b.weight)).toEqual([50, 50]);
    });

    it('deletes the deployment and garbage-collects its replica sets and pods', async () => {
      await sim.settle();
      expect(sim.store.list('replicasets', 'default').length).toBeGreaterThan(0);
      const result = await kubectl('delete', 'deployment', 'web');
      expect(result).toMatchObject({ code: 0, stdout: 'deployment.apps "web" deleted\n' });
      expect(sim.store.list('replicasets', 'default')).toEqual([]);
      expect(sim.store.list('pods', 'default', { labelSelector: 'app=web' })).toEqual([]);
    });
  },
);
