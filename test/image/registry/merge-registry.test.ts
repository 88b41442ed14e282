import { afterAll, beforeAll, expect, it } from 'vitest';
import { ActionError } from '../../../src/core/errors.js';
import { parseReference } from '../../../src/core/image-reference.js';
import { RegistryClient } from '../../../src/image/registry/client.js';
import { DEFAULT_IMMUTABLE } from '../../../src/image/registry/immutable.js';
import { MEDIA_TYPES } from '../../../src/image/registry/manifest.js';
import { mergePlatformImages, planMerge } from '../../../src/image/registry/merge.js';
import { parseMergeSourceLines } from '../../../src/image/registry/merge-sources.js';
import {
  countRequests,
  pushPlatformImage,
  REGISTRY_TOOL,
  registryDigest,
  startRegistry,
  type TestRegistry,
} from '../../support/registry.js';
import { describeWithTool } from '../../support/tools.js';

interface ReadIndex {
  mediaType: string;
  manifests: Array<{
    mediaType: string;
    digest: string;
    size: number;
    platform?: { os: string; architecture: string; variant?: string };
    annotations?: Record<string, string>;
  }>;
}

describeWithTool(REGISTRY_TOOL, 'merging platform images in a real docker-registry', () => {
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

  /** The manifest a tag or digest names, read independently of the client under test. */
  async function read(repository: string, reference: string) {
    const found = await registryDigest(registry, repository, reference);
    return {
      status: found.status,
      digest: found.digest,
      index: found.status === 200 ? (JSON.parse(found.bytes.toString('utf8')) as ReadIndex) : null,
    };
  }

  it('merges images pushed by digest only into one index under two tags, then re-runs idempotently', async () => {
    const amd64 = await pushPlatformImage(client, 'app', { platform: 'linux/amd64' });
    const arm64 = await pushPlatformImage(client, 'app', { platform: 'linux/arm64' });
    const armv7 = await pushPlatformImage(client, 'app', { platform: 'linux/arm/v7' });
    // Pushed by digest: the legs created no tag.
    expect((await read('app', 'latest')).status).toBe(404);

    const sources = parseMergeSourceLines(
      'merge-digests',
      [arm64.digest, armv7.digest, amd64.digest].join('\n'),
    );
    const targets = [ref('app:1.0.0'), ref('app:latest')];
    const result = await mergePlatformImages(client, sources, targets, {
      immutable: [DEFAULT_IMMUTABLE],
    });

    expect(result.mediaType).toBe(MEDIA_TYPES.ociIndex);
    expect(result.refs).toEqual([`${registry.host}/app:1.0.0`, `${registry.host}/app:latest`]);
    expect(result.written).toEqual(result.refs);
    expect(result.platforms).toEqual([
      {
        platform: 'linux/amd64',
        digest: amd64.digest,
        source: `${registry.host}/app@${amd64.digest} (line 3 of merge-digests)`,
      },
      {
        platform: 'linux/arm/v7',
        digest: armv7.digest,
        source: `${registry.host}/app@${armv7.digest} (line 2 of merge-digests)`,
      },
      {
        platform: 'linux/arm64',
        digest: arm64.digest,
        source: `${registry.host}/app@${arm64.digest} (line 1 of merge-digests)`,
      },
    ]);
    for (const tag of ['1.0.0', 'latest']) {
      const { digest, index } = await read('app', tag);
      expect(digest).toBe(result.digest);
      expect(index?.mediaType).toBe(MEDIA_TYPES.ociIndex);
      expect(index?.manifests).toEqual([
        {
          mediaType: MEDIA_TYPES.ociManifest,
          digest: amd64.digest,
          size: amd64.bytes.length,
          platform: { architecture: 'amd64', os: 'linux' },
        },
        {
          mediaType: MEDIA_TYPES.ociManifest,
          digest: armv7.digest,
          size: armv7.bytes.length,
          platform: { architecture: 'arm', os: 'linux', variant: 'v7' },
        },
        {
          mediaType: MEDIA_TYPES.ociManifest,
          digest: arm64.digest,
          size: arm64.bytes.length,
          platform: { architecture: 'arm64', os: 'linux' },
        },
      ]);
    }

    // The re-run (the legs' digests in another order) composes the same bytes and writes nothing,
    // not even to the immutable 1.0.0, which it finds at the same digest.
    const putsBefore = await countRequests(registry, 'PUT', '/v2/app/manifests/');
    const again = await mergePlatformImages(client, [...sources].reverse(), targets, {
      immutable: [DEFAULT_IMMUTABLE],
    });
    expect(again.digest).toBe(result.digest);
    expect(again.written).toEqual([]);
    expect(again.refs).toEqual(result.refs);
    expect(await countRequests(registry, 'PUT', '/v2/app/manifests/')).toBe(putsBefore);
  });

  it('merges Docker v2 manifests into a Docker manifest list', async () => {
    const amd64 = await pushPlatformImage(client, 'classic', {
      platform: 'linux/amd64',
      format: 'docker',
    });
    const s390x = await pushPlatformImage(client, 'classic', {
      platform: 'linux/s390x',
      format: 'docker',
    });
    const result = await mergePlatformImages(
      client,
      [{ digest: amd64.digest }, { digest: s390x.digest }],
      [ref('classic:edge')],
    );
    const { digest, index } = await read('classic', 'edge');
    expect(digest).toBe(result.digest);
    expect(index?.mediaType).toBe(MEDIA_TYPES.dockerList);
    expect(index?.manifests.map((m) => [m.mediaType, m.digest])).toEqual([
      [MEDIA_TYPES.dockerManifest, amd64.digest],
      [MEDIA_TYPES.dockerManifest, s390x.digest],
    ]);
  });

  it('copies sources from another repository into every target repository by mounting', async () => {
    const amd64 = await pushPlatformImage(client, 'staging/svc', { platform: 'linux/amd64' });
    const arm64 = await pushPlatformImage(client, 'staging/svc', { platform: 'linux/arm64' });
    const sources = [ref(`staging/svc@${amd64.digest}`), ref(`staging/svc@${arm64.digest}`)];
    const targets = [ref('release/svc:1.4.0'), ref('release/svc:1.4'), ref('mirror/svc:1.4.0')];

    const result = await mergePlatformImages(client, sources, targets);

    expect(result.refs).toEqual([
      `${registry.host}/release/svc:1.4.0`,
      `${registry.host}/release/svc:1.4`,
      `${registry.host}/mirror/svc:1.4.0`,
    ]);
    for (const repository of ['release/svc', 'mirror/svc']) {
      // The platform images are in the target repository, so the index there is usable.
      expect((await read(repository, amd64.digest)).digest).toBe(amd64.digest);
      expect((await read(repository, arm64.digest)).digest).toBe(arm64.digest);
      const mounts = await countRequests(
        registry,
        'POST',
        `/v2/${repository}/blobs/uploads/?mount=`,
        201,
      );
      const uploads = await countRequests(registry, 'PUT', `/v2/${repository}/blobs/uploads/`);
      expect([mounts, uploads]).toEqual([amd64.blobs.length + arm64.blobs.length, 0]);
      for (const blob of [...amd64.blobs, ...arm64.blobs]) {
        const response = await fetch(`${registry.url}/v2/${repository}/blobs/${blob}`, {
          method: 'HEAD',
        });
        expect(response.status, blob).toBe(200);
      }
    }
    expect((await read('mirror/svc', '1.4.0')).digest).toBe(result.digest);
    // Nothing was written to the source repository.
    expect((await read('staging/svc', '1.4.0')).status).toBe(404);
  });

  it('keeps the attestation manifests buildx pushes with provenance, attached to their images', async () => {
    const amd64 = await pushPlatformImage(client, 'build/attested', {
      platform: 'linux/amd64',
      attestation: true,
    });
    const arm64 = await pushPlatformImage(client, 'build/attested', {
      platform: 'linux/arm64',
      attestation: true,
    });
    const result = await mergePlatformImages(
      client,
      [ref(`build/attested@${arm64.digest}`), ref(`build/attested@${amd64.digest}`)],
      [ref('attested:main')],
    );

    expect(result.platforms.map((p) => [p.platform, p.digest])).toEqual([
      ['linux/amd64', amd64.imageDigest],
      ['linux/arm64', arm64.imageDigest],
    ]);
    expect(result.attestations).toEqual([
      { digest: amd64.attestationDigest, subject: amd64.imageDigest },
      { digest: arm64.attestationDigest, subject: arm64.imageDigest },
    ]);
    expect(result.notes).toEqual([]);
    const { index } = await read('attested', 'main');
    expect(index?.mediaType).toBe(MEDIA_TYPES.ociIndex);
    expect(index?.manifests.map((m) => [m.digest, m.platform, m.annotations])).toEqual([
      [amd64.imageDigest, { architecture: 'amd64', os: 'linux' }, undefined],
      [arm64.imageDigest, { architecture: 'arm64', os: 'linux' }, undefined],
      ...[amd64, arm64].map((leg) => [
        leg.attestationDigest,
        { architecture: 'unknown', os: 'unknown' },
        {
          'vnd.docker.reference.digest': leg.imageDigest,
          'vnd.docker.reference.type': 'attestation-manifest',
        },
      ]),
    ]);
    // The attestation manifests and their blobs came along into the target repository.
    for (const leg of [amd64, arm64]) {
      expect((await read('attested', leg.attestationDigest as string)).status).toBe(200);
    }
    // The legs' own indexes are not needed there: the merged index replaces them.
    expect((await read('attested', amd64.digest)).status).toBe(404);
  });

  it('refuses to move an immutable tag before writing anything, even the copies', async () => {
    const old = await pushPlatformImage(client, 'build/frozen', {
      platform: 'linux/amd64',
      content: 'released build',
    });
    const first = await mergePlatformImages(
      client,
      [ref(`build/frozen@${old.digest}`)],
      [ref('frozen:2.0.0')],
    );
    const amd64 = await pushPlatformImage(client, 'build/frozen', { platform: 'linux/amd64' });
    const arm64 = await pushPlatformImage(client, 'build/frozen', { platform: 'linux/arm64' });
    const putsBefore = await countRequests(registry, 'PUT', '/v2/frozen/');
    const mountsBefore = await countRequests(registry, 'POST', '/v2/frozen/');

    const error = await mergePlatformImages(
      client,
      [ref(`build/frozen@${amd64.digest}`), ref(`build/frozen@${arm64.digest}`)],
      [ref('frozen:latest'), ref('frozen:2.0.0')],
      { immutable: [DEFAULT_IMMUTABLE] },
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ActionError);
    const { message } = error as ActionError;
    expect(message).toContain('Refusing to move immutable tags; nothing was pushed');
    expect(message).toMatch(
      new RegExp(
        `${registry.host.replace(/\./g, '\\.')}/frozen:2\\.0\\.0 is immutable .* already points to ${first.digest}; merging would move it to sha256:[0-9a-f]{64}\\.`,
      ),
    );
    expect(await countRequests(registry, 'PUT', '/v2/frozen/')).toBe(putsBefore);
    expect(await countRequests(registry, 'POST', '/v2/frozen/')).toBe(mountsBefore);
    expect((await read('frozen', '2.0.0')).digest).toBe(first.digest);
    expect((await read('frozen', 'latest')).status).toBe(404);
    expect((await read('frozen', amd64.digest)).status).toBe(404);
  });

  it('names a missing digest and the digest file of the leg that should have pushed it', async () => {
    const amd64 = await pushPlatformImage(client, 'gap', { platform: 'linux/amd64' });
    const missing = `sha256:${'0'.repeat(64)}`;
    const error = await planMerge(
      client,
      [
        { digest: amd64.digest, from: `digest file digests/${amd64.digest.slice(7)}` },
        { digest: missing, from: 'digest file digests-linux-arm64/0000' },
      ],
      [ref('gap:latest')],
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).message).toBe(
      `Image ${registry.host}/gap@${missing} was not found in registry ${registry.host}: digest file digests-linux-arm64/0000 names it, so the build leg that reported it should have pushed it to ${registry.host}/gap.`,
    );
    expect((error as ActionError).hint).toContain('push-by-digest=true');
  });

  it('refuses two legs that built the same platform, naming both digests', async () => {
    const one = await pushPlatformImage(client, 'twice', { platform: 'linux/amd64', content: '1' });
    const two = await pushPlatformImage(client, 'twice', { platform: 'linux/amd64', content: '2' });
    const error = await planMerge(
      client,
      parseMergeSourceLines('merge-digests', `${one.digest}\n${two.digest}`),
      [ref('twice:latest')],
    ).catch((e: unknown) => e);
    expect((error as ActionError).message).toContain(
      `- linux/amd64: ${one.digest} (${registry.host}/twice@${one.digest} (line 1 of merge-digests)) and ${two.digest} (${registry.host}/twice@${two.digest} (line 2 of merge-digests))`,
    );
    expect((await read('twice', 'latest')).status).toBe(404);
  });

  it('reads the platform from the config for index entries without one, and accepts sources by tag', async () => {
    const amd64 = await pushPlatformImage(client, 'bare', {
      platform: 'linux/amd64',
      tag: 'sha-1-amd64',
    });
    const ppc = await pushPlatformImage(client, 'bare', { platform: 'linux/ppc64le' });
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociIndex,
        manifests: [{ mediaType: ppc.mediaType, digest: ppc.digest, size: ppc.bytes.length }],
      }),
    );
    await client.putManifest('bare', 'sha-1-ppc64le', index, MEDIA_TYPES.ociIndex);

    const result = await mergePlatformImages(
      client,
      [ref('bare:sha-1-amd64'), ref('bare:sha-1-ppc64le')],
      [ref('bare:sha-1')],
    );
    expect(result.platforms.map((p) => [p.platform, p.digest])).toEqual([
      ['linux/amd64', amd64.digest],
      ['linux/ppc64le', ppc.digest],
    ]);
  });

  it('refuses a source that is no platform image, such as an attestation manifest', async () => {
    const leg = await pushPlatformImage(client, 'notimage', {
      platform: 'linux/amd64',
      attestation: true,
    });
    const error = await planMerge(
      client,
      [{ digest: leg.attestationDigest as string }],
      [ref('notimage:latest')],
    ).catch((e: unknown) => e);
    expect((error as ActionError).message).toMatch(/names no platform \(os and architecture\)/);
  });
});
