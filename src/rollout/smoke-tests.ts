/**
 * Smoke tests: the `smoke-tests` YAML list, and running one test with its own attempt loop (every
 * failed expectation is worth another attempt while a new version warms up, not only 5xx answers).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseDuration } from '../core/duration.js';
import { describeThrown, InputError } from '../core/errors.js';
import { sendRequest } from '../core/http.js';
import { isKubernetesName, kubernetesNameProblem } from '../core/kubernetes-name.js';
import { httpUrlProblem } from '../core/url.js';

export type SmokeTarget =
  { kind: 'url'; url: string } | { kind: 'service'; service: string; port: string; path: string };

export interface JsonExpectation {
  path: string;
  segments: (string | number)[];
  expected: string;
}

export interface SmokeTest {
  name: string;
  target: SmokeTarget;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  expectStatus: number;
  expectBody: RegExp | undefined;
  expectJson: JsonExpectation[];
  maxLatencyMs: number | undefined;
  retries: number;
  intervalMs: number;
}

export const SMOKE_DEFAULTS = { retries: 2, intervalMs: 5_000, attemptTimeoutMs: 10_000 } as const;

const EXAMPLE = `- name: health
  url: https://staging.example.com/healthz
  expect-status: 200`;
const KEYS = new Set([
  'name',
  'url',
  'service',
  'path',
  'method',
  'headers',
  'body',
  'expect-status',
  'expect-body',
  'expect-json',
  'max-latency',
  'retries',
  'interval',
]);

function problem(where: string, text: string): InputError {
  return new InputError('smoke-tests', `${where} ${text}`, EXAMPLE);
}

export function parseSmokeTests(value: unknown): SmokeTest[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw problem('must be', 'a YAML list of tests.');
  const tests = value.map((item, index) => parseSmokeTest(item, index));
  const names = new Set<string>();
  for (const test of tests) {
    if (names.has(test.name))
      throw problem(`has two tests named '${test.name}';`, 'names must differ.');
    names.add(test.name);
  }
  return tests;
}

function parseSmokeTest(item: unknown, index: number): SmokeTest {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    throw problem(`item ${index + 1}`, 'must be a mapping with name and url (or service).');
  }
  const entry = item as Record<string, unknown>;
  const name = typeof entry.name === 'string' && entry.name.trim() ? entry.name.trim() : undefined;
  if (!name) throw problem(`item ${index + 1}`, 'needs a name.');
  const where = `test '${name}'`;
  const unknown = Object.keys(entry).filter((key) => !KEYS.has(key));
  if (unknown.length > 0) {
    throw problem(
      where,
      `has unknown key(s) ${unknown.join(', ')}; known: ${[...KEYS].join(', ')}.`,
    );
  }
  return {
    name,
    target: parseTarget(entry, where),
    method: parseMethod(entry.method, where),
    headers: parseHeaders(entry.headers, where),
    body: parseBody(entry.body, where),
    expectStatus: parseStatus(entry['expect-status'], where),
    expectBody: parseRegex(entry['expect-body'], where),
    expectJson: parseJsonExpectations(entry['expect-json'], where),
    maxLatencyMs:
      entry['max-latency'] === undefined
        ? undefined
        : parseTestDuration(entry['max-latency'], `${where} max-latency`),
    retries: parseRetries(entry.retries, where),
    intervalMs:
      entry.interval === undefined
        ? SMOKE_DEFAULTS.intervalMs
        : parseTestDuration(entry.interval, `${where} interval`),
  };
}

function parseTarget(entry: Record<string, unknown>, where: string): SmokeTarget {
  const { url, service, path } = entry;
  if ((url === undefined) === (service === undefined)) {
    throw problem(where, 'needs exactly one of url or service (name:port).');
  }
  if (url !== undefined) {
    if (path !== undefined)
      throw problem(where, 'has a path, which goes with service; put it in the url.');
    const urlProblem = typeof url === 'string' ? httpUrlProblem(url) : 'it is not text';
    if (urlProblem !== undefined) {
      throw problem(where, `has url '${String(url)}', which is not an http(s) URL: ${urlProblem}.`);
    }
    const parsed = new URL((url as string).trim());
    return { kind: 'url', url: parsed.href };
  }
  const match =
    typeof service === 'string'
      ? /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?):([A-Za-z0-9-]+)$/.exec(service)
      : null;
  // A Service name is a DNS-1035 label, as Kubernetes validates it.
  if (match && !isKubernetesName(match[1], { kind: 'label-1035' })) {
    throw problem(
      where,
      `has service '${String(service)}', whose name is not a Service name: ${kubernetesNameProblem(match[1], { kind: 'label-1035' })}.`,
    );
  }
  if (!match)
    throw problem(where, `has service '${String(service)}'; write it as name:port, e.g. web:8080.`);
  if (path !== undefined && (typeof path !== 'string' || !path.startsWith('/'))) {
    throw problem(where, `has path '${String(path)}', which must start with '/'.`);
  }
  return { kind: 'service', service: match[1], port: match[3], path: path ?? '/' };
}

function parseMethod(value: unknown, where: string): string {
  if (value === undefined) return 'GET';
  if (typeof value !== 'string' || !/^[A-Za-z]+$/.test(value)) {
    throw problem(where, `has method '${String(value)}'; use GET, POST, HEAD, …`);
  }
  return value.toUpperCase();
}

function parseHeaders(value: unknown, where: string): Record<string, string> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw problem(where, 'has headers that are not a mapping of name: value.');
  }
  const headers: Record<string, string> = {};
  for (const [key, raw] of Object.entries(value)) {
    if (!['string', 'number', 'boolean'].includes(typeof raw)) {
      throw problem(where, `has header '${key}' whose value is not text.`);
    }
    headers[key] = String(raw);
  }
  return headers;
}

function parseBody(value: unknown, where: string): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  throw problem(where, 'has a body that is neither text nor a mapping/list (sent as JSON).');
}

function parseStatus(value: unknown, where: string): number {
  if (value === undefined) return 200;
  const status = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    throw problem(where, `has expect-status '${String(value)}', which is not an HTTP status.`);
  }
  return status;
}

function parseRegex(value: unknown, where: string): RegExp | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw problem(where, 'has an expect-body that is not a regex string.');
  try {
    return new RegExp(value);
  } catch (error) {
    throw problem(
      where,
      `has expect-body '${value}', which is not a valid regex: ${describeThrown(error)}`,
    );
  }
}

function parseJsonExpectations(value: unknown, where: string): JsonExpectation[] {
  if (value === undefined) return [];
  const lines =
    typeof value === 'string'
      ? value.split(/\r?\n/)
      : Array.isArray(value) && value.every((line) => typeof line === 'string')
        ? (value as string[])
        : undefined;
  if (!lines) throw problem(where, 'has expect-json that is not path=value lines.');
  return lines
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const separator = line.indexOf('=');
      const path = line.slice(0, separator).trim();
      const segments = separator > 0 ? parseJsonPath(path) : undefined;
      if (!segments) {
        throw problem(
          where,
          `has expect-json line '${line}'; write path=value, e.g. status.ready=true or items[0].name=web.`,
        );
      }
      return { path, segments, expected: line.slice(separator + 1).trim() };
    });
}

/** `a.b[0].c` → ['a', 'b', 0, 'c']; undefined when it is not such a path. */
export function parseJsonPath(path: string): (string | number)[] | undefined {
  if (!/^[^.[\]]+(\[\d+\])*(\.[^.[\]]+(\[\d+\])*)*$/.test(path)) return undefined;
  const segments: (string | number)[] = [];
  for (const part of path.split('.')) {
    const [key, ...indexes] = part.split('[');
    segments.push(key);
    for (const index of indexes) segments.push(Number(index.slice(0, -1)));
  }
  return segments;
}

