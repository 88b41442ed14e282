import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildRequest } from '../../../src/image/builders/build-request.js';
import {
  buildahBuildArgs,
  buildahLocalDigestArgs,
  buildahPushArgs,
  refuseUnsupportedByBuildah,
} from '../../../src/image/builders/buildah.js';
import { build, login, logout } from '../../../src/image/builders/index.js';
import { createBuildahEnvironment, type ContainersConfiguration } from '../../support/buildah.js';
import { captureStdout } from '../../support/capture-stdout.js';
import {
  HTPASSWD_TOOL,
  REGISTRY_TOOL,
  startRegistry,
  type TestRegistry,
} from '../../support/registry.js';
import { describeWithTool } from '../../support/tools.js';
import {
  FIXTURE_CONTEXT,
  FIXTURE_FILE,
  makeContext,
  secretCopyingContext,
  startHangingServer,
} from './contexts.js';
import { listTags, manifestDigest, readImageFiles, readManifest } from './registry-reader.js';
import { processesMentioning } from './processes.js';
import { buildRequest, withoutMaskCommands } from './request.js';

const BUILDAH = { program: 'buildah', debianPackage: 'buildah' };
const GCC = { program: 'gcc', debianPackage: 'gcc' };
const CREDENTIALS = { username: 'builder', password: 'registry-pass-7f3a' };

