/**
 * Ending a canary either way: traffic goes back to stable before anything it might still reach
 * is deleted, and the result is checked on the cluster rather than assumed. Every function here
 * is safe to repeat, because the post step repeats whatever main could not finish.
 */
import { ActionError, describeThrown } from '../../core/errors.js';
import { untilRecovered } from '../../core/kube-recovery.js';
import type { Kubectl } from '../../core/kubectl.js';
import type { CanaryTarget } from '../target.js';
import type { CleanupReport } from '../types.js';
import { canaryName, canaryServiceName } from '../names.js';
import { coveredBy, type PodTemplate } from './canary-template.js';
import { readClusterState } from './cluster-state.js';
import { ownedCopies } from './config-copies.js';
import { restoreHeldHpas, type HpaRestore } from './hpa.js';
import type { TrafficProvider } from './traffic/index.js';
import { usesRoute } from './traffic/traffic-modes.js';

/**
 * The canary's target as ending it needs it: the stable Service's `-canary` twin exists in router
 * modes; the container is read from the canary's state when not given.
 */
export interface CanaryNames extends Omit<CanaryTarget, 'namespace' | 'container'> {
  namespace?: string;
  container?: string;
  /** kind/name of the ConfigMap and Secret copies a canary of a whole release uses. */
  copies?: readonly string[];
}

export interface RevertOptions {
  /** The image stable must still run; undefined skips that check. */
  stableImage: string | undefined;
  timeoutMs: number;
  /** Stable's HPAs the canary held, put back once traffic is back on stable. */
  hpa?: HpaRestore;
}

export interface PromoteOptions {
  image: string;
  /** What stable ran before, reported when stable has to be rolled back. */
  stableImage: string | undefined;
  timeoutMs: number;
  /** Stable's revision before the canary; a rollback goes there, else to the previous one. */
  stableRevision?: number;
  /** Until when each call may be retried through API faults (epoch ms). */
  retryUntil: number;
  hpa?: HpaRestore;
}

export interface PromotionReport extends CleanupReport {
  promoted: boolean;
  /** Why stable was rolled back instead; undefined when promoted. */
  problem: string | undefined;
}

interface DeploymentView {
  spec: { template: { spec: { containers: Array<{ name: string; image: string }> } } };
}

/** kind/name of everything a canary run creates, but its config copies (see ownedCopies). */
export function canaryObjects(names: CanaryNames, provider: TrafficProvider): string[] {
  const objects = [`deployment/${canaryName(names.deployment)}`];
  if (usesRoute(names.traffic) && names.service) {
    objects.push(`service/${canaryServiceName(names.service)}`);
  }
  return [...objects, ...provider.objects()];
}

/**
 * The canary Deployment carries the run's state and ownership, so it goes last: a revert cut
 * short by an API fault can always be found and finished from it. The ConfigMap and Secret
 * copies are deleted only while they carry the canary's labels: a name in the state is not proof
 * that the object there is still the canary's.
 */
async function deleteCanaryObjects(
  kubectl: Kubectl,
  objects: string[],
  names: CanaryNames,
): Promise<void> {
  const [deployment, ...others] = objects;
  const copies = await ownedCopies(kubectl, names.copies ?? [], names.deployment);
  await kubectl.deleteIfExists([...others, ...copies]);
  await kubectl.deleteIfExists([deployment]);
}

/** The objects of `kindNames` that still exist. */
export async function findLeftovers(kubectl: Kubectl, kindNames: string[]): Promise<string[]> {
  const found = await Promise.all(
    kindNames.map(async (kindName) => ((await kubectl.getIfExists(kindName)) ? kindName : '')),
  );
  return found.filter((kindName) => kindName !== '');
}

/** Abort: stable gets all traffic, the canary goes, and stable is checked to run what it ran. */
export async function revertToStable(
  kubectl: Kubectl,
  provider: TrafficProvider,
  names: CanaryNames,
  options: RevertOptions,
): Promise<CleanupReport> {
  await giveTrafficBack(provider);
  await restoreHeldHpas(kubectl, options.hpa);
  const objects = canaryObjects(names, provider);
  await deleteCanaryObjects(kubectl, objects, names);
  return verify(kubectl, provider, names, objects, options.stableImage, options.timeoutMs);
}

/**
 * Promote: stable takes the canary's image. When stable cannot roll out with it, stable is rolled
 * back and the canary reverted; the report says so (promoted: false) instead of throwing, so the
 * caller can still show what was cleaned up.
 */
