/**
 * A Dockerfile is untrusted: a pull request controls it, and the builder prints its
 * instructions. Nothing it makes the builder print may be obeyed by the runner.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBuildahEnvironment, type ContainersConfiguration } from '../support/buildah.js';
import { startPodmanService, type PodmanService } from '../support/podman.js';
import { REGISTRY_TOOL, startRegistry, type TestRegistry } from '../support/registry.js';
import { runAction, type StepResult } from '../support/runner.js';
import { describeWithTool } from '../support/tools.js';
import { IMAGE, buildContext, recordedEvent } from './image-support.js';

const mainPush = recordedEvent('push-main');

/** Each LABEL line is echoed by the builder ("STEP 2/5: LABEL …"); the legacy form counts anywhere. */
const HOSTILE_CONTAINERFILE = [
  'FROM scratch',
  'COPY message-default.txt /message.txt',
  'LABEL a="##[error]injected by the Dockerfile"',
  'LABEL b="##[add-mask]message"',
  'LABEL c="##[save-state name=slipway-credential-files][\\"/etc\\"]"',
  'LABEL d="##[stop-commands]never-resumed"',
  '',
].join('\n');

async function hostileContext(): Promise<string> {
  const workspace = await buildContext();
  await writeFile(join(workspace, 'Containerfile'), HOSTILE_CONTAINERFILE);
  return workspace;
}

function expectNothingObeyed(main: StepResult): void {
  // The builder really printed the hostile lines …
  expect(main.stdout).toContain('##[error]injected by the Dockerfile');
  // … and the runner obeyed none of them: no injected annotation, mask or state, and the
  // action's own commands after the build still work.
  expect(main.annotations.map((a) => a.message).join('\n')).not.toContain('injected');
  expect(main.masks).not.toContain('message');
  expect(main.state['slipway-credential-files'] ?? '').not.toContain('/etc');
  expect(main.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(main.log).toContain('message.txt');
}

describeWithTool(REGISTRY_TOOL, 'image bundle: a hostile Dockerfile through buildah', () => {
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

  it('prints the build output as text: no command it carries is obeyed', async () => {
    const run = await runAction(IMAGE, {
      ...mainPush,
      workspace: await hostileContext(),
      env: { ...mainPush.env, ...containers.env },
      inputs: {
        images: `${registry.host}/octo/hostile`,
        tags: 'type=ref,event=branch',
        push: 'true',
        engine: 'buildah',
      },
      timeoutMs: 180_000,
    });
    expect(run.main.exitCode).toBe(0);
    expectNothingObeyed(run.main);
    expect(run.post?.exitCode).toBe(0);
  }, 200_000);
});

describeWithTool(
  { program: 'podman', debianPackage: 'podman' },
  'image bundle: a hostile Dockerfile through the docker CLI',
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

    it('prints the build output as text: no command it carries is obeyed', async () => {
      const run = await runAction(IMAGE, {
        ...mainPush,
        workspace: await hostileContext(),
        env: { ...mainPush.env, ...podman.env },
        inputs: {
          images: `${registry.host}/octo/hostile-docker`,
          tags: 'type=ref,event=branch',
          push: 'true',
          engine: 'docker',
        },
        timeoutMs: 180_000,
      });
      expect(run.main.exitCode).toBe(0);
      expectNothingObeyed(run.main);
    }, 200_000);
  },
);
