/**
 * `timeout` means what it says: against an API server that accepts connections and never
 * answers, the rollout ends within its timeout plus the documented margin, and still reports.
 */
import { createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runAction } from '../support/runner.js';
import { describeWithTool } from '../support/tools.js';

const ROLLOUT = fileURLToPath(new URL('../../actions/rollout', import.meta.url));
/** Node start-up, the runner's bookkeeping and writing the summary. */
const MARGIN_MS = 5_000;

describeWithTool(
  { program: '/usr/bin/kubectl', debianPackage: 'kubectl', versionArgs: ['version', '--client'] },
  'rollout against a silent API server',
  () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    let kubeconfig = '';
    beforeAll(async () => {
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const { port } = silent.address() as { port: number };
      kubeconfig = [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: silent',
        `  cluster: { server: 'https://127.0.0.1:${port}', insecure-skip-tls-verify: true }`,
        'users:',
        '- name: someone',
        '  user: { token: not-a-real-token }',
        'contexts:',
        '- name: silent',
        '  context: { cluster: silent, user: someone, namespace: default }',
        'current-context: silent',
        '',
      ].join('\n');
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });

    it('ends within timeout plus the margin, with a summary and a failed result', async () => {
      const started = Date.now();
      const run = await runAction(ROLLOUT, {
        inputs: {
          kubeconfig,
          deployment: 'web',
          container: 'web',
          image: 'ghcr.io/acme/web:v2',
          timeout: '3s',
        },
        timeoutMs: 60_000,
      });
      const elapsed = Date.now() - started;
      expect(run.main.exitCode).toBe(1);
      expect(elapsed).toBeLessThan(3_000 + MARGIN_MS);
      expect(run.main.summary).toMatch(/^<h3>❌ /);
      expect(JSON.parse(run.main.outputs.result)).toMatchObject({ outcome: 'failed' });
    }, 60_000);
  },
);
