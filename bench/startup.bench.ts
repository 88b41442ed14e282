/**
 * What an action adds to every job before it does any work: each bundle is started as the runner
 * starts it, with minimal valid inputs that need no network, timed from spawn to exit, and
 * compared with a Node process that does nothing.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupDigits } from '../src/core/numbers.js';
import { bundleRuntime } from '../tools/node-runtime.js';
import {
  ACTIONS,
  actionJob,
  bundlePath,
  type ActionJob,
  type ActionName,
} from './support/action-job.js';
import { writePart, type Figure } from './support/figures.js';
import { benchEnv, peakRssBytes, runTimed, type ProcessRun } from './support/processes.js';
import { alternate, median, MIB, round } from './support/stats.js';

const ROUNDS = 21;
const MEMORY_ROUNDS = 5;

/** A cluster address nothing listens on: kubectl is refused at once, without a network. */
const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{ name: nowhere, cluster: { server: "https://127.0.0.1:1" } }]
users: [{ name: bench, user: { token: bench-token } }]
contexts: [{ name: bench, context: { cluster: nowhere, user: bench } }]
current-context: bench
`;
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: "ghcr.io/octo-org/web:1" }] }
`;

/** Per action: inputs, workspace files, and how the run must end for the figure to count. */
const SETUPS: Record<
  ActionName,
  { inputs: Record<string, string>; files?: Record<string, string>; ends: RegExp }
> = {
  'quality-gate': {
    inputs: { reports: 'junit: junit.xml' },
    files: {
      'junit.xml': '<testsuite name="s" tests="1"><testcase classname="a" name="b"/></testsuite>',
    },
    ends: /Quality gate passed/,
  },
  coverage: {
    inputs: { files: 'lcov.info' },
    // The checkout holds the source the report names, as a real one does.
    files: { 'lcov.info': 'SF:a.ts\nDA:1,1\nDA:2,0\nend_of_record\n', 'a.ts': 'a();\nb();\n' },
    ends: /gates passed/,
  },
  image: {
    inputs: { images: 'ghcr.io/octo-org/octo-service', build: 'false' },
    ends: /Computed 1 tag/,
  },
  rollout: {
    inputs: { kubeconfig: KUBECONFIG, manifests: 'deployment.yaml' },
    files: { 'deployment.yaml': DEPLOYMENT },
    ends: /connection to the server 127\.0\.0\.1:1 was refused/,
  },
  canary: {
    inputs: {
      kubeconfig: KUBECONFIG,
      deployment: 'web',
      service: 'web',
      image: 'ghcr.io/octo-org/web:2',
      // Set in the test: a local server that refuses the query as an auth proxy does.
      'prometheus-url': '',
    },
    ends: /Prometheus at http:\/\/127\.0\.0\.1:\d+\/ answered HTTP 401/,
  },
};

/**
 * An HTTP server that answers every request 401, as Prometheus behind an auth proxy does for a
 * step without its headers: canary's first step gets a real answer (no retry waits) and stops.
 */
