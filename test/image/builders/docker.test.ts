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
import { buildxAttestArgs } from '../../../src/image/builders/attestations.js';
import { buildMetadata, buildxMetadataText } from '../../../src/image/builders/build-metadata.js';
import { build, login, logout } from '../../../src/image/builders/index.js';
import { secretEnvArgs, secretFileArgs } from '../../../src/image/builders/secret-files.js';
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
          expect(JSON.parse(result.metadata)).toEqual({
            'containerimage.config.digest': result.imageId,
            'containerimage.digest': result.digest,
            'image.name': tags.join(','),
          });
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
  const defaultProvenance = ['--attest', 'type=provenance,mode=min,inline-only=true'];

  it.each<[string, Partial<BuildRequest>, string[]]>([
    [
      'plain build',
      {},
      [
        ...head,
        '--secret',
        'id=token,src=/runner/temp/build-secret-1',
        ...defaultProvenance,
        'ctx',
      ],
    ],
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
        '--attest',
        'type=provenance,disabled=true',
        '--attest',
        'type=sbom,disabled=false',
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
        ...defaultProvenance,
        '--output',
        'type=image,push=true,registry.insecure=true',
        'ctx',
      ],
    ],
  ])('%s', (_name, overrides, args) => {
    expect(buildxArgs(buildRequest({ engine: 'docker', ...overrides }), plan)).toEqual(args);
  });

  // One build-push-action input per row, default provenance off to keep each row to its input.
  it.each<[string, Partial<BuildRequest>, string[]]>([
    ['load', { load: true }, [...head, '--load', 'ctx']],
    [
      'outputs (an image exporter)',
      { outputs: ['type=registry,name=r/a:1'] },
      [...head, '--output', 'type=registry,name=r/a:1', 'ctx'],
    ],
    ['no-cache', { noCache: true }, [...head, '--no-cache', 'ctx']],
    [
      'no-cache-filters',
      { noCacheFilters: ['test', 'lint'] },
      [...head, '--no-cache-filter', 'test', '--no-cache-filter', 'lint', 'ctx'],
    ],
    ['pull', { pull: true }, [...head, '--pull', 'ctx']],
    [
      'build-contexts',
      { buildContexts: ['alpine=docker-image://alpine:3.20', 'src=./src'] },
      [
        ...head,
        '--build-context',
        'alpine=docker-image://alpine:3.20',
        '--build-context',
        'src=./src',
        'ctx',
      ],
    ],
    [
      'ssh',
      { ssh: ['default', 'github=/home/runner/.ssh/id'] },
      [...head, '--ssh', 'default', '--ssh', 'github=/home/runner/.ssh/id', 'ctx'],
    ],
    [
      'secret-files',
      { secretFiles: new Map([['npmrc', FIXTURE_FILE]]) },
      [...head, '--secret', `id=npmrc,src=${FIXTURE_FILE}`, 'ctx'],
    ],
    ['shm-size', { shmSize: '2g' }, [...head, '--shm-size', '2g', 'ctx']],
    [
      'ulimit',
      { ulimits: ['nofile=1024:1024', 'nproc=512'] },
      [...head, '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=512', 'ctx'],
    ],
    ['network', { network: 'host' }, [...head, '--network', 'host', 'ctx']],
    [
      'add-hosts',
      { addHosts: ['docker:10.180.0.1', 'db=10.0.0.2'] },
      [...head, '--add-host', 'docker:10.180.0.1', '--add-host', 'db=10.0.0.2', 'ctx'],
    ],
    [
      'attests',
      { attests: ['type=sbom,generator=image', 'type=custom,true'] },
      [
        ...head,
        '--attest',
        'type=sbom,generator=image',
        '--attest',
        'type=custom,disabled=false',
        'ctx',
      ],
    ],
  ])('%s', (_name, overrides, args) => {
    const request = buildRequest({ engine: 'docker', defaultAttestations: false, ...overrides });
    expect(buildxArgs(request, { ...plan, secretFiles: [] })).toEqual(args);
  });

  it('builder names the buildx builder instance', () => {
    const request = buildRequest({ engine: 'docker', builder: 'ci', defaultAttestations: false });
    expect(buildxArgs(request, { ...plan, secretFiles: [] })).toEqual([
      'buildx',
      'build',
      '--builder',
      'ci',
      '--iidfile',
      '/s/iid',
      '--metadata-file',
      '/s/meta.json',
      'ctx',
    ]);
  });

  it.each([['type=local,dest=out'], ['type=tar,dest=out.tar'], ['out-dir'], ['-']])(
    'writes no image id file for outputs: %s',
    (output) => {
      const request = buildRequest({ engine: 'docker', outputs: [output] });
      expect(buildxArgs(request, { ...plan, secretFiles: [] })).toEqual([
        'buildx',
        'build',
        '--metadata-file',
        '/s/meta.json',
        ...defaultProvenance,
        '--output',
        output,
        'ctx',
      ]);
    },
  );

  it('secret-envs come as env secrets, masked, and an unset variable is warned about', async () => {
    const value = 'env-secret-value-4d1c';
    const { text } = await captureStdout(async () => {
      const envs = secretEnvArgs(
        new Map([
          ['gh', 'GH_TOKEN'],
          ['npm', 'NPM_TOKEN'],
        ]),
        { GH_TOKEN: value },
      );
      expect(envs.args).toEqual([
        '--secret',
        'id=gh,env=GH_TOKEN',
        '--secret',
        'id=npm,env=NPM_TOKEN',
      ]);
      expect(envs.warnings).toEqual([
        "secret-envs: the environment variable NPM_TOKEN (secret 'npm') is not set, so the build gets no such secret.",
      ]);
      const request = buildRequest({ engine: 'docker', defaultAttestations: false });
      expect(buildxArgs(request, { ...plan, secretFiles: [], secretEnvArgs: envs.args })).toEqual([
        ...head,
        '--secret',
        'id=gh,env=GH_TOKEN',
        '--secret',
        'id=npm,env=NPM_TOKEN',
        'ctx',
      ]);
    });
    expect(text).toContain(`::add-mask::${value}`);
  });

  it.each<[string, Map<string, string>, RegExp]>([
    [
      'a missing file',
      new Map([['npmrc', '/nonexistent/.npmrc']]),
      /^Input 'secret-files' names '\/nonexistent\/\.npmrc' for 'npmrc', which is not a file\./,
    ],
    [
      'a comma in the path',
      new Map([['npmrc', '/a,b']]),
      /^Input 'secret-files' has the path '\/a,b' for 'npmrc', which contains a comma or a quote/,
    ],
    ['a bad id', new Map([['a,b', FIXTURE_FILE]]), /^Input 'secret-files' has the secret id 'a,b'/],
  ])('refuses secret-files with %s', (_name, files, message) => {
    expect(() => secretFileArgs(files)).toThrow(message);
  });

  it('refuses a secret-envs entry that is not a variable name', () => {
    expect(() => secretEnvArgs(new Map([['gh', 'GH-TOKEN']]), {})).toThrow(
      "Input 'secret-envs' maps 'gh' to 'GH-TOKEN', which is not an environment variable name.",
    );
  });
});

