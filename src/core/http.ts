import * as core from '@actions/core';
import { ActionError, describeThrown } from './errors.js';
import { PROXY_CREDENTIALS_HINT, ProxyRouteError } from './http-proxy.js';
import { send, type RawResponse, type ResponseHeaders } from './http-transport.js';
import { describeGivingUp, formatRetry, retry, RetryError, type RetryOptions } from './retry.js';
import { maskSecrets, registerSecret } from './secrets.js';
import { redactUrl } from './url.js';

export type { ResponseHeaders } from './http-transport.js';

/**
 * Redirects are followed as fetch follows them (at most 20; authorization and cookie headers are
 * not sent to another origin). Nothing asks for a compressed body (no accept-encoding), so
 * nothing needs decompressing and maxResponseBytes counts the bytes that travel.
 */
export interface HttpRequestOptions {
  method?: string;
  /** Userinfo (`https://user:token@host/`) is sent as basic auth, never shown in errors. */
  url: string | URL;
  /** Names are case-insensitive. */
  headers?: Record<string, string>;
  /** Any other object is sent as JSON. */
  body?: string | Uint8Array | object;
  /** Per attempt, covering the whole response body; also bounded by the retry deadline. */
  timeoutMs?: number;
  /** A larger response fails the request instead of filling the runner's memory. */
  maxResponseBytes?: number;
  retry?: RetryOptions;
  /** Cancels the request and any retry wait; the signal's reason is thrown as is. */
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: ResponseHeaders;
  body: Buffer;
  text(): string;
  json<T = unknown>(): T;
}

export const HTTP_DEFAULTS = {
  timeoutMs: 30_000,
  maxResponseBytes: 10 * 1024 * 1024,
  retry: { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 15_000, deadlineMs: 120_000 },
} as const;

/** Enough of an error body to recognise the server's explanation without flooding the log. */
const EXCERPT_CHARS = 300;
const ERROR_BODY_BYTES = 64 * 1024;

export class HttpError extends ActionError {
  readonly method: string;
  /** Without userinfo, fragment or query values. */
  readonly url: string;
  /** Undefined when no response came back (network failure, timeout). */
  readonly status?: number;
  readonly bodyExcerpt?: string;
  /** From a Retry-After header. */
  readonly retryAfterMs?: number;
  /** The runner's proxy's answer when it would not open a tunnel (no response came back). */
  readonly proxyStatus?: number;
  /** The message without the method and URL in front. */
  readonly problem: string;

  constructor(
    fields: {
      method: string;
      url: string;
      status?: number;
      bodyExcerpt?: string;
      retryAfterMs?: number;
      proxyStatus?: number;
      problem: string;
      hint?: string;
    },
    options?: { cause?: unknown },
  ) {
    super(
      maskSecrets(`${fields.method} ${fields.url} ${fields.problem}`),
      fields.hint ?? hintFor(fields.status),
      options,
    );
    this.method = fields.method;
    this.url = fields.url;
    this.status = fields.status;
    this.bodyExcerpt =
      fields.bodyExcerpt === undefined ? undefined : maskSecrets(fields.bodyExcerpt);
    this.retryAfterMs = fields.retryAfterMs;
    this.proxyStatus = fields.proxyStatus;
    this.problem = maskSecrets(fields.problem);
  }
}

