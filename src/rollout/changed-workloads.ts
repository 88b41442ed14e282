/**
 * Which workloads the deploy changed: those whose pod template is no longer the one snapshotted
 * before (or that it created). A workload the apply left unchanged has nothing to roll back, so
 * it is neither rolled back nor reported as rolled back.
 */
import type { Kubectl } from '../core/kubectl.js';
import { workloadRef } from '../core/manifests.js';
import {
  getWorkload,
  reportRef,
  templateHash,
  type WorkloadName,
  type WorkloadSnapshot,
} from './engine-snapshot.js';

/**
 * The workloads of `candidates` that differ from their snapshot now. One that cannot be read, or
 * has no snapshot, counts as changed: rolling back an unchanged workload only checks it again.
 */
export async function changedWorkloads(
  kubectl: Kubectl,
  before: readonly WorkloadSnapshot[],
  candidates: readonly WorkloadName[],
): Promise<WorkloadName[]> {
  const changed = await Promise.all(
    candidates.map(async (workload) => {
      const previous = before.find((entry) => entry.ref === reportRef(workload));
      if (!previous) return true;
      try {
        const live = await getWorkload(
          kubectl.inNamespace(workload.namespace),
          workloadRef(workload),
        );
        if (!live) return previous.exists;
        return !previous.exists || templateHash(live) !== previous.templateHash;
      } catch {
        return true;
      }
    }),
  );
  return candidates.filter((_, index) => changed[index]);
}
