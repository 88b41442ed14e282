/**
 * Applying an apply plan in its order: every object that is not a workload, then the Jobs (each
 * run to completion), then the workloads; each batch of manifests with kubectl working in the
 * batch's namespace. The dry run checks the same batches and Jobs without changing anything.
 */
import * as core from '@actions/core';
import type { Kubectl } from '../core/kubectl.js';
import { untilRecovered } from '../core/kube-recovery.js';
import { escapeUntrusted, printUntrusted } from '../core/log.js';
import { dryRunJob, runJobs, type JobResult } from './jobs.js';
import { jobLine } from './jobs-report.js';
import type { ApplyBatch, Plan } from './plan.js';

type ApplyPlan = Extract<Plan, { kind: 'apply' }>;

/**
 * The server-side dry run of every batch and Job (a client-side apply, as the dry run always
 * was); throws what the server refused.
 */
export async function dryRunApply(kubectl: Kubectl, plan: ApplyPlan): Promise<void> {
  for (const batch of plan.setup) {
    await kubectl.inNamespace(batch.namespace).apply([batch.file], { dryRun: 'server' });
  }
  for (const job of plan.jobs) await dryRunJob(kubectl, job, false);
  for (const batch of plan.rest) {
    await kubectl.inNamespace(batch.namespace).apply([batch.file], { dryRun: 'server' });
  }
}

/**
 * Applies the plan; `jobs` receives each Job's result as it is known, so a caller that fails
 * later still reports them. The workloads are not touched when a Job fails.
 */
export async function applyInOrder(
  kubectl: Kubectl,
  plan: ApplyPlan,
  serverSide: boolean,
  jobs: JobResult[],
): Promise<void> {
  const deadlineAt = Date.now() + Math.max(0, kubectl.remainingMs());
  await applyBatches(kubectl, plan.setup, serverSide, deadlineAt);
  await runJobs(kubectl, plan.jobs, { serverSide, deadlineAt }, (result) => {
    jobs.push(result);
    core.info(escapeUntrusted(jobLine(result)));
  });
  if (jobs.some((result) => result.outcome === 'failed')) return;
  await applyBatches(kubectl, plan.rest, serverSide, deadlineAt);
}

/** Applying the same manifests again changes nothing, so an API fault here is retried. */
async function applyBatches(
  kubectl: Kubectl,
  batches: readonly ApplyBatch[],
  serverSide: boolean,
  deadlineAt: number,
): Promise<void> {
  for (const batch of batches) {
    const applied = await untilRecovered(
      'Applying the manifests',
      () => kubectl.inNamespace(batch.namespace).apply([batch.file], { serverSide }),
      { deadlineAt },
    );
    printUntrusted(applied);
  }
}
