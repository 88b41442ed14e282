import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpLoad } from '../../src/core/http-load.js';
import { forgetSecretsForTesting } from '../../src/core/secrets.js';
import { captureStdout } from '../support/capture-stdout.js';
import { closedPort } from '../support/closed-port.js';

const servers: Server[] = [];

/** A real HTTP server on a random loopback port that records every request. */
async function serve(
  handler: (request: IncomingMessage, response: ServerResponse, hit: number) => void,
): Promise<{ base: string; requests: IncomingMessage[] }> {
  const requests: IncomingMessage[] = [];
  const server = createServer((request, response) => {
    requests.push(request);
    handler(request, response, requests.length);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, requests };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(async () => {
  forgetSecretsForTesting();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('startHttpLoad', () => {
  it('sends GETs at the rate asked for and counts the answers by status class', async () => {
    const { base, requests } = await serve((_request, response, hit) => {
      response.statusCode = hit % 4 === 0 ? 503 : 200;
      response.end('ok');
    });
    const load = startHttpLoad({ url: `${base}/health`, ratePerSecond: 50 });
    await sleep(1_000);
    const counts = await load.stop();
    // 50/s for ~1 s, the first at once; a busy machine (the whole suite on 2 cores) may lag
    // well behind, but the loop never runs ahead of the rate.
    expect(counts.sent).toBeGreaterThanOrEqual(10);
    expect(counts.sent).toBeLessThanOrEqual(53);
    const answered = counts.answered['2xx'] + counts.answered['5xx'];
    expect(answered + counts.unfinished).toBe(counts.sent);
    expect(counts.answered['5xx']).toBeGreaterThan(0);
    expect(counts).toMatchObject({ failed: 0, skipped: 0, firstFailure: undefined });
    expect(requests.every((request) => request.method === 'GET')).toBe(true);
    expect(requests[0].url).toBe('/health');
    expect(requests[0].headers['user-agent']).toBeDefined();
    // Nothing more is sent after stop: the server sees at most what was sent until then. (A
    // request sent just before stop may reach the server after it, so not `requests.length`.)
    await sleep(200);
    expect(requests.length).toBeLessThanOrEqual(counts.sent);
  });

  it('does not follow redirects: a 3xx is an answer and the other host is never called', async () => {
    const elsewhere = await serve((_request, response) => response.end('elsewhere'));
    const { base } = await serve((_request, response) => {
      response.writeHead(302, { location: `${elsewhere.base}/` });
      response.end();
    });
    const load = startHttpLoad({ url: base, ratePerSecond: 20 });
    await sleep(300);
    const counts = await load.stop();
    expect(counts.answered['3xx']).toBeGreaterThan(0);
    expect(counts.answered['2xx']).toBe(0);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('sends userinfo as basic auth, as httpRequest does', async () => {
    const { base, requests } = await serve((_request, response) => response.end());
    const url = new URL(base);
    url.username = 'load';
    url.password = 's3cret';
    await captureStdout(async () => {
      const load = startHttpLoad({ url, ratePerSecond: 10 });
      await sleep(150);
      await load.stop();
    });
    expect(requests[0].headers.authorization).toBe(
      `Basic ${Buffer.from('load:s3cret').toString('base64')}`,
    );
  });

  it('counts refused connections as failed and says why', async () => {
    const port = await closedPort();
    const load = startHttpLoad({ url: `http://127.0.0.1:${port}/`, ratePerSecond: 20 });
    await sleep(300);
    const counts = await load.stop();
    expect(counts.failed).toBeGreaterThan(0);
    expect(counts.firstFailure).toBe('ECONNREFUSED');
    expect(Object.values(counts.answered).every((n) => n === 0)).toBe(true);
  });

  it('times out slow requests, and skips turns past maxInFlight instead of piling up', async () => {
    const { base } = await serve(() => undefined); // never answers
    const load = startHttpLoad({
      url: base,
      ratePerSecond: 100,
      timeoutMs: 200,
      maxInFlight: 5,
    });
    await sleep(600);
    const counts = await load.stop();
    expect(counts.failed).toBeGreaterThan(0);
    expect(counts.firstFailure).toBe('no answer within 200ms');
    expect(counts.skipped).toBeGreaterThan(0);
    expect(counts.sent + counts.skipped).toBeGreaterThanOrEqual(40);
  });

  it('cancels the requests in flight when stopped, without counting them as failed', async () => {
    const { base } = await serve(() => undefined);
    const load = startHttpLoad({ url: base, ratePerSecond: 20 });
    await sleep(200);
    const started = Date.now();
    const counts = await load.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(counts.failed).toBe(0);
    expect(counts.unfinished).toBe(counts.sent);
    expect(await load.stop()).toEqual(counts);
  });

  it('refuses a rate that is not above 0', () => {
    expect(() => startHttpLoad({ url: 'http://127.0.0.1/', ratePerSecond: 0 })).toThrow(/above 0/);
  });
});
