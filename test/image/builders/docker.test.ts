import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildRequest } from '../../../src/image/builders/build-request.js';
import {
  buildxArgs,
  classicBuildArgs,
  digestFromBuildxMetadata,
  digestFromPushOutput,
  digestFromRepoDigests,
  hasBuildx,
  inputsNeedingBuildx,
} from '../../../src/image/builders/docker.js';
import { build, login, logout } from '../../../src/image/builders/index.js';
import { captureStdout } from '../../support/capture-stdout.js';
import { startPodmanService, type PodmanService } from '../../support/podman.js';
import {
  HTPASSWD_TOOL,
  REGISTRY_TOOL,
  startRegistry,
  type TestRegistry,
} from '../../support/registry.js';
import { describeWithTool } from '../../support/tools.js';
import { FIXTURE_CONTEXT, FIXTURE_FILE, makeContext, startHangingServer } from './contexts.js';
import { processesMentioning } from './processes.js';
import { listTags, manifestDigest, readImageFiles } from './registry-reader.js';
import { buildRequest, withoutMaskCommands } from './request.js';

const PODMAN = { program: 'podman', debianPackage: 'podman' };
const DOCKER_CLI = { program: 'docker', debianPackage: 'docker.io' };
const CREDENTIALS = { username: 'pusher', password: 'docker-pass-41be' };

/**
 * The docker CLI against podman's Docker-compatible API. buildx is not installed here, so these
 * tests drive the classic `docker build` + `docker push` path; buildx arguments are covered by
 * the tables at the end of this file.
 */
