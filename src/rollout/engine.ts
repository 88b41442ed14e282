/**
 * The rollout engine: waits for workloads to roll out and puts back what a failed deploy changed.
 *
 * Workloads live in the Kubectl adapter's namespace. A workload that did not exist before the
 * deploy has no earlier revision to return to: it is not undone here but removed with the other
 * objects the deploy created (core/kube-objects.ts), only while it is still the one it created.
 */
import { describeThrown } from '../core/errors.js';
import type { Kubectl, RolloutStatus } from '../core/kubectl.js';
import { untilRecovered } from '../core/kube-recovery.js';
import { asMapping, type Mapping } from '../core/mapping.js';
import {
  getWorkload,
  imagesOf,
  reportRef,
  templateHash,
  type WorkloadName,
  type WorkloadSnapshot,
} from './engine-snapshot.js';
import { workloadRef } from '../core/manifests.js';

export {
  reportRef,
  snapshot,
  type WorkloadName,
  type WorkloadSnapshot,
} from './engine-snapshot.js';

/** A workload as kubectl names it in its own namespace, and as reports name it. */
interface Target {
  kubectl: Kubectl;
  /** e.g. deployment/web, for kubectl in the workload's namespace. */
  ref: string;
  /** e.g. shop/deployment/web when namespaces differ; else the same as ref. */
  report: string;
  namespace: string | undefined;
}

function targetOf(kubectl: Kubectl, workload: WorkloadName): Target {
  return {
    kubectl: kubectl.inNamespace(workload.namespace),
    ref: workloadRef(workload),
    report: reportRef(workload),
    namespace: workload.namespace,
  };
}

export interface WaitResult {
  workload: string;
  done: boolean;
  /** 'error' when kubectl could not watch at all (e.g. the workload is gone). */
  reason: RolloutStatus['reason'] | 'error';
  message: string;
  durationMs: number;
  readyReplicas: number | undefined;
}

export async function waitAll(
  kubectl: Kubectl,
  workloads: readonly WorkloadName[],
  timeoutMs: number,
): Promise<WaitResult[]> {
  return Promise.all(workloads.map((workload) => waitOne(targetOf(kubectl, workload), timeoutMs)));
}

async function waitOne({ kubectl, ref, report }: Target, timeoutMs: number): Promise<WaitResult> {
  const started = Date.now();
  let status: Pick<WaitResult, 'done' | 'reason' | 'message'>;
  try {
    // A dropped watch or an API fault is waited through: kubectl starts watching again.
    status = await untilRecovered(
      `Waiting for ${ref}`,
      () => kubectl.rolloutStatus(ref, Math.max(1, started + timeoutMs - Date.now())),
      { deadlineAt: started + timeoutMs },
    );
  } catch (error) {
    status = { done: false, reason: 'error', message: describeThrown(error) };
  }
  const durationMs = Date.now() - started;
  const ready = await readyReplicas(kubectl, ref);
  return { workload: report, ...status, durationMs, readyReplicas: ready };
}

async function readyReplicas(kubectl: Kubectl, ref: string): Promise<number | undefined> {
  try {
    return readyOf(await getWorkload(kubectl, ref));
  } catch {
    return undefined;
  }
}

function readyOf(workload: Mapping | undefined): number | undefined {
  if (!workload) return undefined;
  const status = asMapping(workload.status);
  // DaemonSets count ready pods as numberReady; the others as readyReplicas.
  const ready = status.readyReplicas ?? status.numberReady ?? 0;
  return typeof ready === 'number' ? ready : undefined;
}

export interface RollbackResult {
  /** As reports name it (see reportRef). */
  workload: string;
  /** The workload's own namespace when it names one; undefined: kubectl's default. */
  namespace?: string;
  /** created: it did not exist before, so it is removed with the objects the deploy created. */
  outcome: 'rolled-back' | 'created' | 'failed';
  /** The revision gone back to (its number as it was before the deploy). */
  revision: number | undefined;
  /** What the workload runs now, container name to image. */
  images: Record<string, string>;
  message: string;
  wait: WaitResult | undefined;
}

/**
 * Undoes every changed workload to its snapshot revision, concurrently, retrying through API
 * faults until `deadlineAt`; never throws, because it runs when something has already gone wrong
 * and each workload deserves its own answer. Safe to repeat: a workload already back on its
 * snapshot template is only waited for and checked.
 */
export async function rollBack(
  kubectl: Kubectl,
  before: readonly WorkloadSnapshot[],
  changedWorkloads: readonly WorkloadName[],
  deadlineAt: number,
): Promise<RollbackResult[]> {
  const bounded = kubectl.withDeadline(deadlineAt);
  return Promise.all(
    changedWorkloads.map(async (workload) => {
      const target = targetOf(bounded, workload);
      const previous = before.find((entry) => entry.ref === target.report);
      const where = workload.namespace === undefined ? {} : { namespace: workload.namespace };
      try {
        return { ...(await rollBackOne(target, previous, deadlineAt)), ...where };
      } catch (error) {
        return {
          ...failed(target.report, previous, `rollback failed: ${describeThrown(error)}`),
          ...where,
        };
      }
    }),
  );
}