/** A per-attempt timeout; named like AbortSignal.timeout's error so isTransient retries it. */
export class HttpTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no complete response within the ${timeoutMs}ms timeout`);
    this.name = 'TimeoutError';
  }
}

/** A network failure with the system error code kept, so retry predicates can read it. */
export class HttpNetworkError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    options: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'HttpNetworkError';
  }
}

export async function httpRequest(options: HttpRequestOptions): Promise<HttpResponse> {
  const method = (options.method ?? 'GET').toUpperCase();
  const headers = requestHeaders(options.headers);
  const url = moveUserinfoToHeader(new URL(options.url), headers);
  const shownUrl = redactUrl(url);
  const body = encodeBody(options.body, headers);
  const timeoutMs = options.timeoutMs ?? HTTP_DEFAULTS.timeoutMs;
  const maxResponseBytes = options.maxResponseBytes ?? HTTP_DEFAULTS.maxResponseBytes;
  const target = { method, url, shownUrl, headers, body, maxResponseBytes };

  try {
    return await retry(
      ({ remainingMs }) =>
        attemptOnce(target, Math.max(1, Math.min(timeoutMs, remainingMs)), options.signal),
      {
        ...HTTP_DEFAULTS.retry,
        requestedDelayMs: (error) =>
          error instanceof HttpError && error.status === 503 ? error.retryAfterMs : undefined,
        onRetry: (event) => {
          const error = event.error instanceof HttpError ? event.error.problem : event.error;
          core.info(maskSecrets(`${method} ${shownUrl}: ${formatRetry({ ...event, error })}`));
        },
        ...options.retry,
        signal: options.signal,
      },
    );
  } catch (error) {
    if (options.signal?.aborted) throw error;
    if (error instanceof HttpError) throw error;
    if (error instanceof RetryError) {
      const last = error.lastError;
      const givingUp = describeGivingUp(error.attempts, error.elapsedMs, error.stoppedBecause);
      const problem = last instanceof HttpError ? last.problem : `failed: ${describeThrown(last)}`;
      throw new HttpError(
        {
          method,
          url: shownUrl,
          status: last instanceof HttpError ? last.status : undefined,
          bodyExcerpt: last instanceof HttpError ? last.bodyExcerpt : undefined,
          proxyStatus: last instanceof ProxyRouteError ? last.status : undefined,
          problem: `${problem}; ${givingUp}`,
          hint: last instanceof HttpError ? last.hint : UNAVAILABLE_HINT,
        },
        { cause: error },
      );
    }
    throw new HttpError(
      {
        method,
        url: shownUrl,
        problem: `failed: ${describeThrown(error)}`,
        // A proxy that would not open a tunnel: its 407 wants the same fix as a plain one's.
        proxyStatus: error instanceof ProxyRouteError ? error.status : undefined,
        hint: error instanceof ProxyRouteError ? hintFor(error.status) : undefined,
      },
      { cause: error },
    );
  }
}

/** An answer of any status, for callers that judge statuses themselves. */
export interface PlainAnswer {
  status: number;
  headers: ResponseHeaders;
  /** The whole body; read it (or the connection stays busy until the process ends). */
  text(): Promise<string>;
}

/**
 * One exchange and its redirects, without retries, where every status is an answer (smoke tests
 * judge the status themselves): httpRequest's headers, transport and proxy. A request that gets
 * no answer throws Node's network error (its `code` set), or the signal's reason.
 */
export async function sendRequest(options: {
  method?: string;
  url: string | URL;
  headers?: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}): Promise<PlainAnswer> {
  const headers = requestHeaders(options.headers);
  const url = moveUserinfoToHeader(new URL(options.url), headers);
  const method = (options.method ?? 'GET').toUpperCase();
  const body = encodeBody(options.body, headers);
  const response = await send({ method, url, headers, body }, options.signal);
  return {
    status: response.status,
    headers: response.headers,
    text: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of response.stream as AsyncIterable<Buffer>) chunks.push(chunk);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

interface Target {
  method: string;
  url: URL;
  shownUrl: string;
  /** Lower-case names. */
  headers: Map<string, string>;
  body: string | Uint8Array | undefined;
  maxResponseBytes: number;
}

async function attemptOnce(
  target: Target,
  timeoutMs: number,
  cancel?: AbortSignal,
): Promise<HttpResponse> {
  // One signal stops the exchange, its redirects and the body: the caller's or the timeout.
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(new HttpTimeoutError(timeoutMs)), timeoutMs);
  const onCancel = () => stop.abort(cancel?.reason);
  if (cancel?.aborted) onCancel();
  cancel?.addEventListener('abort', onCancel, { once: true });
  let response: RawResponse;
  let body: Buffer;
  try {
    response = await send(target, stop.signal);
    const ok = response.status >= 200 && response.status <= 299;
    body = ok
      ? await readBody(response, target.maxResponseBytes, target)
      : await readBody(response, Math.min(ERROR_BODY_BYTES, target.maxResponseBytes));
  } catch (error) {
    if (cancel?.aborted) throw cancel.reason;
    if (stop.signal.aborted) throw new HttpTimeoutError(timeoutMs);
    throw describeNetworkFailure(error);
  } finally {
    clearTimeout(timer);
    cancel?.removeEventListener('abort', onCancel);
  }
  if (response.status < 200 || response.status > 299) {
    throw new HttpError({
      method: target.method,
      url: target.shownUrl,
      status: response.status,
      bodyExcerpt: excerpt(body),
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
      problem: `returned ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${body.length > 0 ? `: ${excerpt(body)}` : ''}`,
    });
  }
  const { status, headers } = response;
  return {
    status,
    headers,
    body,
    text: () => body.toString('utf8'),
    json: <T>() => {
      try {
        return JSON.parse(body.toString('utf8')) as T;
      } catch (error) {
        throw new ActionError(
          maskSecrets(
            `${target.method} ${target.shownUrl} returned a body that is not JSON (${describeThrown(error)}): ${excerpt(body)}`,
          ),
        );
      }
    },
  };
}

/**
 * Reads at most `limit` bytes. With `tooLarge` a longer body fails the request; without it (error
 * responses, which we only quote) the rest is dropped.
 */
async function readBody(response: RawResponse, limit: number, tooLarge?: Target): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (tooLarge && declared > limit) {
    response.stream.destroy();
    throw responseTooLarge(tooLarge, limit, `it declares ${declared} bytes`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.stream as AsyncIterable<Buffer>) {
    const room = limit - total;
    if (chunk.byteLength > room) {
      // Leaving the loop destroys the stream, so the rest is never downloaded.
      if (tooLarge)
        throw responseTooLarge(
          tooLarge,
          limit,
          `it exceeded that after ${total + chunk.byteLength} bytes`,
        );
      chunks.push(chunk.subarray(0, room));
      total = limit;
      break;
    }
    chunks.push(chunk);
    total += chunk.byteLength;
  }
  return Buffer.concat(chunks, total);
}

function responseTooLarge(target: Target, limit: number, detail: string): HttpError {
  return new HttpError({
    method: target.method,
    url: target.shownUrl,
    problem: `returned a response larger than the ${limit}-byte limit (maxResponseBytes): ${detail}`,
    hint: 'Check that the URL points at the resource you meant; it is far larger than expected.',
  });
}

const NETWORK_PROBLEMS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ETIMEDOUT: 'connection timed out',
  EAI_AGAIN: 'DNS lookup failed for now',
  ENOTFOUND: 'host name not found',
  EPIPE: 'connection closed while sending',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENETDOWN: 'network down',
  ECONNABORTED: 'connection aborted',
};

/**
 * Node's messages ("connect ECONNREFUSED 127.0.0.1:8080", "socket hang up") read poorly in a
 * step's log; the system error code says it plainly and is kept for retry predicates.
 */
function describeNetworkFailure(error: unknown): unknown {
  if (typeof error !== 'object' || error === null || error instanceof HttpError) return error;
  if (error instanceof ProxyRouteError) {
    // A proxy's answer to CONNECT already reads well, and its status steers the retry.
    if (error.status !== undefined) return error;
    const described = describeNetworkFailure(error.cause);
    if (!(described instanceof HttpNetworkError)) return error;
    return new HttpNetworkError(
      `${described.message} through the proxy ${error.proxy}`,
      described.code,
      {
        cause: error,
      },
    );
  }
  // Happy eyeballs tries each address of a host and reports every failure together.
  const first = error instanceof AggregateError ? (error.errors[0] as { code?: unknown }) : {};
  const code = [(error as { code?: unknown }).code, first?.code].find(
    (c): c is string => typeof c === 'string',
  );
  if (code === undefined) return error;
  const problem = NETWORK_PROBLEMS[code] ?? describeThrown(error);
  return new HttpNetworkError(`${problem} (${code})`, code, { cause: error });
}

function hintFor(status: number | undefined): string | undefined {
  if (status === 401 || status === 403)
    return 'Check that the credentials are set and allowed to do this.';
  if (status === 404) return 'Check the URL and that the resource exists.';
  if (status === 407) return PROXY_CREDENTIALS_HINT;
  if (status !== undefined && status >= 500) return UNAVAILABLE_HINT;
  return undefined;
}

const UNAVAILABLE_HINT = 'The server may be unavailable; re-run the job later.';

/** A Map with lower-case names, as this module keeps request headers, or a fetch Headers. */
interface HeaderSet {
  has(name: string): boolean;
  set(name: string, value: string): unknown;
}

/**
 * fetch refuses URLs with credentials; sending them as basic auth is what curl and users expect.
 * Never in the URL itself, where error messages could show them.
 */
export function moveUserinfoToHeader(url: URL, headers: HeaderSet): URL {
  if (!url.username && !url.password) return url;
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const token = Buffer.from(`${user}:${password}`).toString('base64');
  registerSecret(password);
  registerSecret(token);
  if (!headers.has('authorization')) headers.set('authorization', `Basic ${token}`);
  const bare = new URL(url);
  bare.username = '';
  bare.password = '';
  return bare;
}

/**
 * Lower-case names, joining a field given twice in different cases as Headers would. fetch's
 * accept and user-agent defaults are kept: some servers (GitHub's API among them) refuse a request
 * without a user agent. Its accept-encoding is not (see http-transport.ts).
 */
function requestHeaders(given: Record<string, string> = {}): Map<string, string> {
  const headers = new Map([
    ['accept', '*/*'],
    ['user-agent', 'node'],
  ]);
  const seen = new Set<string>();
  for (const [name, raw] of Object.entries(given)) {
    const key = name.toLowerCase();
    // Leading and trailing whitespace dropped as fetch's Headers did (a token read from a file
    // often ends with a line break, which Node would refuse in a header).
    const value = raw.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
    headers.set(key, seen.has(key) ? `${headers.get(key)}, ${value}` : value);
    seen.add(key);
  }
  return headers;
}

/** Content types as fetch chose them, which servers have seen from us so far. */
function encodeBody(
  body: HttpRequestOptions['body'],
  headers: Map<string, string>,
): string | Uint8Array | undefined {
  if (body === undefined || body instanceof Uint8Array) return body;
  if (typeof body === 'string') {
    if (!headers.has('content-type')) headers.set('content-type', 'text/plain;charset=UTF-8');
    return body;
  }
  if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  return JSON.stringify(body);
}

function excerpt(body: Buffer): string {
  const text = body.toString('utf8').replace(/\s+/g, ' ').trim();
  const chars = Array.from(text);
  return chars.length > EXCERPT_CHARS ? `${chars.slice(0, EXCERPT_CHARS).join('')}…` : text;
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110, section 10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  // Date.parse reads a lone number such as "-5" as a year; an HTTP date always names its day.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