function parseRetries(value: unknown, where: string): number {
  if (value === undefined) return SMOKE_DEFAULTS.retries;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 100) {
    throw problem(where, `has retries '${String(value)}'; use a whole number from 0 to 100.`);
  }
  return value;
}

function parseTestDuration(value: unknown, where: string): number {
  const ms = typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms === undefined)
    throw problem(where, `'${String(value)}' is not a duration such as 500ms, 5s or 1m.`);
  return ms;
}

export interface SmokeResult {
  name: string;
  passed: boolean;
  status: number | undefined;
  latencyMs: number | undefined;
  attempts: number;
  /** Why the last attempt failed. */
  problem: string | undefined;
}

/** What a smoke test reads of an answer: fetch's Response has it, and so has core's. */
export interface SmokeAnswer {
  status: number;
  text(): Promise<string>;
}

export type FetchLike = (url: string, init: RequestInit) => Promise<SmokeAnswer>;

export interface RunSmokeOptions {
  /** Service targets only: turns service, port and path into a URL (the API server's proxy). */
  serviceUrl?: (target: Extract<SmokeTarget, { kind: 'service' }>) => string;
  /** Carries credentials for the service proxy; core's sendRequest (the runner's proxy) for URLs. */
  fetch?: FetchLike;
  attemptTimeoutMs?: number;
  signal?: AbortSignal;
  onAttempt?: (attempt: number, problem: string | undefined) => void;
}

