import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kubectl } from '../../src/core/kubectl.js';
import { dryRunJob, jobState, runJobs, type PlannedJob } from '../../src/rollout/jobs.js';
import { jobLine } from '../../src/rollout/jobs-report.js';
import { startKubeSim } from '../../tools/kube-sim/server.js';
import { describeWithTool } from '../support/tools.js';

const KUBECTL_TOOL = {
  program: '/usr/bin/kubectl',
  debianPackage: 'kubectl',
  versionArgs: ['version', '--client'],
};

let sim: Awaited<ReturnType<typeof startKubeSim>>;
let dir: string;
let kubectl: Kubectl;
let counter = 0;

function planned(name: string, image: string): PlannedJob {
  return {
    name,
    namespace: undefined,
    ref: `job/${name}`,
    object: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name },
      spec: {
        backoffLimit: 0,
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image }] } },
      },
    },
  };
}

const options = () => ({ serverSide: false, deadlineAt: Date.now() + 20_000, pollMs: 100 });

describe('job state', () => {
  it.each([
    [{ conditions: [{ type: 'Complete', status: 'True' }] }, 'complete', ''],
    [
      {
        conditions: [
          { type: 'FailureTarget', status: 'True' },
          {
            type: 'Failed',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
          },
        ],
      },
      'failed',
      'BackoffLimitExceeded: Job has reached the specified backoff limit',
    ],
    [{ active: 1, failed: 2 }, 'running', '2 pod(s) failed so far'],
    [{ conditions: [{ type: 'Complete', status: 'False' }] }, 'running', ''],
  ])('%j is %s', (status, outcome, reason) => {
    expect(jobState({ status })).toEqual({ outcome, reason });
  });
});

describeWithTool(KUBECTL_TOOL, 'running Jobs against kube-sim', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rollout-jobs-'));
    sim = await startKubeSim({
      config: {
        behaviours: [
          { image: 'good:*', 'ready-after': '100ms' },
          { image: 'broken:*', 'crash-loop': true },
        ],
      },
      kubeconfigPath: join(dir, 'kubeconfig'),
    });
    kubectl = new Kubectl({
      kubeconfigPath: join(dir, 'kubeconfig'),
      namespace: 'default',
      cacheDir: join(dir, 'cache'),
      timeoutMs: 30_000,
    });
  });

  afterAll(async () => {
    await sim?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs a Job to completion, leaves it alone when identical, replaces it when its template changed', async () => {
    const name = `migrate${++counter}`;
    const [first] = await runJobs(kubectl, [planned(name, 'good:1')], options());
    expect(first).toMatchObject({ outcome: 'completed', replaced: false });
    expect(jobLine(first)).toMatch(new RegExp(`^job/${name} completed in `));

    const [again] = await runJobs(kubectl, [planned(name, 'good:1')], options());
    expect(again).toMatchObject({ outcome: 'unchanged', replaced: false });
    const uid = (await kubectl.getIfExists<{ metadata: { uid: string } }>(`job/${name}`))?.metadata
      .uid;

    // The server refuses the new template as immutable; the dry run checks it as a create.
    await expect(dryRunJob(kubectl, planned(name, 'good:2'), false)).resolves.toBeUndefined();
    const [replaced] = await runJobs(kubectl, [planned(name, 'good:2')], options());
    expect(replaced).toMatchObject({ outcome: 'completed', replaced: true });
    const live = await kubectl.getIfExists<{
      metadata: { uid: string };
      spec: { template: { spec: { containers: Array<{ image: string }> } } };
    }>(`job/${name}`);
    expect(live?.metadata.uid).not.toBe(uid);
    expect(live?.spec.template.spec.containers[0].image).toBe('good:2');
  });

  it('with server-side apply, an identical completed Job is left as it is, not run again', async () => {
    const name = `ssa${++counter}`;
    const serverSide = { ...options(), serverSide: true };
    const [first] = await runJobs(kubectl, [planned(name, 'good:1')], serverSide);
    expect(first).toMatchObject({ outcome: 'completed', replaced: false });
    const uid = (await kubectl.getIfExists<{ metadata: { uid: string } }>(`job/${name}`))?.metadata
      .uid;

    // Server-side apply never prints "unchanged": the Job's own state before the apply decides.
    const [again] = await runJobs(kubectl, [planned(name, 'good:1')], {
      ...options(),
      serverSide: true,
    });
    expect(again).toMatchObject({ outcome: 'unchanged', replaced: false });
    expect(again.message).toContain('already completed');
    const live = await kubectl.getIfExists<{ metadata: { uid: string } }>(`job/${name}`);
    expect(live?.metadata.uid).toBe(uid);
  });

  it('reports a failed Job with its reason and log tail, and stops before the next', async () => {
    const name = `broken${++counter}`;
    const results = await runJobs(
      kubectl,
      [planned(name, 'broken:1'), planned(`${name}-next`, 'good:1')],
      options(),
    );
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ outcome: 'failed' });
    expect(results[0].message).toContain('BackoffLimitExceeded');
    expect(results[0].logTail).toContain('exited with code 1');
    expect(await kubectl.getIfExists(`job/${name}-next`)).toBeUndefined();
  });
});
