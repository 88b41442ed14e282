import { ActionError, describeThrown } from '../../core/errors.js';
import { HttpError, httpRequest } from '../../core/http.js';
import { PROXY_CREDENTIALS_HINT } from '../../core/http-proxy.js';
import { redactUrl } from '../../core/url.js';
import { maskSecrets, registerSecret } from '../../core/secrets.js';

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** One series' raw samples, oldest first. */
export interface SeriesSamples {
  labels: Record<string, string>;
  points: { atSeconds: number; value: number }[];
}

export interface PrometheusClientOptions {
  /** Prometheus' base URL, e.g. http://prometheus:9090 (a path prefix is kept). */
  url: string;
  /** Extra headers such as Authorization; their values are secrets. */
  headers?: Map<string, string> | Record<string, string>;
  /** Per attempt. */
  timeoutMs?: number;
}

export class PrometheusError extends ActionError {
  constructor(
    message: string,
    readonly query: string,
    hint?: string,
    options?: { cause?: unknown },
  ) {
    super(maskSecrets(message), hint, options);
  }
}

/** Two tries at most: the canary loop asks again at the next check anyway, and must stay on time. */
const ATTEMPTS = 2;
const RETRY_DELAY_MS = 250;

/** The HTTP instant-query API (GET /api/v1/query), which every Prometheus-compatible server has. */
export class PrometheusClient {
  private readonly baseUrl: URL;
  private readonly shownUrl: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;

