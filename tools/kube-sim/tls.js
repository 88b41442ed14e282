// @ts-check
/**
 * A throw-away self-signed serving certificate. kubectl only sends a bearer token over TLS (it
 * drops user credentials for plain-http servers), so the simulator must speak HTTPS.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * @param {{ addresses?: string[] }} [options] IP addresses the certificate names besides 127.0.0.1
 * @returns {Promise<{ cert: string, key: string }>} PEM texts; the certificate is its own CA
 */
export async function createServingCertificate(options = {}) {
  const names = [
    'IP:127.0.0.1',
    'DNS:localhost',
    ...(options.addresses ?? []).map((ip) => `IP:${ip}`),
  ];
  const dir = await mkdtemp(join(tmpdir(), 'kube-sim-tls-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '30',
      '-subj',
      '/CN=kube-sim',
      '-addext',
      `subjectAltName=${names.join(',')}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
    ]);
    return { cert: await readFile(certPath, 'utf8'), key: await readFile(keyPath, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
