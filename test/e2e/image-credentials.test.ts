/**
 * image with credentials it did not get as inputs: a workflow that logged in with
 * docker/login-action has them in docker's config.json (DOCKER_CONFIG), one `auths` entry per
 * registry. The tag checks, the buildah push and promotion must all use them, for every registry
 * the images name, and no password may reach the log or the summary.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBuildahEnvironment, type ContainersConfiguration } from '../support/buildah.js';
import {
  HTPASSWD_TOOL,
  REGISTRY_TOOL,
  registryDigest,
  startRegistry,
  type TestRegistry,
} from '../support/registry.js';
import { runAction, type ActionRun, type StepResult } from '../support/runner.js';
import { describeWithTool } from '../support/tools.js';
import { IMAGE, buildContext, recordedEvent } from './image-support.js';

const mainPush = recordedEvent('push-main');
const SHORT_SHA = mainPush.event.sha!.slice(0, 7);
const FIRST = { username: 'ci', password: 'first-registry-pa55word' };
const SECOND = { username: 'deployer', password: 'second-registry-pa55word' };
const BUILDAH = { program: 'buildah', debianPackage: 'buildah' };

function failure(step: StepResult): string {
  return step.annotations.find((a) => a.level === 'error')?.message ?? '';
}

/** docker/login-action's way: `docker login` writes `{"auths":{"<registry>":{"auth":...}}}`. */
async function dockerConfig(
  entries: Array<{ host: string; username: string; password: string }>,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'image-docker-config-'));
  const auths = Object.fromEntries(
    entries.map(({ host, username, password }) => [
      host,
      { auth: Buffer.from(`${username}:${password}`).toString('base64') },
    ]),
  );
  await writeFile(join(dir, 'config.json'), `${JSON.stringify({ auths }, null, '\t')}\n`, {
    mode: 0o600,
  });
  return dir;
}

/**
 * No password in anything the action wrote: stdout (but for the masks it registered), stderr, the
 * summary, outputs and annotations; and each was registered as a mask.
 */
function expectNoPasswords(run: ActionRun, masked = [FIRST.password, SECOND.password]): void {
  expect(run.main.masks).toEqual(expect.arrayContaining(masked));
  for (const step of [run.main, run.post]) {
    if (!step) continue;
    // Raw stdout: what the action printed before any masking, except the masks themselves.
    const printed = step.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    const visible = [
      printed,
      step.stderr,
      step.log,
      step.summary,
      JSON.stringify(step.outputs),
      JSON.stringify(step.annotations),
    ].join('\n');
    for (const { username, password } of [FIRST, SECOND]) {
      expect(visible).not.toContain(password);
      expect(visible).not.toContain(Buffer.from(`${username}:${password}`).toString('base64'));
    }
  }
}

/**
 * A credential store as docker's `credsStore` names one (docker-credential-<name>), which buildah
 * does not consult itself: a Node script answering `get` for the hosts it was given.
 */
async function credentialStore(
  entries: Array<{ host: string; username: string; password: string }>,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'image-credential-store-'));
  const table = Object.fromEntries(
    entries.map(({ host, username, password }) => [host, { Username: username, Secret: password }]),
  );
  await writeFile(
    join(dir, 'docker-credential-slipwaytest'),
    [
      '#!/usr/bin/env node',
      `const table = ${JSON.stringify(table)};`,
      "let input = '';",
      "process.stdin.on('data', (chunk) => (input += chunk));",
      "process.stdin.on('end', () => {",
      '  const answer = table[input.trim()];',
      "  if (process.argv[2] !== 'get' || !answer) {",
      "    process.stdout.write('credentials not found in native keychain');",
      '    process.exit(1);',
      '  }',
      '  process.stdout.write(JSON.stringify({ ServerURL: input.trim(), ...answer }));',
      '});',
      '',
    ].join('\n'),
    { mode: 0o700 },
  );
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({ auths: {}, credsStore: 'slipwaytest' }),
  );
  return dir;
}

async function credentialDirectories(runnerTemp: string): Promise<string[]> {
  return (await readdir(runnerTemp)).filter((name) => name.startsWith('slipway-credentials-'));
}

