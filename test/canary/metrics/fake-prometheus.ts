import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Prometheus' HTTP API (GET /api/v1/query) that answers in its documented JSON
 * format: https://prometheus.io/docs/prometheus/latest/querying/api/#instant-queries.
 */
export interface FakeAnswer {
  status?: number;
  /** An object is sent as JSON, a string as is. */
  body: unknown;
  headers?: Record<string, string>;
}

export interface SeenRequest {
  path: string;
  query: string | null;
  /** The evaluation time asked for, if any. */
  time: string | null;
  headers: IncomingHttpHeaders;
}

export interface FakePrometheus {
  url: string;
  requests: SeenRequest[];
  /** Replaces how queries are answered. */
  answer(respond: (query: string, request: SeenRequest) => FakeAnswer): void;
  stop(): Promise<void>;
}

export type Series = [labels: Record<string, string>, value: number | string];

export function vector(series: Series[]): FakeAnswer {
  return {
    body: {
      status: 'success',
      data: {
        resultType: 'vector',
        result: series.map(([metric, value]) => ({
          metric,
          value: [1718000000.123, String(value)],
        })),
      },
    },
  };
}

export function prometheusError(status: number, errorType: string, error: string): FakeAnswer {
  return { status, body: { status: 'error', errorType, error } };
}

export async function startFakePrometheus(): Promise<FakePrometheus> {
  const requests: SeenRequest[] = [];
  let respond: (query: string, request: SeenRequest) => FakeAnswer = () => vector([]);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const seen = {
      path: url.pathname,
      query: url.searchParams.get('query'),
      time: url.searchParams.get('time'),
      headers: req.headers,
    };
    requests.push(seen);
    const answer =
      url.pathname === '/api/v1/query'
        ? respond(seen.query ?? '', seen)
        : { status: 404, body: '404 page not found' };
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    res.writeHead(answer.status ?? 200, {
      'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json',
      ...answer.headers,
    });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: (next) => {
      respond = next;
    },
    stop: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
