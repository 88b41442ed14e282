/**
 * Stable's HorizontalPodAutoscaler during a canary. As traffic moves to the canary, stable's load
 * falls and its HPA would shrink it; an abort then sends all traffic back to too few pods. So the
 * canary holds the HPA: minReplicas is raised to stable's replicas from before the canary (never
 * lowered) and put back when the canary ends. What it was is kept in the canary's ClusterState,
 * so whichever job ends the canary (promote, abort, the post step, a later run clearing a stale
 * canary) restores it.
 */
import { ActionError } from '../../core/errors.js';
import { ExecError } from '../../core/exec.js';
import type { Kubectl } from '../../core/kubectl.js';

/** One HPA whose scaleTargetRef is the stable Deployment, as the canary found and holds it. */
export interface HpaHold {
  name: string;
  /** Its bounds before the canary: what ending the canary puts back. */
  minReplicas: number;
  maxReplicas: number;
  /** The bounds the canary gives it (max is raised only when min would pass it). */
  heldMinReplicas: number;
  heldMaxReplicas: number;
}

interface HpaView {
  metadata: { name: string };
  spec: {
    scaleTargetRef?: { apiVersion?: string; kind?: string; name?: string };
    minReplicas?: number;
    maxReplicas: number;
  };
}

/** kubectl's name for the kind, fully qualified so no other group's "hpa" can be meant. */
const KIND = 'horizontalpodautoscalers.v2.autoscaling';

/**
 * The HPAs that scale Deployment `deployment` in `namespace`; none when the cluster serves no
 * autoscaling/v2 (the API answers 404), 'forbidden' when the kubeconfig's user may not list them
 * (the canary then runs without holding them). Read through the raw path, so that a discovery
 * hiccup cannot be mistaken for a missing API.
 */
export async function findStableHpas(
  kubectl: Kubectl,
  namespace: string,
  deployment: string,
): Promise<HpaView[] | 'forbidden'> {
  let text: string;
  try {
    text = await kubectl.getRaw(
      `/apis/autoscaling/v2/namespaces/${encodeURIComponent(namespace)}/horizontalpodautoscalers`,
    );
  } catch (error) {
    if (error instanceof ExecError && /\(NotFound\)/.test(error.result.stderr)) return [];
    if (error instanceof ExecError && /\(Forbidden\)/.test(error.result.stderr)) return 'forbidden';
    throw error;
  }
  const list = JSON.parse(text) as { items?: HpaView[] };
  return (list.items ?? []).filter((hpa) => {
    const ref = hpa.spec.scaleTargetRef;
    const group = (ref?.apiVersion ?? '').split('/')[0];
    return ref?.kind === 'Deployment' && ref.name === deployment && group === 'apps';
  });
}

/** The bounds that keep stable at `stableReplicas` or more; never lower than the HPA's own. */
export function planHold(hpa: HpaView, stableReplicas: number): HpaHold {
  const minReplicas = hpa.spec.minReplicas ?? 1;
  const maxReplicas = hpa.spec.maxReplicas;
  const heldMinReplicas = Math.max(minReplicas, stableReplicas);
  return {
    name: hpa.metadata.name,
    minReplicas,
    maxReplicas,
    heldMinReplicas,
    heldMaxReplicas: Math.max(maxReplicas, heldMinReplicas),
  };
}

/** Raises the HPA's bounds to the hold's, then checks the HPA has them. Safe to repeat. */
export async function holdHpa(kubectl: Kubectl, hold: HpaHold): Promise<void> {
  const live = await readHpa(kubectl, hold.name);
  if (!live) return;
  const min = live.spec.minReplicas ?? 1;
  const wanted = {
    minReplicas: Math.max(min, hold.heldMinReplicas),
    maxReplicas: Math.max(live.spec.maxReplicas, hold.heldMaxReplicas, min),
  };
  await setBounds(kubectl, hold.name, live, wanted);
}

/**
 * Puts back what the canary changed: a bound is restored only while it still has the value the
 * canary gave it, so a change someone made to the HPA meanwhile stays. Safe to repeat; a deleted
 * HPA has nothing to restore. Returns what it did, for the report.
 */
export async function restoreHpa(kubectl: Kubectl, hold: HpaHold): Promise<string | undefined> {
  if (!changes(hold)) return undefined;
  const held = `Stable's HPA ${hold.name} was held at minReplicas ${hold.heldMinReplicas} during the canary`;
  const live = await readHpa(kubectl, hold.name);
  if (!live) return `${held}; it no longer exists, so there was nothing to restore.`;
  const min = live.spec.minReplicas ?? 1;
  const max = live.spec.maxReplicas;
  const wanted = {
    minReplicas: min === hold.heldMinReplicas ? hold.minReplicas : min,
    maxReplicas: max === hold.heldMaxReplicas ? hold.maxReplicas : max,
  };
  // A maxReplicas someone lowered meanwhile may sit below the original minReplicas.
  wanted.minReplicas = Math.min(wanted.minReplicas, wanted.maxReplicas);
  await setBounds(kubectl, hold.name, live, wanted);
  const kept =
    wanted.minReplicas === hold.minReplicas ? '' : ' (changed by someone else meanwhile)';
  return `${held}, and restored to minReplicas ${wanted.minReplicas}${kept}.`;
}

