import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ActionError } from '../../src/core/errors.js';
import { HttpError, httpRequest, parseRetryAfter } from '../../src/core/http.js';
import { redactUrl } from '../../src/core/url.js';
import type { RetryEvent } from '../../src/core/retry.js';
import { forgetSecretsForTesting, registerSecret } from '../../src/core/secrets.js';
import { closedPort } from '../support/closed-port.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Handler = (request: Received, response: ServerResponse, hit: number) => void;

const servers: Server[] = [];

/** A real HTTP server on a random loopback port; `handler` sees each request with its number. */
async function serve(handler: Handler): Promise<{ base: string; requests: Received[] }> {
  const requests: Received[] = [];
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      handler(request, response, requests.length);
    });
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, requests };
}

afterEach(async () => {
  forgetSecretsForTesting();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const fast = { baseDelayMs: 10, maxDelayMs: 50 };

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(value));
}

async function failure(promise: Promise<unknown>): Promise<HttpError> {
  const thrown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(thrown).toBeInstanceOf(HttpError);
  return thrown as HttpError;
}

describe('httpRequest', () => {
  it('returns a 200 JSON body', async () => {
    const { base } = await serve((_request, response) =>
      sendJson(response, 200, { digest: 'sha256:abc' }),
    );
    const response = await httpRequest({ url: `${base}/v2/app/manifests/1.2.3` });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.json()).toEqual({ digest: 'sha256:abc' });
    expect(response.text()).toBe('{"digest":"sha256:abc"}');
  });

  it.each([
    ['an object as JSON', { replicas: 3 }, '{"replicas":3}', 'application/json'],
    ['a string as is', 'plain words', 'plain words', 'text/plain;charset=UTF-8'],
    ['a Buffer as is', Buffer.from('bytes'), 'bytes', undefined],
  ])('sends %s', async (_name, body, expectedBody, expectedType) => {
    const { base, requests } = await serve((_request, response) => sendJson(response, 201, {}));
    await httpRequest({ method: 'post', url: `${base}/things`, body });
    expect(requests[0].method).toBe('POST');
    expect(requests[0].body).toBe(expectedBody);
    expect(requests[0].headers['content-type']).toBe(expectedType);
  });

  it('keeps a content type the caller set for an object body', async () => {
    const { base, requests } = await serve((_request, response) => sendJson(response, 200, {}));
    await httpRequest({
      method: 'PATCH',
      url: `${base}/deployments/app`,
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: { spec: { paused: true } },
    });
    expect(requests[0].headers['content-type']).toBe('application/merge-patch+json');
  });

  it('retries a 503 and returns the 200 that follows', async () => {
    const { base, requests } = await serve((_request, response, hit) =>
      hit === 1
        ? sendJson(response, 503, { message: 'warming up' })
        : sendJson(response, 200, { ok: true }),
    );
    const events: RetryEvent[] = [];
    const response = await httpRequest({
      url: `${base}/health`,
      retry: { ...fast, onRetry: (event) => events.push(event) },
    });
    expect(response.json()).toEqual({ ok: true });
    expect(requests).toHaveLength(2);
    expect(events.map((e) => e.nextAttempt)).toEqual([2]);
  });

  it('waits as long as a 503 Retry-After asks when that fits the deadline', async () => {
    const { base, requests } = await serve((_request, response, hit) => {
      if (hit === 1) {
        response.writeHead(503, { 'retry-after': '1' });
        response.end();
      } else sendJson(response, 200, {});
    });
    const started = Date.now();
    await httpRequest({ url: `${base}/`, retry: { ...fast, deadlineMs: 10_000 } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(requests).toHaveLength(2);
  });

  it('gives up at once when a 503 Retry-After would pass the deadline', async () => {
    const { base, requests } = await serve((_request, response) => {
      response.writeHead(503, { 'retry-after': '120' });
      response.end('maintenance');
    });
    const started = Date.now();
    const error = await failure(
      httpRequest({ url: `${base}/`, retry: { ...fast, deadlineMs: 5_000 } }),
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(requests).toHaveLength(1);
    expect(error.status).toBe(503);
    expect(error.message).toContain('could not start within the 5.0s deadline');
  });

  it('does not retry a 404 and reports status, method, URL and the body', async () => {
    const { base, requests } = await serve((_request, response) =>
      sendJson(response, 404, {
        errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }],
      }),
    );
    const error = await failure(
      httpRequest({ method: 'HEAD', url: `${base}/v2/app/manifests/nope`, retry: fast }),
    );
    expect(requests).toHaveLength(1);
    expect(error.status).toBe(404);
    expect(error.method).toBe('HEAD');
    expect(error.url).toBe(`${base}/v2/app/manifests/nope`);
    expect(error.message).toBe(`HEAD ${base}/v2/app/manifests/nope returned 404 Not Found`);
    expect(error.hint).toContain('Check the URL');
  });

  it('quotes a short excerpt of an error body', async () => {
    const { base } = await serve((_request, response) => {
      response.writeHead(400);
      response.end(`{"message":\n  "bad request: ${'x'.repeat(5_000)}"}`);
    });
    const error = await failure(httpRequest({ method: 'POST', url: `${base}/`, body: {} }));
    expect(error.bodyExcerpt).toMatch(/^\{"message": "bad request: x+…$/);
    expect(error.bodyExcerpt!.length).toBe(301);
    expect(error.message).toContain('returned 400 Bad Request: {"message": "bad request: xxx');
  });

  it('retries a server that never answers and names the timeout when giving up', async () => {
    const { base, requests } = await serve(() => {
      /* never answers */
    });
    const error = await failure(
      httpRequest({ url: `${base}/slow`, timeoutMs: 200, retry: { ...fast, maxAttempts: 2 } }),
    );
    expect(requests).toHaveLength(2);
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/slow failed: no complete response within the 200ms timeout; gave up after 2 attempts over \d+\.\ds \(the limit is 2\)$/,
    );
  });

  it('times out a body that stalls after the headers', async () => {
    const { base, requests } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('partial');
    });
    const error = await failure(
      httpRequest({ url: `${base}/stall`, timeoutMs: 300, retry: { ...fast, maxAttempts: 2 } }),
    );
    expect(requests).toHaveLength(2);
    expect(error.message).toContain('no complete response within the 300ms timeout');
  });

  it('retries a refused connection', async () => {
    const port = await closedPort();
    const events: RetryEvent[] = [];
    const error = await failure(
      httpRequest({
        url: `http://127.0.0.1:${port}/`,
        retry: { ...fast, maxAttempts: 3, onRetry: (event) => events.push(event) },
      }),
    );
    expect(events).toHaveLength(2);
    expect(error.message).toMatch(
      /failed: connection refused \(ECONNREFUSED\); gave up after 3 attempts/,
    );
    expect(error.hint).toContain('re-run the job later');
  });

  it.each([
    ['declared by Content-Length', false],
    ['streamed without a length', true],
  ])(
    'refuses a response larger than maxResponseBytes (%s) without retrying',
    async (_name, chunked) => {
      const { base, requests } = await serve((_request, response) => {
        if (chunked) {
          response.writeHead(200, { 'content-type': 'application/octet-stream' });
          for (let i = 0; i < 10; i++) response.write(Buffer.alloc(1_024, 97));
          response.end();
        } else {
          response.end(Buffer.alloc(10_240, 97));
        }
      });
      const error = await failure(
        httpRequest({ url: `${base}/big`, maxResponseBytes: 4_096, retry: fast }),
      );
      expect(requests).toHaveLength(1);
      expect(error.message).toContain('larger than the 4096-byte limit (maxResponseBytes)');
    },
  );

  it('accepts a response of exactly maxResponseBytes', async () => {
    const { base } = await serve((_request, response) => response.end(Buffer.alloc(4_096, 98)));
    const response = await httpRequest({ url: `${base}/`, maxResponseBytes: 4_096 });
    expect(response.body.length).toBe(4_096);
  });

  it('sends URL userinfo as basic auth and never shows it or query values in errors', async () => {
    const { base, requests } = await serve((_request, response) => {
      response.writeHead(401);
      response.end('token s3cr3t-token-value is not valid');
    });
    const withCredentials = base.replace('http://', 'http://alice:s3cr3t-token-value@');
    const error = await failure(
      httpRequest({ url: `${withCredentials}/v2/?access_token=abc123xyz&page=2#frag` }),
    );
    expect(requests[0].headers.authorization).toBe(
      `Basic ${Buffer.from('alice:s3cr3t-token-value').toString('base64')}`,
    );
    for (const text of [error.message, error.url, error.bodyExcerpt ?? '', String(error.stack)]) {
      expect(text).not.toContain('alice');
      expect(text).not.toContain('s3cr3t-token-value');
      expect(text).not.toContain('abc123xyz');
    }
    expect(error.url).toBe(`${base}/v2/?access_token=***&page=***`);
    expect(error.bodyExcerpt).toBe('token *** is not valid');
  });

  it('masks registered secrets that a server echoes back', async () => {
    registerSecret('ghp_echoedTokenValue');
    const { base } = await serve((request, response) => {
      response.writeHead(403);
      response.end(`forbidden for ${request.headers.authorization}`);
    });
    const error = await failure(
      httpRequest({ url: `${base}/`, headers: { Authorization: 'Bearer ghp_echoedTokenValue' } }),
    );
    expect(error.message).toContain('returned 403 Forbidden: forbidden for Bearer ***');
    expect(error.message).not.toContain('ghp_echoedTokenValue');
  });

  it('rethrows the reason when the caller cancels, without retrying', async () => {
    const { base, requests } = await serve(() => {
      /* never answers */
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('job cancelled')), 100);
    await expect(
      httpRequest({ url: `${base}/`, timeoutMs: 10_000, signal: controller.signal, retry: fast }),
    ).rejects.toThrow('job cancelled');
    expect(requests).toHaveLength(1);
  });

  it('says so when a body that should be JSON is not', async () => {
    const { base } = await serve((_request, response) => response.end('<html>login</html>'));
    const response = await httpRequest({ url: `${base}/api` });
    expect(() => response.json()).toThrow(ActionError);
    expect(() => response.json()).toThrow(
      /returned a body that is not JSON .*: <html>login<\/html>$/,
    );
  });
});

describe('redactUrl', () => {
  it.each([
    ['https://registry.example/v2/', 'https://registry.example/v2/'],
    ['https://u:p@registry.example/v2/', 'https://registry.example/v2/'],
    ['https://x.example/a?sig=SECRET&sig=OTHER&n=1', 'https://x.example/a?sig=***&n=***'],
    ['https://x.example/a#token=SECRET', 'https://x.example/a'],
  ])('%s -> %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it.each([
    ['120', 120_000],
    [' 0 ', 0],
    ['Wed, 01 Jan 2025 00:00:30 GMT', 30_000],
    ['Tue, 31 Dec 2024 23:00:00 GMT', 0],
    ['soon', undefined],
    ['-5', undefined],
    [null, undefined],
  ])('%s -> %s', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