export async function promoteStable(
  kubectl: Kubectl,
  provider: TrafficProvider,
  names: CanaryNames,
  options: PromoteOptions,
): Promise<PromotionReport> {
  const stable = `deployment/${names.deployment}`;
  const retrying = <T>(what: string, work: () => Promise<T>) =>
    untilRecovered(what, work, { deadlineAt: options.retryUntil });
  const container = await retrying('Reading the container to promote', () =>
    containerOf(kubectl, names),
  );
  await retrying('Giving stable the new image', () =>
    kubectl.setImage(stable, container, options.image),
  );
  const rollout = await retrying('Waiting for stable', () =>
    kubectl.rolloutStatus(stable, options.timeoutMs),
  );
  if (rollout.done) {
    const cleanup = await retrying('Finishing the promotion', () =>
      finishPromotion(kubectl, provider, { ...names, container }, options),
    );
    return { ...cleanup, promoted: true, problem: undefined };
  }
  let undone = `was rolled back${options.stableImage ? ` to ${options.stableImage}` : ''}`;
  try {
    await retrying('Rolling stable back', () =>
      kubectl.rolloutUndo(stable, options.stableRevision || undefined),
    );
  } catch (error) {
    undone = `could not be rolled back (${describeThrown(error)})`;
  }
  const cleanup = await retrying('Putting all traffic back on stable', () =>
    revertToStable(kubectl, provider, { ...names, container }, options),
  );
  return {
    ...cleanup,
    promoted: false,
    problem: `Stable did not roll out with ${options.image} (${rollout.message}); it ${undone} and the canary was removed.`,
  };
}

/** After stable runs the new image (also when a cancelled promotion left it so): clean up. */
export async function finishPromotion(
  kubectl: Kubectl,
  provider: TrafficProvider,
  names: CanaryNames,
  options: { timeoutMs: number; image?: string; template?: PodTemplate; hpa?: HpaRestore },
): Promise<CleanupReport> {
  await giveTrafficBack(provider);
  await restoreHeldHpas(kubectl, options.hpa);
  const objects = canaryObjects(names, provider);
  await deleteCanaryObjects(kubectl, objects, names);
  const report = await verify(kubectl, provider, names, objects, options.image, options.timeoutMs);
  if (!options.template) return report;
  // A release promotion is done only when stable runs the manifests' template, not one image.
  const view = await kubectl.getIfExists<{ spec: { template: unknown } }>(
    `deployment/${names.deployment}`,
  );
  return {
    ...report,
    stableHealthy: report.stableHealthy && coveredBy(options.template, view?.spec.template),
  };
}

async function giveTrafficBack(provider: TrafficProvider): Promise<void> {
  try {
    await provider.restoreStable();
  } catch (error) {
    throw new ActionError(
      `Traffic could not be given back to stable (${describeThrown(error)}), so the canary was left running to keep serving its share.`,
      'Fix the cause, then run the action with mode: abort to finish the revert.',
      { cause: error },
    );
  }
}

/** What the cluster looks like now, for a report after a recovery that ran out of time. */
export async function observe(
  kubectl: Kubectl,
  provider: TrafficProvider,
  names: CanaryNames,
  stableImage: string | undefined,
): Promise<CleanupReport> {
  return verify(kubectl, provider, names, canaryObjects(names, provider), stableImage, 1_000);
}

async function verify(
  kubectl: Kubectl,
  provider: TrafficProvider,
  names: CanaryNames,
  objects: string[],
  expectedImage: string | undefined,
  timeoutMs: number,
): Promise<CleanupReport> {
  const stable = `deployment/${names.deployment}`;
  const view = await kubectl.getIfExists<DeploymentView>(stable);
  const images = view?.spec.template.spec.containers ?? [];
  const container = names.container
    ? images.find((entry) => entry.name === names.container)
    : (images.find((entry) => entry.image === expectedImage) ?? images[0]);
  const rollout = view ? await kubectl.rolloutStatus(stable, timeoutMs) : undefined;
  const stableImage = container?.image;
  return {
    stableImage,
    stableHealthy:
      rollout?.done === true && (expectedImage === undefined || stableImage === expectedImage),
    leftoverObjects: [
      ...(await findLeftovers(kubectl, objects)),
      ...(await ownedCopies(kubectl, names.copies ?? [], names.deployment)),
    ],
    canaryWeight: await provider.canaryWeight(),
  };
}

async function containerOf(kubectl: Kubectl, names: CanaryNames): Promise<string> {
  if (names.container) return names.container;
  const state = await readClusterState(kubectl, names.deployment);
  if (state) return state.container;
  const view = await kubectl.getIfExists<DeploymentView>(`deployment/${names.deployment}`);
  const containers = view?.spec.template.spec.containers ?? [];
  if (containers.length === 1) return containers[0].name;
  throw new ActionError(
    `Cannot tell which container of Deployment '${names.deployment}' to promote: there is no canary state and it has ${containers.length} containers.`,
    "Set the 'container' input.",
  );
}