export async function runSmokeTest(
  test: SmokeTest,
  options: RunSmokeOptions = {},
): Promise<SmokeResult> {
  const url = targetUrl(test.target, options);
  let last: Omit<SmokeResult, 'name' | 'attempts'> = {
    passed: false,
    status: undefined,
    latencyMs: undefined,
    problem: undefined,
  };
  const attempts = test.retries + 1;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    last = await attemptOnce(test, url, options);
    options.onAttempt?.(attempt, last.problem);
    if (last.passed || attempt === attempts || options.signal?.aborted) {
      return { name: test.name, attempts: attempt, ...last };
    }
    await sleep(test.intervalMs, undefined, { signal: options.signal }).catch(() => undefined);
  }
  return { name: test.name, attempts, ...last };
}

function targetUrl(target: SmokeTarget, options: RunSmokeOptions): string {
  if (target.kind === 'url') return target.url;
  if (!options.serviceUrl) throw new Error(`No way to reach service ${target.service} was given.`);
  return options.serviceUrl(target);
}

async function attemptOnce(test: SmokeTest, url: string, options: RunSmokeOptions) {
  const fetchFn: FetchLike = options.fetch ?? sendSmokeRequest;
  const timeoutMs = Math.max(
    options.attemptTimeoutMs ?? SMOKE_DEFAULTS.attemptTimeoutMs,
    test.maxLatencyMs ?? 0,
  );
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const headers = new Headers(test.headers);
  if (test.body !== undefined && !headers.has('content-type') && /^[[{]/.test(test.body)) {
    headers.set('content-type', 'application/json');
  }
  const started = performance.now();
  let status: number;
  let text: string;
  try {
    const response = await fetchFn(url, {
      method: test.method,
      headers,
      body: test.body,
      signal,
      redirect: 'follow',
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    const latencyMs = Math.round(performance.now() - started);
    const why = timeout.aborted ? `no answer within ${timeoutMs}ms` : describeFetchError(error);
    return { passed: false, status: undefined, latencyMs, problem: why };
  }
  const latencyMs = Math.round(performance.now() - started);
  const failure = judge(test, status, text, latencyMs);
  return { passed: failure === undefined, status, latencyMs, problem: failure };
}

/** The first unmet expectation, or undefined when the answer is good. */
export function judge(
  test: SmokeTest,
  status: number,
  body: string,
  latencyMs: number,
): string | undefined {
  if (status !== test.expectStatus) {
    return `status ${status}, expected ${test.expectStatus}${body ? `: ${excerpt(body)}` : ''}`;
  }
  if (test.maxLatencyMs !== undefined && latencyMs > test.maxLatencyMs) {
    return `took ${latencyMs}ms, more than max-latency ${test.maxLatencyMs}ms`;
  }
  if (test.expectBody && !test.expectBody.test(body)) {
    return `body does not match /${test.expectBody.source}/: ${excerpt(body)}`;
  }
  if (test.expectJson.length > 0) {
    let document: unknown;
    try {
      document = JSON.parse(body);
    } catch {
      return `body is not JSON: ${excerpt(body)}`;
    }
    for (const expectation of test.expectJson) {
      const actual = valueAt(document, expectation.segments);
      if (!jsonEquals(actual, expectation.expected)) {
        const shown = actual === undefined ? 'nothing' : JSON.stringify(actual);
        return `${expectation.path} is ${shown}, expected ${expectation.expected}`;
      }
    }
  }
  return undefined;
}

function valueAt(document: unknown, segments: readonly (string | number)[]): unknown {
  let current = document;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    if (typeof segment === 'number' && !Array.isArray(current)) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** `ready=true` means the boolean, `count=3` the number, `name=web` or `name="web"` the string. */
function jsonEquals(actual: unknown, expected: string): boolean {
  if (typeof actual === 'string') {
    return actual === expected || JSON.stringify(actual) === expected;
  }
  try {
    return JSON.stringify(actual) === JSON.stringify(JSON.parse(expected));
  } catch {
    return false;
  }
}

/** A URL target's request: core's, which follows redirects and takes the runner's proxy. */
function sendSmokeRequest(url: string, init: RequestInit): Promise<SmokeAnswer> {
  return sendRequest({
    method: init.method,
    url,
    headers: Object.fromEntries(new Headers(init.headers)),
    body: typeof init.body === 'string' ? init.body : undefined,
    signal: init.signal ?? new AbortController().signal,
  });
}

/**
 * The network error's code and message: its own (Node's, or core's naming the runner's proxy),
 * else the cause of fetch's "fetch failed".
 */
function describeFetchError(error: unknown): string {
  const own = error as { code?: unknown; message?: string } | undefined;
  const failure =
    typeof own?.code === 'string'
      ? own
      : ((error instanceof Error ? error.cause : undefined) as
          { code?: unknown; message?: string } | undefined);
  if (typeof failure?.code === 'string') {
    return `request failed: ${failure.code}${failure.message ? ` (${failure.message})` : ''}`;
  }
  return `request failed: ${describeThrown(error)}`;
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