  constructor(options: PrometheusClientOptions) {
    const base = URL.canParse(options.url) ? new URL(options.url) : undefined;
    // `prometheus:9090` parses as a URL with the scheme "prometheus:".
    if (base?.protocol !== 'http:' && base?.protocol !== 'https:') {
      throw new ActionError(
        `The Prometheus URL '${options.url}' is not an http(s) URL.`,
        'Give the base URL with its scheme, e.g. http://prometheus.monitoring:9090.',
      );
    }
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.baseUrl = base;
    this.shownUrl = redactUrl(this.baseUrl);
    this.headers = Object.fromEntries(
      options.headers instanceof Map ? options.headers : Object.entries(options.headers ?? {}),
    );
    for (const value of Object.values(this.headers)) registerSecret(value);
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  async query(promql: string): Promise<Sample[]> {
    return this.readResult(promql, await this.ask(promql, undefined));
  }

  /**
   * Every raw sample of the series `selector` matches within `rangeSeconds` before `atSeconds`
   * (a range vector evaluated at that instant): what aligning counters at one instant needs.
   */
  async series(
    selector: string,
    rangeSeconds: number,
    atSeconds: number,
  ): Promise<SeriesSamples[]> {
    const promql = `${selector}[${Math.max(1, Math.ceil(rangeSeconds))}s]`;
    return this.readMatrix(promql, await this.ask(promql, atSeconds));
  }

  private async ask(promql: string, atSeconds: number | undefined): Promise<unknown> {
    const url = new URL('api/v1/query', this.baseUrl);
    url.searchParams.set('query', promql);
    if (atSeconds !== undefined) url.searchParams.set('time', atSeconds.toFixed(3));
    let body: unknown;
    try {
      const response = await httpRequest({
        url,
        headers: { accept: 'application/json', ...this.headers },
        timeoutMs: this.timeoutMs,
        retry: {
          maxAttempts: ATTEMPTS,
          baseDelayMs: RETRY_DELAY_MS,
          maxDelayMs: RETRY_DELAY_MS,
          deadlineMs: ATTEMPTS * this.timeoutMs + RETRY_DELAY_MS,
        },
      });
      body = response.json();
    } catch (error) {
      throw this.describeFailure(promql, error);
    }
    return body;
  }

  private describeFailure(promql: string, error: unknown): PrometheusError {
    if (error instanceof HttpError && error.status !== undefined) {
      const explained = explainErrorBody(error.bodyExcerpt);
      const detail = explained ?? error.problem;
      return new PrometheusError(
        `Prometheus at ${this.shownUrl} answered HTTP ${error.status} to the query ${promql}: ${detail}`,
        promql,
        error.status === 400 || error.status === 422
          ? 'Check the PromQL: Prometheus could not run it.'
          : error.status === 401 || error.status === 403
            ? 'Check prometheus-headers: the credentials are missing or not allowed to query.'
            : error.status === 407
              ? PROXY_CREDENTIALS_HINT
              : 'Check that Prometheus is healthy; the next check will ask again.',
        { cause: error },
      );
    }
    if (error instanceof HttpError) {
      return new PrometheusError(
        `Prometheus at ${this.shownUrl} is unreachable: ${error.problem}`,
        promql,
        error.proxyStatus === 407
          ? PROXY_CREDENTIALS_HINT
          : 'Check prometheus-url and that Prometheus is running and reachable from the runner.',
        { cause: error },
      );
    }
    return new PrometheusError(
      `Prometheus at ${this.shownUrl} gave an unreadable answer to the query ${promql}: ${describeThrown(error)}`,
      promql,
      'Check that prometheus-url points at Prometheus itself, not at a UI or a proxy login page.',
      { cause: error },
    );
  }

  private failure(promql: string, problem: string, hint?: string): PrometheusError {
    return new PrometheusError(
      `Prometheus at ${this.shownUrl} ${problem} for the query ${promql}`,
      promql,
      hint,
    );
  }

  /** The `data` of a successful answer. */
  private dataOf(promql: string, body: unknown): { resultType?: unknown; result?: unknown } {
    const answer = body as {
      status?: unknown;
      errorType?: unknown;
      error?: unknown;
      data?: { resultType?: unknown; result?: unknown };
    } | null;
    if (answer?.status === 'error') {
      throw this.failure(
        promql,
        `returned an error (${String(answer.errorType)}: ${String(answer.error)})`,
      );
    }
    if (answer?.status !== 'success' || typeof answer.data !== 'object' || answer.data === null) {
      throw this.failure(promql, 'returned something that is not a Prometheus API answer');
    }
    return answer.data;
  }

  private readMatrix(promql: string, body: unknown): SeriesSamples[] {
    const { resultType, result } = this.dataOf(promql, body);
    if (resultType !== 'matrix' || !Array.isArray(result)) {
      throw this.failure(promql, `returned a ${String(resultType)} instead of a range vector`);
    }
    return (result as { metric?: Record<string, string>; values?: unknown[] }[]).map((entry) => ({
      labels: { ...entry.metric },
      points: (Array.isArray(entry.values) ? entry.values : [])
        .map((pair) => (Array.isArray(pair) ? [Number(pair[0]), parseValue(pair[1])] : [NaN, NaN]))
        .filter(([at, value]) => Number.isFinite(at) && Number.isFinite(value))
        .map(([at, value]) => ({ atSeconds: at, value })),
    }));
  }

  private readResult(promql: string, body: unknown): Sample[] {
    const fail = (problem: string, hint?: string) => this.failure(promql, problem, hint);
    const { resultType, result } = this.dataOf(promql, body);
    if (resultType === 'scalar' && Array.isArray(result)) {
      const value = parseValue(result[1]);
      return Number.isNaN(value) ? [] : [{ labels: {}, value }];
    }
    if (resultType !== 'vector' || !Array.isArray(result)) {
      throw fail(
        `returned a ${String(resultType)} instead of an instant vector`,
        'Write the query so that it gives one value per series at one instant (no [range] at the end).',
      );
    }
    const samples: Sample[] = [];
    for (const entry of result as { metric?: Record<string, string>; value?: unknown[] }[]) {
      const value = parseValue(entry.value?.[1]);
      // NaN is what 0/0 gives, e.g. an error ratio without requests: no data, not a number.
      if (!Number.isNaN(value)) samples.push({ labels: { ...entry.metric }, value });
    }
    return samples;
  }
}

/** Prometheus writes sample values as strings, with +Inf, -Inf and NaN spelled out. */
function parseValue(raw: unknown): number {
  if (raw === '+Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  return typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
}

/** Prometheus explains a refused query in its JSON error body. */
function explainErrorBody(excerpt: string | undefined): string | undefined {
  if (!excerpt) return undefined;
  try {
    const body = JSON.parse(excerpt) as { status?: unknown; errorType?: unknown; error?: unknown };
    if (body.status === 'error') return `${String(body.errorType)}: ${String(body.error)}`;
  } catch {
    // Not JSON, or cut short: the caller quotes the excerpt instead.
  }
  return undefined;
}
