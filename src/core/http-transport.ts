/**
 * One HTTP exchange for core/http.ts on node:http / node:https, following redirects as fetch does.
 *
 * Not fetch: touching fetch (or Headers, Request, Response) loads Node's bundled undici together
 * with http2, worker_threads, perf_hooks and more, ~45 ms of the start of every step that makes a
 * single request; node:http costs ~8 ms. node:https adds tls and crypto (~15 ms), so each is
 * loaded on first use for its protocol and an http:// URL never loads TLS.
 *
 * Connections are kept alive by Node's default global agents (keepAlive since Node 19), or by the
 * proxy's agent when the runner's proxy applies (http-proxy.ts); a free socket is unref'd by the
 * agent, so it never keeps a finished step's process running.
 */
import type { IncomingMessage, OutgoingHttpHeaders, request as httpRequestFn } from 'node:http';
import { proxyRoute, ProxyRouteError } from './http-proxy.js';
import { redactUrl } from './url.js';

/** Response headers, read-only: names are case-insensitive; a repeated field reads as its values joined with ", ", as with fetch. */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface Exchange {
  method: string;
  url: URL;
  /** Lower-case names. */
  headers: Map<string, string>;
  body: string | Uint8Array | undefined;
}

export interface RawResponse {
  status: number;
  statusText: string;
  headers: ResponseHeaders;
  /** Not yet read; destroying it (or leaving a for-await over it) stops the download. */
  stream: IncomingMessage;
}

/** fetch's limit (Fetch standard, "HTTP-redirect fetch"). */
export const MAX_REDIRECTS = 20;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Dropped with the body when a redirect turns the request into a GET. */
const BODY_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
];
/** Credentials for the first origin only; another origin must not receive them. */
const ORIGIN_CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

/** Each exchange of `exchange` and its redirects stops with `signal`'s reason when it aborts. */
export async function send(exchange: Exchange, signal: AbortSignal): Promise<RawResponse> {
  let { method, url, body } = exchange;
  const headers = new Map(exchange.headers);
  for (let redirects = 0; ; redirects++) {
    const stream = await exchangeOnce(method, url, headers, body, signal);
    const status = stream.statusCode ?? 0;
    const location = REDIRECT_STATUSES.has(status) ? stream.headers.location : undefined;
    if (location === undefined) {
      const statusText = stream.statusMessage ?? '';
      return { status, statusText, headers: readHeaders(stream.rawHeaders), stream };
    }
    // A redirect's own body is only an explanation for browsers: discarded, which frees the socket.
    stream.resume();
    if (redirects === MAX_REDIRECTS) {
      // Shown like every URL in our messages: a signed URL's query values are credentials.
      const last = URL.canParse(location, url.href)
        ? redactUrl(new URL(location, url))
        : 'an invalid URL';
      throw new Error(`was redirected more than ${MAX_REDIRECTS} times (last to ${last})`);
    }
    const next = new URL(location, url);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new Error(`was redirected to an unsupported ${next.protocol} URL`);
    }
    if (
      ((status === 301 || status === 302) && method === 'POST') ||
      (status === 303 && method !== 'GET' && method !== 'HEAD')
    ) {
      method = 'GET';
      body = undefined;
      for (const name of BODY_HEADERS) headers.delete(name);
    }
    if (next.origin !== url.origin) {
      for (const name of ORIGIN_CREDENTIAL_HEADERS) headers.delete(name);
    }
    url = next;
  }
}

type RequestFunction = typeof httpRequestFn;
const loading = new Map<string, Promise<RequestFunction>>();

function requestFunction(protocol: string): Promise<RequestFunction> {
  let loaded = loading.get(protocol);
  if (!loaded) {
    loaded =
      protocol === 'https:'
        ? import('node:https').then((module) => module.request)
        : import('node:http').then((module) => module.request);
    loading.set(protocol, loaded);
  }
  return loaded;
}

async function exchangeOnce(
  method: string,
  url: URL,
  headers: Map<string, string>,
  body: string | Uint8Array | undefined,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const [request, route] = await Promise.all([requestFunction(url.protocol), proxyRoute(url)]);
  signal.throwIfAborted();
  const outgoing: OutgoingHttpHeaders = Object.fromEntries(headers);
  if (body !== undefined) outgoing['content-length'] = Buffer.byteLength(body);
  return new Promise((resolve, reject) => {
    let response: IncomingMessage | undefined;
    const client = request(url, { method, headers: outgoing, agent: route?.agent });
    const abort = () => {
      response?.destroy(signal.reason as Error);
      client.destroy(signal.reason as Error);
    };
    signal.addEventListener('abort', abort, { once: true });
    const release = () => signal.removeEventListener('abort', abort);
    client.on('error', (error) => {
      release();
      reject(route && !signal.aborted ? new ProxyRouteError(error, route.shown) : error);
    });
    client.on('response', (incoming) => {
      response = incoming;
      // The reader (a for-await, which sees errors on its own) may not be attached yet when an
      // abort destroys the stream; without a listener that error would crash the process.
      incoming.on('error', () => {});
      incoming.on('close', release);
      resolve(incoming);
    });
    client.end(body);
  });
}

/** From the raw list, so that repeated fields are all kept (IncomingMessage.headers drops some). */
function readHeaders(raw: string[]): ResponseHeaders {
  const values = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const previous = values.get(name);
    values.set(name, previous === undefined ? raw[i + 1] : `${previous}, ${raw[i + 1]}`);
  }
  return { get: (name) => values.get(name.toLowerCase()) ?? null };
}
