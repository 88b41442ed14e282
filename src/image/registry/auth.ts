import { ActionError, describeThrown } from '../../core/errors.js';
import { HttpError, httpRequest, sendRequest } from '../../core/http.js';
import { PROXY_CREDENTIALS_HINT, ProxyRouteError } from '../../core/http-proxy.js';
import { describeGivingUp, retry, RetryError } from '../../core/retry.js';
import { registerSecret } from '../../core/secrets.js';

/**
 * Registry authentication as docker, crane and skopeo do it: probe `GET /v2/`, read the
 * WWW-Authenticate challenge, then send Basic credentials or fetch a Bearer token from the
 * challenge's realm (distribution's token spec) and cache it per scope until it expires.
 */

export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface Challenge {
  /** Lowercase: 'basic', 'bearer', ... */
  scheme: string;
  /** Parameter names lowercase, values unquoted. */
  params: Record<string, string>;
}

/** Parses a WWW-Authenticate value (RFC 9110 §11.6.1), which may hold several challenges. */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let position = 0;
  const skip = (pattern: RegExp) => {
    while (position < header.length && pattern.test(header[position])) position++;
  };
  const readToken = (): string => {
    const start = position;
    skip(/[^\s,=]/);
    return header.slice(start, position);
  };
  while (position < header.length) {
    skip(/[\s,]/);
    const word = readToken();
    if (word === '') break;
    skip(/\s/);
    if (header[position] === '=' && challenges.length > 0) {
      position++;
      skip(/\s/);
      challenges[challenges.length - 1].params[word.toLowerCase()] = readValue();
      continue;
    }
    challenges.push({ scheme: word.toLowerCase(), params: {} });
  }
  return challenges;

  function readValue(): string {
    if (header[position] !== '"') return readToken();
    let value = '';
    position++;
    while (position < header.length && header[position] !== '"') {
      if (header[position] === '\\') position++;
      value += header[position] ?? '';
      position++;
    }
    position++;
    return value;
  }
}

