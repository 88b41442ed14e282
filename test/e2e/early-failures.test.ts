/**
 * Every failure reports: a step that fails before it did anything (the API server or registry
 * unreachable) still writes its job summary, verdict first, and its `result`.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { runAction, type StepResult } from '../support/runner.js';
import { describeWithTool } from '../support/tools.js';
import { IMAGE, recordedEvent } from './image-support.js';
import { closedPort } from '../support/closed-port.js';

const ROLLOUT = fileURLToPath(new URL('../../actions/rollout', import.meta.url));
const CANARY = fileURLToPath(new URL('../../actions/canary', import.meta.url));
const KUBECTL = '/usr/bin/kubectl';

const tagPush = recordedEvent('push-tag-v1.2.3');

function kubeconfigFor(port: number): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: gone',
    '  cluster:',
    `    server: http://127.0.0.1:${port}`,
    'users:',
    '- name: someone',
    '  user:',
    '    token: not-a-real-token',
    'contexts:',
    '- name: gone',
    '  context: { cluster: gone, user: someone, namespace: default }',
    'current-context: gone',
    '',
  ].join('\n');
}

function verdict(step: StepResult): string {
  return (
    step.summary
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line.length > 0) ?? ''
  );
}

function result(step: StepResult): Record<string, unknown> {
  expect(step.outputs.result, 'the result output').toBeDefined();
  return JSON.parse(step.outputs.result) as Record<string, unknown>;
}

/** Failed, with a verdict-first summary and a failed `result` that says why. */
function expectReported(step: StepResult, action: string): Record<string, unknown> {
  expect(step.exitCode).toBe(1);
  expect(verdict(step)).toMatch(new RegExp(`^<h3>❌ ${action} failed: `));
  const value = result(step);
  expect(value).toMatchObject({ outcome: 'failed' });
  expect(typeof value.error).toBe('string');
  expect((value.error as string).length).toBeGreaterThan(0);
  return value;
}

let port: number;

describeWithTool(
  { program: KUBECTL, debianPackage: 'kubectl', versionArgs: ['version', '--client'] },
  'rollout and canary: the API server is unreachable',
  () => {
    beforeAll(async () => {
      port = await closedPort();
    });

    it('rollout writes its summary and result', async () => {
      const run = await runAction(ROLLOUT, {
        timeoutMs: 90_000,
        inputs: {
          kubeconfig: kubeconfigFor(port),
          deployment: 'web',
          container: 'app',
          image: 'good/app:1.0.0',
          timeout: '20s',
        },
      });
      const value = expectReported(run.main, 'rollout');
      expect(value).toMatchObject({ status: 'failed', rolledBack: false });
      expect(run.main.outputs.result).toContain(String(port));
    });

    it('canary writes its summary and result', async () => {
      const run = await runAction(CANARY, {
        timeoutMs: 90_000,
        inputs: {
          kubeconfig: kubeconfigFor(port),
          namespace: 'default',
          deployment: 'web',
          container: 'app',
          image: 'demo/web:1.1.0',
          service: 'web',
          traffic: 'replicas',
          steps: '50,100',
          'prometheus-url': `http://127.0.0.1:${port}`,
          timeout: '20s',
        },
      });
      expectReported(run.main, 'canary');
    });
  },
);

describeWithTool(
  { program: KUBECTL, debianPackage: 'kubectl', versionArgs: ['version', '--client'] },
  'image: the registry is unreachable',
  () => {
    beforeAll(async () => {
      port = await closedPort();
    });

    it('image writes its summary and result when the registry is unreachable', async () => {
      const run = await runAction(IMAGE, {
        ...tagPush,
        timeoutMs: 120_000,
        inputs: {
          images: `127.0.0.1:${port}/octo/app`,
          tags: 'type=semver,pattern={{version}}',
          'promote-from': `127.0.0.1:${port}/octo/app:sha-{{sha}}`,
        },
      });
      const value = expectReported(run.main, 'image');
      expect(value.error).toContain('Could not reach registry');
    });
  },
);