/** What the canary holds of stable's HPAs; `unseen` says why none could be looked at. */
export interface StableHpaPlan {
  holds: HpaHold[];
  /** Set when the user may not list HPAs: a warning for the log and a note for the report. */
  unseen: string | undefined;
}

/**
 * Plans a hold for each HPA of stable. A user without access to HPAs (a common least-privilege
 * setup) is no reason to refuse the canary: it runs without a hold, and the report says so.
 */
export async function planStableHolds(
  kubectl: Kubectl,
  namespace: string,
  deployment: string,
  stableReplicas: number,
): Promise<StableHpaPlan> {
  const hpas = await findStableHpas(kubectl, namespace, deployment);
  if (hpas === 'forbidden') {
    return {
      holds: [],
      unseen: `The kubeconfig's user may not list HorizontalPodAutoscalers in namespace ${namespace}, so an HPA scaling stable (if there is one) is not held during the canary and may shrink stable as traffic moves to the canary. Allow get, list and patch on horizontalpodautoscalers (group autoscaling) in that namespace to have it held.`,
    };
  }
  return { holds: hpas.map((hpa) => planHold(hpa, stableReplicas)), unseen: undefined };
}

/** Holds every HPA (once the canary, which records them, exists); returns lines for the report. */
export async function holdStableHpas(
  kubectl: Kubectl,
  holds: readonly HpaHold[],
): Promise<string[]> {
  for (const hold of holds) if (changes(hold)) await holdHpa(kubectl, hold);
  return holds.map(describeHold);
}

/** Restores every HPA the canary held; returns lines for the report. Safe to repeat. */
export async function restoreStableHpas(
  kubectl: Kubectl,
  holds: readonly HpaHold[] | undefined,
): Promise<string[]> {
  const notes: string[] = [];
  for (const hold of holds ?? []) {
    const note = await restoreHpa(kubectl, hold);
    if (note) notes.push(note);
  }
  return notes;
}

function changes(hold: HpaHold): boolean {
  return hold.heldMinReplicas !== hold.minReplicas || hold.heldMaxReplicas !== hold.maxReplicas;
}

/** What holding the HPA means, for the report at the start of the canary. */
export function describeHold(hold: HpaHold): string {
  if (!changes(hold)) {
    return `Stable's HPA ${hold.name} already keeps stable at ${hold.minReplicas} or more replicas; left as it is.`;
  }
  const max =
    hold.heldMaxReplicas === hold.maxReplicas
      ? ''
      : ` and maxReplicas from ${hold.maxReplicas} to ${hold.heldMaxReplicas}`;
  return `Stable's HPA ${hold.name} is held at minReplicas ${hold.heldMinReplicas} (was ${hold.minReplicas})${max} during the canary, so stable cannot shrink while traffic moves to the canary.`;
}

/** A parse check for ClusterState: undefined when `value` is a list of holds. */
export function hpaHoldsProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return "'hpaHolds' is not a list";
  const numbers = ['minReplicas', 'maxReplicas', 'heldMinReplicas', 'heldMaxReplicas'] as const;
  for (const entry of value as Array<Record<string, unknown> | null>) {
    if (typeof entry?.name !== 'string' || numbers.some((key) => !Number.isInteger(entry[key]))) {
      return "'hpaHolds' has an entry that is not an HPA hold";
    }
  }
  return undefined;
}

function readHpa(kubectl: Kubectl, name: string): Promise<HpaView | undefined> {
  return kubectl.getIfExists<HpaView>(`${KIND}/${name}`);
}

/** Patches only the bounds that differ, then reads them back: the revert is verified, not assumed. */
async function setBounds(
  kubectl: Kubectl,
  name: string,
  live: HpaView,
  wanted: { minReplicas: number; maxReplicas: number },
): Promise<void> {
  const patch: Record<string, number> = {};
  if ((live.spec.minReplicas ?? 1) !== wanted.minReplicas) patch.minReplicas = wanted.minReplicas;
  if (live.spec.maxReplicas !== wanted.maxReplicas) patch.maxReplicas = wanted.maxReplicas;
  if (Object.keys(patch).length === 0) return;
  await kubectl.patch(`${KIND}/${name}`, 'merge', { spec: patch });
  const after = await readHpa(kubectl, name);
  if (!after) return;
  const min = after.spec.minReplicas ?? 1;
  if (min !== wanted.minReplicas || after.spec.maxReplicas !== wanted.maxReplicas) {
    throw new ActionError(
      `HPA ${name} has minReplicas ${min} and maxReplicas ${after.spec.maxReplicas} after Slipway set them to ${wanted.minReplicas} and ${wanted.maxReplicas}; something else manages it.`,
      'Check what else writes the HPA (a GitOps controller?) and set its bounds by hand.',
    );
  }
}

/** What ending the canary needs to put stable's HPAs back, and where it reports that. */
export interface HpaRestore {
  holds: readonly HpaHold[] | undefined;
  note(line: string): void;
}

/**
 * Called once all traffic is back on stable and before the canary Deployment (which carries the
 * holds) is deleted, so a revert cut short can still find what to restore.
 */
export async function restoreHeldHpas(
  kubectl: Kubectl,
  restore: HpaRestore | undefined,
): Promise<void> {
  if (!restore) return;
  for (const line of await restoreStableHpas(kubectl, restore.holds)) restore.note(line);
}
