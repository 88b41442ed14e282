// @ts-check
/**
 * The kubeconfig kube-sim writes for kubectl: one cluster, one token user, one context.
 */
import { writeFile, rename } from 'node:fs/promises';
import { stringify } from 'yaml';

/**
 * @param {{ url: string, token: string, caCertificate: string, name?: string }} options
 * @returns {string}
 */
export function kubeconfigText({ url, token, caCertificate, name = 'kube-sim' }) {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name,
        cluster: {
          server: url,
          'certificate-authority-data': Buffer.from(caCertificate).toString('base64'),
        },
      },
    ],
    users: [{ name, user: { token } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'default' } }],
    'current-context': name,
    preferences: {},
  });
}

/**
 * Written to a temporary name first so that a reader polling for the file never sees half of it.
 * @param {string} path
 * @param {string} text
 */
export async function writeKubeconfig(path, text) {
  const partial = `${path}.partial-${process.pid}`;
  await writeFile(partial, text, { mode: 0o600 });
  await rename(partial, path);
}
