#!/usr/bin/env node
// @ts-check
/**
 * A service whose health is set from outside: every request (but /metrics and /admin/*) waits
 * the configured latency and fails with 500 at the configured error rate. It runs as its own
 * process so that Prometheus scrapes it over the network as it would scrape a real pod.
 *
 *   node tools/canary-env/sample-service.js --port 0 --error-rate 0.05 --latency-ms 20 --jitter-ms 5
 */
import { createServer } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout } from 'node:timers';
import { startChild, stdoutLine, unlessExited, withTimeout } from './child.js';

/** @typedef {{ errorRate: number, latencyMs: number, jitterMs: number }} Behaviour */

export const LATENCY_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2.5, 5,
];
const SCRIPT = fileURLToPath(import.meta.url);
const READY_TIMEOUT_MS = 10_000;

/**
 * Checks a (partial) behaviour and returns the problem, or undefined when it is valid.
 * @param {Record<string, unknown>} behaviour
 */
export function behaviourProblem(behaviour) {
  for (const [key, value] of Object.entries(behaviour)) {
    if (!['errorRate', 'latencyMs', 'jitterMs'].includes(key)) return `unknown field "${key}"`;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      return `${key} must be a number of at least 0, got ${JSON.stringify(value)}`;
    }
    if (key === 'errorRate' && value > 1) return `errorRate must be at most 1, got ${value}`;
  }
  return undefined;
}

/** Request counters by status and method, and one latency histogram, in exposition format. */
class Metrics {
  constructor() {
    /** @type {Map<string, number>} */
    this.requests = new Map();
    // Series that exist from the start let rate() and increase() see the first requests.
    for (const code of ['200', '500']) this.requests.set(`${code} GET`, 0);
    this.bucketCounts = LATENCY_BUCKETS.map(() => 0);
    this.count = 0;
    this.sum = 0;
  }

