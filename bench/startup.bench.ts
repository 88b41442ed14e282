/**
 * What an action adds to every job before it does any work: each bundle is started as the runner
 * starts it, with minimal valid inputs that need no network, timed from spawn to exit, and
 * compared with a Node process that does nothing.
 */
import { readdir, stat } from 'node:fs/promises';
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
import { peakRssBytes, runTimed, type ProcessRun } from './support/processes.js';
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
      'prometheus-url': 'http://127.0.0.1:1',
    },
    ends: /Prometheus at http:\/\/127\.0\.0\.1:1\/ is unreachable/,
  },
};

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
    const tasks: Record<string, () => Promise<ProcessRun>> = {
      node: () => runTimed(node, ['-e', '']),
      // rollout's run includes one kubectl start, which no change to the action can shorten.
      kubectl: () => runTimed('kubectl', ['version', '--client']),
    };
    for (const action of ACTIONS) tasks[action] = () => runAction(action);
    await alternate(2, tasks); // warm the page cache so that no task pays the first read
    const timed = await alternate(ROUNDS, tasks);

    const figures: Figure[] = [
      {
        name: 'startup.node.ms',
        value: round(median(timed.node.map((run) => run.ms)), 1),
        unit: 'ms',
        comparedWith: 'the floor: `node -e ""` under the same Node 24',
      },
    ];
    figures.push({
      name: 'startup.kubectl.ms',
      value: round(median(timed.kubectl.map((run) => run.ms)), 1),
      unit: 'ms',
      comparedWith:
        '`kubectl version --client`: the kubectl start that startup.rollout.ms includes',
    });
    for (const action of ACTIONS) {
      figures.push({
        name: `startup.${action}.ms`,
        value: round(median(timed[action].map((run) => run.ms)), 1),
        unit: 'ms',
        comparedWith: 'startup.node.ms',
      });
    }
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
