/**
 * Putting the cluster back after a failed or cancelled deploy. The objects that existed get their
 * previous content back first, because pods read ConfigMaps and Secrets when they start: the pods
 * `rollout undo` starts must find the old values, or they get no more ready than the new ones did.
 * Then the workloads are undone and waited for, and only then are the objects this step created
 * removed, once no pod of the old revision can still need them.
 * Shared by main (after a failure or on cancellation) and post (to finish what main began).
 */
import { describeThrown } from '../core/errors.js';
import type { Kubectl } from '../core/kubectl.js';
import {
  allRestored,
  loadSnapshots,
  recordAppliedUids,
  restoreObjects,
  saveSnapshots,
  snapshotObjects,
  type ObjectRestoreResult,
  type ObjectSnapshot,
} from '../core/kube-objects.js';
import { WORKLOAD_KINDS, type ObjectRef } from '../core/manifests.js';
import {
  rollBack,
  type RollbackResult,
  type WorkloadName,
  type WorkloadSnapshot,
} from './engine.js';

/** The objects of the manifests as they were before the deploy, and where they are kept. */
export interface TrackedObjects {
  snapshots: ObjectSnapshot[];
  /** The private 0600 file post reads; undefined when there is nothing to track. */
  file: string | undefined;
}

export interface RecoveryResults {
  rollback: RollbackResult[];
  objects: ObjectRestoreResult[];
}

/** Reads every object before the deploy changes anything, and keeps the snapshots for post. */
export async function trackObjects(
  kubectl: Kubectl,
  refs: readonly ObjectRef[],
  deadlineAt: number,
): Promise<TrackedObjects> {
  if (refs.length === 0) return { snapshots: [], file: undefined };
  const snapshots = await snapshotObjects(kubectl, refs, deadlineAt);
  return { snapshots, file: await saveSnapshots(snapshots) };
}

/**
 * Right after a batch or Job was applied (`applied`: its objects), or after the change stopped
 * however it stopped (no `applied`: every object not recorded yet): which objects this step now
 * owns, saved at once for a post step should main be killed. Never throws; an object it could
 * not read is left in place by a restore, never deleted.
 */
export async function recordApplied(
  kubectl: Kubectl,
  tracked: TrackedObjects,
  deadlineAt: number,
  applied?: readonly ObjectRef[],
): Promise<void> {
  const selected = tracked.snapshots.filter((snapshot) =>
    applied
      ? applied.some((ref) => sameObject(ref, snapshot.ref))
      : snapshot.appliedUid === undefined,
  );
  if (selected.length === 0) return;
  await recordAppliedUids(kubectl, selected, deadlineAt);
  try {
    if (tracked.file) await saveSnapshots(tracked.snapshots, tracked.file);
  } catch {
    // Main still holds them in memory; only a post step after a cancellation would miss them.
  }
}

/** Post reads main's snapshots back; a missing or unreadable file means objects are not restored. */
export async function loadTracked(file: string | undefined): Promise<TrackedObjects> {
  if (!file) return { snapshots: [], file };
  return { snapshots: await loadSnapshots(file), file };
}

/** The same object; apiVersion aside, as one object may be written under several versions. */
function sameObject(a: ObjectRef, b: ObjectRef): boolean {
  return a.kind === b.kind && a.name === b.name && a.namespace === b.namespace;
}

function isWorkload(ref: ObjectRef): boolean {
  return (WORKLOAD_KINDS as readonly string[]).includes(ref.kind);
}

function sameWorkload(ref: ObjectRef, workload: WorkloadName): boolean {
  const namespace = (workload as { namespace?: string }).namespace;
  return ref.kind === workload.kind && ref.name === workload.name && ref.namespace === namespace;
}

/**
 * Restores the objects that existed, undoes the workloads that existed and waits for them, then
 * removes the objects this step created, all until `deadlineAt`. Never throws: every workload
 * and object gets its own answer.
 */
export async function recoverAll(
  kubectl: Kubectl,
  before: readonly WorkloadSnapshot[],
  changed: readonly WorkloadName[],
  tracked: TrackedObjects,
  deadlineAt: number,
): Promise<RecoveryResults> {
  // A workload this step created has no revision to undo: it is removed with the other objects
  // it created, when the object snapshots know it.
  const createdWorkloads = tracked.snapshots.filter(
    (snapshot) => isWorkload(snapshot.ref) && snapshot.previous === undefined,
  );
  const undone = changed.filter(
    (workload) => !createdWorkloads.some((snapshot) => sameWorkload(snapshot.ref, workload)),
  );
  // rollBack never throws; it runs between restoring and removing objects (see the header).
  let rollback: RollbackResult[] | undefined;
  const undo = async () => {
    rollback = await rollBack(kubectl, before, undone, deadlineAt);
  };
  // Workloads that existed are the engine's: `rollout undo` puts their revision back.
  const objects = tracked.snapshots.filter(
    (snapshot) => !(isWorkload(snapshot.ref) && snapshot.previous !== undefined),
  );
  let restored: ObjectRestoreResult[];
  try {
    restored = await restoreObjects(kubectl, objects, deadlineAt, { betweenPhases: undo });
  } catch (error) {
    // restoreObjects answers per object and does not throw; this is a last guard for the report.
    restored = objects.map((snapshot) => ({
      object: `${snapshot.ref.kind}/${snapshot.ref.name}`,
      namespace: snapshot.ref.namespace,
      outcome: 'failed',
      verified: false,
      message: `not restored: ${describeThrown(error)}`,
    }));
  }
  if (rollback === undefined) await undo();
  return { rollback: rollback ?? [], objects: restored };
}

/** Every workload back (or a first deploy) and every object verified as it was. */
export function recoveryFinished(results: RecoveryResults): boolean {
  return (
    results.rollback.every((result) => result.outcome !== 'failed') && allRestored(results.objects)
  );
}

/** Something was actually put back or removed, so the deploy counts as rolled back. */
export function somethingRestored(results: RecoveryResults): boolean {
  return (
    results.rollback.some((result) => result.outcome === 'rolled-back') ||
    results.objects.some((result) =>
      ['restored', 'removed', 'not-recreated'].includes(result.outcome),
    )
  );
}
