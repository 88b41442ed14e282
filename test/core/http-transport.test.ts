import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import {
  createServer,
  globalAgent as httpAgent,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createTlsServer, globalAgent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpError, httpRequest } from '../../src/core/http.js';
import { forgetSecretsForTesting } from '../../src/core/secrets.js';
import { closedPort } from '../support/closed-port.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The client's port: the same for requests on one kept-alive connection. */
  remotePort: number | undefined;
}

type Handler = (request: Received, response: ServerResponse, hit: number) => void;

const servers: Server[] = [];

function listener(requests: Received[], handler: Handler) {
  return (incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      requests.push({
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        remotePort: incoming.socket.remotePort,
      });
      handler(requests.at(-1)!, response, requests.length);
    });
  };
}

/** A real server on a loopback port (random unless given); `handler` sees each request. */
async function serve(
  handler: Handler,
  options: { port?: number; tls?: { key: string; cert: string } } = {},
): Promise<{ base: string; requests: Received[] }> {
  const requests: Received[] = [];
  const server = options.tls
    ? createTlsServer(options.tls, listener(requests, handler))
    : createServer(listener(requests, handler));
  servers.push(server);
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { base: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`, requests };
}

afterEach(async () => {
  forgetSecretsForTesting();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const fast = { baseDelayMs: 10, maxDelayMs: 50 };

function redirect(response: ServerResponse, status: number, location: string): void {
  response.writeHead(status, { location, 'content-type': 'text/html' });
  response.end(`<a href="${location}">moved</a>`);
}

describe('httpRequest headers', () => {
  it('reads response headers in any case, repeated fields joined as fetch joins them', async () => {
    const { base } = await serve((_request, response) => {
      response.setHeader('X-Registry-Warning', ['one', 'two']);
      response.setHeader('Docker-Content-Digest', 'sha256:abc');
      response.end('{}');
    });
    const { headers } = await httpRequest({ url: base });
    expect(headers.get('docker-content-digest')).toBe('sha256:abc');
    expect(headers.get('DOCKER-CONTENT-DIGEST')).toBe('sha256:abc');
    expect(headers.get('x-registry-warning')).toBe('one, two');
    expect(headers.get('x-absent')).toBeNull();
  });

  it('treats request header names case-insensitively and asks for no compression', async () => {
    const { base, requests } = await serve((_request, response) => response.end());
    await httpRequest({
      method: 'POST',
      url: base,
      headers: { Accept: 'application/json', 'CONTENT-TYPE': 'text/csv' },
      body: 'a,b',
    });
    expect(requests[0].headers.accept).toBe('application/json');
    expect(requests[0].headers['content-type']).toBe('text/csv');
    expect(requests[0].headers['content-length']).toBe('3');
    expect(requests[0].headers['user-agent']).toBe('node');
    expect(requests[0].headers['accept-encoding']).toBeUndefined();
  });

  it('sends a header value without the line break a token file ends with, as fetch did', async () => {
    const { base, requests } = await serve((_request, response) => response.end());
    await httpRequest({ url: base, headers: { authorization: 'Bearer t0ken\n' } });
    expect(requests[0].headers.authorization).toBe('Bearer t0ken');
  });
});

describe('httpRequest redirects', () => {
  it('follows a relative Location to the final answer', async () => {
    const { base, requests } = await serve((request, response) =>
      request.url === '/v2/app/blobs/1'
        ? redirect(response, 302, '../store/1?sig=x')
        : response.end('blob'),
    );
    const response = await httpRequest({ url: `${base}/v2/app/blobs/1` });
    expect(response.text()).toBe('blob');
    expect(requests.map((r) => r.url)).toEqual(['/v2/app/blobs/1', '/v2/app/store/1?sig=x']);
  });

  it.each([
    [301, 'POST', 'GET', ''],
    [302, 'POST', 'GET', ''],
    [303, 'PUT', 'GET', ''],
    [303, 'HEAD', 'HEAD', ''],
    [302, 'PUT', 'PUT', '{"n":1}'],
    [307, 'POST', 'POST', '{"n":1}'],
    [308, 'PATCH', 'PATCH', '{"n":1}'],
  ])('after a %i, a %s is sent again as %s', async (status, method, nextMethod, nextBody) => {
    const { base, requests } = await serve((request, response) =>
      request.url === '/old' ? redirect(response, status, '/new') : response.end(),
    );
    await httpRequest({
      method,
      url: `${base}/old`,
      body: method === 'HEAD' ? undefined : { n: 1 },
    });
    expect(requests).toHaveLength(2);
    expect(requests[1]).toMatchObject({ method: nextMethod, url: '/new', body: nextBody });
    expect(requests[1].headers['content-type']).toBe(nextBody ? 'application/json' : undefined);
  });

  it('keeps credentials on the same origin and drops them for another', async () => {
    const other = await serve((_request, response) => response.end('elsewhere'));
    const { base, requests } = await serve((request, response) =>
      request.url === '/a'
        ? redirect(response, 307, '/b')
        : redirect(response, 302, `${other.base}/c`),
    );
    const headers = { Authorization: 'Bearer t0ken', Cookie: 'session=1', 'X-Trace': 'abc' };
    const response = await httpRequest({ url: `${base}/a`, headers });
    expect(response.text()).toBe('elsewhere');
    expect(requests[1].headers).toMatchObject({
      authorization: 'Bearer t0ken',
      cookie: 'session=1',
    });
    const elsewhere = other.requests[0].headers;
    expect(elsewhere.authorization).toBeUndefined();
    expect(elsewhere.cookie).toBeUndefined();
    expect(elsewhere['x-trace']).toBe('abc');
  });

  it('drops basic auth from URL userinfo when redirected to another origin', async () => {
    const other = await serve((_request, response) => response.end());
    const { base, requests } = await serve((_request, response) =>
      redirect(response, 302, `${other.base}/`),
    );
    await httpRequest({ url: base.replace('http://', 'http://alice:pw@') });
    expect(requests[0].headers.authorization).toMatch(/^Basic /);
    expect(other.requests[0].headers.authorization).toBeUndefined();
  });

  it('follows 20 redirects and fails on the 21st without retrying', async () => {
    const { base, requests } = await serve((request, response) => {
      const n = Number(request.url.slice(1));
      if (n < 20) redirect(response, 302, `/${n + 1}`);
      else response.end('arrived');
    });
    expect((await httpRequest({ url: `${base}/0` })).text()).toBe('arrived');

    // A signed URL's query values are credentials: the message names the parameter only.
    const loop = await serve((_request, response) =>
      redirect(response, 301, '/again?X-Amz-Signature=s3cr3t'),
    );
    const error = await httpRequest({ url: `${loop.base}/`, retry: fast }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).message).toBe(
      `GET ${loop.base}/ failed: was redirected more than 20 times (last to ${loop.base}/again?X-Amz-Signature=***)`,
    );
    expect(loop.requests).toHaveLength(21);
    expect(requests).toHaveLength(21);
  });

  it("stops with the signal's reason when cancelled while following a redirect", async () => {
    let heldAt: (() => void) | undefined;
    const held = new Promise<void>((resolve) => (heldAt = resolve));
    const { base, requests } = await serve((request, response) => {
      if (request.url === '/') redirect(response, 302, '/slow');
      else heldAt!(); // never answered: only the cancellation ends the exchange
    });
    const controller = new AbortController();
    const reason = new Error('the job was cancelled');
    const answer = httpRequest({ url: `${base}/`, signal: controller.signal, retry: fast });
    await held;
    controller.abort(reason);
    await expect(answer).rejects.toBe(reason);
    expect(requests.map((request) => request.url)).toEqual(['/', '/slow']);
  });

  it('returns a redirect status without Location as an error, not as a redirect', async () => {
    const { base } = await serve((_request, response) => {
      response.writeHead(302);
      response.end();
    });
    const error = await httpRequest({ url: base }).catch((e: unknown) => e);
    expect((error as HttpError).status).toBe(302);
  });
});

describe('httpRequest connections', () => {
  it('retries through a 2-second outage of the server', async () => {
    const port = await closedPort();
    setTimeout(() => void serve((_request, response) => response.end('back'), { port }), 2_000);
    const started = Date.now();
    const response = await httpRequest({
      url: `http://127.0.0.1:${port}/health`,
      retry: { baseDelayMs: 400, maxDelayMs: 1_000, maxAttempts: 8 },
    });
    expect(response.text()).toBe('back');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
  }, 15_000);

  it('reuses a kept-alive connection that never keeps the process running', async () => {
    const { base, requests } = await serve((_request, response) => response.end('ok'));
    // Only the client's sockets should count: the server's side of the connection is let go.
    servers[0].on('connection', (socket) => socket.unref());
    const openSockets = () =>
      process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;
    // Sockets of earlier tests' servers, closed in afterEach, take a moment to go.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const before = openSockets();
    await httpRequest({ url: `${base}/1` });
    await httpRequest({ url: `${base}/2` });
    expect(requests[1].remotePort).toBe(requests[0].remotePort);
    // Kept in the global agent's pool, yet not counted among the handles that keep Node running.
    const pooled = Object.values(httpAgent.freeSockets).flat();
    expect(pooled.map((socket) => socket?.localPort)).toContain(requests[0].remotePort);
    expect(openSockets()).toBe(before);
  });

  it('follows a redirect from http to https', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'http-tls-'));
    const saved = globalAgent.options.ca;
    try {
      const tls = await selfSignedCertificate(dir);
      globalAgent.options.ca = tls.cert;
      const secure = await serve((_request, response) => response.end('secure'), { tls });
      const { base } = await serve((_request, response) =>
        redirect(response, 301, `${secure.base}/x`),
      );
      const response = await httpRequest({ url: base, headers: { authorization: 'Bearer t' } });
      expect(response.text()).toBe('secure');
      expect(secure.requests[0].headers.authorization).toBeUndefined();
    } finally {
      globalAgent.options.ca = saved;
      await rm(dir, { recursive: true, force: true });
    }
  });
});

async function selfSignedCertificate(dir: string): Promise<{ key: string; cert: string }> {
  const keyPath = path.join(dir, 'key.pem');
  const certPath = path.join(dir, 'cert.pem');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    keyPath,
    '-out',
    certPath,
  ]);
  return { key: await readFile(keyPath, 'utf8'), cert: await readFile(certPath, 'utf8') };
}
