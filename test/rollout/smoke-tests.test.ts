import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { parseJsonPath, parseSmokeTests, runSmokeTest } from '../../src/rollout/smoke-tests.js';

describe('smoke-tests input', () => {
  it('fills in defaults', () => {
    expect(parseSmokeTests([{ name: 'health', url: 'http://127.0.0.1:8080/healthz' }])).toEqual([
      {
        name: 'health',
        target: { kind: 'url', url: 'http://127.0.0.1:8080/healthz' },
        method: 'GET',
        headers: {},
        body: undefined,
        expectStatus: 200,
        expectBody: undefined,
        expectJson: [],
        maxLatencyMs: undefined,
        retries: 2,
        intervalMs: 5000,
      },
    ]);
  });

  it('reads every field', () => {
    const [test] = parseSmokeTests([
      {
        name: 'orders',
        service: 'web:8080',
        path: '/api/orders',
        method: 'post',
        headers: { 'x-probe': 'smoke', 'x-count': 2 },
        body: { item: 'tea' },
        'expect-status': 201,
        'expect-body': '"id":\\s*\\d+',
        'expect-json': 'order.items[0].name=tea\nok=true',
        'max-latency': '750ms',
        retries: 4,
        interval: '2s',
      },
    ]);
    expect(test).toMatchObject({
      target: { kind: 'service', service: 'web', port: '8080', path: '/api/orders' },
      method: 'POST',
      headers: { 'x-probe': 'smoke', 'x-count': '2' },
      body: '{"item":"tea"}',
      expectStatus: 201,
      expectJson: [
        { path: 'order.items[0].name', segments: ['order', 'items', 0, 'name'], expected: 'tea' },
        { path: 'ok', segments: ['ok'], expected: 'true' },
      ],
      maxLatencyMs: 750,
      retries: 4,
      intervalMs: 2000,
    });
    expect(test.expectBody?.test('{"id": 12}')).toBe(true);
  });

  it.each([
    { value: { name: 'x' }, problem: 'must be a YAML list' },
    { value: ['http://x'], problem: 'item 1 must be a mapping' },
    { value: [{ url: 'http://x' }], problem: 'item 1 needs a name' },
    { value: [{ name: 'a' }], problem: "test 'a' needs exactly one of url or service" },
    {
      value: [{ name: 'a', url: 'http://x', service: 'web:80' }],
      problem: 'exactly one of url or service',
    },
    {
      value: [{ name: 'a', url: 'ftp://x' }],
      problem: "url 'ftp://x', which is not an http(s) URL",
    },
    {
      value: [{ name: 'a', url: 'http://x', path: '/h' }],
      problem: 'path, which goes with service',
    },
    { value: [{ name: 'a', service: 'web' }], problem: 'write it as name:port' },
    { value: [{ name: 'a', service: 'web:80', path: 'health' }], problem: "must start with '/'" },
    {
      value: [{ name: 'a', url: 'http://x', 'expect-status': 'ok' }],
      problem: 'not an HTTP status',
    },
    { value: [{ name: 'a', url: 'http://x', 'expect-body': '(' }], problem: 'not a valid regex' },
    {
      value: [{ name: 'a', url: 'http://x', 'expect-json': 'ready' }],
      problem: "expect-json line 'ready'",
    },
    {
      value: [{ name: 'a', url: 'http://x', 'expect-json': 'a..b=1' }],
      problem: "expect-json line 'a..b=1'",
    },
    { value: [{ name: 'a', url: 'http://x', 'max-latency': 500 }], problem: 'max-latency' },
    { value: [{ name: 'a', url: 'http://x', retries: -1 }], problem: 'retries' },
    { value: [{ name: 'a', url: 'http://x', timeout: '5s' }], problem: 'unknown key(s) timeout' },
    {
      value: [
        { name: 'a', url: 'http://x' },
        { name: 'a', url: 'http://y' },
      ],
      problem: "two tests named 'a'",
    },
  ])('refuses: $problem', ({ value, problem }) => {
    expect(() => parseSmokeTests(value)).toThrow(InputError);
    expect(() => parseSmokeTests(value)).toThrow(problem);
    expect(() => parseSmokeTests(value)).toThrow("Input 'smoke-tests'");
  });

  it.each([
    ['a', ['a']],
    ['a.b', ['a', 'b']],
    ['items[2].name', ['items', 2, 'name']],
    ['matrix[0][1]', ['matrix', 0, 1]],
    ['[0]', undefined],
    ['a.', undefined],
    ['a[x]', undefined],
  ])('json path %s', (path, segments) => {
    expect(parseJsonPath(path)).toEqual(segments);
  });
});