  /** @param {number} code @param {string} method @param {number} seconds */
  observe(code, method, seconds) {
    const key = `${code} ${method}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const index = LATENCY_BUCKETS.findIndex((le) => seconds <= le);
    if (index >= 0) this.bucketCounts[index] += 1;
    this.count += 1;
    this.sum += seconds;
  }

  render() {
    const lines = [
      '# HELP http_requests_total Requests answered, by status code and method.',
      '# TYPE http_requests_total counter',
    ];
    for (const [key, value] of [...this.requests].sort()) {
      const [code, method] = key.split(' ');
      lines.push(`http_requests_total{code="${code}",method="${method}"} ${value}`);
    }
    lines.push(
      '# HELP http_request_duration_seconds Time from request to response.',
      '# TYPE http_request_duration_seconds histogram',
    );
    let cumulative = 0;
    LATENCY_BUCKETS.forEach((le, index) => {
      cumulative += this.bucketCounts[index];
      lines.push(`http_request_duration_seconds_bucket{le="${le}"} ${cumulative}`);
    });
    lines.push(
      `http_request_duration_seconds_bucket{le="+Inf"} ${this.count}`,
      `http_request_duration_seconds_sum ${this.sum}`,
      `http_request_duration_seconds_count ${this.count}`,
    );
    return lines.join('\n') + '\n';
  }
}

/**
 * @param {import('node:http').IncomingMessage} request
 * @returns {Promise<string>}
 */
async function readBody(request) {
  let body = '';
  request.setEncoding('utf8');
  for await (const chunk of request) body += chunk;
  return body;
}

/**
 * The service itself, not yet listening.
 * @param {Behaviour} initial
 */
export function createSampleServer(initial) {
  const behaviour = { ...initial };
  const metrics = new Metrics();
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      response.end(metrics.render());
      return;
    }
    if (path === '/admin/behaviour') {
      handleBehaviour(request, response, behaviour).catch((error) => {
        response.writeHead(500).end(String(error));
      });
      return;
    }
    const started = process.hrtime.bigint();
    // Uniform jitter keeps the mean at latencyMs, so p95 moves predictably with both settings.
    const delay = Math.max(0, behaviour.latencyMs + (Math.random() * 2 - 1) * behaviour.jitterMs);
    const failed = Math.random() < behaviour.errorRate;
    request.resume();
    setTimeout(() => {
      const code = failed ? 500 : 200;
      response.writeHead(code, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: failed ? 'error' : 'ok' }));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.observe(code, request.method ?? 'GET', seconds);
    }, delay);
  });
  return server;
}

/**
 * GET shows the behaviour; POST with a JSON object changes the fields it names.
 * @param {import('node:http').IncomingMessage} request
 * @param {import('node:http').ServerResponse} response
 * @param {Behaviour} behaviour changed in place
 */
async function handleBehaviour(request, response, behaviour) {
  const json = { 'content-type': 'application/json' };
  if (request.method === 'POST') {
    let change;
    try {
      change = JSON.parse(await readBody(request));
    } catch (error) {
      response.writeHead(400, json).end(JSON.stringify({ error: `not JSON: ${error}` }));
      return;
    }
    const problem =
      change && typeof change === 'object' && !Array.isArray(change)
        ? behaviourProblem(change)
        : 'the body must be a JSON object such as {"errorRate": 0.1}';
    if (problem) {
      response.writeHead(400, json).end(JSON.stringify({ error: problem }));
      return;
    }
    Object.assign(behaviour, change);
  } else if (request.method !== 'GET') {
    response.writeHead(405, { allow: 'GET, POST' }).end();
    return;
  }
  response.writeHead(200, json).end(JSON.stringify(behaviour));
}

/**
 * Starts the service in a child process and resolves once it listens.
 * @param {Behaviour} behaviour
 * @returns {Promise<{ url: string, pid: number, setBehaviour(change: Partial<Behaviour>): Promise<Behaviour>, stop(): Promise<void> }>}
 */
export async function startSampleServiceProcess(behaviour) {
  const problem = behaviourProblem({ ...behaviour });
  if (problem) throw new Error(`sample service: ${problem}`);
  const args = [
    SCRIPT,
    ...['--port', '0'],
    ...['--error-rate', String(behaviour.errorRate)],
    ...['--latency-ms', String(behaviour.latencyMs)],
    ...['--jitter-ms', String(behaviour.jitterMs)],
  ];
  const child = await startChild(process.execPath, args);
  let url;
  try {
    const listening = stdoutLine(child, /listening on (http:\/\/\S+)/);
    url = await withTimeout(
      unlessExited(child, 'the sample service', listening),
      READY_TIMEOUT_MS,
      'the sample service listening',
    );
  } catch (error) {
    await child.stop();
    throw error;
  }
  return {
    url,
    pid: child.pid,
    async setBehaviour(change) {
      const response = await globalThis.fetch(`${url}/admin/behaviour`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(change),
      });
      const body = /** @type {any} */ (await response.json());
      if (!response.ok) throw new Error(`sample service refused the behaviour: ${body.error}`);
      return body;
    },
    stop: () => child.stop(),
  };
}

/** @param {string[]} argv */
async function main(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '0' },
      'error-rate': { type: 'string', default: '0' },
      'latency-ms': { type: 'string', default: '0' },
      'jitter-ms': { type: 'string', default: '0' },
    },
  });
  const behaviour = {
    errorRate: Number(values['error-rate']),
    latencyMs: Number(values['latency-ms']),
    jitterMs: Number(values['jitter-ms']),
  };
  const problem = behaviourProblem(behaviour);
  const port = Number(values.port);
  if (problem) throw new Error(problem);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a number from 0 to 65535, got ${values.port}`);
  }
  const server = createSampleServer(behaviour);
  await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  process.stdout.write(`listening on http://127.0.0.1:${address.port}\n`);
  const shutdown = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`sample-service: ${error instanceof Error ? error.message : error}\n`);
    process.exit(2);
  });
}
