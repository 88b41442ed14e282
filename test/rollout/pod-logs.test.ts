import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kubectl } from '../../src/core/kubectl.js';
import { JobSummary } from '../../src/core/summary.js';
import { notReadyPods } from '../../src/rollout/diagnostics.js';
import {
  addPodLogs,
  failingContainers,
  readPodLogs,
  TAIL_LINES,
} from '../../src/rollout/pod-logs.js';
import { startKubeSim } from '../../tools/kube-sim/server.js';
import { KUBECTL, runKubectl } from '../support/kube-sim.js';
import { describeWithTool } from '../support/tools.js';

// Captured from tools/kube-sim with the real kubectl: test/fixtures/rollout/capture-diagnostics.ts.
const pods = JSON.parse(
  readFileSync(new URL('../fixtures/rollout/pods.json', import.meta.url), 'utf8'),
) as unknown;

const problemPods = (app: string) =>
  notReadyPods(pods, { matchLabels: { app } }).map((problem) => problem.pod);

describe('which containers have a log worth reading', () => {
  it('a crash-looping container: its previous instance, which crashed', () => {
    const targets = failingContainers(pods, problemPods('crash'));
    expect(targets).toHaveLength(2);
    for (const target of targets)
      expect(target).toMatchObject({ container: 'main', previous: true });
  });

  it('a running container that never gets ready: its current log', () => {
    const targets = failingContainers(pods, problemPods('stuck'));
    expect(targets.map((target) => target.previous)).toEqual([false, false]);
  });

  it('a container whose image was never pulled has no log, so none is read', () => {
    expect(failingContainers(pods, problemPods('pull'))).toEqual([]);
  });

  it('a failed Job pod: the container that exited non-zero, not the one that succeeded', () => {
    const jobPod = {
      items: [
        {
          metadata: { name: 'migrate-x1' },
          status: {
            phase: 'Failed',
            containerStatuses: [
              {
                name: 'migrate',
                ready: false,
                restartCount: 0,
                state: { terminated: { exitCode: 3 } },
              },
              {
                name: 'sidecar',
                ready: false,
                restartCount: 0,
                state: { terminated: { exitCode: 0 } },
              },
            ],
          },
        },
      ],
    };
    expect(failingContainers(jobPod, ['migrate-x1'])).toEqual([
      { pod: 'migrate-x1', container: 'migrate', previous: false },
    ]);
  });

  it('reads at most five pods: the rest repeat the same failure', () => {
    const many = {
      items: Array.from({ length: 8 }, (_, index) => ({
        metadata: { name: `p${index}` },
        status: { containerStatuses: [{ name: 'c', ready: false, restartCount: 0 }] },
      })),
    };
    const names = many.items.map((pod) => pod.metadata.name);
    expect(failingContainers(many, names)).toHaveLength(5);
  });
});

describe('the log tails in the summary', () => {
  it('escapes what the program printed and says why a log is missing', () => {
    const summary = new JobSummary().verdict('failure', 'Failed');
    addPodLogs(summary, [
      {
        pod: 'web-1',
        container: 'app',
        previous: false,
        text: '<script>x</script>',
        problem: undefined,
      },
      {
        pod: 'web-2',
        container: 'app',
        previous: false,
        text: undefined,
        problem: 'could not be read: gone',
      },
    ]);
    const html = summary.render();
    expect(html).toContain('<details><summary>Log tail of pod web-1</summary>');
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('could not be read: gone');
  });
});

let sim: Awaited<ReturnType<typeof startKubeSim>>;
let dir: string;
let kubectl: Kubectl;

describeWithTool(
  { program: KUBECTL, debianPackage: 'kubectl', versionArgs: ['version', '--client'] },
  'reading pod logs from kube-sim',
  () => {
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'pod-logs-'));
      sim = await startKubeSim({
        config: { behaviours: [{ image: 'stuck:*', 'never-ready': true }] },
        kubeconfigPath: join(dir, 'kubeconfig'),
      });
      kubectl = new Kubectl({
        kubeconfigPath: join(dir, 'kubeconfig'),
        namespace: 'default',
        cacheDir: join(dir, 'cache'),
        timeoutMs: 20_000,
      });
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web-1', namespace: 'default' },
        spec: { containers: [{ name: 'app', image: 'stuck:1' }] },
      };
      await writeFile(join(dir, 'pod.json'), JSON.stringify(pod));
      const applied = await runKubectl(dir, ['apply', '-f', join(dir, 'pod.json')]);
      expect(applied.code, applied.stderr).toBe(0);
    });

    afterAll(async () => {
      await sim?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('reads the last lines, cut to the size limit on a line boundary, colours removed', async () => {
      const long = Array.from(
        { length: 60 },
        (_, index) => `\u001b[31mline ${index}\u001b[0m ${'x'.repeat(300)}`,
      );
      sim.store.setPodLog('default', 'web-1', `${long.join('\n')}\n`);
      const [log] = await readPodLogs(kubectl, [
        { pod: 'web-1', container: 'app', previous: false },
      ]);

      const lines = log.text?.split('\n') ?? [];
      expect(lines.length).toBeLessThanOrEqual(TAIL_LINES);
      expect(Buffer.byteLength(log.text ?? '')).toBeLessThanOrEqual(4 * 1024);
      expect(lines).toContain(`line 59 ${'x'.repeat(300)}`);
      // Whole lines only (the simulated kubelet may have added its own), no escape sequences.
      for (const line of lines) expect(line).toMatch(/^line \d+ x{300}$|^\S+ app: /);
      expect(log.problem).toMatch(/size limit/);
    });

    it('a pod that is gone says so instead of failing the diagnostics', async () => {
      const [log] = await readPodLogs(kubectl, [
        { pod: 'gone-1', container: 'app', previous: true },
      ]);
      expect(log.text).toBeUndefined();
      expect(log.problem).toMatch(/could not be read: .*not found/);
    });
  },
);
