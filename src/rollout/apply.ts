/**
 * Applying an apply plan in its order: every object that is not a workload, then the Jobs (each
 * run to completion), then the workloads; each batch of manifests with kubectl working in the
 * batch's namespace. The dry run checks the same batches and Jobs without changing anything.
 */
import * as core from '@actions/core';
import type { Kubectl } from '../core/kubectl.js';
import { untilRecovered } from '../core/kube-recovery.js';
import { escapeUntrusted, printUntrusted } from '../core/log.js';
import type { ObjectRef } from '../core/manifests.js';
import { namespacesToCreate, noticeSkipped } from './dry-run-namespaces.js';
import { dryRunJob, runJobs, type JobResult, type PlannedJob } from './jobs.js';
import { jobLine } from './jobs-report.js';
import type { ApplyBatch, Plan } from './plan.js';

type ApplyPlan = Extract<Plan, { kind: 'apply' }>;

/**
 * The server-side dry run of every batch and Job (a client-side apply, as the dry run always
 * was); throws what the server refused.
 */
export async function dryRunApply(kubectl: Kubectl, plan: ApplyPlan): Promise<void> {
  // Objects in a namespace the manifests create cannot be dry-run: see dry-run-namespaces.ts.
  const absent = await namespacesToCreate(kubectl, plan.objects);
  const skipped = new Set<string>();
  const checkable = (namespace: string | undefined): boolean => {
    const where = namespace ?? kubectl.namespace;
    if (where === undefined || !absent.has(where)) return true;
    skipped.add(where);
    return false;
  };
  for (const batch of [...plan.setup, ...plan.rest]) {
    if (!checkable(batch.namespace)) continue;
    await kubectl.inNamespace(batch.namespace).apply([batch.file], { dryRun: 'server' });
  }
  for (const job of plan.jobs) {
    if (checkable(job.namespace)) await dryRunJob(kubectl, job, false);
  }
  noticeSkipped(skipped);
}

export interface ApplyOptions {
  serverSide: boolean;
  /** Receives each Job's result as it is known, so a caller that fails later still reports it. */
  jobs: JobResult[];
  /**
   * Called after each batch and each Job with the objects it applied, before the next one: the
   * step records which objects it owns as it goes, so a cancellation or a killed step knows
   * them too. Must not throw.
   */
  onApplied?: (objects: readonly ObjectRef[]) => Promise<void>;
}

/** Applies the plan. The workloads are not touched when a Job fails. */
export async function applyInOrder(
  kubectl: Kubectl,
  plan: ApplyPlan,
  { serverSide, jobs, onApplied = async () => {} }: ApplyOptions,
): Promise<void> {
  const deadlineAt = Date.now() + Math.max(0, kubectl.remainingMs());
  await applyBatches(kubectl, plan.setup, serverSide, deadlineAt, onApplied);
  await runJobs(kubectl, plan.jobs, { serverSide, deadlineAt }, async (result, job) => {
    jobs.push(result);
    core.info(escapeUntrusted(jobLine(result)));
    await onApplied([jobObject(job)]);
  });
  if (jobs.some((result) => result.outcome === 'failed')) return;
  await applyBatches(kubectl, plan.rest, serverSide, deadlineAt, onApplied);
}

function jobObject(job: PlannedJob): ObjectRef {
  return {
    apiVersion: String(job.object.apiVersion),
    kind: 'Job',
    name: job.name,
    namespace: job.namespace,
  };
}

/** Applying the same manifests again changes nothing, so an API fault here is retried. */
async function applyBatches(
  kubectl: Kubectl,
  batches: readonly ApplyBatch[],
  serverSide: boolean,
  deadlineAt: number,
  onApplied: (objects: readonly ObjectRef[]) => Promise<void>,
): Promise<void> {
  for (const batch of batches) {
    const applied = await untilRecovered(
      'Applying the manifests',
      () => kubectl.inNamespace(batch.namespace).apply([batch.file], { serverSide }),
      { deadlineAt },
    );
    printUntrusted(applied);
    await onApplied(batch.objects);
  }
}
