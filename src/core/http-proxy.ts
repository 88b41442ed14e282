/**
 * The runner's proxy for our own HTTP requests. A self-hosted runner behind a proxy gives every
 * step `http_proxy`, `https_proxy` and `no_proxy`; the toolkit's http-client (and with it Octokit
 * and the actions users compare us with) follows them by the rules below, so a request of ours
 * goes where theirs would: the same variables, the same precedence, the same exceptions.
 *
 * The tunnel itself (CONNECT for https, absolute-URI requests for http, credentials from the
 * proxy URL) is Node's own proxy support, given to an agent per proxy (Node 24.5 and later).
 */
import type { Agent } from 'node:http';
import * as core from '@actions/core';
import { registerSecretWithDerivations } from './secrets.js';
import { redactUrl } from './url.js';

/** The variables a proxy is read from: process.env, or a table in tests. */
export type ProxyEnvironment = Readonly<Record<string, string | undefined>>;

/**
 * The proxy a request to `url` goes through, or undefined for a direct connection. Lower-case
 * variables win over upper-case ones (the runner sets the lower-case ones); a value without a
 * scheme is an http:// proxy.
 */
export function proxyFor(url: URL, env: ProxyEnvironment = process.env): URL | undefined {
  const value =
    url.protocol === 'https:'
      ? env.https_proxy || env.HTTPS_PROXY
      : env.http_proxy || env.HTTP_PROXY;
  if (!value || bypassesProxy(url, env.no_proxy || env.NO_PROXY || '')) return undefined;
  return parseProxyUrl(value, url.protocol === 'https:' ? 'https_proxy' : 'http_proxy');
}

/**
 * Loopback hosts always connect directly; so does a host `no_proxy` lists, by name or name:port,
 * or a subdomain of one (`example.com` and `.example.com` both cover `api.example.com`); `*`
 * covers every host. Case-insensitive; IP ranges are not understood, as in the toolkit.
 */
export function bypassesProxy(url: URL, noProxy: string): boolean {
  const host = url.hostname.toUpperCase();
  if (host === '') return false;
  if (host === 'LOCALHOST' || host.startsWith('127.') || host === '[::1]') return true;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const hosts = [host, `${host}:${port}`];
  return noProxy
    .split(',')
    .map((item) => item.trim().toUpperCase())
    .filter((item) => item !== '')
    .some(
      (item) =>
        item === '*' ||
        hosts.some(
          (candidate) =>
            candidate === item ||
            candidate.endsWith(`.${item}`) ||
            (item.startsWith('.') && candidate.endsWith(item)),
        ),
    );
}

/** A proxy variable's value as a URL; a value that is none is a ProxySettingError. */
function parseProxyUrl(value: string, variable: string): URL {
  const text = value.trim();
  const withScheme = text.includes('://') ? text : `http://${text}`;
  const url = URL.canParse(withScheme) ? new URL(withScheme) : undefined;
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    // Not repeated: the value may hold the proxy's password.
    throw new ProxySettingError(
      variable,
      `${variable} is not an http(s) proxy URL such as http://proxy.example.com:3128 (with user:password@ before the host if the proxy wants them)`,
    );
  }
  return url;
}

/** A proxy variable that cannot be used; the message names the variable, never its value. */
export class ProxySettingError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'ProxySettingError';
  }
}

/** What the runner's proxy wants when it answers 407; every action's message ends with it. */
export const PROXY_CREDENTIALS_HINT =
  "The runner's proxy (http_proxy / https_proxy) wants credentials: give them in its URL, http://user:password@proxy.example.com:3128.";

/** Where a request through a proxy goes first, and how messages show that proxy. */
export interface ProxyRoute {
  agent: Agent;
  /** The proxy URL without its credentials. */
  shown: string;
}

const agents = new Map<string, Agent>();
const warned = new Set<string>();

/** Each reason to connect directly is said once per step, not once per request. */
function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  core.warning(message);
}

/**
 * The route for a request to `url`: through the runner's proxy, or undefined to connect directly
 * (no proxy applies; or it cannot be used, which is said once as a warning: a value that is no
 * http(s) URL, or a Node that cannot tunnel). The proxy's password is masked before anything
 * could show it.
 */