const RUN_URL = 'https://github.com/octo-org/app/actions/runs/42/attempts/1';

describe("build-push-action's provenance", () => {
  it.each<[string, Partial<BuildRequest>, string[]]>([
    [
      'default for a public repository: max mode, the run as builder',
      { repositoryPrivate: false },
      [`type=provenance,mode=max,builder-id=${RUN_URL}`],
    ],
    [
      'default for a private repository: buildx’s own, inline only',
      { repositoryPrivate: true },
      [`type=provenance,mode=min,inline-only=true,builder-id=${RUN_URL}`],
    ],
    [
      'default when visibility is unknown: the private form',
      {},
      [`type=provenance,mode=min,inline-only=true,builder-id=${RUN_URL}`],
    ],
    [
      'default outside a workflow run: no builder-id',
      { repositoryPrivate: false, provenanceBuilderId: undefined },
      ['type=provenance,mode=max'],
    ],
    ['none with BUILDX_NO_DEFAULT_ATTESTATIONS', { defaultAttestations: false }, []],
    ['none when loading into docker', { repositoryPrivate: false, load: true }, []],
    ['none with a docker exporter', { outputs: ['type=docker,dest=img.tar'] }, []],
    [
      'default with a registry exporter',
      { repositoryPrivate: false, outputs: ['type=registry'] },
      [`type=provenance,mode=max,builder-id=${RUN_URL}`],
    ],
    [
      'explicit attributes get the builder-id',
      { provenance: 'mode=max' },
      [`type=provenance,mode=max,builder-id=${RUN_URL}`],
    ],
    [
      'explicit builder-id is kept',
      { provenance: 'mode=min,builder-id=https://ci.example/1' },
      ['type=provenance,mode=min,builder-id=https://ci.example/1'],
    ],
    ['explicit true', { provenance: 'true' }, [`type=provenance,builder-id=${RUN_URL}`]],
    ['explicit false', { provenance: 'false', load: true }, ['type=provenance,disabled=true']],
    [
      'a provenance entry in attests replaces the default',
      { repositoryPrivate: false, attests: ['type=provenance,mode=min'] },
      [`type=provenance,mode=min,builder-id=${RUN_URL}`],
    ],
    [
      'the provenance input wins over an attests entry',
      { provenance: 'false', attests: ['type=provenance,mode=max', 'type=sbom'] },
      ['type=provenance,disabled=true', 'type=sbom'],
    ],
    [
      'the sbom input wins over an attests entry',
      { sbom: 'generator=image', attests: ['type=sbom,false'], defaultAttestations: false },
      ['type=sbom,generator=image'],
    ],
  ])('%s', (_name, overrides, attests) => {
    const request = buildRequest({ engine: 'docker', provenanceBuilderId: RUN_URL, ...overrides });
    expect(buildxAttestArgs(request)).toEqual(attests.flatMap((attest) => ['--attest', attest]));
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
    [
      'secret files and envs without --secret',
      { secretFiles: new Map([['a', 'f']]), secretEnvs: new Map([['b', 'B']]) },
      false,
      ['secret-files', 'secret-envs'],
    ],
    [
      'secret files and envs with --secret',
      { secretFiles: new Map([['a', 'f']]), secretEnvs: new Map([['b', 'B']]) },
      true,
      [],
    ],
    ['a buildx builder', { builder: 'ci' }, false, ['builder (ci)']],
    ['attests', { attests: ['type=sbom'] }, false, ['attests']],
    ['attests switched off', { attests: ['type=sbom,disabled=true'] }, false, []],
    ['outputs', { outputs: ['type=local,dest=out'] }, false, ['outputs']],
    ['no-cache-filters', { noCacheFilters: ['test'] }, false, ['no-cache-filters']],
    ['build-contexts', { buildContexts: ['a=./a'] }, false, ['build-contexts']],
    ['ssh', { ssh: ['default'] }, false, ['ssh']],
    [
      'what the classic builder has too',
      {
        load: true,
        noCache: true,
        pull: true,
        network: 'host',
        addHosts: ['a:10.0.0.1'],
        shmSize: '1g',
        ulimits: ['nofile=10:10'],
      },
      false,
      [],
    ],
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
      'no-cache, pull, network, add-hosts, shm-size, ulimit and secret-files; load changes nothing',
      {
        load: true,
        noCache: true,
        pull: true,
        network: 'none',
        addHosts: ['db:10.0.0.2'],
        shmSize: '1g',
        ulimits: ['nofile=1024:1024'],
        secretFiles: new Map([['npmrc', FIXTURE_FILE]]),
      },
      [
        'build',
        '--iidfile',
        '/s/iid',
        '--no-cache',
        '--pull',
        '--network',
        'none',
        '--add-host',
        'db:10.0.0.2',
        '--shm-size',
        '1g',
        '--ulimit',
        'nofile=1024:1024',
        '--secret',
        `id=npmrc,src=${FIXTURE_FILE}`,
        'ctx',
      ],
      [],
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

describe('metadata of a build', () => {
  it.each<[string, string | undefined, string]>([
    [
      "buildx's file, pretty-printed",
      `{"containerimage.digest":"${DIGEST}","image.name":"r/a:1"}`,
      `{\n  "containerimage.digest": "${DIGEST}",\n  "image.name": "r/a:1"\n}`,
    ],
    ['no file', undefined, '{}'],
    ['a null file', 'null', '{}'],
  ])('buildx: %s', (_name, file, text) => {
    expect(buildxMetadataText(file)).toBe(text);
  });

  it('says what other engines can tell, under buildx’s keys', () => {
    expect(
      JSON.parse(
        buildMetadata({ imageId: OTHER_DIGEST, digest: DIGEST, names: ['r/a:1', 'r/a:2'] }),
      ),
    ).toEqual({
      'containerimage.config.digest': OTHER_DIGEST,
      'containerimage.digest': DIGEST,
      'image.name': 'r/a:1,r/a:2',
    });
    expect(JSON.parse(buildMetadata({ imageId: '', names: [] }))).toEqual({});
  });
});
