/**
 * The image action in the workflows people asked build-push-action for: build once, test the
 * loaded image, then push that very image (no rebuild); and a multi-platform image merged from
 * digests that matrix legs pushed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RegistryClient } from '../../src/image/registry/client.js';
import { createBuildahEnvironment, type ContainersConfiguration } from '../support/buildah.js';
import { startPodmanService, type PodmanService } from '../support/podman.js';
import {
  pushPlatformImage,
  registryDigest,
  REGISTRY_TOOL,
  startRegistry,
  type TestRegistry,
} from '../support/registry.js';
import { runAction } from '../support/runner.js';
import { describeWithTool } from '../support/tools.js';
import { IMAGE, buildContext, recordedEvent } from './image-support.js';

const mainPush = recordedEvent('push-main');
const tagPush = recordedEvent('push-tag-v1.2.3');
const SHORT_SHA = mainPush.event.sha!.slice(0, 7);

function failure(step: { annotations: Array<{ level: string; message: string }> }): string {
  return step.annotations.find((a) => a.level === 'error')?.message ?? '';
}

/** The config digest of the image a tag points to: the image id a local engine reports. */
async function configDigest(registry: TestRegistry, repository: string, tag: string) {
  const client = new RegistryClient({ registry: registry.host });
  const manifest = await client.getManifest(repository, tag);
  if (!manifest) return undefined;
  return (JSON.parse(manifest.bytes.toString()) as { config: { digest: string } }).config.digest;
}

describeWithTool(
  { program: 'buildah', debianPackage: 'buildah' },
  'image bundle: build, test, then push the tested image with buildah',
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

    it('pushes the image the earlier step built and loaded, with the digest that step reported', async () => {
      const workspace = await buildContext();
      const common = {
        ...mainPush,
        workspace,
        env: { ...mainPush.env, ...containers.env },
        timeoutMs: 180_000,
      };
      const inputs = {
        images: `${registry.host}/octo/tested`,
        tags: 'type=ref,event=branch\ntype=sha',
        engine: 'buildah',
      };
      const built = await runAction(IMAGE, { ...common, inputs: { ...inputs, load: 'true' } });
      expect(built.main.exitCode, built.main.stdout).toBe(0);
      const imageId = built.main.outputs.imageid;
      expect(imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect((await registryDigest(registry, 'octo/tested', 'main')).status).toBe(404);

      const pushed = await runAction(IMAGE, {
        ...common,
        inputs: { ...inputs, build: 'false', push: 'true' },
      });
      expect(pushed.main.exitCode, pushed.main.stdout).toBe(0);
      expect(pushed.main.stdout).not.toMatch(/buildah build/);
      expect(pushed.main.outputs.imageid).toBe(imageId);
      const digest = pushed.main.outputs.digest;
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      for (const tag of ['main', `sha-${SHORT_SHA}`]) {
        expect((await registryDigest(registry, 'octo/tested', tag)).digest).toBe(digest);
      }
      expect(await configDigest(registry, 'octo/tested', 'main')).toBe(imageId);
      // buildah tells the digest a push will give before pushing: the tested image is the pushed one.
      expect(built.main.outputs.digest).toBe(digest);
      expect(pushed.main.summary).toMatch(/without rebuilding/);
    }, 300_000);

    it('matrix legs push their platform by digest; the merge job tags one index of both', async () => {
      const workspace = await buildContext();
      const leg = (platform: string) =>
        runAction(IMAGE, {
          ...tagPush,
          workspace,
          env: { ...tagPush.env, ...containers.env },
          inputs: {
            images: `${registry.host}/octo/legs`,
            engine: 'buildah',
            platforms: platform,
            'push-by-digest': 'true',
          },
          timeoutMs: 180_000,
        });
      const amd64 = await leg('linux/amd64');
      expect(amd64.main.exitCode, amd64.main.stdout).toBe(0);
      const arm64 = await leg('linux/arm64');
      expect(arm64.main.exitCode, arm64.main.stdout).toBe(0);
      const digests = [amd64.main.outputs.digest, arm64.main.outputs.digest];
      expect(amd64.main.outputs.refs).toBe(`${registry.host}/octo/legs@${digests[0]}`);
      // By digest only: no leg wrote a tag.
      expect((await registryDigest(registry, 'octo/legs', '1.2.3')).status).toBe(404);

      const merge = await runAction(IMAGE, {
        ...tagPush,
        workspace,
        inputs: {
          images: `${registry.host}/octo/legs`,
          tags: 'type=semver,pattern={{version}}',
          'merge-digests': digests.join('\n'),
        },
      });
      expect(merge.main.exitCode, merge.main.stdout).toBe(0);
      const index = await new RegistryClient({ registry: registry.host }).getManifest(
        'octo/legs',
        '1.2.3',
      );
      const entries = (
        JSON.parse(index!.bytes.toString()) as {
          manifests: Array<{ digest: string; platform: { architecture: string } }>;
        }
      ).manifests.map((entry) => [entry.platform.architecture, entry.digest]);
      expect(entries).toEqual([
        ['amd64', digests[0]],
        ['arm64', digests[1]],
      ]);
    }, 400_000);

    it('says which step is missing when there is no local image to push', async () => {
      const run = await runAction(IMAGE, {
        ...mainPush,
        workspace: await buildContext(),
        env: { ...mainPush.env, ...containers.env },
        inputs: {
          images: `${registry.host}/octo/never-built`,
          build: 'false',
          push: 'true',
          engine: 'buildah',
        },
      });
      expect(run.main.exitCode).toBe(1);
      expect(failure(run.main)).toMatch(/has no local image .*octo\/never-built:main/);
      expect(failure(run.main)).toMatch(/load: true/);
      expect(run.main.summary).toMatch(/has no local image/);
    }, 120_000);
  },
);