describeWithTool(HTPASSWD_TOOL, 'image bundle: credentials from a docker login', () => {
  describeWithTool(REGISTRY_TOOL, 'registries', () => {
    describeWithTool(BUILDAH, 'with buildah', () => {
      let first: TestRegistry;
      let second: TestRegistry;
      let containers: ContainersConfiguration;
      let configDir: string;
      beforeAll(async () => {
        [first, second] = await Promise.all([
          startRegistry({ htpasswd: FIRST }),
          startRegistry({ htpasswd: SECOND }),
        ]);
        containers = await createBuildahEnvironment([first.host, second.host]);
        configDir = await dockerConfig([
          { host: first.host, ...FIRST },
          { host: second.host, ...SECOND },
        ]);
      });
      afterAll(async () => {
        await Promise.all([first?.stop(), second?.stop(), containers?.remove()]);
        if (configDir) await rm(configDir, { recursive: true, force: true });
      });

      const env = () => ({ ...mainPush.env, ...containers.env, DOCKER_CONFIG: configDir });

      it('builds and pushes, skips an existing tag, and promotes, with only config.json', async () => {
        const repository = 'octo/login-action';
        const runnerTemp = await mkdtemp(join(tmpdir(), 'image-runner-temp-'));
        let privateFile = '';
        const built = await runAction(IMAGE, {
          ...mainPush,
          workspace: await buildContext(),
          env: env(),
          inputs: {
            images: `${first.host}/${repository}`,
            tags: 'type=ref,event=branch\ntype=sha',
            push: 'true',
            engine: 'buildah',
          },
          runnerTemp,
          timeoutMs: 180_000,
          beforePost: async () => {
            privateFile = (await credentialDirectories(runnerTemp))[0] ?? '';
          },
        });
        expect(failure(built.main)).toBe('');
        expect(built.main.exitCode).toBe(0);
        const digest = built.main.outputs.digest;
        expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
        for (const tag of ['main', `sha-${SHORT_SHA}`]) {
          expect((await registryDigest(first, repository, tag, FIRST)).digest).toBe(digest);
        }
        expect(built.main.log).toContain(
          `Registry ${first.host}: using the credentials of 'ci' from ${join(configDir, 'config.json')}.`,
        );
        // buildah's private auth file existed during main and the post step removed it.
        expect(privateFile).toMatch(/^slipway-credentials-/);
        expect(await credentialDirectories(runnerTemp)).toEqual([]);
        await rm(runnerTemp, { recursive: true, force: true });
        expect(built.post?.exitCode).toBe(0);
        expectNoPasswords(built);

        // The tag check before a build reads the registry with the same credentials.
        const skipped = await runAction(IMAGE, {
          ...mainPush,
          workspace: await buildContext(),
          env: env(),
          inputs: {
            images: `${first.host}/${repository}`,
            push: 'true',
            'skip-existing': 'true',
            engine: 'buildah',
          },
        });
        expect(failure(skipped.main)).toBe('');
        expect(skipped.main.outputs.digest).toBe(digest);
        expect(skipped.main.summary).toContain('Skipped the build');
        expectNoPasswords(skipped);

        const promoted = await runAction(IMAGE, {
          ...mainPush,
          env: env(),
          inputs: {
            images: `${first.host}/${repository}`,
            tags: 'type=raw,value=stable',
            'promote-from': `${first.host}/${repository}:sha-{{sha}}`,
          },
        });
        expect(failure(promoted.main)).toBe('');
        expect(promoted.main.outputs).toMatchObject({ promoted: 'true', digest });
        expect((await registryDigest(first, repository, 'stable', FIRST)).digest).toBe(digest);
        expectNoPasswords(promoted);
      }, 300_000);

      it('pushes every tag to two registries with different credentials', async () => {
        const repository = 'octo/two-registries';
        const run = await runAction(IMAGE, {
          ...mainPush,
          workspace: await buildContext(),
          env: env(),
          inputs: {
            images: `${first.host}/${repository}\n${second.host}/${repository}`,
            tags: 'type=ref,event=branch\ntype=sha',
            push: 'true',
            engine: 'buildah',
          },
          timeoutMs: 180_000,
        });
        expect(failure(run.main)).toBe('');
        expect(run.main.exitCode).toBe(0);
        const digest = run.main.outputs.digest;
        expect(run.main.outputs.refs.split('\n')).toHaveLength(4);
        for (const [registry, basic] of [
          [first, FIRST],
          [second, SECOND],
        ] as const) {
          for (const tag of ['main', `sha-${SHORT_SHA}`]) {
            expect((await registryDigest(registry, repository, tag, basic)).digest).toBe(digest);
          }
          // Each registry accepts only its own account.
          expect((await registryDigest(registry, repository, 'main')).status).toBe(401);
        }
        expectNoPasswords(run);
      }, 300_000);

      it("uses docker's credsStore, which buildah does not read itself", async () => {
        const repository = 'octo/creds-store';
        const store = await credentialStore([{ host: first.host, ...FIRST }]);
        try {
          const run = await runAction(IMAGE, {
            ...mainPush,
            workspace: await buildContext(),
            env: { ...env(), DOCKER_CONFIG: store, PATH: `${store}:${process.env.PATH}` },
            inputs: {
              images: `${first.host}/${repository}`,
              tags: 'type=ref,event=branch',
              push: 'true',
              engine: 'buildah',
            },
            timeoutMs: 180_000,
          });
          expect(failure(run.main)).toBe('');
          expect(run.main.log).toContain(
            `using the credentials of 'ci' from docker-credential-slipwaytest (credsStore in ${join(store, 'config.json')})`,
          );
          expect((await registryDigest(first, repository, 'main', FIRST)).digest).toBe(
            run.main.outputs.digest,
          );
          expectNoPasswords(run, [FIRST.password]);
        } finally {
          await rm(store, { recursive: true, force: true });
        }
      }, 300_000);

      it('with the inputs, buildah pushes without a login of its own', async () => {
        const repository = 'octo/inputs';
        const run = await runAction(IMAGE, {
          ...mainPush,
          workspace: await buildContext(),
          // No docker config at all: only the inputs.
          env: { ...mainPush.env, ...containers.env },
          inputs: {
            images: `${second.host}/${repository}`,
            tags: 'type=ref,event=branch',
            push: 'true',
            engine: 'buildah',
            registry: second.host,
            username: SECOND.username,
            password: SECOND.password,
          },
          timeoutMs: 180_000,
        });
        expect(failure(run.main)).toBe('');
        expect((await registryDigest(second, repository, 'main', SECOND)).digest).toBe(
          run.main.outputs.digest,
        );
        expect(run.main.log).not.toContain('buildah login');
        // The user's own auth file was not written to.
        expect(await readFile(containers.env.REGISTRY_AUTH_FILE, 'utf8')).toBe('{"auths":{}}\n');
        expect(run.post?.exitCode).toBe(0);
        expectNoPasswords(run, [SECOND.password]);
      }, 300_000);

      it('says where it looked when a registry has no credentials anywhere', async () => {
        const empty = await dockerConfig([{ host: second.host, ...SECOND }]);
        try {
          const run = await runAction(IMAGE, {
            ...mainPush,
            env: { ...env(), DOCKER_CONFIG: empty },
            inputs: {
              images: `${first.host}/octo/login-action`,
              tags: 'type=raw,value=stable',
              'promote-from': `${first.host}/octo/login-action:sha-{{sha}}`,
            },
          });
          expect(run.main.exitCode).toBe(1);
          expect(run.main.log).toContain('without credentials (HTTP 401)');
          expect(run.main.log).toContain(
            `No credentials for it were found in the registry, username and password inputs, then ${containers.env.REGISTRY_AUTH_FILE}, `,
          );
          expect(run.main.log).toContain(join(empty, 'config.json'));
          expectNoPasswords(run, [SECOND.password]);
        } finally {
          await rm(empty, { recursive: true, force: true });
        }
      });
    });
  });
});
