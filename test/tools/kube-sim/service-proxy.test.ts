import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startKubeSim } from '../../../tools/kube-sim/server.js';
import {
  parseServiceBackends,
  parseServiceProxyPath,
  splitServiceId,
} from '../../../tools/kube-sim/service-proxy.js';
import { describeWithTool } from '../../support/tools.js';

const KUBECTL = '/usr/bin/kubectl';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let sim: Awaited<ReturnType<typeof startKubeSim>>;
let dir: string;
let backend: Server;
let backendUrl: string;
let seen: Seen[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kube-sim-proxy-'));
  seen = [];
  backend = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const status = req.url?.startsWith('/broken') ? 500 : 200;
      res.writeHead(status, { 'Content-Type': 'text/plain', 'X-Backend': 'local' });
      res.end(status === 200 ? `ok ${req.method} ${req.url}` : 'backend failure');
    });
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
  sim = await startKubeSim({
    config: {
      behaviours: [
        { image: 'app:*', 'ready-after': '200ms' },
        { image: 'stuck:*', 'never-ready': true },
      ],
      services: [{ name: 'web', port: 80, url: backendUrl }],
    },
    kubeconfigPath: join(dir, 'kubeconfig'),
  });
});

afterEach(async () => {
  await sim.stop();
  await new Promise((resolve) => backend.close(resolve));
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

/** A raw HTTPS call to the simulator, for what `kubectl get --raw` cannot send. */
function callSim(
  method: string,
  path: string,
  body = '',
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${sim.url}${path}`,
      {
        method,
        ca: sim.caCertificate,
        headers: { Authorization: `Bearer ${sim.token}`, ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function applyYaml(name: string, text: string) {
  const file = join(dir, name);
  await writeFile(file, text);
  const result = await kubectl('-n', 'default', 'apply', '-f', file);
  expect(result, result.stderr).toMatchObject({ code: 0 });
}

function service(name: string, annotations = ''): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}${annotations}
spec:
  selector: { app: web }
  ports:
    - { name: http, port: 80, targetPort: 8080 }
`;
}

async function deployWeb(image: string) {
  await applyYaml(
    'web.yaml',
    `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: web, image: "${image}" }]
`,
  );
}

it.each([
  { path: '/api/v1/namespaces/default/services/web/proxy', id: 'web', rest: '/' },
  { path: '/api/v1/namespaces/ns1/services/web:80/proxy/', id: 'web:80', rest: '/' },
  {
    path: '/api/v1/namespaces/default/services/https:web:443/proxy/a/b%20c',
    id: 'https:web:443',
    rest: '/a/b%20c',
  },
  { path: '/api/v1/namespaces/default/services/web:http/proxyx', id: undefined, rest: undefined },
  { path: '/api/v1/namespaces/default/services/web', id: undefined, rest: undefined },
])('parseServiceProxyPath($path)', ({ path, id, rest }) => {
  const parsed = parseServiceProxyPath(path);
  expect(parsed?.id).toBe(id);
  expect(parsed?.path).toBe(rest);
});

it.each([
  { id: 'web', expected: { scheme: '', name: 'web', port: '' } },
  { id: 'web:80', expected: { scheme: '', name: 'web', port: '80' } },
  { id: 'https:web:443', expected: { scheme: 'https', name: 'web', port: '443' } },
  { id: 'ftp:web:21', expected: undefined },
  { id: ':80', expected: undefined },
  { id: 'a:b:c:d', expected: undefined },
])('splitServiceId($id)', ({ id, expected }) => {
  expect(splitServiceId(id)).toEqual(expected);
});

it.each([
  {
    entries: [{ name: 'web', url: 'http://127.0.0.1:1' }],
    result: [{ namespace: 'default', name: 'web', url: 'http://127.0.0.1:1' }],
    error: undefined,
  },
  {
    entries: [{ namespace: 'shop', name: 'api', port: 'http', url: 'https://127.0.0.1:2/v1' }],
    result: [{ namespace: 'shop', name: 'api', port: 'http', url: 'https://127.0.0.1:2/v1' }],
    error: undefined,
  },
  { entries: undefined, result: [], error: undefined },
  { entries: { name: 'web' }, result: undefined, error: 'services: must be a list' },
  { entries: [{ url: 'http://x' }], result: undefined, error: 'services[0].name is required' },
  {
    entries: [{ name: 'web', url: '127.0.0.1:8080' }],
    result: undefined,
    error: 'services[0].url must be an http(s) URL',
  },
])('parseServiceBackends($entries)', ({ entries, result, error }) => {
  if (error) expect(() => parseServiceBackends(entries)).toThrow(error);
  else expect(parseServiceBackends(entries)).toEqual(result);
});

describeWithTool(
  { program: KUBECTL, debianPackage: 'kubectl', versionArgs: ['version', '--client'] },
  'the service proxy of kube-sim',
  () => {
    it.each([
      { id: 'web:80', path: '/health?verbose=1', reached: '/health?verbose=1' },
      { id: 'web:http', path: '/a/b', reached: '/a/b' },
      { id: 'web', path: '/', reached: '/' },
      { id: 'http:web:80', path: '/x', reached: '/x' },
    ])('kubectl get --raw through services/$id/proxy reaches the backend', async (row) => {
      await applyYaml('svc.yaml', service('web'));
      await deployWeb('app:1');
      expect((await kubectl('-n', 'default', 'rollout', 'status', 'deployment/web')).code).toBe(0);
      const result = await kubectl(
        'get',
        '--raw',
        `/api/v1/namespaces/default/services/${row.id}/proxy${row.path}`,
      );
      expect(result, result.stderr).toMatchObject({ code: 0, stdout: `ok GET ${row.reached}` });
      expect(seen[0].headers.authorization).toBeUndefined();
    });

    it.each([
      { method: 'POST', body: '{"ping":1}', status: 200 },
      { method: 'PUT', body: 'replace me', status: 200 },
      { method: 'DELETE', body: '', status: 200 },
      { method: 'GET', body: '', status: 500, path: '/broken' },
    ])(
      '$method is forwarded with body and headers, and the answer relayed ($status)',
      async (row) => {
        await applyYaml('svc.yaml', service('web'));
        await deployWeb('app:1');
        expect((await kubectl('-n', 'default', 'rollout', 'status', 'deployment/web')).code).toBe(
          0,
        );
        const path = row.path ?? '/items/7';
        const answer = await callSim(
          row.method,
          `/api/v1/namespaces/default/services/web:80/proxy${path}?q=1`,
          row.body,
          { 'X-Request-Id': 'abc', 'Content-Type': 'application/json' },
        );
        expect(answer.status).toBe(row.status);
        expect(answer.headers['x-backend']).toBe('local');
        expect(answer.body).toBe(
          row.status === 200 ? `ok ${row.method} ${path}?q=1` : 'backend failure',
        );
        expect(seen).toHaveLength(1);
        expect(seen[0]).toMatchObject({ method: row.method, url: `${path}?q=1`, body: row.body });
        expect(seen[0].headers).toMatchObject({
          'x-request-id': 'abc',
          'content-type': 'application/json',
        });
        expect(seen[0].headers.authorization).toBeUndefined();
      },
    );

    it('a Service annotated with a backend URL is proxied to it without any config entry', async () => {
      await applyYaml(
        'svc.yaml',
        service(
          'annotated',
          `\n  annotations: { kube-sim.slipway.dev/backend: "${backendUrl}/base" }`,
        ),
      );
      await deployWeb('app:1');
      expect((await kubectl('-n', 'default', 'rollout', 'status', 'deployment/web')).code).toBe(0);
      const result = await kubectl(
        'get',
        '--raw',
        '/api/v1/namespaces/default/services/annotated:80/proxy/ready',
      );
      expect(result, result.stderr).toMatchObject({ code: 0, stdout: 'ok GET /base/ready' });
    });

    it.each([
      {
        case: 'no pods behind the selector',
        setup: async () => applyYaml('svc.yaml', service('web')),
        id: 'web:80',
        message: 'no endpoints available for service "web"',
        code: 503,
      },
      {
        case: 'pods that never become ready (a broken rollout)',
        setup: async () => {
          await applyYaml('svc.yaml', service('web'));
          await deployWeb('stuck:1');
        },
        id: 'web:80',
        message: 'no endpoints available for service "web:80"',
        code: 503,
      },
      {
        case: 'a port the Service does not have',
        setup: async () => applyYaml('svc.yaml', service('web')),
        id: 'web:81',
        message: 'no service port 81 found for service "web"',
        code: 503,
      },
      {
        case: 'ready pods but no backend URL',
        setup: async () => {
          await applyYaml('svc.yaml', service('other'));
          await deployWeb('app:1');
          await kubectl('-n', 'default', 'rollout', 'status', 'deployment/web');
        },
        id: 'other:80',
        message: 'no endpoints available for service "other"',
        code: 503,
      },
      {
        case: 'a missing Service',
        setup: async () => undefined,
        id: 'nope:80',
        message: 'services "nope" not found',
        code: 404,
      },
    ])('$case: answers $code with the real Status message', async (row) => {
      await row.setup();
      await sim.settle();
      const raw = await kubectl(
        'get',
        '--raw',
        `/api/v1/namespaces/default/services/${row.id}/proxy/`,
      );
      expect(raw.code).toBe(1);
      expect(raw.stderr).toContain(row.message);
      const answer = await callSim('GET', `/api/v1/namespaces/default/services/${row.id}/proxy/`);
      expect(answer.status).toBe(row.code);
      expect(JSON.parse(answer.body)).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        code: row.code,
        message: row.message,
      });
      expect(seen).toHaveLength(0);
    });

    it('the service becomes reachable once a fixed image rolls out', async () => {
      await applyYaml('svc.yaml', service('web'));
      await deployWeb('stuck:1');
      await sim.settle();
      const path = '/api/v1/namespaces/default/services/web:80/proxy/health';
      expect((await kubectl('get', '--raw', path)).code).toBe(1);
      await deployWeb('app:2');
      expect((await kubectl('-n', 'default', 'rollout', 'status', 'deployment/web')).code).toBe(0);
      expect(await kubectl('get', '--raw', path)).toMatchObject({
        code: 0,
        stdout: 'ok GET /health',
      });
    });

    it('requests without the bearer token are refused before reaching the backend', async () => {
      await applyYaml('svc.yaml', service('web'));
      const answer = await callSim('GET', '/api/v1/namespaces/default/services/web:80/proxy/', '', {
        Authorization: 'Bearer wrong',
      });
      expect(answer.status).toBe(401);
      expect(seen).toHaveLength(0);
    });
  },
);