describeWithTool(
  { program: 'podman', debianPackage: 'podman' },
  'image bundle: build, test, then push the tested image with the docker CLI',
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

    it('docker push sends the loaded image, whose id the build step reported', async () => {
      const common = {
        ...mainPush,
        workspace: await buildContext(),
        env: { ...mainPush.env, ...podman.env },
        timeoutMs: 180_000,
      };
      const inputs = {
        images: `${registry.host}/octo/docker-tested`,
        tags: 'type=ref,event=branch',
        engine: 'docker',
        target: 'release',
      };
      const built = await runAction(IMAGE, { ...common, inputs: { ...inputs, load: 'true' } });
      expect(built.main.exitCode, built.main.stdout).toBe(0);
      const imageId = built.main.outputs.imageid;
      expect(imageId).toMatch(/^sha256:[0-9a-f]{64}$/);

      const pushed = await runAction(IMAGE, {
        ...common,
        inputs: { ...inputs, build: 'false', push: 'true' },
      });
      expect(pushed.main.exitCode, pushed.main.stdout).toBe(0);
      expect(pushed.main.outputs.imageid).toBe(imageId);
      const { digest } = await registryDigest(registry, 'octo/docker-tested', 'main');
      expect(digest).toBe(pushed.main.outputs.digest);
      expect(await configDigest(registry, 'octo/docker-tested', 'main')).toBe(imageId);
    }, 300_000);
  },
);

describeWithTool(REGISTRY_TOOL, 'image bundle: merging matrix legs into one image', () => {
  let registry: TestRegistry;
  let client: RegistryClient;
  beforeAll(async () => {
    registry = await startRegistry();
    client = new RegistryClient({ registry: registry.host });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('merges the digests the legs uploaded into one index under every computed tag', async () => {
    const amd64 = await pushPlatformImage(client, 'octo/multi', { platform: 'linux/amd64' });
    const arm64 = await pushPlatformImage(client, 'octo/multi', { platform: 'linux/arm64' });
    // Docker's recipe: each leg uploads an empty file named by its digest's hex.
    const workspace = await buildContext();
    for (const [leg, digest] of [
      ['digests-linux-amd64', amd64.digest],
      ['digests-linux-arm64', arm64.digest],
    ]) {
      await mkdir(join(workspace, 'digests', leg), { recursive: true });
      await writeFile(join(workspace, 'digests', leg, digest.replace('sha256:', '')), '');
    }
    const inputs = {
      images: `${registry.host}/octo/multi`,
      tags: 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}',
      'merge-digests': 'digests',
    };
    const run = await runAction(IMAGE, { ...tagPush, workspace, inputs });
    expect(run.main.exitCode, run.main.stdout).toBe(0);
    const digest = run.main.outputs.digest;
    expect(run.main.outputs.image).toBe(`${registry.host}/octo/multi@${digest}`);
    for (const tag of ['1.2.3', '1.2', 'latest']) {
      expect((await registryDigest(registry, 'octo/multi', tag)).digest).toBe(digest);
    }
    const index = await client.getManifest('octo/multi', '1.2.3');
    const entries = (
      JSON.parse(index!.bytes.toString()) as {
        manifests: Array<{ digest: string; platform: { architecture: string } }>;
      }
    ).manifests.map((entry) => [entry.platform.architecture, entry.digest]);
    expect(entries).toEqual([
      ['amd64', amd64.digest],
      ['arm64', arm64.digest],
    ]);
    expect(run.main.summary).toMatch(/Merged 2 platform image\(s\) into one under 3 tag\(s\)/);
    expect(run.main.summary).toContain('linux/arm64');

    // A re-run of the merge job leaves the tags where they are.
    const again = await runAction(IMAGE, { ...tagPush, workspace, inputs });
    expect(again.main.outputs.digest).toBe(digest);
    expect(again.main.summary).toMatch(/already pointed at this index/);
  }, 120_000);

  it('refuses merge-digests together with promote-from', async () => {
    const run = await runAction(IMAGE, {
      ...tagPush,
      inputs: {
        images: `${registry.host}/octo/multi`,
        'merge-digests': 'sha256:' + 'a'.repeat(64),
        'promote-from': `${registry.host}/octo/multi:sha-{{sha}}`,
      },
    });
    expect(run.main.exitCode).toBe(1);
    expect(failure(run.main)).toMatch(/Input 'merge-digests' cannot be used with promote-from/);
  });

  it('writes no job summary on success with summary: false, and still one on failure', async () => {
    const quiet = await runAction(IMAGE, {
      ...mainPush,
      inputs: { images: `${registry.host}/octo/quiet`, build: 'false', summary: 'false' },
    });
    expect(quiet.main.exitCode).toBe(0);
    expect(quiet.main.outputs.tags).toBe(`${registry.host}/octo/quiet:main`);
    expect(quiet.main.summary).toBe('');
    const failing = await runAction(IMAGE, {
      ...mainPush,
      env: { ...mainPush.env, DOCKER_BUILD_SUMMARY: 'false' },
      inputs: {
        images: `${registry.host}/octo/quiet`,
        'promote-from': `${registry.host}/octo/quiet:missing`,
      },
    });
    expect(failing.main.exitCode).toBe(1);
    expect(failing.main.summary).toMatch(/not found/);
  });
});
