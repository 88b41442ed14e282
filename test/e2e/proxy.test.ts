import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO_ROOT } from '../../tools/actions.js';
import { createServingCertificate } from '../../tools/kube-sim/tls.js';
import { closedPort } from '../support/closed-port.js';
import { useFakeCodecov } from '../support/fake-codecov.js';
import {
  nonLoopbackAddress,
  startTinyproxy,
  TINYPROXY_TOOL,
  type TestProxy,
} from '../support/proxy.js';
import { runAction } from '../support/runner.js';
import { describeWithTool } from '../support/tools.js';

/**
 * A self-hosted runner behind a proxy gives every step http_proxy, https_proxy and no_proxy.
 * The bundles run as the runner runs them, their requests going through a real proxy
 * (tinyproxy) to servers on this machine's non-loopback address (loopback never takes a proxy).
 */

const COVERAGE = join(REPO_ROOT, 'actions/coverage');
const CANARY = join(REPO_ROOT, 'actions/canary');
const CODECOV_TOKEN = '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const PROXY_USER = 'runner';
const PROXY_PASSWORD = 'pr0xy-Pass-7731';
const LCOV = 'TN:\nSF:src/a.js\nDA:1,1\nDA:2,0\nend_of_record\n';
/** The cluster is never reached: canary asks Prometheus first, and its answer ends the run. */
const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{ name: nowhere, cluster: { server: "https://127.0.0.1:1" } }]
users: [{ name: ci, user: { token: ci-token } }]
contexts: [{ name: ci, context: { cluster: nowhere, user: ci } }]
current-context: ci
`;

describeWithTool(TINYPROXY_TOOL, 'bundles behind the runner’s proxy (real tinyproxy)', () => {
  const address = nonLoopbackAddress();
  const codecov = useFakeCodecov({
    repositories: [{ slug: 'octo-org/octo-service', token: CODECOV_TOKEN }],
    host: address,
  });
  let proxy: TestProxy;
  let prometheus: { url: string; caFile: string; server: Server; dir: string };

  beforeAll(async () => {
    proxy = await startTinyproxy({
      credentials: { username: PROXY_USER, password: PROXY_PASSWORD },
    });
    prometheus = await unauthorizedHttpsServer(address);
  });
  afterAll(async () => {
    await proxy?.stop();
    prometheus?.server.closeAllConnections();
    await new Promise((resolve) => prometheus?.server.close(resolve));
    await rm(prometheus?.dir ?? '', { recursive: true, force: true });
  });

  async function uploadCoverage(env: Record<string, string>) {
    const workspace = await mkdtemp(join(tmpdir(), 'coverage-proxy-'));
    await writeFile(join(workspace, 'lcov.info'), LCOV);
    return runAction(COVERAGE, {
      workspace,
      env,
      inputs: {
        files: 'lcov.info',
        codecov: 'true',
        'codecov-token': CODECOV_TOKEN,
        'codecov-url': codecov().url,
        'fail-on-upload-error': 'true',
      },
    });
  }

  it('coverage uploads to Codecov through an authenticating proxy and masks its password', async () => {
    const run = await uploadCoverage({ http_proxy: proxy.url, https_proxy: proxy.url });
    expect(run.main.exitCode, run.main.log).toBe(0);
    expect(codecov().uploads).toHaveLength(1);
    const through = await proxy.requests();
    expect(through.some((line) => line.startsWith(`POST ${codecov().url}/upload/`))).toBe(true);
    expect(through.some((line) => line.startsWith(`PUT ${codecov().url}/archive/`))).toBe(true);
    // The fake GitHub API is on loopback: reached directly, as the toolkit reaches it.
    expect(through.filter((line) => line.includes('127.0.0.1'))).toEqual([]);
    expect(run.main.masks).toContain(PROXY_PASSWORD);
    // The raw streams, not the masked log: nothing but the mask command itself may carry it.
    const unmasked = [
      ...run.main.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::')),
      run.main.stderr,
      run.main.summary,
      ...Object.values(run.main.outputs),
    ];
    expect(unmasked.filter((text) => text.includes(PROXY_PASSWORD))).toEqual([]);
  });

  it('coverage says the proxy wants credentials when its URL has none', async () => {
    const run = await uploadCoverage({ http_proxy: proxy.shownUrl });
    expect(run.main.exitCode).toBe(1);
    expect(codecov().uploads).toHaveLength(0);
    const errors = run.main.annotations.filter((a) => a.level === 'error');
    expect(errors.map((a) => a.message).join('\n')).toContain(
      `The upload did not get past the runner's proxy: POST ${codecov().url}/upload/`,
    );
    expect(run.main.log).toContain(
      "The runner's proxy (http_proxy / https_proxy) wants credentials: give them in its URL, http://user:password@proxy.example.com:3128.",
    );
  });

  async function queryPrometheus(env: Record<string, string>) {
    return runAction(CANARY, {
      env: { NODE_EXTRA_CA_CERTS: prometheus.caFile, ...env },
      inputs: {
        kubeconfig: KUBECONFIG,
        deployment: 'web',
        service: 'web',
        image: 'ghcr.io/octo-org/web:2',
        'prometheus-url': prometheus.url,
      },
    });
  }

  it('canary reaches an https Prometheus through a CONNECT tunnel, and directly when no_proxy lists it', async () => {
    const tunnel = `CONNECT ${new URL(prometheus.url).host}`;
    const before = (await proxy.requests()).filter((line) => line === tunnel).length;
    const proxied = await queryPrometheus({ https_proxy: proxy.url });
    expect(proxied.main.log).toMatch(/Prometheus at https:\/\/[\d.]+:\d+\/ answered HTTP 401/);
    const after = (await proxy.requests()).filter((line) => line === tunnel).length;
    expect(after).toBeGreaterThan(before);

    const direct = await queryPrometheus({ https_proxy: proxy.url, no_proxy: address });
    expect(direct.main.log).toMatch(/answered HTTP 401/);
    expect((await proxy.requests()).filter((line) => line === tunnel).length).toBe(after);
  });

  it('canary names the proxy that refused the tunnel, and the one that could not be reached', async () => {
    const refused = await queryPrometheus({ https_proxy: proxy.shownUrl });
    expect(refused.main.exitCode).toBe(1);
    expect(refused.main.log).toContain(
      `would not open a tunnel: it answered 407 Proxy Authentication Required`,
    );
    expect(refused.main.log).toContain(`the proxy ${proxy.shownUrl}`);
    expect(refused.main.log).toContain(
      "The runner's proxy (http_proxy / https_proxy) wants credentials: give them in its URL",
    );

    const nowhere = `http://127.0.0.1:${await closedPort()}/`;
    const unreachable = await queryPrometheus({ https_proxy: nowhere });
    expect(unreachable.main.exitCode).toBe(1);
    expect(unreachable.main.log).toContain(
      `connection refused (ECONNREFUSED) through the proxy ${nowhere}`,
    );
  });
});

/**
 * Prometheus behind an auth proxy, over TLS, answering every query 401: canary's first query
 * gets a real answer and the run ends there. Its certificate names `address`.
 */
async function unauthorizedHttpsServer(address: string) {
  const dir = await mkdtemp(join(tmpdir(), 'proxy-prometheus-'));
  const { cert, key } = await createServingCertificate({ addresses: [address] });
  const caFile = join(dir, 'ca.pem');
  await writeFile(caFile, cert);
  const server = createServer({ cert, key }, (request, response) => {
    request.resume();
    response.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized\n');
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `https://${address}:${port}`, caFile, server, dir };
}
