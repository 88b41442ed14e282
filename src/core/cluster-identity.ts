/**
 * Which cluster a step talks to. A workflow that deploys to many clusters runs the same step once
 * per cluster, and a reader of the run must see which cluster each summary is about: the
 * kubeconfig context and the API server's host say that without showing any credential.
 */
import { readFile } from 'node:fs/promises';
import { asMapping, type Mapping } from './mapping.js';
import { parseYaml } from './yaml.js';

export interface ClusterIdentity {
  /** The context used: the context input, else the kubeconfig's current-context. */
  context: string | undefined;
  /** The API server's host and port from that context's cluster, e.g. api.eu.example.com:6443. */
  server: string | undefined;
}

/** The identity in a parsed kubeconfig; parts it does not name are undefined. */
export function clusterIdentity(config: unknown, context: string | undefined): ClusterIdentity {
  const kubeconfig = asMapping(config);
  const current = kubeconfig['current-context'];
  const name = context || (typeof current === 'string' && current !== '' ? current : undefined);
  const clusterName = asMapping(namedEntry(kubeconfig.contexts, name)?.context).cluster;
  const cluster = asMapping(
    namedEntry(kubeconfig.clusters, typeof clusterName === 'string' ? clusterName : undefined)
      ?.cluster,
  );
  return { context: name, server: hostOf(cluster.server) };
}

/**
 * The identity of the kubeconfig file kubectl is given. It only labels the report, so a file that
 * cannot be read or parsed gives what is known (the context input) instead of an error.
 */
export async function readClusterIdentity(
  kubeconfigPath: string,
  context: string | undefined,
): Promise<ClusterIdentity> {
  try {
    return clusterIdentity(await parseYaml(await readFile(kubeconfigPath, 'utf8')), context);
  } catch {
    return { context: context || undefined, server: undefined };
  }
}

/** One phrase for logs and summaries: `eu-west (api.eu.example.com:6443)`; undefined when unknown. */
export function describeCluster(identity: ClusterIdentity | undefined): string | undefined {
  if (!identity?.context && !identity?.server) return undefined;
  if (!identity.server) return identity.context;
  if (!identity.context) return identity.server;
  return `${identity.context} (${identity.server})`;
}

function namedEntry(list: unknown, name: string | undefined): Mapping | undefined {
  if (name === undefined || !Array.isArray(list)) return undefined;
  return list.map(asMapping).find((entry) => entry.name === name);
}

/** Only host and port: a path or a user name in the URL says nothing about which cluster it is. */
function hostOf(server: unknown): string | undefined {
  if (typeof server !== 'string' || server.trim() === '') return undefined;
  try {
    return new URL(server.trim()).host || undefined;
  } catch {
    return undefined;
  }
}
