/**
 * What the kube-sim end-to-end tests do to a cluster themselves, the way a user would with
 * kubectl: write manifests, set up a namespace, look at an object. One version, so every test
 * sees the cluster through the same real kubectl and fails with kubectl's own message.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import YAML from 'yaml';

/** The real kubectl the simulator tests drive. */
export const KUBECTL = '/usr/bin/kubectl';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs kubectl against the kubeconfig kube-sim wrote into `dir`, with a cache dir of its own
 * there (kubectl caches discovery on disk), and resolves with the exit code instead of throwing.
 * Without a namespace no -n is passed: kubectl refuses a file whose objects name other
 * namespaces than an explicit -n, and cluster-scoped objects need none.
 */
export function kubectlAt(dir: string, args: string[], namespace?: string): Promise<KubectlResult> {
  const base = ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache')];
  if (namespace !== undefined) base.push('-n', namespace);
  return new Promise((resolve) => {
    execFile(KUBECTL, [...base, ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Objects as one multi-document YAML stream, as a team's manifest file holds them. */
export function yamlDocuments(documents: readonly object[]): string {
  return documents.map((document) => YAML.stringify(document)).join('---\n');
}

const namespaceObject = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name },
});

/** One kube-sim cluster as a test drives it; kubectl's failures fail the test with its stderr. */
export interface Kube {
  kubectl(args: string[], namespace?: string): Promise<KubectlResult>;
  /** Writes the objects to a new file in the cluster's directory; returns its path. */
  writeManifests(documents: readonly object[], name?: string): Promise<string>;
  /** `kubectl apply` of the objects, each in its own namespace or in `namespace`. */
  apply(documents: readonly object[], namespace?: string): Promise<void>;
  /**
   * A namespace of its own holding the objects (their metadata.namespace set to it), and each
   * of `rolledOut` (e.g. deployment/web) waited for until its rollout completes.
   */
  createNamespace(
    namespace: string,
    documents?: readonly object[],
    rolledOut?: readonly string[],
  ): Promise<void>;
  rolloutStatus(namespace: string, ref: string): Promise<void>;
  /** The object as JSON, or undefined when it does not exist. */
  getObject<T = KubeObject>(namespace: string, resource: string): Promise<T | undefined>;
  /** The object or list as JSON; the test fails when it does not exist. */
  getJson<T = KubeObject>(namespace: string, resource: string): Promise<T>;
}

/** The parts of an object most tests read. */
export interface KubeObject {
  metadata: {
    name?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  data?: Record<string, string>;
  spec?: {
    ports?: Array<{ port: number }>;
    template?: { spec: { containers: Array<{ name?: string; image: string }> } };
  };
}

/** The cluster whose kubeconfig kube-sim wrote into `dir` (kubeconfigPath: join(dir, 'kubeconfig')). */
export function kubeAt(dir: string): Kube {
  let files = 0;
  const kubectl = (args: string[], namespace?: string) => kubectlAt(dir, args, namespace);
  const succeed = async (args: string[], namespace?: string) => {
    const result = await kubectl(args, namespace);
    expect(result.code, `kubectl ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result.stdout;
  };
  const writeManifests = async (documents: readonly object[], name = 'manifests') => {
    const file = join(dir, `${name}-${++files}.yaml`);
    await writeFile(file, yamlDocuments(documents));
    return file;
  };
  const apply = async (documents: readonly object[], namespace?: string) => {
    await succeed(['apply', '-f', await writeManifests(documents, 'applied')], namespace);
  };
  const rolloutStatus = async (namespace: string, ref: string) => {
    await succeed(['rollout', 'status', ref, '--timeout=30s'], namespace);
  };
  const getObject = async <T>(namespace: string, resource: string) => {
    const stdout = await succeed(['get', resource, '--ignore-not-found', '-o', 'json'], namespace);
    return stdout.trim() === '' ? undefined : (JSON.parse(stdout) as T);
  };
  return {
    kubectl,
    writeManifests,
    apply,
    rolloutStatus,
    getObject,
    async getJson<T>(namespace: string, resource: string) {
      return JSON.parse(await succeed(['get', resource, '-o', 'json'], namespace)) as T;
    },
    async createNamespace(namespace, documents = [], rolledOut = []) {
      const inNamespace = documents.map((document) => ({
        ...document,
        metadata: { ...(document as { metadata?: object }).metadata, namespace },
      }));
      await apply([namespaceObject(namespace), ...inNamespace]);
      for (const ref of rolledOut) await rolloutStatus(namespace, ref);
    },
  };
}
