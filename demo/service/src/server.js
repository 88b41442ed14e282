import { createServer } from 'node:http';
import { greet } from './greeting.js';

/**
 * GET /healthz for probes and smoke tests, GET /greet?name=... for users; JSON everywhere.
 * @param {{ version: string }} options
 */
export function createService({ version }) {
  return createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://service.invalid');
    const reply = (status, body) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'GET') return reply(405, { error: 'only GET is served' });
    if (url.pathname === '/healthz') return reply(200, { status: 'ok', version });
    if (url.pathname === '/greet') {
      const result = greet(url.searchParams.get('name'));
      return result.ok
        ? reply(200, { greeting: result.greeting })
        : reply(400, { error: result.problem });
    }
    return reply(404, { error: `no route for ${url.pathname}` });
  });
}