async function unauthorizedServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    request.resume();
    response.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * What rollout itself spends: each round's run less the kubectl call timed alone in the same round
 * (a process rollout starts and waits for, which takes longer than Node's own start).
 */
function rolloutOwnTimes(timed: Record<string, ProcessRun[]>): number[] {
  return timed.rollout.map((run, round) => run.ms - timed.kubectl[round].ms);
}

/** The main bundle's chunk files beside dist/index.js, which `import()` loads on demand. */
async function lazyChunks(action: ActionName): Promise<{ count: number; bytes: number }> {
  const dist = dirname(bundlePath(action));
  const chunks = (await readdir(dist)).filter(
    (name) => name.endsWith('.js') && name !== 'index.js',
  );
  const sizes = await Promise.all(chunks.map(async (name) => (await stat(join(dist, name))).size));
  return { count: chunks.length, bytes: sizes.reduce((sum, size) => sum + size, 0) };
}

describe('action start-up', () => {
  it('times every bundle against an empty Node process', async () => {
    const node = bundleRuntime().path;
    const prometheus = await unauthorizedServer();
    SETUPS.canary.inputs['prometheus-url'] = prometheus.url;
    const jobs = Object.fromEntries(
      await Promise.all(
        ACTIONS.map(
          async (action) =>
            [action, await actionJob(action, SETUPS[action].inputs, SETUPS[action].files)] as const,
        ),
      ),
    ) as Record<ActionName, ActionJob>;
    const runAction = async (action: ActionName, measure: typeof runTimed = runTimed) => {
      const job = jobs[action];
      const run = await measure(node, [bundlePath(action)], {
        env: await job.stepEnv(),
        cwd: job.workspace,
      });
      expect(run.stdout + run.stderr, action).toMatch(SETUPS[action].ends);
      return run;
    };
    const scratch = await mkdtemp(join(tmpdir(), 'slipway-bench-kubectl-'));
    const kubeconfig = join(scratch, 'kubeconfig');
    await writeFile(kubeconfig, KUBECONFIG, { mode: 0o600 });
    let kubectlRuns = 0;
    const tasks: Record<string, () => Promise<ProcessRun>> = {
      node: () => runTimed(node, ['-e', '']),
      // The call rollout's run makes and waits for, alone: the same refused server and a fresh
      // discovery cache, as the action gives each run. No change to the action can shorten it.
      kubectl: async () => {
        const run = await runTimed(
          'kubectl',
          [
            ...['--kubeconfig', kubeconfig, '--cache-dir', join(scratch, `cache-${++kubectlRuns}`)],
            ...['get', 'deployment/web', '--ignore-not-found', '-o', 'json'],
          ],
          { env: benchEnv() },
        );
        expect(run.stderr).toMatch(SETUPS.rollout.ends);
        return run;
      },
    };
    for (const action of ACTIONS) tasks[action] = () => runAction(action);
    let timed: Record<string, ProcessRun[]>;
    try {
      await alternate(2, tasks); // warm the page cache so that no task pays the first read
      timed = await alternate(ROUNDS, tasks);
    } finally {
      await rm(scratch, { recursive: true, force: true });
      await prometheus.close();
    }

    const figures: Figure[] = [
      {
        name: 'startup.node.ms',
        value: round(median(timed.node.map((run) => run.ms)), 1),
        unit: 'ms',
        comparedWith: 'the floor: `node -e ""` under the same Node 24',
      },
    ];
    figures.push({
      name: 'startup.kubectl-get.ms',
      value: round(median(timed.kubectl.map((run) => run.ms)), 1),
      unit: 'ms',
      comparedWith: 'the `kubectl get` rollout’s run makes (refused), alone',
    });
    for (const action of ACTIONS) {
      figures.push({
        name: `startup.${action}.ms`,
        value: round(median(timed[action].map((run) => run.ms)), 1),
        unit: 'ms',
        comparedWith:
          action === 'rollout'
            ? 'startup.node.ms; the whole run, its kubectl call included'
            : 'startup.node.ms',
      });
    }
    figures.push({
      name: 'startup.rollout.own.ms',
      value: round(median(rolloutOwnTimes(timed)), 1),
      unit: 'ms',
      comparedWith:
        'startup.node.ms; rollout’s run less the kubectl call it waits for (startup.rollout.ms less startup.kubectl-get.ms, round by round)',
    });
    for (const action of ACTIONS) {
      const peaks: number[] = [];
      for (let index = 0; index < MEMORY_ROUNDS; index += 1) {
        const job = jobs[action];
        const { bytes } = await peakRssBytes(node, [bundlePath(action)], {
          env: await job.stepEnv(),
          cwd: job.workspace,
        });
        peaks.push(bytes);
      }
      figures.push({
        name: `startup.${action}.peak_mib`,
        value: round(median(peaks) / MIB, 1),
        unit: 'MiB',
        comparedWith: 'the runner’s 16 GiB (ubuntu-latest); peak RSS of the whole process',
      });
    }
    for (const action of ACTIONS) {
      const lazy = await lazyChunks(action);
      figures.push({
        name: `bundle.${action}.bytes`,
        value: (await stat(bundlePath(action))).size,
        unit: 'bytes',
        comparedWith: `what every start loads (dist/index.js, minified); ${lazy.count} chunk(s) loaded only by the runs that need them add ${groupDigits(lazy.bytes)} bytes; source maps and post bundles not counted`,
      });
    }
    await writePart({ bench: '1-startup', figures });
  });
});