/** `repository:<name>:<actions>`, the scope grammar of distribution's token spec. */
export function repositoryScope(repository: string, actions: string[]): string {
  return `repository:${repository}:${actions.join(',')}`;
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

/** A token is refreshed this long before it expires so a request never carries a stale one. */
const EXPIRY_MARGIN_MS = 10_000;
/** The token spec's default lifetime when the server names none. */
const DEFAULT_TOKEN_SECONDS = 60;
const PROBE_TIMEOUT_MS = 30_000;
/** Every attempt at reaching the registry ends within this, retries included. */
const PROBE_DEADLINE_MS = 60_000;

export class RegistryAuth {
  private challenge?: Promise<Challenge | undefined>;
  private readonly tokens = new Map<string, CachedToken>();
  private readonly basic?: string;

  constructor(
    private readonly registry: string,
    private readonly baseUrl: string,
    private readonly credentials?: RegistryCredentials,
    private readonly now: () => number = Date.now,
    /** How long one probe of /v2/ may wait, and all of them with retries. */
    private readonly probeLimits = { attemptMs: PROBE_TIMEOUT_MS, deadlineMs: PROBE_DEADLINE_MS },
  ) {
    if (credentials) {
      registerSecret(credentials.password);
      this.basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString(
        'base64',
      );
      registerSecret(this.basic);
    }
  }

  /** The Authorization header value for requests needing `scopes`, or undefined for none. */
  async authorization(scopes: string[]): Promise<string | undefined> {
    this.challenge ??= this.probe();
    const challenge = await this.challenge;
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') return this.basic && `Basic ${this.basic}`;
    if (challenge.scheme === 'bearer') return `Bearer ${await this.token(challenge, scopes)}`;
    throw new ActionError(
      `Registry ${this.registry} asks for '${challenge.scheme}' authentication, which is not supported.`,
      'Use a registry that offers Basic or Bearer (token) authentication, as Docker registries do.',
    );
  }

  /** Forgets cached tokens, e.g. after the registry rejected one. */
  forgetTokens(): void {
    this.tokens.clear();
  }

  /**
   * core's sendRequest rather than httpRequest: the challenge travels in the headers of a 401,
   * and httpRequest reports a 401 as an error without its headers. It takes the runner's proxy
   * as every request does; retries still follow the house rule (network errors and 5xx only).
   */
  private async probe(): Promise<Challenge | undefined> {
    const url = `${this.baseUrl}/v2/`;
    try {
      return await retry(
        async ({ remainingMs }) => {
          // No attempt outlasts the probe's deadline: a silent registry fails within it.
          const timeoutMs = Math.max(1, Math.min(this.probeLimits.attemptMs, remainingMs));
          const response = await sendRequest({ url, signal: AbortSignal.timeout(timeoutMs) });
          await response.text();
          if (response.status >= 200 && response.status <= 299) return undefined;
          const header = response.headers.get('www-authenticate');
          if (response.status === 401 && header) {
            const challenges = parseChallenges(header);
            return (
              challenges.find((c) => c.scheme === 'bearer') ??
              challenges.find((c) => c.scheme === 'basic') ??
              challenges[0]
            );
          }
          throw Object.assign(new Error(`GET ${url} returned ${response.status}`), {
            status: response.status,
          });
        },
        { maxAttempts: 4, baseDelayMs: 1_000, deadlineMs: this.probeLimits.deadlineMs },
      );
    } catch (error) {
      const last = error instanceof RetryError ? error.lastError : error;
      const givingUp =
        error instanceof RetryError
          ? `; ${describeGivingUp(error.attempts, error.elapsedMs, error.stoppedBecause)}`
          : '';
      throw new ActionError(
        `Could not reach registry ${this.registry} at ${url}: ${describeProbeFailure(last, this.probeLimits.attemptMs)}${givingUp}.`,
        last instanceof ProxyRouteError && last.status === 407
          ? PROXY_CREDENTIALS_HINT
          : this.baseUrl.startsWith('http:')
            ? 'Check that the registry is running and serves plain HTTP at that address.'
            : 'Check the registry host name; a registry without TLS must be marked insecure.',
        { cause: error },
      );
    }
  }

  private async token(challenge: Challenge, scopes: string[]): Promise<string> {
    const key = [...scopes].sort().join(' ');
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > this.now()) return cached.value;

    const realm = challenge.params.realm;
    if (!realm) {
      throw new ActionError(
        `Registry ${this.registry} asked for a Bearer token without naming a realm to get it from.`,
      );
    }
    const url = new URL(realm);
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    for (const scope of scopes) url.searchParams.append('scope', scope);

    let body: { token?: string; access_token?: string; expires_in?: number };
    try {
      const response = await httpRequest({
        url,
        headers: this.basic ? { authorization: `Basic ${this.basic}` } : {},
      });
      body = response.json();
    } catch (error) {
      if (error instanceof HttpError && (error.status === 401 || error.status === 403)) {
        throw new ActionError(
          this.credentials
            ? `Registry ${this.registry}: the token service at ${url.origin} rejected the username and password of '${this.credentials.username}' (HTTP ${error.status}).`
            : `Registry ${this.registry}: the token service at ${url.origin} refused an anonymous token (HTTP ${error.status}).`,
          'Set username and password to an account (or access token) that may pull and push these repositories.',
          { cause: error },
        );
      }
      throw error;
    }
    const value = body.token ?? body.access_token;
    if (typeof value !== 'string' || value === '') {
      throw new ActionError(
        `Registry ${this.registry}: the token service at ${url.origin} answered without a token.`,
      );
    }
    registerSecret(value);
    const seconds =
      typeof body.expires_in === 'number' && body.expires_in > 0
        ? body.expires_in
        : DEFAULT_TOKEN_SECONDS;
    this.tokens.set(key, { value, expiresAt: this.now() + seconds * 1_000 });
    return value;
  }
}

function describeProbeFailure(error: unknown, attemptMs: number): string {
  if ((error as { name?: unknown })?.name === 'TimeoutError') {
    return `no response within ${attemptMs / 1_000}s per attempt`;
  }
  if (!(error instanceof Error)) return describeThrown(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !error.message.includes(code)
    ? `${error.message} (${code})`
    : error.message;
}
