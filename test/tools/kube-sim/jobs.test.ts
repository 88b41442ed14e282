import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startKubeSim } from '../../../tools/kube-sim/server.js';
import { describeWithTool } from '../../support/tools.js';
import { KUBECTL, runKubectl, type KubectlResult } from '../../support/kube-sim.js';

let sim: Awaited<ReturnType<typeof startKubeSim>>;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kube-sim-jobs-'));
  sim = await startKubeSim({
    config: {
      behaviours: [
        { image: 'migrate:*', 'ready-after': '100ms' },
        { image: 'broken:*', 'crash-loop': true },
        { image: 'missing:*', 'pull-error': true },
      ],
    },
    kubeconfigPath: join(dir, 'kubeconfig'),
  });
});

afterEach(async () => {
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
});

function kubectl(...args: string[]): Promise<KubectlResult> {
  return runKubectl(dir, args);
}

function job(image: string, spec = '', restartPolicy = 'Never'): string {
  return `apiVersion: batch/v1
kind: Job
metadata: { name: migrate }
spec:${spec}
  template:
    spec:
      restartPolicy: ${restartPolicy}
      containers: [{ name: migrate, image: "${image}" }]
`;
}

async function apply(text: string, ...flags: string[]): Promise<KubectlResult> {
  const file = join(dir, 'job.yaml');
  await writeFile(file, text);
  return kubectl('apply', '-f', file, ...flags);
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** The parts of the objects kubectl prints that these tests read. */
interface Resource {
  metadata: {
    name: string;
    uid: string;
    labels?: Record<string, string>;
    ownerReferences?: unknown[];
  };
  spec: Record<string, unknown>;
  status: {
    phase?: string;
    active?: number;
    succeeded?: number;
    completionTime?: string;
    conditions: Condition[];
    containerStatuses: { state: { terminated?: unknown } }[];
  };
  items: Resource[];
}

async function json(...args: string[]): Promise<Resource> {
  const result = await kubectl('get', ...args, '-o', 'json');
  expect(result, result.stderr).toMatchObject({ code: 0 });
  return JSON.parse(result.stdout);
}

const jobEvents = async () =>
  (
    await kubectl(
      'get',
      'events',
      '--field-selector',
      'involvedObject.kind=Job',
      '-o',
      'jsonpath={range .items[*]}{.type} {.reason} {.message}{"\\n"}{end}',
    )
  ).stdout;

describeWithTool(
  { program: KUBECTL, debianPackage: 'kubectl', versionArgs: ['version', '--client'] },
  'Jobs against kube-sim',
  () => {
    it('discovery lists jobs in batch/v1', async () => {
      const result = await kubectl('api-resources', '--api-group=batch', '--no-headers');
      expect(result.stdout).toMatch(/^jobs\s+batch\/v1\s+true\s+Job$/m);
    });

    it('runs a pod to completion: wait --for=condition=complete and logs job/x work', async () => {
      expect((await apply(job('migrate:1'))).code).toBe(0);
      const waited = await kubectl(
        'wait',
        '--for=condition=complete',
        'job/migrate',
        '--timeout=20s',
      );
      expect(waited, waited.stderr).toMatchObject({ code: 0 });
      expect(waited.stdout).toContain('job.batch/migrate condition met');

      const logs = await kubectl('logs', 'job/migrate');
      expect(logs, logs.stderr).toMatchObject({ code: 0 });
      expect(logs.stdout).toMatch(
        /migrate: starting migrate:1\n.*migrate: finished, exited with code 0\n$/,
      );

      const stored = await json('job', 'migrate');
      const uid = stored.metadata.uid;
      expect(stored.spec).toMatchObject({
        completions: 1,
        parallelism: 1,
        backoffLimit: 6,
        selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
      });
      expect(stored.status).toMatchObject({ succeeded: 1, ready: 0, terminating: 0 });
      expect(stored.status.active).toBeUndefined();
      expect(stored.status.completionTime).toEqual(expect.any(String));
      expect(stored.status.conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
        ['SuccessCriteriaMet', 'True', 'CompletionsReached'],
        ['Complete', 'True', 'CompletionsReached'],
      ]);

      const pods = (await json('pods', '-l', 'job-name=migrate')).items;
      expect(pods).toHaveLength(1);
      const [pod] = pods;
      expect(pod.metadata.name).toMatch(/^migrate-[a-z0-9]{5}$/);
      expect(pod.metadata.labels).toMatchObject({
        'job-name': 'migrate',
        'batch.kubernetes.io/job-name': 'migrate',
        'controller-uid': uid,
        'batch.kubernetes.io/controller-uid': uid,
      });
      expect(pod.metadata.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'Job', name: 'migrate', uid, controller: true }),
      ]);
      expect(pod.status.phase).toBe('Succeeded');
      expect(pod.status.containerStatuses[0].state.terminated).toMatchObject({
        exitCode: 0,
        reason: 'Completed',
      });
      expect(await jobEvents()).toContain('Normal Completed Job completed');
      expect(await jobEvents()).toContain(
        `Normal SuccessfulCreate Created pod: ${pod.metadata.name}`,
      );

      // Deleting the Job garbage-collects its pods.
      expect((await kubectl('delete', 'job', 'migrate')).code).toBe(0);
      expect((await json('pods', '-l', 'job-name=migrate')).items).toEqual([]);
    });

    it('replaces failed pods until backoffLimit, then fails with BackoffLimitExceeded', async () => {
      expect((await apply(job('broken:1', '\n  backoffLimit: 1'))).code).toBe(0);
      const waited = await kubectl(
        'wait',
        '--for=condition=failed',
        'job/migrate',
        '--timeout=20s',
      );
      expect(waited, waited.stderr).toMatchObject({ code: 0 });

      const stored = await json('job', 'migrate');
      expect(stored.status).toMatchObject({ failed: 2, ready: 0 });
      expect(stored.status.succeeded).toBeUndefined();
      expect(stored.status.conditions.map((c) => [c.type, c.reason, c.message])).toEqual([
        ['FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
        ['Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
      ]);
      const pods = (await json('pods', '-l', 'job-name=migrate')).items;
      expect(pods.map((p) => p.status.phase)).toEqual(['Failed', 'Failed']);
      expect(pods[0].status.containerStatuses[0].state.terminated).toMatchObject({
        exitCode: 1,
        reason: 'Error',
      });
      const logs = await kubectl('logs', `pod/${pods[0].metadata.name}`);
      expect(logs.stdout).toMatch(/migrate: error: run failed, exited with code 1\n$/);
      expect(await jobEvents()).toContain(
        'Warning BackoffLimitExceeded Job has reached the specified backoff limit',
      );
    });

    it('with restartPolicy OnFailure counts container restarts against backoffLimit', async () => {
      expect((await apply(job('broken:1', '\n  backoffLimit: 1', 'OnFailure'))).code).toBe(0);
      const waited = await kubectl(
        'wait',
        '--for=condition=failed',
        'job/migrate',
        '--timeout=20s',
      );
      expect(waited, waited.stderr).toMatchObject({ code: 0 });
      // The crash-looping pod is stopped with the Job and counted as its one failure.
      expect((await json('job', 'migrate')).status).toMatchObject({ failed: 1 });
      expect((await json('pods', '-l', 'job-name=migrate')).items).toEqual([]);
    });

    it('fails a Job that runs past activeDeadlineSeconds and deletes its pods', async () => {
      expect((await apply(job('missing:1', '\n  activeDeadlineSeconds: 1'))).code).toBe(0);
      const waited = await kubectl(
        'wait',
        '--for=condition=failed',
        'job/migrate',
        '--timeout=20s',
      );
      expect(waited, waited.stderr).toMatchObject({ code: 0 });
      const stored = await json('job', 'migrate');
      expect(stored.status.conditions.at(-1)).toMatchObject({
        type: 'Failed',
        reason: 'DeadlineExceeded',
        message: 'Job was active longer than specified deadline',
      });
      expect((await json('pods', '-l', 'job-name=migrate')).items).toEqual([]);
      // Named from the events: on a busy machine the deadline may pass before a first look.
      const events = await jobEvents();
      const created = /Normal SuccessfulCreate Created pod: (\S+)/.exec(events)?.[1];
      expect(created, events).toBeDefined();
      expect(events).toContain(`Normal SuccessfulDelete Deleted pod: ${created}`);
    });

    it('refuses restartPolicy Always with the real message', async () => {
      const result = await apply(job('migrate:1', '', 'Always'));
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(
        'The Job "migrate" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
      );
      expect((await kubectl('get', 'job', 'migrate')).code).not.toBe(0);
    });

    it('refuses to change the template of an existing Job, in a dry run too', async () => {
      expect((await apply(job('migrate:1'))).code).toBe(0);
      for (const flags of [['--dry-run=server'], []]) {
        const result = await apply(job('migrate:2'), ...flags);
        expect(result.code).not.toBe(0);
        expect(result.stderr).toContain(
          'The Job "migrate" is invalid: spec.template: Invalid value: core.PodTemplateSpec{ObjectMeta:v1.ObjectMeta{',
        );
        expect(result.stderr).toContain('Image:"migrate:2"');
        expect(result.stderr).toMatch(/: field is immutable\n?$/);
      }
      const patched = await kubectl('patch', 'job', 'migrate', '-p', '{"spec":{"completions":3}}');
      expect(patched.code).not.toBe(0);
      expect(patched.stderr).toContain('spec.completions: Invalid value: 3: field is immutable');
      const image = await kubectl(
        'get',
        'job',
        'migrate',
        '-o',
        'jsonpath={.spec.template.spec.containers[0].image}',
      );
      expect(image.stdout).toBe('migrate:1');
      // A mutable field still changes.
      const relabel = await kubectl('label', 'job', 'migrate', 'team=db');
      expect(relabel, relabel.stderr).toMatchObject({ code: 0 });
    });
  },
);