describeWithTool(DOCKER_CLI, 'docker builder', () => {
  describeWithTool(PODMAN, 'against podman', () => {
    describeWithTool(REGISTRY_TOOL, 'with a real registry', () => {
      describeWithTool(HTPASSWD_TOOL, 'and htpasswd', () => {
        let registry: TestRegistry;
        let authRegistry: TestRegistry;
        let podman: PodmanService;
        let runnerTemp: string;
        const previousRunnerTemp = process.env.RUNNER_TEMP;

        beforeAll(async () => {
          registry = await startRegistry();
          authRegistry = await startRegistry({ htpasswd: CREDENTIALS });
          podman = await startPodmanService([registry.host, authHost()]);
          runnerTemp = await mkdtemp(join(tmpdir(), 'slipway-runner-temp-'));
          process.env.RUNNER_TEMP = runnerTemp;
        });

        afterAll(async () => {
          process.env.RUNNER_TEMP = previousRunnerTemp;
          await podman?.stop();
          await registry?.stop();
          await authRegistry?.stop();
          if (runnerTemp) await rm(runnerTemp, { recursive: true, force: true });
        });

        // podman's Docker-compatible login skips TLS only for `localhost:` addresses, whatever
        // registries.conf says, so the authenticated registry is addressed by that name.
        const authHost = () => authRegistry.host.replace('127.0.0.1', 'localhost');

        const request = (overrides: Partial<BuildRequest>) =>
          buildRequest({
            engine: 'docker',
            context: FIXTURE_CONTEXT,
            file: FIXTURE_FILE,
            env: podman.env,
            ...overrides,
          });

        it('has no buildx here, so the classic path is the one under test', async () => {
          expect(await hasBuildx(podman.env)).toBe(false);
        });

        it('pushes every tag, and the registry holds each with the reported digest', async () => {
          const tags = ['main', 'sha-1234567'].map((tag) => `${registry.host}/web:${tag}`);
          const result = await build(request({ tags, push: true, labels: ['org.example.a=1'] }));

          expect(result.builder).toBe('docker');
          expect(result.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
          expect(result.pushed).toEqual(tags);
          expect(result.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
          expect(await listTags(registry.host, 'web')).toEqual(['main', 'sha-1234567']);
          for (const tag of ['main', 'sha-1234567']) {
            expect(await manifestDigest(registry.host, 'web', tag)).toBe(result.digest);
          }
          const files = await readImageFiles(registry.host, 'web', 'main');
          expect(files.get('message.txt')).toBe('default message\n');
          expect(files.get('stage.txt')).toBe('release stage\n');
        });

        it('honours build args and the target stage', async () => {
          const result = await build(
            request({
              tags: [`${registry.host}/web-args:1`],
              push: true,
              target: 'base',
              buildArgs: new Map([['MESSAGE_FILE', 'message-custom.txt']]),
            }),
          );
          const files = await readImageFiles(registry.host, 'web-args', '1');
          expect(files.get('message.txt')).toBe('custom message\n');
          expect(files.has('stage.txt')).toBe(false);
          expect(await manifestDigest(registry.host, 'web-args', '1')).toBe(result.digest);
        });

        it('finds a Containerfile when no file is given and there is no Dockerfile', async () => {
          const result = await build(
            request({ file: undefined, tags: [`${registry.host}/web-default:1`], push: true }),
          );
          expect(await manifestDigest(registry.host, 'web-default', '1')).toBe(result.digest);
        });

        it('warns about annotations the classic builder cannot set', async () => {
          const result = await build(request({ annotations: ['manifest:org.a=1'] }));
          expect(result.warnings).toEqual([
            'The classic docker builder cannot set annotations; 1 ignored (install buildx to keep them).',
          ]);
        });

        it.each<[string, Partial<BuildRequest>, string]>([
          ['secrets', { secrets: new Map([['token', 'never-shown-5e2a']]) }, 'secrets'],
          ['several platforms', { platforms: ['linux/amd64', 'linux/arm64'] }, 'platforms'],
          ['cache-to', { cacheTo: ['type=registry,ref=r/cache'] }, 'cache-to'],
          ['provenance', { provenance: 'mode=max' }, 'provenance'],
          ['sbom', { sbom: 'true' }, 'sbom'],
        ])(
          'refuses %s without buildx, saying buildx is needed',
          async (_name, overrides, input) => {
            const attempt = build(request(overrides));
            await expect(attempt).rejects.toThrow(
              new RegExp(
                `^Docker buildx is not installed, and the classic docker builder cannot handle ${input}`,
              ),
            );
            await attempt.catch((error: Error) =>
              expect(error.message).not.toContain('never-shown'),
            );
          },
        );

        it('reports a broken Dockerfile with the builder’s own last words', async () => {
          const context = await makeContext({ Dockerfile: 'FROM scratch\nCOPY missing.txt /x\n' });
          try {
            await expect(build(request({ context, file: undefined }))).rejects.toThrow(
              /^docker build failed with exit code \d+\. Last lines of its output:\n[\s\S]*missing\.txt/,
            );
          } finally {
            await rm(context, { recursive: true, force: true });
          }
        });

        it('stops a build that outlives its timeout', async () => {
          const hanging = await startHangingServer();
          const context = await makeContext({
            Dockerfile: `FROM scratch\nADD ${hanging.url} /x\n`,
          });
          const started = Date.now();
          try {
            await expect(
              build(request({ context, file: undefined, timeoutMs: 2_000 })),
            ).rejects.toThrow('docker build did not finish within the build timeout of 2s');
            expect(Date.now() - started).toBeLessThan(15_000);
            expect(await processesMentioning(context)).toEqual([]);
          } finally {
            await hanging.stop();
            await rm(context, { recursive: true, force: true });
          }
        });

        it('logs in with basic auth before pushing and out afterwards', async () => {
          const tag = `${authHost()}/private:1`;
          await expect(build(request({ tags: [tag], push: true }))).rejects.toThrow(
            /^docker push .*private:1 failed[\s\S]*(unauthorized|authentication required|no basic auth)/i,
          );

          const { text } = await captureStdout(() =>
            login('docker', authHost(), CREDENTIALS.username, CREDENTIALS.password, {
              env: podman.env,
            }),
          );
          expect(text).toContain(`::add-mask::${CREDENTIALS.password}`);
          expect(withoutMaskCommands(text)).not.toContain(CREDENTIALS.password);
          expect(await readdir(podman.env.DOCKER_CONFIG)).toContain('config.json');

          const result = await build(request({ tags: [tag], push: true }));
          expect(await manifestDigest(authRegistry.host, 'private', '1', CREDENTIALS)).toBe(
            result.digest,
          );

          await logout('docker', authHost(), { env: podman.env });
          await expect(
            build(request({ tags: [`${authHost()}/private:2`], push: true })),
          ).rejects.toThrow(/unauthorized|authentication required|no basic auth/i);
        });

        it('turns a wrong password into a clear login error without echoing it', async () => {
          const wrong = 'not-the-password-0b7e';
          const attempt = login('docker', authHost(), CREDENTIALS.username, wrong, {
            env: podman.env,
          });
          await expect(attempt).rejects.toThrow(
            /^docker login localhost:\d+ failed[\s\S]*401 Unauthorized/,
          );
          await attempt.catch((error: Error) => expect(error.message).not.toContain(wrong));
        });
      });
    });
  });
});

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const OTHER_DIGEST = `sha256:${'cd'.repeat(32)}`;
const secretFiles = [{ id: 'token', path: '/runner/temp/build-secret-1' }];

describe('docker buildx arguments', () => {
  const plan = { secretFiles, iidFile: '/s/iid', metadataFile: '/s/meta.json' };
  const head = ['buildx', 'build', '--iidfile', '/s/iid', '--metadata-file', '/s/meta.json'];

  it.each<[string, Partial<BuildRequest>, string[]]>([
    ['plain build', {}, [...head, '--secret', 'id=token,src=/runner/temp/build-secret-1', 'ctx']],
    [
      'everything buildx takes, pushed',
      {
        file: 'Dockerfile.ci',
        target: 't',
        platforms: ['linux/amd64', 'linux/arm64'],
        buildArgs: new Map([['A', '1']]),
        labels: ['l=1'],
        annotations: ['index:a=1'],
        tags: ['ghcr.io/o/a:1'],
        cacheFrom: ['type=gha'],
        cacheTo: ['type=gha,mode=max'],
        provenance: 'false',
        sbom: 'true',
        push: true,
      },
      [
        ...head,
        '-f',
        'Dockerfile.ci',
        '--target',
        't',
        '--build-arg',
        'A=1',
        '--label',
        'l=1',
        '-t',
        'ghcr.io/o/a:1',
        '--platform',
        'linux/amd64,linux/arm64',
        '--secret',
        'id=token,src=/runner/temp/build-secret-1',
        '--annotation',
        'index:a=1',
        '--cache-from',
        'type=gha',
        '--cache-to',
        'type=gha,mode=max',
        '--provenance=false',
        '--sbom=true',
        '--push',
        'ctx',
      ],
    ],
    [
      'pushed to an insecure registry through the image exporter',
      { tags: ['127.0.0.1:5000/a:1'], push: true, insecureRegistries: ['127.0.0.1:5000'] },
      [
        ...head,
        '-t',
        '127.0.0.1:5000/a:1',
        '--secret',
        'id=token,src=/runner/temp/build-secret-1',
        '--output',
        'type=image,push=true,registry.insecure=true',
        'ctx',
      ],
    ],
  ])('%s', (_name, overrides, args) => {
    expect(buildxArgs(buildRequest({ engine: 'docker', ...overrides }), plan)).toEqual(args);
  });
});

describe('classic docker build', () => {
  it.each<[string, Partial<BuildRequest>, boolean, string[]]>([
    ['a plain build', {}, false, []],
    ['one platform', { platforms: ['linux/amd64'] }, false, []],
    [
      'several platforms',
      { platforms: ['linux/amd64', 'linux/arm64'] },
      false,
      ['platforms (linux/amd64,linux/arm64)'],
    ],
    ['cache-to', { cacheTo: ['type=inline'] }, false, ['cache-to']],
    ['provenance off', { provenance: 'false', sbom: 'false' }, false, []],
    [
      'provenance and sbom',
      { provenance: 'mode=min', sbom: 'true' },
      false,
      ['provenance', 'sbom'],
    ],
    ['secrets without --secret', { secrets: new Map([['a', 'b']]) }, false, ['secrets']],
    ['secrets with --secret', { secrets: new Map([['a', 'b']]) }, true, []],
  ])('needs buildx for %s', (_name, overrides, classicHasSecrets, needs) => {
    expect(inputsNeedingBuildx(buildRequest(overrides), classicHasSecrets)).toEqual(needs);
  });

  it.each<[string, Partial<BuildRequest>, string[], string[]]>([
    [
      'tags, labels, build args, target and file',
      {
        file: 'f',
        target: 't',
        tags: ['r/a:1', 'r/a:2'],
        labels: ['l=1'],
        buildArgs: new Map([['A', '1']]),
      },
      [
        'build',
        '--iidfile',
        '/s/iid',
        '-f',
        'f',
        '--target',
        't',
        '--build-arg',
        'A=1',
        '--label',
        'l=1',
        '-t',
        'r/a:1',
        '-t',
        'r/a:2',
        'ctx',
      ],
      [],
    ],
    [
      'one platform and an image cache',
      { platforms: ['linux/arm64'], cacheFrom: ['type=registry,ref=r/cache', 'type=local,src=/c'] },
      [
        'build',
        '--iidfile',
        '/s/iid',
        '--platform',
        'linux/arm64',
        '--cache-from',
        'r/cache',
        'ctx',
      ],
      [
        'The classic docker builder only reads cache from images; cache-from type=local,src=/c is ignored.',
      ],
    ],
    [
      'annotations it cannot set',
      { annotations: ['manifest:a=1', 'b=2'] },
      ['build', '--iidfile', '/s/iid', 'ctx'],
      [
        'The classic docker builder cannot set annotations; 2 ignored (install buildx to keep them).',
      ],
    ],
  ])('%s', (_name, overrides, args, warnings) => {
    const result = classicBuildArgs(buildRequest({ engine: 'docker', ...overrides }), {
      secretFiles: [],
      iidFile: '/s/iid',
    });
    expect(result.args).toEqual(args);
    expect(result.warnings).toEqual(warnings);
  });
});

describe('digests reported by docker', () => {
  it.each<[string, string, string | undefined]>([
    ['a push', `The push refers to repository [r/a]\n1: digest: ${DIGEST} size: 420\n`, DIGEST],
    ['no digest line', 'The push refers to repository [r/a]\n', undefined],
    ['a short digest', 'latest: digest: sha256:abc size: 1', undefined],
  ])('from %s', (_name, output, digest) => {
    expect(digestFromPushOutput(output)).toBe(digest);
  });

  it.each<[string, string, string, string | undefined]>([
    [
      'the tag repository',
      `["r.io/other@${OTHER_DIGEST}","r.io/app@${DIGEST}"]`,
      'r.io/app:1',
      DIGEST,
    ],
    ['a registry port', `["127.0.0.1:5000/app@${DIGEST}"]`, '127.0.0.1:5000/app:1', DIGEST],
    ['no entry for the repository', `["r.io/other@${DIGEST}"]`, 'r.io/app:1', undefined],
    ['no repo digests', 'null', 'r.io/app:1', undefined],
    ['not JSON', 'Error', 'r.io/app:1', undefined],
  ])('from RepoDigests: %s', (_name, json, tag, digest) => {
    expect(digestFromRepoDigests(json, tag)).toBe(digest);
  });

  it.each<[string, string, string | undefined]>([
    ['a pushed image', JSON.stringify({ 'containerimage.digest': DIGEST }), DIGEST],
    ['a build without an image', JSON.stringify({ 'buildx.build.ref': 'x' }), undefined],
    ['an empty file', '', undefined],
  ])('from buildx metadata: %s', (_name, json, digest) => {
    expect(digestFromBuildxMetadata(json)).toBe(digest);
  });
});
