import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BuildRequest } from '../../../src/image/builders/build-request.js';
import { hasBuildx } from '../../../src/image/builders/docker.js';
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
 * the table in arguments.test.ts.
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
            builder: 'docker',
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
