import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../src/image/registry/client.js';
import { createBuildahEnvironment, type ContainersConfiguration } from '../support/buildah.js';
import { startPodmanService, type PodmanService } from '../support/podman.js';
import {
  pushTestImage,
  registryDigest,
  REGISTRY_TOOL,
  startRegistry,
  type TestRegistry,
} from '../support/registry.js';
import { runAction } from '../support/runner.js';
import { describeWithTool } from '../support/tools.js';
import { IMAGE, buildContext, recordedEvent } from './image-support.js';

const tagPush = recordedEvent('push-tag-v1.2.3');
const mainPush = recordedEvent('push-main');
const RELEASE_TAGS =
  'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}';

function failure(step: { annotations: Array<{ level: string; message: string }> }): string {
  return step.annotations.find((a) => a.level === 'error')?.message ?? '';
}

describe('image bundle: metadata only', () => {
  it('computes metadata-action tags and OCI labels from the payload, with no network and no token', async () => {
    const run = await runAction(IMAGE, {
      ...tagPush,
      inputs: { images: 'ghcr.io/Octo-Org/App', tags: RELEASE_TAGS, build: 'false' },
    });
    expect(run.main.stderr).toBe('');
    expect(run.main.exitCode).toBe(0);
    expect(run.main.outputs.tags.split('\n')).toEqual([
      'ghcr.io/octo-org/app:1.2.3',
      'ghcr.io/octo-org/app:1.2',
      'ghcr.io/octo-org/app:1',
      'ghcr.io/octo-org/app:latest',
    ]);
    expect(run.main.outputs.version).toBe('1.2.3');
    expect(run.main.outputs.labels).toContain('org.opencontainers.image.version=1.2.3');
    expect(run.main.outputs.labels).toContain(
      `org.opencontainers.image.revision=${tagPush.event.sha}`,
    );
    expect(run.main.outputs.promoted).toBe('false');
    expect(JSON.parse(run.main.outputs.json).tags).toHaveLength(4);
  });

  it.each<{ name: string; inputs: Record<string, string>; message: string }>([
    {
      name: 'an unknown tag type',
      inputs: { tags: 'type=version,pattern={{version}}' },
      message: 'type=version,pattern={{version}}',
    },
    { name: 'semver without pattern', inputs: { tags: 'type=semver' }, message: 'type=semver' },
    {
      name: 'an invalid image name',
      inputs: { images: 'ghcr.io/Octo Org/app!' },
      message: "Input 'images'",
    },
    { name: 'a bad flavor', inputs: { flavor: 'newest=true' }, message: "Input 'flavor'" },
  ])('$name is a clear error naming the line', async ({ inputs, message }) => {
    const run = await runAction(IMAGE, {
      ...tagPush,
      inputs: { images: 'ghcr.io/octo-org/app', build: 'false', ...inputs },
    });
    expect(run.main.exitCode).toBe(1);
    expect(run.main.stderr).toBe('');
    expect(failure(run.main)).toMatch(/^image failed: Input '/);
    expect(failure(run.main)).toContain(message);
  });
});

describeWithTool(REGISTRY_TOOL, 'image bundle: promotion in a real registry', () => {
  let registry: TestRegistry;
  let client: RegistryClient;
  beforeAll(async () => {
    registry = await startRegistry();
    client = new RegistryClient({ registry: registry.host });
  });
  afterAll(() => registry?.stop());

  it('promotes sha-<short> to 1.2.3, 1.2, 1 and latest with the digest unchanged', async () => {
    const built = await pushTestImage(
      client,
      'octo/promoted',
      `sha-${tagPush.event.sha!.slice(0, 7)}`,
      {
        platforms: ['linux/amd64', 'linux/arm64'],
      },
    );
    const run = await runAction(IMAGE, {
      ...tagPush,
      inputs: {
        // As ghcr.io/${{ github.repository }} gives for an owner with capitals.
        images: `${registry.host}/Octo/Promoted`,
        tags: RELEASE_TAGS,
        'promote-from': `${registry.host}/Octo/Promoted:sha-{{sha}}`,
      },
    });

    expect(run.main.stderr).toBe('');
    expect(run.main.exitCode).toBe(0);
    expect(run.main.outputs).toMatchObject({
      promoted: 'true',
      digest: built.digest,
      image: `${registry.host}/octo/promoted@${built.digest}`,
    });
    for (const tag of ['1.2.3', '1.2', '1', 'latest']) {
      expect((await registryDigest(registry, 'octo/promoted', tag)).digest).toBe(built.digest);
    }
    expect(run.main.outputs.refs.split('\n')).toHaveLength(4);
    expect(run.main.summary).toMatch(
      /^<h3>✅ Promoted .*octo\/promoted:sha-90dd603 to 4 tag\(s\) without rebuilding: sha256:/,
    );
    expect(run.main.summary.match(/✅<\/td>/g)).toHaveLength(4);
  });

  it('refuses to move an immutable tag before writing anything', async () => {
    const old = await pushTestImage(client, 'octo/frozen', '1.2.3', { content: 'old release' });
    await pushTestImage(client, 'octo/frozen', `sha-${tagPush.event.sha!.slice(0, 7)}`, {
      content: 'new build',
    });
    const run = await runAction(IMAGE, {
      ...tagPush,
      inputs: {
        images: `${registry.host}/octo/frozen`,
        tags: RELEASE_TAGS,
        'promote-from': `${registry.host}/octo/frozen:sha-{{sha}}`,
      },
    });
    expect(run.main.exitCode).toBe(1);
    expect(failure(run.main)).toContain('is immutable');
    expect((await registryDigest(registry, 'octo/frozen', '1.2.3')).digest).toBe(old.digest);
    expect((await registryDigest(registry, 'octo/frozen', '1.2')).status).toBe(404);
  });

  it('refuses a build whose push would move an existing immutable tag, before building', async () => {
    const old = await pushTestImage(client, 'octo/rebuilt', '1.2.3', { content: 'released' });
    const run = await runAction(IMAGE, {
      ...tagPush,
      inputs: {
        images: `${registry.host}/octo/rebuilt`,
        tags: RELEASE_TAGS,
        push: 'true',
        engine: 'buildah',
      },
    });
    expect(run.main.exitCode).toBe(1);
    expect(failure(run.main)).toContain(
      'Refusing to build and push: immutable tag(s) already exist',
    );
    expect((await registryDigest(registry, 'octo/rebuilt', '1.2.3')).digest).toBe(old.digest);
  });

  it('skips the build when the first tag already exists, and reports its digest', async () => {
    const existing = await pushTestImage(client, 'octo/skipped', 'main');
    const run = await runAction(IMAGE, {
      ...mainPush,
      inputs: {
        images: `${registry.host}/octo/skipped`,
        push: 'true',
        'skip-existing': 'true',
        engine: 'buildah',
      },
    });
    expect(run.main.exitCode).toBe(0);
    expect(run.main.outputs.digest).toBe(existing.digest);
    expect(run.main.summary).toContain('Skipped the build');
  });

  it('says which source is missing', async () => {
    const run = await runAction(IMAGE, {
      ...tagPush,
      inputs: {
        images: `${registry.host}/octo/none`,
        tags: RELEASE_TAGS,
        'promote-from': `${registry.host}/octo/none:sha-{{sha}}`,
      },
    });
    expect(run.main.exitCode).toBe(1);
    expect(failure(run.main)).toContain(
      `Source image ${registry.host}/octo/none:sha-90dd603 not found`,
    );
  });
});

describeWithTool(REGISTRY_TOOL, 'image bundle: promotion with registry login', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ htpasswd: { username: 'ci', password: 'pa55-w0rd-for-ci' } });
  });
  afterAll(() => registry?.stop());

  it('authenticates with username and password and masks the password', async () => {
    const client = new RegistryClient({
      registry: registry.host,
      credentials: { username: 'ci', password: 'pa55-w0rd-for-ci' },
    });
    const built = await pushTestImage(
      client,
      'octo/private',
      `sha-${tagPush.event.sha!.slice(0, 7)}`,
    );
    const run = await runAction(IMAGE, {
      ...tagPush,
      inputs: {
        images: `${registry.host}/octo/private`,
        tags: RELEASE_TAGS,
        'promote-from': `${registry.host}/octo/private:sha-{{sha}}`,
        registry: registry.host,
        username: 'ci',
        password: 'pa55-w0rd-for-ci',
      },
    });
    expect(run.main.exitCode).toBe(0);
    expect(run.main.outputs.digest).toBe(built.digest);
    expect(run.main.masks).toContain('pa55-w0rd-for-ci');
    expect(run.main.log).not.toContain('pa55-w0rd-for-ci');
    expect(run.post?.exitCode).toBe(0);
  });
});

