/**
 * image failures that must still report: a promotion that stops part way says which tags moved
 * and which did not, in `refs`, `result` and the summary; a push the registry answers with 500
 * is retried, as promotion is.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RegistryClient } from '../../src/image/registry/client.js';
import { createBuildahEnvironment, type ContainersConfiguration } from '../support/buildah.js';
import {
  pushTestImage,
  REGISTRY_TOOL,
  registryDigest,
  startRegistry,
  type TestRegistry,
} from '../support/registry.js';
import { runAction } from '../support/runner.js';
import { describeWithTool } from '../support/tools.js';
import { IMAGE, buildContext, recordedEvent } from './image-support.js';

const tagPush = recordedEvent('push-tag-v1.2.3');
const TAGS = [
  'type=semver,pattern={{version}}',
  'type=semver,pattern={{major}}.{{minor}}',
  'type=semver,pattern={{major}}',
  'type=raw,value=latest',
].join('\n');

/** A proxy in front of the registry; `refuse` decides which requests get an error instead. */
async function startProxy(
  target: string,
  refuse: (method: string, path: string) => number | undefined,
): Promise<{ host: string; server: Server }> {
  const [hostname, port] = target.split(':');
  const server = createServer((req, res) => {
    const status = refuse(req.method ?? 'GET', req.url ?? '/');
    if (status) {
      req.resume();
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ errors: [{ code: 'DENIED', message: 'refused by the test proxy' }] }),
      );
      return;
    }
    const upstream = request(
      { hostname, port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describeWithTool(REGISTRY_TOOL, 'image bundle: a promotion that stops part way', () => {
  let registry: TestRegistry;
  let proxy: { host: string; server: Server };
  beforeAll(async () => {
    registry = await startRegistry();
    proxy = await startProxy(registry.host, (method, path) =>
      method === 'PUT' && path.endsWith('/manifests/1.2') ? 403 : undefined,
    );
  });
  afterAll(async () => {
    proxy?.server.close();
    await registry?.stop();
  });

  it('says in refs, result and the summary which of four tags moved', async () => {
    const client = new RegistryClient({ registry: registry.host });
    const built = await pushTestImage(
      client,
      'octo/partial',
      `sha-${tagPush.event.sha!.slice(0, 7)}`,
    );
    const run = await runAction(IMAGE, {
      ...tagPush,
      inputs: {
        images: `${proxy.host}/octo/partial`,
        tags: TAGS,
        'promote-from': `${proxy.host}/octo/partial:sha-{{sha}}`,
      },
    });

    expect(run.main.exitCode).toBe(1);
    expect(run.main.outputs.refs).toBe(`${proxy.host}/octo/partial:1.2.3`);
    const result = JSON.parse(run.main.outputs.result) as Record<string, unknown>;
    expect(result).toMatchObject({
      kind: 'promoted',
      outcome: 'failed',
      digest: built.digest,
      moved: [`${proxy.host}/octo/partial:1.2.3`],
      notMoved: ['1.2', '1', 'latest'].map((tag) => `${proxy.host}/octo/partial:${tag}`),
    });
    expect(run.main.summary).toMatch(/^<h3>❌ Promotion failed: 1 of 4 tag\(s\) moved to sha256:/);
    expect(run.main.summary.match(/✅ moved/g)).toHaveLength(1);
    expect(run.main.summary.match(/❌ not moved/g)).toHaveLength(3);
    const at = async (tag: string) => (await registryDigest(registry, 'octo/partial', tag)).digest;
    expect(await at('1.2.3')).toBe(built.digest);
    expect(await at('1.2')).toBeNull();
  });
});

describeWithTool(REGISTRY_TOOL, 'image bundle: buildah pushes retried on 5xx', () => {
  let registry: TestRegistry;
  let proxy: { host: string; server: Server };
  let containers: ContainersConfiguration;
  let refusedManifestPuts = 0;
  beforeAll(async () => {
    registry = await startRegistry();
    proxy = await startProxy(registry.host, (method, path) => {
      if (method !== 'PUT' || !path.includes('/manifests/')) return undefined;
      if (refusedManifestPuts >= 2) return undefined;
      refusedManifestPuts += 1;
      return 500;
    });
    containers = await createBuildahEnvironment([proxy.host]);
  });
  afterAll(async () => {
    proxy?.server.close();
    await registry?.stop();
    await containers?.remove();
  });

  it('pushes once the registry stops answering 500', async () => {
    const mainPush = recordedEvent('push-main');
    const run = await runAction(IMAGE, {
      ...mainPush,
      workspace: await buildContext(),
      env: { ...mainPush.env, ...containers.env },
      inputs: {
        images: `${proxy.host}/octo/retried`,
        tags: 'type=ref,event=branch',
        push: 'true',
        engine: 'buildah',
      },
      timeoutMs: 180_000,
    });
    expect(run.main.exitCode, run.main.log).toBe(0);
    expect(refusedManifestPuts).toBe(2);
    expect(run.main.log).toContain('the registry answered a server error; retry 2 of 3');
    expect(run.main.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await registryDigest(registry, 'octo/retried', 'main')).digest).toBe(
      run.main.outputs.digest,
    );
  }, 200_000);
});