export async function proxyRoute(
  url: URL,
  env: ProxyEnvironment = process.env,
  nodeVersion: string = process.versions.node,
): Promise<ProxyRoute | undefined> {
  let proxy: URL | undefined;
  try {
    proxy = proxyFor(url, env);
  } catch (error) {
    if (!(error instanceof ProxySettingError)) throw error;
    warnOnce(error.variable, `${error.message}; connecting directly.`);
    return undefined;
  }
  if (proxy === undefined) return undefined;
  if (proxy.password !== '') {
    registerSecretWithDerivations(proxy.password);
    registerSecretWithDerivations(decodedOrAsIs(proxy.password));
  }
  const shown = redactUrl(proxy);
  if (!canTunnel(nodeVersion)) {
    warnOnce(
      'node',
      `A proxy is set (${shown}), but Node ${nodeVersion} cannot send requests through one (24.5 and later can); connecting directly. Update the runner to get a newer Node 24.`,
    );
    return undefined;
  }
  const key = `${url.protocol} ${proxy.href}`;
  let agent = agents.get(key);
  if (agent === undefined) {
    try {
      agent = await proxyAgent(url.protocol, proxy);
    } catch (error) {
      // Node refuses a proxy URL it cannot use; its message may quote the credentials.
      const why = withoutCredentials((error as Error).message);
      const fix = error instanceof URIError ? ': write a % in its user or password as %25' : '';
      warnOnce(key, `The proxy ${shown} cannot be used (${why}${fix}); connecting directly.`);
      return undefined;
    }
    agents.set(key, agent);
  }
  return { agent, shown };
}

/** A percent-encoded password decoded, or as written when it is not valid percent-encoding. */
function decodedOrAsIs(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Any URL's `user:password@` cut out of a message. */
export function withoutCredentials(message: string): string {
  return message.replace(/\/\/[^/@\s]*@/g, '//');
}

/** Node's proxy support for http.Agent and https.Agent (`proxyEnv`): 22.21+, 24.5+, 25+. */
export function canTunnel(nodeVersion: string): boolean {
  const [major = 0, minor = 0] = nodeVersion.split('.').map(Number);
  if (major === 22) return minor >= 21;
  if (major === 24) return minor >= 5;
  return major >= 25;
}

async function proxyAgent(protocol: string, proxy: URL): Promise<Agent> {
  // Only this proxy, for every host: which hosts bypass it was decided above, by the toolkit's
  // rules rather than Node's own reading of NO_PROXY.
  if (protocol === 'https:') {
    const https = await import('node:https');
    return new https.Agent({ keepAlive: true, proxyEnv: { HTTPS_PROXY: proxy.href } } as object);
  }
  const http = await import('node:http');
  return new http.Agent({ keepAlive: true, proxyEnv: { HTTP_PROXY: proxy.href } } as object);
}

/**
 * A request that failed on its way through a proxy, naming the proxy: `code` is the network
 * error's, and `status` the proxy's answer when it would not open a tunnel (so a 502 from the
 * proxy is retried like any 5xx, a 407 is not).
 */
export class ProxyRouteError extends Error {
  readonly code: string | undefined;
  readonly status: number | undefined;

  constructor(
    cause: unknown,
    readonly proxy: string,
  ) {
    const { code, statusCode } = (cause ?? {}) as { code?: unknown; statusCode?: unknown };
    const status = code === 'ERR_PROXY_TUNNEL' ? Number(statusCode) : NaN;
    super(
      Number.isInteger(status)
        ? `the proxy ${proxy} would not open a tunnel: it answered ${tunnelStatusLine(cause)}`
        : `${withoutCredentials(cause instanceof Error ? cause.message : String(cause))} (through the proxy ${proxy})`,
      { cause },
    );
    this.name = 'ProxyRouteError';
    this.code = typeof code === 'string' ? code : undefined;
    this.status = Number.isInteger(status) ? status : undefined;
  }
}

/** "HTTP/1.0 407 Proxy Authentication Required" from Node's tunnel error, or its status alone. */
function tunnelStatusLine(error: unknown): string {
  const { message, statusCode } = error as { message: string; statusCode: number };
  const line = /HTTP\/\d(?:\.\d)? (\d{3}.*)$/.exec(message)?.[1];
  return line ?? String(statusCode);
}
