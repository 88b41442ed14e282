/**
 * Promoting a canary of a whole release: stable gets exactly the rendered manifests (every object,
 * images substituted) with `kubectl apply`, as the team's own deploy would, so a GitOps controller
 * sees no drift. Every object the apply touches is read first; when stable does not roll out,
 * each is put back (and what the apply created removed) before traffic and canary are reverted,
 * so the cluster ends fully on the release or exactly as it was.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ownedTempDirectory } from '../../core/credentials.js';
import { describeThrown } from '../../core/errors.js';
import { untilRecovered } from '../../core/kube-recovery.js';
import {
  allRestored,
  recordAppliedUids,
  restoreObjects,
  snapshotObjects,
  type ObjectRestoreResult,
  type ObjectSnapshot,
} from '../../core/kube-objects.js';
import type { Kubectl } from '../../core/kubectl.js';
import { escapeUntrusted } from '../../core/log.js';
import { objectRefs, type ManifestDocument } from '../../core/manifests.js';
import type { PodTemplate } from './canary-template.js';
import type { HpaRestore } from './hpa.js';
import {
  finishPromotion,
  revertToStable,
  type CanaryNames,
  type PromotionReport,
} from './revert.js';
import type { TrafficProvider } from './traffic/index.js';

export interface ReleasePromotion {
  documents: readonly ManifestDocument[];
  /** The stable Deployment's template in the manifests: stable must run it afterwards. */
  template: PodTemplate;
  /** What stable ran before (its chosen container's image), for the revert's check. */
  stableImage: string | undefined;
  timeoutMs: number;
  /** Until when each call may be retried through API faults (epoch ms). */
  retryUntil: number;
  /** Stable's HorizontalPodAutoscalers held during the canary, given back either way. */
  hpa?: HpaRestore;
  /** The objects as they were, read (and saved for post and later jobs) by the caller. */
  snapshots?: ObjectSnapshot[];
}

export async function promoteRelease(
  kubectl: Kubectl,
  provider: TrafficProvider,
  names: CanaryNames,
  options: ReleasePromotion,
): Promise<PromotionReport> {
  const stable = `deployment/${names.deployment}`;
  const retrying = <T>(what: string, work: () => Promise<T>) =>
    untilRecovered(what, work, { deadlineAt: options.retryUntil });
  const snapshots =
    options.snapshots ??
    (await snapshotObjects(kubectl, objectRefs(options.documents), options.retryUntil));
  const directory = await writeRelease(options.documents);
  let problem: string | undefined;
  try {
    // Applying the same manifests again changes nothing, so an API fault is simply retried.
    await retrying('Applying the release to stable', () => kubectl.apply([directory]));
  } catch (error) {
    problem = `the manifests could not be applied (${describeThrown(error)})`;
  }
  await recordAppliedUids(kubectl, snapshots, options.retryUntil);
  if (!problem) {
    const rollout = await retrying('Waiting for stable', () =>
      kubectl.rolloutStatus(stable, options.timeoutMs),
    );
    if (rollout.done) {
      const cleanup = await retrying('Finishing the promotion', () =>
        finishPromotion(kubectl, provider, names, {
          timeoutMs: options.timeoutMs,
          template: options.template,
          hpa: options.hpa,
        }),
      );
      return { ...cleanup, promoted: true, problem: undefined };
    }
    problem = `stable did not roll out with the release (${rollout.message})`;
  }
  const restored = await restoreObjects(kubectl, snapshots, options.retryUntil);
  // The restored Deployment rolls back to its old pods; traffic returns only once they serve.
  await retrying('Waiting for stable to roll back', () =>
    kubectl.rolloutStatus(stable, options.timeoutMs),
  );
  const cleanup = await retrying('Putting all traffic back on stable', () =>
    revertToStable(kubectl, provider, names, {
      stableImage: options.stableImage,
      timeoutMs: options.timeoutMs,
      hpa: options.hpa,
    }),
  );
  return {
    ...cleanup,
    promoted: false,
    problem: `${problem}; ${describeRestore(restored)} and the canary was removed.`,
  };
}

/**
 * One JSON file per object, numbered so kubectl applies them in manifest order. JSON, not YAML:
 * kubectl reads YAML 1.1, where a value like `on` written plain would turn into a boolean. A
 * private directory, since the manifests may hold Secrets.
 */
async function writeRelease(documents: readonly ManifestDocument[]): Promise<string> {
  const directory = ownedTempDirectory('canary-release');
  const width = String(documents.length).length;
  await Promise.all(
    documents.map((document, index) =>
      writeFile(
        join(directory, `${String(index).padStart(width, '0')}.json`),
        JSON.stringify(document.object),
        { mode: 0o600 },
      ),
    ),
  );
  return directory;
}

/** One clause on what the restore did, naming objects that could not be put back. */
export function describeRestore(results: readonly ObjectRestoreResult[]): string {
  const changed = results.filter((entry) => entry.outcome === 'restored').length;
  const removed = results.filter((entry) => entry.outcome === 'removed').length;
  const done = `every object it changed was restored (${changed} restored, ${removed} created ones removed)`;
  if (allRestored(results)) return done;
  const failed = results
    .filter((entry) => !entry.verified)
    .map((entry) => `${entry.object}: ${entry.message}`)
    .join('; ');
  return `the restore left objects not as they were (${escapeUntrusted(failed)})`;
}