async function rollBackOne(
  target: Target,
  previous: WorkloadSnapshot | undefined,
  deadlineAt: number,
): Promise<RollbackResult> {
  const ref = target.report;
  if (!previous) {
    return failed(
      ref,
      undefined,
      'no snapshot was taken before the deploy, so it was left as it is',
    );
  }
  if (!previous.exists) {
    return {
      workload: ref,
      outcome: 'created',
      revision: undefined,
      images: {},
      message: 'created by this deploy: no revision to undo; removed with the objects it created',
      wait: undefined,
    };
  }
  const revision = previous.revision;
  if (revision === undefined) {
    return failed(
      ref,
      previous,
      'its revision before the deploy is unknown, so it was left as it is',
    );
  }
  return untilRecovered(
    `Rolling back ${ref}`,
    () => undoAndCheck(target, previous, revision, deadlineAt),
    { deadlineAt },
  );
}

async function undoAndCheck(
  { kubectl, ref: kubectlRef, report: ref }: Target,
  previous: WorkloadSnapshot,
  revision: number,
  deadlineAt: number,
): Promise<RollbackResult> {
  const live = await getWorkload(kubectl, kubectlRef);
  if (!live) return failed(ref, previous, 'it no longer exists, so there is nothing to roll back');
  // Undo renumbers the revision it restores, so a repeated undo checks the template instead.
  if (templateHash(live) !== previous.templateHash) {
    const brokenRevision = asMapping(live.status).updateRevision;
    await kubectl.rolloutUndo(kubectlRef, revision);
    if (previous.kind === 'StatefulSet' && typeof brokenRevision === 'string') {
      await forceStatefulSetRollback(kubectl, kubectlRef, brokenRevision, previous.revisionName);
    }
  }
  const started = Date.now();
  // A transient failure of the watch itself is thrown, so the whole check is tried again.
  const status = await kubectl.rolloutStatus(kubectlRef, Math.max(1, deadlineAt - Date.now()));
  const now = await getWorkload(kubectl, kubectlRef);
  const wait: WaitResult = {
    workload: ref,
    ...status,
    durationMs: Date.now() - started,
    readyReplicas: readyOf(now),
  };
  const images = now ? imagesOf(now) : {};
  const mismatched = Object.entries(previous.images).filter(
    ([name, image]) => images[name] !== image,
  );
  if (mismatched.length > 0 || Object.keys(images).length !== Object.keys(previous.images).length) {
    return {
      ...failed(
        ref,
        previous,
        `after undo it runs ${describeImages(images)}, not ${describeImages(previous.images)}`,
      ),
      images,
      wait,
    };
  }
  if (!wait.done) {
    return {
      ...failed(ref, previous, `undone to revision ${revision} but not ready: ${wait.message}`),
      images,
      wait,
    };
  }
  return {
    workload: ref,
    outcome: 'rolled-back',
    revision,
    images,
    message: `rolled back to revision ${revision} (${describeImages(images)})`,
    wait,
  };
}

const REVISION_SETTLE_MS = 10_000;
const POLL_MS = 200;

/**
 * A StatefulSet halts its update on a pod that is not ready, so undoing the template alone never
 * replaces the broken pod: Kubernetes documents deleting it by hand ("forced rollback"). The pods
 * are deleted only once the controller has switched to the restored revision, or it would just
 * recreate them broken.
 */
async function forceStatefulSetRollback(
  kubectl: Kubectl,
  ref: string,
  brokenRevision: string,
  restoredRevision: string | undefined,
): Promise<void> {
  if (brokenRevision === restoredRevision) return;
  const deadline = Date.now() + REVISION_SETTLE_MS;
  for (;;) {
    const status = asMapping((await getWorkload(kubectl, ref))?.status);
    if (status.updateRevision !== brokenRevision) break;
    if (Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const pods = await kubectl.json<{ items?: unknown[] }>([
    'get',
    'pods',
    '-l',
    `controller-revision-hash=${brokenRevision}`,
  ]);
  // Ready pods of the broken revision are replaced by the controller in its own order.
  const names = (pods.items ?? [])
    .map(asMapping)
    .filter((pod) => !isReady(pod))
    .map((pod) => asMapping(pod.metadata).name)
    .filter((name): name is string => typeof name === 'string');
  if (names.length > 0) await kubectl.run(['delete', 'pod', ...names, '--ignore-not-found']);
}

function isReady(pod: Record<string, unknown>): boolean {
  const conditions = asMapping(pod.status).conditions;
  return (
    Array.isArray(conditions) &&
    conditions.some((entry) => {
      const condition = asMapping(entry);
      return condition.type === 'Ready' && condition.status === 'True';
    })
  );
}

function failed(
  ref: string,
  previous: WorkloadSnapshot | undefined,
  message: string,
): RollbackResult {
  return {
    workload: ref,
    outcome: 'failed',
    revision: previous?.revision,
    images: {},
    message,
    wait: undefined,
  };
}

function describeImages(images: Record<string, string>): string {
  const entries = Object.entries(images);
  if (entries.length === 0) return 'no containers';
  if (entries.length === 1) return `image ${entries[0][1]}`;
  return `images ${entries.map(([name, image]) => `${name}=${image}`).join(', ')}`;
}
