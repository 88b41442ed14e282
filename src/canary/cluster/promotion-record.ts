/**
 * What promoting a release is about to change, kept where whichever job ends an interrupted
 * promotion can find it. Main holds the snapshots in memory; its post step reads them from a
 * private 0600 file (its path is in the run state); a later job (`mode: abort`, or a run clearing
 * a stale canary) reads them from the canary's ClusterState. The state is an annotation anyone
 * who can read Deployments can read, so it never holds a Secret's earlier content: such a Secret
 * is named there instead, and a later job says it could not put it back.
 */
import * as core from '@actions/core';
import { describeThrown } from '../../core/errors.js';
import {
  loadSnapshots,
  recordAppliedUids,
  restoreObjects,
  type ObjectRestoreResult,
  type ObjectSnapshot,
} from '../../core/kube-objects.js';
import type { Kubectl } from '../../core/kubectl.js';
import { escapeUntrusted } from '../../core/log.js';
import { describeRef } from '../../core/kube-object-content.js';

/** The part of the snapshots the canary's state may carry. */
export interface PromotionRecord {
  /** Every object but Secrets that existed before, as it was; absent when too large to record. */
  snapshots?: ObjectSnapshot[];
  /** Secrets the promotion may change whose content is not recorded, as kind/name. */
  withheld: string[];
}

/** Kept well below the 256 KiB all of an object's annotations may take together. */
const MAX_RECORD_CHARS = 96_000;

export function promotionRecord(snapshots: readonly ObjectSnapshot[]): PromotionRecord {
  const secret = (snapshot: ObjectSnapshot) =>
    snapshot.ref.kind === 'Secret' && snapshot.previous !== undefined;
  const withheld = snapshots.filter(secret).map((snapshot) => describeRef(snapshot.ref));
  // A Secret the promotion creates has no earlier content to hide; it is recorded to be removed.
  const recorded = snapshots.filter((snapshot) => !secret(snapshot));
  if (JSON.stringify(recorded).length > MAX_RECORD_CHARS) return { withheld };
  return { snapshots: recorded, withheld };
}

/** A parse check for ClusterState: undefined when `value` is a promotion record. */
export function promotionRecordProblem(value: unknown): string | undefined {
  const record = value as { snapshots?: unknown; withheld?: unknown } | null;
  const withheld = record?.withheld;
  if (!Array.isArray(withheld) || withheld.some((entry) => typeof entry !== 'string')) {
    return "'promotion' is not a promotion record";
  }
  const snapshots = record?.snapshots;
  if (snapshots === undefined) return undefined;
  const isSnapshot = (entry: unknown) => {
    const ref = (entry as { ref?: { kind?: unknown; name?: unknown } } | null)?.ref;
    return typeof ref?.kind === 'string' && typeof ref.name === 'string';
  };
  return Array.isArray(snapshots) && snapshots.every(isSnapshot)
    ? undefined
    : "'promotion' has snapshots that are not objects";
}

/** Where the snapshots of an interrupted promotion are, best first. */
export interface PromotionSources {
  memory: ObjectSnapshot[] | undefined;
  /** Main's private file, for its post step. */
  file: string | undefined;
  record: PromotionRecord | undefined;
}

/**
 * The snapshots to restore and, when they are the state's partial record, a note on what a later
 * job cannot put back. Undefined when there is nothing (a canary started by an older version).
 */
export async function promotionSnapshots(
  sources: PromotionSources,
): Promise<{ snapshots: ObjectSnapshot[]; missing: string | undefined } | undefined> {
  if (sources.memory) return { snapshots: sources.memory, missing: undefined };
  if (sources.file) {
    try {
      return { snapshots: await loadSnapshots(sources.file), missing: undefined };
    } catch (error) {
      core.warning(
        escapeUntrusted(`Could not read the promotion's saved objects: ${describeThrown(error)}`),
      );
    }
  }
  const record = sources.record;
  if (!record) return undefined;
  const missing: string[] = [];
  if (!record.snapshots) missing.push('the objects it changed were too large to record');
  if (record.withheld.length > 0) {
    missing.push(
      `${record.withheld.join(', ')} kept no earlier content on the cluster (a Secret's data is never written to the canary's state)`,
    );
  }
  return {
    snapshots: record.snapshots ?? [],
    missing:
      missing.length === 0
        ? undefined
        : `This job could not put back everything the interrupted promotion changed: ${missing.join('; ')}. Restore those from your source of truth.`,
  };
}

/**
 * Puts back every object the promotion changed (the stable Deployment among them); never throws. An object created by the apply is removed only with the uid it has now,
 * read here when the interrupted promotion never recorded it.
 */
export async function restorePromotion(
  kubectl: Kubectl,
  snapshots: ObjectSnapshot[],
  deadlineAt: number,
): Promise<ObjectRestoreResult[]> {
  const unrecorded = snapshots.filter((snapshot) => snapshot.appliedUid === undefined);
  if (unrecorded.length > 0) await recordAppliedUids(kubectl, unrecorded, deadlineAt);
  return restoreObjects(kubectl, snapshots, deadlineAt);
}
