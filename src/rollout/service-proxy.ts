import { readFile } from 'node:fs/promises';
import { ActionError } from '../core/errors.js';
import { parseYaml } from '../core/yaml.js';
import type { Settings } from './inputs.js';
import type { FetchLike } from './smoke-tests.js';

/**
 * Service smoke tests reach the service through the API server's proxy, with the kubeconfig's own
 * credentials and CA: the runner is usually outside the cluster network.
 */
interface ClusterAccess {
  server: string;
  namespace: string;
  ca: Buffer | undefined;
  token: string | undefined;
  cert: Buffer | undefined;
  key: Buffer | undefined;
}

/** Smoke tests of a service go through the API server's proxy with the kubeconfig's credentials. */
export async function serviceProxy(kubeconfigPath: string, settings: Settings) {
  if (!settings.smokeTests.some((test) => test.target.kind === 'service')) return {};
  const access = await readClusterAccess(kubeconfigPath, settings);
  return {
    serviceUrl: (target: { service: string; port: string; path: string }) =>
      `${access.server}/api/v1/namespaces/${access.namespace}/services/${target.service}:${target.port}/proxy${target.path}`,
    fetch: proxyFetch(access),
  };
}

type Entry = Record<string, unknown>;

async function readClusterAccess(path: string, settings: Settings): Promise<ClusterAccess> {
  const config = ((await parseYaml(await readFile(path, 'utf8'))) ?? {}) as Entry;
  const named = (list: unknown, name: unknown, field: string): Entry => {
    const found = (Array.isArray(list) ? (list as Entry[]) : []).find((e) => e.name === name);
    return (found?.[field] ?? {}) as Entry;
  };
  const contextName = settings.context ?? config['current-context'];
  const context = named(config.contexts, contextName, 'context');
  const cluster = named(config.clusters, context.cluster, 'cluster');
  const user = named(config.users, context.user, 'user');
  if (typeof cluster.server !== 'string') {
    throw new ActionError(
      `The kubeconfig has no server for context '${String(contextName)}', so services cannot be smoke-tested.`,
    );
  }
  const data = (value: unknown) =>
    typeof value === 'string' ? Buffer.from(value, 'base64') : undefined;
  const file = async (value: unknown) =>
    typeof value === 'string' ? await readFile(value) : undefined;
  return {
    server: cluster.server.replace(/\/+$/, ''),
    namespace:
      settings.namespace ?? (typeof context.namespace === 'string' ? context.namespace : 'default'),
    ca:
      data(cluster['certificate-authority-data']) ?? (await file(cluster['certificate-authority'])),
    token: typeof user.token === 'string' ? user.token : undefined,
    cert: data(user['client-certificate-data']) ?? (await file(user['client-certificate'])),
    key: data(user['client-key-data']) ?? (await file(user['client-key'])),
  };
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

function proxyFetch(access: ClusterAccess): FetchLike {
  return async (url, init) => {
    // Loaded on first use: node:https brings TLS and crypto, ~15 ms of every rollout's start-up,
    // and only service smoke tests go through the API server's proxy.
    const { request: send } = url.startsWith('https:')
      ? await import('node:https')
      : await import('node:http');
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((value, name) => (headers[name] = value));
      if (access.token) headers.authorization = `Bearer ${access.token}`;
      const request = send(
        url,
        {
          method: init.method ?? 'GET',
          headers,
          ca: access.ca,
          cert: access.cert,
          key: access.key,
          signal: init.signal ?? undefined,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const status = response.statusCode ?? 502;
            const body = NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks);
            resolve(new Response(body, { status }));
          });
        },
      );
      request.on('error', reject);
      request.end(typeof init.body === 'string' ? init.body : undefined);
    });
  };
}