describeWithTool(
  { program: 'buildah', debianPackage: 'buildah' },
  'image bundle: build and push with buildah',
  () => {
    let registry: TestRegistry;
    let containers: ContainersConfiguration;
    beforeAll(async () => {
      registry = await startRegistry();
      containers = await createBuildahEnvironment([registry.host]);
    });
    afterAll(async () => {
      await registry?.stop();
      await containers?.remove();
    });

    it('builds FROM scratch and pushes every computed tag with the reported digest', async () => {
      const run = await runAction(IMAGE, {
        ...mainPush,
        workspace: await buildContext(),
        env: { ...mainPush.env, ...containers.env },
        inputs: {
          images: `${registry.host}/octo/built`,
          tags: 'type=ref,event=branch\ntype=sha',
          push: 'true',
          engine: 'buildah',
          'build-args': 'MESSAGE_FILE=message-custom.txt',
        },
        timeoutMs: 180_000,
      });
      expect(run.main.stderr).toBe('');
      expect(run.main.exitCode).toBe(0);
      const digest = run.main.outputs.digest;
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      for (const tag of ['main', `sha-${mainPush.event.sha!.slice(0, 7)}`]) {
        expect((await registryDigest(registry, 'octo/built', tag)).digest).toBe(digest);
      }
      expect(run.main.summary).toMatch(/^<h3>✅ Built and pushed 2 reference\(s\): sha256:/);
    }, 200_000);
  },
);

describeWithTool(
  { program: 'podman', debianPackage: 'podman' },
  'image bundle: build and push with the docker CLI',
  () => {
    let registry: TestRegistry;
    let podman: PodmanService;
    beforeAll(async () => {
      registry = await startRegistry();
      podman = await startPodmanService([registry.host]);
    });
    afterAll(async () => {
      await podman?.stop();
      await registry?.stop();
    });

    it('builds with docker build against podman and pushes with docker push', async () => {
      const run = await runAction(IMAGE, {
        ...mainPush,
        workspace: await buildContext(),
        env: { ...mainPush.env, ...podman.env },
        inputs: {
          images: `${registry.host}/octo/docker-built`,
          tags: 'type=ref,event=branch',
          push: 'true',
          engine: 'docker',
          target: 'release',
        },
        timeoutMs: 180_000,
      });
      expect(run.main.exitCode).toBe(0);
      expect((await registryDigest(registry, 'octo/docker-built', 'main')).digest).toBe(
        run.main.outputs.digest,
      );
    }, 200_000);
  },
);