describeWithTool(BUILDAH, 'buildah builder', () => {
  describeWithTool(REGISTRY_TOOL, 'with a real registry', () => {
    describeWithTool(HTPASSWD_TOOL, 'and htpasswd', () => {
      let registry: TestRegistry;
      let authRegistry: TestRegistry;
      let buildah: ContainersConfiguration;
      let runnerTemp: string;
      const previousRunnerTemp = process.env.RUNNER_TEMP;

      beforeAll(async () => {
        registry = await startRegistry();
        authRegistry = await startRegistry({ htpasswd: CREDENTIALS });
        buildah = await createBuildahEnvironment([registry.host, authRegistry.host]);
        runnerTemp = await mkdtemp(join(tmpdir(), 'slipway-runner-temp-'));
        process.env.RUNNER_TEMP = runnerTemp;
      });

      afterAll(async () => {
        process.env.RUNNER_TEMP = previousRunnerTemp;
        await registry?.stop();
        await authRegistry?.stop();
        await buildah?.remove();
        if (runnerTemp) await rm(runnerTemp, { recursive: true, force: true });
      });

      const request = (overrides: Parameters<typeof buildRequest>[0]) =>
        buildRequest({
          engine: 'buildah',
          context: FIXTURE_CONTEXT,
          file: FIXTURE_FILE,
          env: buildah.env,
          insecureRegistries: [registry.host, authRegistry.host],
          ...overrides,
        });

      it('pushes every tag, and the registry holds each with the reported digest', async () => {
        const tags = ['1.0.0', 'sha-abc1234'].map((tag) => `${registry.host}/app:${tag}`);
        const result = await build(
          request({ tags, push: true, labels: ['org.example.team=core'] }),
        );

        expect(result.builder).toBe('buildah');
        expect(result.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
        expect(result.pushed).toEqual(tags);
        expect(result.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
        expect(result.warnings).toEqual([]);
        expect(await listTags(registry.host, 'app')).toEqual(['1.0.0', 'sha-abc1234']);
        for (const tag of ['1.0.0', 'sha-abc1234']) {
          expect(await manifestDigest(registry.host, 'app', tag)).toBe(result.digest);
        }
        const files = await readImageFiles(registry.host, 'app', '1.0.0');
        expect(files.get('message.txt')).toBe('default message\n');
        expect(files.get('stage.txt')).toBe('release stage\n');
      });

      it('honours build args and the target stage', async () => {
        const tag = `${registry.host}/args:1`;
        const result = await build(
          request({
            tags: [tag],
            push: true,
            target: 'base',
            buildArgs: new Map([['MESSAGE_FILE', 'message-custom.txt']]),
          }),
        );
        const files = await readImageFiles(registry.host, 'args', '1');
        expect(files.get('message.txt')).toBe('custom message\n');
        expect(files.has('stage.txt')).toBe(false);
        expect(await manifestDigest(registry.host, 'args', '1')).toBe(result.digest);
      });

      it('builds several platforms into one index pushed to every tag', async () => {
        const tags = [`${registry.host}/multi:1`, `${registry.host}/multi:latest`];
        const result = await build(
          request({ tags, push: true, platforms: ['linux/amd64', 'linux/arm64'] }),
        );
        const index = await readManifest(registry.host, 'multi', '1');
        const platforms = (index.manifests ?? []).map((m) => m.platform?.architecture).sort();
        expect(platforms).toEqual(['amd64', 'arm64']);
        expect(await manifestDigest(registry.host, 'multi', '1')).toBe(result.digest);
        expect(await manifestDigest(registry.host, 'multi', 'latest')).toBe(result.digest);
      });

      it('builds without pushing when push is false, and tells the digest a push gives', async () => {
        const tag = `${registry.host}/local-only:1`;
        const result = await build(request({ tags: [tag], push: false }));
        expect(result.pushed).toEqual([]);
        expect(result.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
        expect(result.warnings).toEqual([]);
        expect(JSON.parse(result.metadata)).toEqual({
          'containerimage.config.digest': result.imageId,
          'containerimage.digest': result.digest,
          'image.name': tag,
        });
        expect(await manifestDigest(registry.host, 'local-only', '1')).toBeUndefined();
        const inspected = execFileSync(
          'buildah',
          ['inspect', '--format', '{{.FromImageID}}', tag],
          {
            env: { ...process.env, ...buildah.env },
          },
        );
        expect(`sha256:${inspected.toString().trim()}`).toBe(result.imageId);

        // A later push of that very image lands under the digest reported before it.
        execFileSync('buildah', ['push', '--tls-verify=false', result.imageId, `docker://${tag}`], {
          env: { ...process.env, ...buildah.env },
          stdio: 'ignore',
        });
        expect(await manifestDigest(registry.host, 'local-only', '1')).toBe(result.digest);
      });

      it('tells the digest of a multi-platform list without pushing it', async () => {
        const result = await build(
          request({ tags: [], push: false, platforms: ['linux/amd64', 'linux/arm64'] }),
        );
        expect(result.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
        execFileSync(
          'buildah',
          [
            'manifest',
            'push',
            '--all',
            '--tls-verify=false',
            result.imageId,
            `docker://${registry.host}/local-list:1`,
          ],
          { env: { ...process.env, ...buildah.env }, stdio: 'ignore' },
        );
        expect(await manifestDigest(registry.host, 'local-list', '1')).toBe(result.digest);
      });

      it('builds named build-contexts, and no-cache rebuilds what the layer cache would reuse', async () => {
        const extra = await makeContext({ 'data.txt': 'extra data\n' });
        const context = await makeContext({
          Containerfile: 'FROM scratch\nCOPY --from=extra data.txt /data.txt\n',
        });
        try {
          const tag = `${registry.host}/contexts:1`;
          const contexts = {
            context,
            file: join(context, 'Containerfile'),
            tags: [tag],
            buildContexts: [`extra=${extra}`],
          };
          const first = await build(request({ ...contexts, push: true }));
          const files = await readImageFiles(registry.host, 'contexts', '1');
          expect(files.get('data.txt')).toBe('extra data\n');
          const cached = await build(request(contexts));
          expect(cached.imageId).toBe(first.imageId);
          const rebuilt = await build(request({ ...contexts, noCache: true }));
          expect(rebuilt.imageId).not.toBe(first.imageId);
        } finally {
          await rm(extra, { recursive: true, force: true });
          await rm(context, { recursive: true, force: true });
        }
      });

      it('reports a broken Containerfile with buildah’s own last words', async () => {
        const context = await makeContext({ Containerfile: 'FROM scratch\nCOPY missing.txt /x\n' });
        try {
          await expect(
            build(request({ context, file: join(context, 'Containerfile') })),
          ).rejects.toThrow(
            /^buildah build failed with exit code \d+\. Last lines of its output:\n[\s\S]*missing\.txt/,
          );
        } finally {
          await rm(context, { recursive: true, force: true });
        }
      });

      it('stops a build that outlives its timeout', async () => {
        const hanging = await startHangingServer();
        const context = await makeContext({
          Containerfile: `FROM scratch\nADD ${hanging.url} /x\n`,
        });
        const started = Date.now();
        try {
          await expect(
            build(request({ context, file: join(context, 'Containerfile'), timeoutMs: 2_000 })),
          ).rejects.toThrow('buildah build did not finish within the build timeout of 2s');
          expect(Date.now() - started).toBeLessThan(15_000);
          expect(await processesMentioning(context)).toEqual([]);
        } finally {
          await hanging.stop();
          await rm(context, { recursive: true, force: true });
        }
      });

      describeWithTool(GCC, 'with a RUN step', () => {
        it('passes a secret as a file without it showing in the log or the result', async () => {
          const secret = `s3cret-${Date.now()}-value`;
          const context = await secretCopyingContext('api_token');
          try {
            const tag = `${registry.host}/secret:1`;
            const { text } = await captureStdout(async () => {
              const result = await build(
                request({
                  context,
                  file: join(context, 'Containerfile'),
                  tags: [tag],
                  push: true,
                  secrets: new Map([['api_token', secret]]),
                }),
              );
              expect(JSON.stringify(result)).not.toContain(secret);
            });
            const files = await readImageFiles(registry.host, 'secret', '1');
            expect(files.get('secret-copy')).toBe(secret);
            expect(text).toContain('--secret id=api_token,src=');
            expect(text).toContain(`::add-mask::${secret}`);
            expect(withoutMaskCommands(text)).not.toContain(secret);
            expect(await readdir(runnerTemp)).toEqual([]);
          } finally {
            await rm(context, { recursive: true, force: true });
          }
        });
      });

      describeWithTool(GCC, 'with a RUN step that copies a file', () => {
        it('passes secret-envs from the environment, masked', async () => {
          const secret = `env-secret-${Date.now()}`;
          const context = await secretCopyingContext('env_token');
          try {
            const { text } = await captureStdout(() =>
              build(
                request({
                  context,
                  file: join(context, 'Containerfile'),
                  tags: [`${registry.host}/secret-env:1`],
                  push: true,
                  secretEnvs: new Map([['env_token', 'SLIPWAY_SECRET_ENV']]),
                  env: { ...buildah.env, SLIPWAY_SECRET_ENV: secret },
                }),
              ),
            );
            const files = await readImageFiles(registry.host, 'secret-env', '1');
            expect(files.get('secret-copy')).toBe(secret);
            expect(text).toContain('--secret id=env_token,env=SLIPWAY_SECRET_ENV');
            expect(withoutMaskCommands(text)).not.toContain(secret);
          } finally {
            await rm(context, { recursive: true, force: true });
          }
        });

        it('passes secret-files by their path', async () => {
          const context = await secretCopyingContext('npmrc');
          const secretFile = join(context, 'npmrc.txt');
          await writeFile(secretFile, '//registry.example/:_authToken=abc\n');
          try {
            await build(
              request({
                context,
                file: join(context, 'Containerfile'),
                tags: [`${registry.host}/secret-file:1`],
                push: true,
                secretFiles: new Map([['npmrc', secretFile]]),
              }),
            );
            const files = await readImageFiles(registry.host, 'secret-file', '1');
            expect(files.get('secret-copy')).toBe('//registry.example/:_authToken=abc\n');
          } finally {
            await rm(context, { recursive: true, force: true });
          }
        });

        it('writes add-hosts into /etc/hosts of RUN steps; network none leaves it alone', async () => {
          const context = await secretCopyingContext('unused');
          await writeFile(join(context, 'hosts'), '');
          await writeFile(
            join(context, 'Containerfile'),
            [
              'FROM scratch',
              'COPY copy-file /copy-file',
              // A scratch image has no /etc/hosts for buildah to mount its own over.
              'COPY hosts /etc/hosts',
              'RUN ["/copy-file", "/etc/hosts", "/hosts-copy"]',
              '',
            ].join('\n'),
          );
          const hostsOf = async (repository: string, overrides: Partial<BuildRequest>) => {
            await build(
              request({
                context,
                file: join(context, 'Containerfile'),
                tags: [`${registry.host}/${repository}:1`],
                push: true,
                addHosts: ['db.internal:10.1.2.3', 'cache.internal=10.1.2.4'],
                ...overrides,
              }),
            );
            return (await readImageFiles(registry.host, repository, '1')).get('hosts-copy');
          };
          try {
            const hosts = await hostsOf('hosts', { network: 'host' });
            expect(hosts).toMatch(/10\.1\.2\.3\s+db\.internal/);
            expect(hosts).toMatch(/10\.1\.2\.4\s+cache\.internal/);
            // Without a network buildah writes no hosts file: the image's empty one is seen
            // (no-cache, since the network is not part of the layer cache's key).
            expect(await hostsOf('hosts-none', { network: 'none', noCache: true })).toBe('');
          } finally {
            await rm(context, { recursive: true, force: true });
          }
        });
      });

      it('logs in with basic auth before pushing and out afterwards', async () => {
        const tag = `${authRegistry.host}/private:1`;
        const options = { env: buildah.env, insecure: true };
        await expect(build(request({ tags: [tag], push: true }))).rejects.toThrow(
          /^buildah push .*private:1 failed[\s\S]*(unauthorized|authentication required)/i,
        );

        const { text } = await captureStdout(() =>
          login('buildah', authRegistry.host, CREDENTIALS.username, CREDENTIALS.password, options),
        );
        expect(text).toContain(`::add-mask::${CREDENTIALS.password}`);
        expect(withoutMaskCommands(text)).not.toContain(CREDENTIALS.password);
        const result = await build(request({ tags: [tag], push: true }));
        expect(await manifestDigest(authRegistry.host, 'private', '1', CREDENTIALS)).toBe(
          result.digest,
        );

        await logout('buildah', authRegistry.host, options);
        await expect(
          build(request({ tags: [`${authRegistry.host}/private:2`], push: true })),
        ).rejects.toThrow(/unauthorized|authentication required/i);
      });

      it('turns a wrong password into a clear login error without echoing it', async () => {
        const wrong = 'not-the-password-9c1d';
        const attempt = login('buildah', authRegistry.host, CREDENTIALS.username, wrong, {
          env: buildah.env,
          insecure: true,
        });
        await expect(attempt).rejects.toThrow(/^buildah login 127\.0\.0\.1:\d+ failed/);
        await attempt.catch((error: Error) => expect(error.message).not.toContain(wrong));
      });
    });
  });
});

describe('buildah builder refusals', () => {
  it('refuses attestations before running anything', async () => {
    await expect(
      build(buildRequest({ engine: 'buildah', context: '/nonexistent', provenance: 'mode=max' })),
    ).rejects.toThrow('buildah cannot attach attestations');
  });
});

const secretFiles = [{ id: 'token', path: '/runner/temp/build-secret-1' }];

describe('buildah build arguments', () => {
  it.each<[string, Partial<BuildRequest>, string[], string[]]>([
    ['plain build', {}, ['build', '--layers', '--iidfile', '/s/iid', 'ctx'], []],
    [
      'file, target, one platform, tags',
      {
        file: 'ctx/Containerfile',
        target: 'release',
        platforms: ['linux/arm64'],
        tags: ['r/a:1', 'r/a:2'],
      },
      [
        'build',
        '--layers',
        '-f',
        'ctx/Containerfile',
        '--target',
        'release',
        '--platform',
        'linux/arm64',
        '--iidfile',
        '/s/iid',
        '-t',
        'r/a:1',
        '-t',
        'r/a:2',
        'ctx',
      ],
      [],
    ],
    [
      'build args and labels keep their order',
      {
        buildArgs: new Map([
          ['B', '2'],
          ['A', 'x=y'],
        ]),
        labels: ['org.a=1', 'org.b='],
      },
      [
        'build',
        '--layers',
        '--iidfile',
        '/s/iid',
        '--build-arg',
        'B=2',
        '--build-arg',
        'A=x=y',
        '--label',
        'org.a=1',
        '--label',
        'org.b=',
        'ctx',
      ],
      [],
    ],
    [
      'secrets as files, values nowhere',
      { secrets: new Map([['token', 'hunter22']]) },
      [
        'build',
        '--layers',
        '--iidfile',
        '/s/iid',
        '--secret',
        'id=token,src=/runner/temp/build-secret-1',
        'ctx',
      ],
      [],
    ],
    [
      'manifest-level annotations keep their entry, index-level ones are dropped with a warning',
      {
        annotations: [
          'org.x=1',
          'manifest:org.y=2',
          'manifest[linux/amd64]:org.z=3',
          'index:org.w=4',
        ],
      },
      [
        'build',
        '--layers',
        '--iidfile',
        '/s/iid',
        '--annotation',
        'org.x=1',
        '--annotation',
        'org.y=2',
        '--annotation',
        'org.z=3',
        'ctx',
      ],
      ['buildah sets annotations on the image manifest only; ignored: index:org.w=4.'],
    ],
    [
      'registry caches become repositories, other cache types are warned about',
      {
        cacheFrom: ['type=registry,ref=ghcr.io/o/cache', 'type=gha'],
        cacheTo: ['ghcr.io/o/cache'],
      },
      [
        'build',
        '--layers',
        '--iidfile',
        '/s/iid',
        '--cache-from',
        'ghcr.io/o/cache',
        '--cache-to',
        'ghcr.io/o/cache',
        'ctx',
      ],
      ['buildah can only cache in a registry repository; --cache-from type=gha is ignored.'],
    ],
    [
      'a cache in an insecure registry turns TLS verification off',
      { cacheFrom: ['127.0.0.1:5000/cache'], insecureRegistries: ['127.0.0.1:5000'] },
      [
        'build',
        '--layers',
        '--iidfile',
        '/s/iid',
        '--cache-from',
        '127.0.0.1:5000/cache',
        '--tls-verify=false',
        'ctx',
      ],
      [],
    ],
    [
      'several platforms build into a manifest list without layer cache or -t',
      { platforms: ['linux/amd64', 'linux/arm64'], tags: ['r/a:1'], cacheFrom: ['r/cache'] },
      ['build', '--platform', 'linux/amd64,linux/arm64', '--manifest', 'localhost/list', 'ctx'],
      ['buildah builds several platforms without a layer cache; --cache-from r/cache is ignored.'],
    ],
  ])('%s', (_name, overrides, args, warnings) => {
    const request = buildRequest(overrides);
    const multi = request.platforms.length > 1;
    const plan = {
      secretFiles: request.secrets.size > 0 ? secretFiles : [],
      iidFile: '/s/iid',
      manifestList: multi ? 'localhost/list' : undefined,
    };
    const result = buildahBuildArgs(request, plan);
    expect(result.args).toEqual(args);
    expect(result.warnings).toEqual(warnings);
    expect(result.args.join(' ')).not.toContain('hunter22');
  });

  // One build-push-action input per row, mapped to buildah's option.
  it.each<[string, Partial<BuildRequest>, string[]]>([
    ['no-cache', { noCache: true }, ['--no-cache']],
    ['pull: always, not only when missing', { pull: true }, ['--pull=always']],
    ['network', { network: 'host' }, ['--network', 'host']],
    ["buildx's default network is buildah's default", { network: 'default' }, []],
    [
      'add-hosts, in the host:ip form buildah takes',
      { addHosts: ['db:10.0.0.2', 'cache=10.0.0.3'] },
      ['--add-host', 'db:10.0.0.2', '--add-host', 'cache:10.0.0.3'],
    ],
    ['shm-size', { shmSize: '1g' }, ['--shm-size', '1g']],
    [
      'ulimit',
      { ulimits: ['nofile=1024:1024', 'nproc=64'] },
      ['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=64'],
    ],
    [
      'build-contexts',
      { buildContexts: ['extra=./extra', 'alpine=docker-image://alpine:3.20'] },
      ['--build-context', 'extra=./extra', '--build-context', 'alpine=docker-image://alpine:3.20'],
    ],
    ['ssh', { ssh: ['default', 'key=/k'] }, ['--ssh', 'default', '--ssh', 'key=/k']],
    [
      'outputs of type local',
      { outputs: ['type=local,dest=out'] },
      ['--output', 'type=local,dest=out'],
    ],
    [
      'outputs of type tar',
      { outputs: ['type=tar,dest=o.tar'] },
      ['--output', 'type=tar,dest=o.tar'],
    ],
    [
      'secret-files',
      { secretFiles: new Map([['npmrc', FIXTURE_FILE]]) },
      ['--secret', `id=npmrc,src=${FIXTURE_FILE}`],
    ],
    ['load: the image stays in local storage anyway', { load: true }, []],
  ])('maps %s', (_name, overrides, extra) => {
    const result = buildahBuildArgs(buildRequest(overrides), {
      secretFiles: [],
      iidFile: '/s/iid',
    });
    expect(result.args).toEqual(['build', '--layers', '--iidfile', '/s/iid', ...extra, 'ctx']);
    expect(result.warnings).toEqual([]);
  });

  it('passes secret-envs as env secrets', () => {
    const result = buildahBuildArgs(buildRequest(), {
      secretFiles: [],
      secretEnvArgs: ['--secret', 'id=gh,env=GH_TOKEN'],
      iidFile: '/s/iid',
    });
    expect(result.args).toEqual([
      'build',
      '--layers',
      '--iidfile',
      '/s/iid',
      '--secret',
      'id=gh,env=GH_TOKEN',
      'ctx',
    ]);
  });

  it.each<[string, { imageId: string; manifestList?: string }, string[]]>([
    [
      'an image: a gzip-compressed dir copy keeps its manifest type',
      { imageId: 'sha256:1' },
      [
        'push',
        '--quiet',
        '--compression-format',
        'gzip',
        '--digestfile',
        '/s/d',
        'sha256:1',
        'dir:/s/copy',
      ],
    ],
    [
      'a manifest list: an OCI layout with every image',
      { imageId: 'sha256:1', manifestList: 'localhost/list' },
      [
        'manifest',
        'push',
        '--all',
        '--quiet',
        '--digestfile',
        '/s/d',
        'localhost/list',
        'oci:/s/copy:latest',
      ],
    ],
  ])('learns the digest of %s without a registry', (_name, source, args) => {
    expect(buildahLocalDigestArgs(source, '/s/copy', '/s/d')).toEqual(args);
  });

  it.each<[string, Partial<BuildRequest>, { imageId: string; manifestList?: string }, string[]]>([
    [
      'an image',
      {},
      { imageId: 'sha256:1' },
      ['push', '--digestfile', '/s/d', 'sha256:1', 'docker://r.io/a:1'],
    ],
    [
      'an image to an insecure registry',
      { insecureRegistries: ['r.io'] },
      { imageId: 'sha256:1' },
      ['push', '--tls-verify=false', '--digestfile', '/s/d', 'sha256:1', 'docker://r.io/a:1'],
    ],
    [
      'a manifest list with every image in it',
      {},
      { imageId: 'sha256:1', manifestList: 'localhost/list' },
      ['manifest', 'push', '--all', '--digestfile', '/s/d', 'localhost/list', 'docker://r.io/a:1'],
    ],
  ])('pushes %s', (_name, overrides, source, args) => {
    expect(buildahPushArgs(buildRequest(overrides), source, 'r.io/a:1', '/s/d')).toEqual(args);
  });

  it.each<[string, Partial<BuildRequest>, string | undefined]>([
    ['no attestations', {}, undefined],
    ['attestations switched off', { provenance: 'false', sbom: 'false' }, undefined],
    ['provenance', { provenance: 'mode=max' }, 'provenance (mode=max)'],
    [
      'provenance and sbom',
      { provenance: 'true', sbom: 'true' },
      'provenance (true) and sbom (true)',
    ],
    ['attests', { attests: ['type=sbom', 'type=provenance,disabled=true'] }, 'attests (type=sbom)'],
    ['attests switched off', { attests: ['type=sbom,disabled=true', 'type=x,false'] }, undefined],
  ])('refuses attestations: %s', (_name, overrides, refused) => {
    const attempt = () => refuseUnsupportedByBuildah(buildRequest(overrides));
    if (refused === undefined) expect(attempt).not.toThrow();
    else
      expect(attempt).toThrow(
        `buildah cannot attach attestations, but the inputs ask for ${refused}.`,
      );
  });

  it.each<[string, Partial<BuildRequest>, string | undefined]>([
    [
      'a buildx builder',
      { builder: 'ci' },
      "Input 'builder' names the buildx builder 'ci', which engine: buildah does not use; builder needs engine: docker with buildx.",
    ],
    [
      'no-cache-filters',
      { noCacheFilters: ['test', 'lint'] },
      "Input 'no-cache-filters' (test,lint) needs engine: docker with buildx; buildah has no such option.",
    ],
    [
      'an image exporter',
      { outputs: ['type=registry,name=r/a'] },
      "Input 'outputs' asks for type=registry,name=r/a, but buildah's --output writes only type=local and type=tar; other exporters need engine: docker with buildx.",
    ],
    [
      'two exporters',
      { outputs: ['type=local,dest=a', 'type=tar,dest=b'] },
      "Input 'outputs' lists 2 exporters, but buildah writes one --output; several need engine: docker with buildx.",
    ],
    ['a local exporter', { outputs: ['type=local,dest=a'] }, undefined],
    ['a bare directory (local)', { outputs: ['out'] }, undefined],
  ])('refuses what only buildx has: %s', (_name, overrides, message) => {
    const attempt = () => refuseUnsupportedByBuildah(buildRequest(overrides));
    if (message === undefined) expect(attempt).not.toThrow();
    else expect(attempt).toThrow(message);
  });
});