describe('running a smoke test against a local server', () => {
  let server: Server;
  let base: string;
  const hits = new Map<string, number>();

  beforeAll(async () => {
    server = createServer((request, response) => {
      const count = (hits.get(request.url ?? '/') ?? 0) + 1;
      hits.set(request.url ?? '/', count);
      const path = (request.url ?? '/').split('?')[0];
      const send = (status: number, body: string, delayMs = 0) =>
        setTimeout(
          () => response.writeHead(status, { 'content-type': 'application/json' }).end(body),
          delayMs,
        );
      if (path === '/healthz')
        return send(200, '{"status":"ok","checks":[{"name":"db","ok":true}],"version":"v2"}');
      if (path === '/broken') return send(500, 'internal error');
      if (path === '/slow') return send(200, '{}', 300);
      if (path === '/warming') return count < 3 ? send(503, 'warming up') : send(200, 'ready');
      if (path === '/echo') {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString()));
        request.on('end', () =>
          send(
            201,
            JSON.stringify({ method: request.method, probe: request.headers['x-probe'], body }),
          ),
        );
        return;
      }
      send(404, 'not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const quick = { retries: 0, interval: '10ms' };

  it.each([
    { name: 'healthy', item: { url: '/healthz' }, passed: true, status: 200, problem: undefined },
    {
      name: 'wrong status',
      item: { url: '/broken' },
      passed: false,
      status: 500,
      problem: 'status 500, expected 200: internal error',
    },
    {
      name: 'expected 404',
      item: { url: '/nope', 'expect-status': 404 },
      passed: true,
      status: 404,
      problem: undefined,
    },
    {
      name: 'body regex matches',
      item: { url: '/healthz', 'expect-body': '"version":"v\\d+"' },
      passed: true,
      status: 200,
      problem: undefined,
    },
    {
      name: 'body regex fails',
      item: { url: '/healthz', 'expect-body': 'v3' },
      passed: false,
      status: 200,
      problem: 'body does not match /v3/',
    },
    {
      name: 'json paths hold',
      item: { url: '/healthz', 'expect-json': 'status=ok\nchecks[0].ok=true\nchecks[0].name="db"' },
      passed: true,
      status: 200,
      problem: undefined,
    },
    {
      name: 'json path differs',
      item: { url: '/healthz', 'expect-json': 'checks[0].ok=false' },
      passed: false,
      status: 200,
      problem: 'checks[0].ok is true, expected false',
    },
    {
      name: 'json path missing',
      item: { url: '/healthz', 'expect-json': 'checks[3].ok=true' },
      passed: false,
      status: 200,
      problem: 'checks[3].ok is nothing, expected true',
    },
    {
      name: 'latency exceeded',
      item: { url: '/slow', 'max-latency': '100ms' },
      passed: false,
      status: 200,
      problem: 'more than max-latency 100ms',
    },
    {
      name: 'latency within limit',
      item: { url: '/slow', 'max-latency': '5s' },
      passed: true,
      status: 200,
      problem: undefined,
    },
    {
      name: 'method, headers and body are sent',
      item: {
        url: '/echo',
        method: 'PUT',
        headers: { 'x-probe': 'p1' },
        body: 'hi',
        'expect-status': 201,
        'expect-json': 'method=PUT\nprobe=p1\nbody=hi',
      },
      passed: true,
      status: 201,
      problem: undefined,
    },
  ])('$name', async ({ item, passed, status, problem }) => {
    const [test] = parseSmokeTests([{ name: 't', ...quick, ...item, url: base + item.url }]);
    const result = await runSmokeTest(test);
    expect(result).toMatchObject({ name: 't', passed, status, attempts: 1 });
    if (problem) expect(result.problem).toContain(problem);
    else expect(result.problem).toBeUndefined();
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('retries until the service answers well', async () => {
    const [test] = parseSmokeTests([
      { name: 'warm', url: `${base}/warming`, retries: 5, interval: '20ms' },
    ]);
    const seen: (string | undefined)[] = [];
    const result = await runSmokeTest(test, { onAttempt: (_, problem) => seen.push(problem) });
    expect(result).toMatchObject({ passed: true, status: 200, attempts: 3 });
    expect(seen).toEqual([
      'status 503, expected 200: warming up',
      'status 503, expected 200: warming up',
      undefined,
    ]);
  });

  it('gives up after its retries and reports the last problem', async () => {
    const [test] = parseSmokeTests([
      { name: 'down', url: `${base}/broken`, retries: 2, interval: '10ms' },
    ]);
    expect(await runSmokeTest(test)).toMatchObject({ passed: false, attempts: 3, status: 500 });
  });

  it('reports a connection that is refused', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const [test] = parseSmokeTests([{ name: 'gone', url: `http://127.0.0.1:${port}/`, ...quick }]);
    const result = await runSmokeTest(test);
    expect(result).toMatchObject({ passed: false, status: undefined });
    expect(result.problem).toContain('ECONNREFUSED');
  });

  it('reaches a service through the URL the caller builds', async () => {
    const [test] = parseSmokeTests([
      { name: 'svc', service: 'web:80', path: '/healthz', ...quick },
    ]);
    const result = await runSmokeTest(test, {
      serviceUrl: (target) => `${base}${target.path}?service=${target.service}:${target.port}`,
    });
    expect(result.passed).toBe(true);
    expect(hits.get('/healthz?service=web:80')).toBe(1);
  });
});
