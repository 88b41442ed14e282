import { afterAll, beforeAll, expect, it } from 'vitest';
import { ActionError } from '../../../src/core/errors.js';
import { RegistryClient } from '../../../src/image/registry/client.js';
import { DEFAULT_IMMUTABLE } from '../../../src/image/registry/immutable.js';
import { planPromotion, promote } from '../../../src/image/registry/promote.js';
import { PartialPushError, type PushAction } from '../../../src/image/registry/push-plan.js';
import { parseReference } from '../../../src/core/image-reference.js';
import {
  countRequests,
  pushTestImage,
  REGISTRY_TOOL,
  registryDigest,
  startRegistry,
  type TestRegistry,
} from '../../support/registry.js';
import { describeWithTool } from '../../support/tools.js';
import { closedPort } from '../../support/closed-port.js';

describeWithTool(REGISTRY_TOOL, 'promotion against a real docker-registry', () => {
  let registry: TestRegistry;
  let client: RegistryClient;
  const ref = (text: string) => parseReference(`${registry.host}/${text}`);

  beforeAll(async () => {
    registry = await startRegistry();
    client = new RegistryClient({ registry: registry.host });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  /** The digest each tag has in the registry, read independently of the client under test. */
  async function digestsAt(repository: string, tags: string[]): Promise<Array<string | null>> {
    return Promise.all(
      tags.map(async (tag) => (await registryDigest(registry, repository, tag)).digest),
    );
  }

  it.each<[name: string, image: Parameters<typeof pushTestImage>[3], targetRepository: string]>([
    ['an OCI image manifest, same repository', {}, 'single'],
    ['an OCI image manifest, other repository (blob mount)', {}, 'promoted/single'],
    [
      'an OCI index of two platforms, same repository',
      { platforms: ['linux/amd64', 'linux/arm64'] },
      'multi',
    ],
    [
      'an OCI index of two platforms, other repository (children and blobs mounted)',
      { platforms: ['linux/amd64', 'linux/arm64'] },
      'promoted/multi',
    ],
    [
      'a Docker manifest list, other repository',
      { platforms: ['linux/amd64', 'linux/s390x'], format: 'docker' },
      'promoted/list',
    ],
    ['a Docker image manifest, other repository', { format: 'docker' }, 'promoted/docker'],
  ])(
    'promotes %s to several tags with the digest unchanged',
    async (name, image, targetRepository) => {
      const sourceRepository = targetRepository.replace(/^promoted\//, '');
      const pushed = await pushTestImage(client, sourceRepository, 'sha-1a2b3c4', {
        ...image,
        content: name,
      });
      const tags = ['1.2.3', '1.2', '1', 'latest'];

      const plan = await planPromotion(
        client,
        ref(`${sourceRepository}:sha-1a2b3c4`),
        tags.map((tag) => ref(`${targetRepository}:${tag}`)),
      );
      expect(plan.source).toMatchObject({ digest: pushed.digest, mediaType: pushed.mediaType });
      expect(plan.targets.map((t) => t.action)).toEqual(['create', 'create', 'create', 'create']);

      const result = await promote(plan, client);
      expect(result.digest).toBe(pushed.digest);
      expect(result.refs).toEqual(tags.map((tag) => `${registry.host}/${targetRepository}:${tag}`));
      expect(await digestsAt(targetRepository, tags)).toEqual(tags.map(() => pushed.digest));
      const copied = await registryDigest(registry, targetRepository, '1.2.3');
      expect(copied.bytes.equals(pushed.bytes)).toBe(true);
      // An index is only usable if its platform images exist in the target repository too.
      expect(await digestsAt(targetRepository, pushed.children)).toEqual(pushed.children);
      if (targetRepository !== sourceRepository) {
        // Mounted, not uploaded: the registry linked each blob from the source repository.
        const mounts = await countRequests(
          registry,
          'POST',
          `/v2/${targetRepository}/blobs/uploads/?mount=`,
          201,
        );
        const uploads = await countRequests(
          registry,
          'PUT',
          `/v2/${targetRepository}/blobs/uploads/`,
        );
        expect([mounts, uploads]).toEqual([pushed.blobs.length, 0]);
      }
      for (const blob of pushed.blobs) {
        const response = await fetch(`${registry.url}/v2/${targetRepository}/blobs/${blob}`, {
          method: 'HEAD',
        });
        expect(response.status, blob).toBe(200);
      }
    },
  );

  it('re-promoting the same digest is reported unchanged and writes nothing', async () => {
    const pushed = await pushTestImage(client, 'again', 'sha-1', { content: 'again' });
    const targets = [ref('again:1.0.0'), ref('again:latest')];
    await promote(await planPromotion(client, ref('again:sha-1'), targets), client);
    const putsBefore = await countRequests(registry, 'PUT', '/v2/again/manifests/');

    const second = await planPromotion(client, ref('again:sha-1'), targets);
    expect(second.targets).toEqual([
      { reference: ref('again:1.0.0'), current: pushed.digest, action: 'unchanged' },
      { reference: ref('again:latest'), current: pushed.digest, action: 'unchanged' },
    ]);
    const result = await promote(second, client, { immutable: [DEFAULT_IMMUTABLE] });
    expect(result).toEqual({
      digest: pushed.digest,
      refs: [`${registry.host}/again:1.0.0`, `${registry.host}/again:latest`],
      written: [],
    });
    expect(await countRequests(registry, 'PUT', '/v2/again/manifests/')).toBe(putsBefore);
  });

  it('plans create, move and unchanged per tag and moves floating tags', async () => {
    const old = await pushTestImage(client, 'moving', 'sha-old', { content: 'old build' });
    await promote(
      await planPromotion(client, ref('moving:sha-old'), [ref('moving:1'), ref('moving:1.0.0')]),
      client,
    );
    const fresh = await pushTestImage(client, 'moving', 'sha-new', { content: 'new build' });
    await promote(
      await planPromotion(client, ref('moving:sha-new'), [ref('moving:1.1.0')]),
      client,
    );

    const plan = await planPromotion(client, ref('moving:sha-new'), [
      ref('moving:1.1.0'),
      ref('moving:1'),
      ref('moving:latest'),
      ref('moving:latest'),
    ]);
    expect(
      plan.targets.map((t): [string | undefined, PushAction, string | undefined] => [
        t.reference.tag,
        t.action,
        t.current,
      ]),
    ).toEqual([
      ['1.1.0', 'unchanged', fresh.digest],
      ['1', 'move', old.digest],
      ['latest', 'create', undefined],
    ]);
    const result = await promote(plan, client, { immutable: [DEFAULT_IMMUTABLE] });
    expect(result.written).toEqual([`${registry.host}/moving:1`, `${registry.host}/moving:latest`]);
    expect(await digestsAt('moving', ['1', 'latest', '1.0.0'])).toEqual([
      fresh.digest,
      fresh.digest,
      old.digest,
    ]);
  });

  it('says which tags moved and which did not when a write fails part way', async () => {
    const built = await pushTestImage(client, 'partial', 'sha-abc', { content: 'partial' });
    const tags = ['1.2.3', '1.2', '1', 'latest'];
    const plan = await planPromotion(
      client,
      ref('partial:sha-abc'),
      tags.map((tag) => ref(`partial:${tag}`)),
    );
    // The registry refuses the second tag's write.
    const failing = Object.create(client) as RegistryClient;
    failing.putManifest = (repository, tag, ...rest) =>
      tag === '1.2'
        ? Promise.reject(new Error('registry answered 403 DENIED'))
        : client.putManifest(repository, tag, ...rest);

    const error = await promote(plan, failing).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(PartialPushError);
    const partial = error as PartialPushError;
    expect(partial.moved).toEqual([`${registry.host}/partial:1.2.3`]);
    expect(partial.notMoved).toEqual(
      ['1.2', '1', 'latest'].map((t) => `${registry.host}/partial:${t}`),
    );
    expect(partial.message).toContain('403 DENIED');
    expect(await digestsAt('partial', tags)).toEqual([built.digest, null, null, null]);
  });

  it('refuses to move an immutable tag before writing anything', async () => {
    const released = await pushTestImage(client, 'frozen', 'sha-a', { content: 'released 2.0.0' });
    await promote(await planPromotion(client, ref('frozen:sha-a'), [ref('frozen:2.0.0')]), client);
    await pushTestImage(client, 'frozen', 'sha-b', { content: 'a different build' });
    const putsBefore = await countRequests(registry, 'PUT', '/v2/frozen/manifests/');

    const plan = await planPromotion(client, ref('frozen:sha-b'), [
      ref('frozen:latest'),
      ref('frozen:2.0.0'),
    ]);
    const error = await promote(plan, client, { immutable: [DEFAULT_IMMUTABLE] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).message).toContain(
      'Refusing to move immutable tags; nothing was pushed',
    );
    expect((error as ActionError).message).toContain(
      `${registry.host}/frozen:2.0.0 is immutable (matches ${String(DEFAULT_IMMUTABLE)}) and already points to ${released.digest}`,
    );
    expect(await countRequests(registry, 'PUT', '/v2/frozen/manifests/')).toBe(putsBefore);
    expect(await digestsAt('frozen', ['2.0.0', 'latest'])).toEqual([released.digest, null]);
  });

  it('promotes a source named by digest, and a source without a tag as latest', async () => {
    const pushed = await pushTestImage(client, 'bydigest', 'latest', { content: 'by digest' });
    const byDigest = await planPromotion(client, ref(`bydigest@${pushed.digest}`), [
      ref('bydigest:3.0.0'),
    ]);
    expect(byDigest.source).toMatchObject({ digest: pushed.digest });
    expect(byDigest.source.tag).toBeUndefined();
    const implicit = await planPromotion(client, ref('bydigest'), [ref('bydigest:3.0.0')]);
    expect(implicit.source).toMatchObject({ digest: pushed.digest, tag: 'latest' });
    await promote(byDigest, client);
    expect(await digestsAt('bydigest', ['3.0.0'])).toEqual([pushed.digest]);
  });

  it.each<[name: string, source: string, targets: string[], message: RegExp]>([
    [
      'a missing tag',
      'nothing-here:sha-0000000',
      ['nothing-here:1.0.0'],
      /^Source image 127\.0\.0\.1:\d+\/nothing-here:sha-0000000 not found in registry 127\.0\.0\.1:\d+\.$/,
    ],
    [
      'a missing digest',
      `nothing-here@sha256:${'0'.repeat(64)}`,
      ['nothing-here:1.0.0'],
      /^Source image 127\.0\.0\.1:\d+\/nothing-here@sha256:0{64} not found/,
    ],
    ['a target without a tag', 'x:1', ['x'], /a promotion target is a tag without a digest/],
  ])('fails clearly for %s', async (_name, source, targets, message) => {
    const error = await planPromotion(client, ref(source), targets.map(ref)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ActionError);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses to promote to another registry', async () => {
    const error = await planPromotion(client, ref('app:1'), [
      parseReference('ghcr.io/org/app:1'),
    ]).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /promotion copies manifests within one registry, and ghcr\.io is not 127\.0\.0\.1:\d+/,
    );
  });

  it('explains MANIFEST_BLOB_UNKNOWN when a manifest refers to missing content', async () => {
    const missing = `sha256:${'f'.repeat(64)}`;
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: missing, size: 2 },
        layers: [],
      }),
    );
    const error = await client
      .putManifest('broken', '1.0.0', manifest, 'application/vnd.oci.image.manifest.v1+json')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect((error as Error).message).toMatch(
      /^Registry 127\.0\.0\.1:\d+ refused to push broken:1\.0\.0: the manifest refers to layers, config or child manifests that the repository does not hold \(MANIFEST_BLOB_UNKNOWN\)\.$/,
    );
  });

  it('reports an unreachable registry with the address it tried', async () => {
    const nobody = new RegistryClient({ registry: `127.0.0.1:${await closedPort()}` });
    const error = await nobody.headManifest('app', '1').catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /^Could not reach registry 127\.0\.0\.1:\d+ at http:\/\/127\.0\.0\.1:\d+\/v2\/: .*ECONNREFUSED/,
    );
  });
});
