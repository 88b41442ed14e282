/**
 * A canary run can span jobs (`mode: start` today, `promote` or `abort` after a person looked), so
 * what the run needs to continue lives on the canary Deployment itself: it exists exactly as long
 * as the canary does, and deleting the canary forgets the run.
 */
import { ActionError } from '../../core/errors.js';
import type { Kubectl } from '../../core/kubectl.js';
import { canaryName } from '../names.js';
import type { ContainerImage, PodTemplate } from './canary-template.js';
import { hpaHoldsProblem, type HpaHold } from './hpa.js';
import { promotionRecordProblem, type PromotionRecord } from './promotion-record.js';
import type { CanaryTarget } from '../target.js';
import type { TrafficMode } from '../types.js';
import { TRAFFIC_MODES } from './traffic/traffic-modes.js';

export const STATE_ANNOTATION = 'canary.slipway.dev/state';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'slipway';
export const STABLE_LABEL = 'canary.slipway.dev/stable';

/** The workflow run a canary belongs to: only it may revert or promote the canary on its own. */
export interface RunOwner {
  /** GITHUB_RUN_ID: every job and attempt of one workflow run shares it. */
  runId: string;
  runAttempt: number;
  /** owner/repo, workflow and job, for the messages a refused run prints. */
  repository: string;
  workflow: string;
  job: string;
}

/**
 * running: the owner is shifting traffic and renews its lease; paused: `mode: start` finished and
 * the canary waits for a person (no lease); promoting: stable is getting the canary's image.
 */
export type CanaryPhase = 'running' | 'paused' | 'promoting';

/**
 * The canary's target is recorded at the top level (version 1's fields), resolved: the container
 * and Service are known once the canary exists. The namespace is the canary Deployment's own.
 */
export interface ClusterState extends Omit<CanaryTarget, 'namespace' | 'container' | 'service'> {
  version: 1;
  container: string;
  service: string;
  stableImage: string;
  stableRevision: number;
  canaryImage: string;
  /** The weight last given to the canary. */
  weight: number;
  /** Index into the steps of the step last reached; -1 before the first. */
  stepIndex: number;
  startedAt: string;
  /** What the traffic provider changed, as it was before (see TrafficProvider.snapshot). */
  originalRoute: unknown;
  /** Absent on canaries started by Slipway before ownership was recorded. */
  owner?: RunOwner;
  phase?: CanaryPhase;
  /** While running or promoting the owner renews renewedAt; a lease not renewed in time is stale. */
  leaseSeconds?: number;
  renewedAt?: string;
  /** Set when the canary runs a whole release (manifests or kustomize) instead of one image. */
  release?: ReleaseRecord;
  /** Stable's HPAs as they were before the canary held them; restored when the canary ends. */
  hpaHolds?: HpaHold[];
  /** Set while a release is promoted: what the apply changes, for a later job to put back. */
  promotion?: PromotionRecord;
}

/** What a canary of a whole release runs, so a later job promotes (or reverts) exactly that. */
export interface ReleaseRecord {
  /** Digest of the rendered manifests: a later promote must render the same release. */
  digest: string;
  /** kind/name of the ConfigMap and Secret copies the canary's pods use. */
  copies: string[];
  /** Every container's image, for the report. */
  images: ContainerImage[];
  /** The change as a reviewer reads it (images per container, env/config). */
  change: string[];
  /** The Deployment's pod template as the manifests have it: stable runs the release once it has it. */
  template: PodTemplate;
}

/** True when the canary's owner stopped renewing its lease: its runner is gone. */
export function isStale(state: ClusterState, now = Date.now()): boolean {
  if (state.phase === 'paused' || state.leaseSeconds === undefined || !state.renewedAt) {
    return false;
  }
  const renewed = Date.parse(state.renewedAt);
  return Number.isFinite(renewed) && now > renewed + state.leaseSeconds * 1_000;
}

/** Any job or attempt of the same workflow run may continue the canary. */
export function sameRun(state: ClusterState, owner: RunOwner): boolean {
  return state.owner?.runId === owner.runId;
}

/** This very job attempt created or took over the canary (the post step's test). */
export function ownedBy(state: ClusterState, owner: RunOwner): boolean {
  return (
    sameRun(state, owner) &&
    state.owner?.runAttempt === owner.runAttempt &&
    state.owner?.job === owner.job
  );
}

export function describeOwner(state: ClusterState): string {
  const owner = state.owner;
  if (!owner) return 'an earlier Slipway run';
  return `run ${owner.runId} (attempt ${owner.runAttempt}) of workflow '${owner.workflow}', job '${owner.job}' in ${owner.repository}`;
}

export function stateAnnotation(state: ClusterState): Record<string, string> {
  return { [STATE_ANNOTATION]: JSON.stringify(state) };
}

export async function writeClusterState(kubectl: Kubectl, state: ClusterState): Promise<void> {
  await kubectl.annotate(`deployment/${canaryName(state.deployment)}`, stateAnnotation(state));
}

interface CanaryDeploymentMeta {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

/** undefined when there is no canary, i.e. no run to continue. */
export async function readClusterState(
  kubectl: Kubectl,
  deployment: string,
): Promise<ClusterState | undefined> {
  const name = canaryName(deployment);
  const canary = await kubectl.getIfExists<CanaryDeploymentMeta>(`deployment/${name}`);
  if (!canary) return undefined;
  const labels = canary.metadata.labels ?? {};
  if (labels[MANAGED_BY_LABEL] !== MANAGED_BY || labels[STABLE_LABEL] !== deployment) {
    throw new ActionError(
      `Deployment '${name}' exists but was not created by Slipway for '${deployment}' (it lacks the labels ${MANAGED_BY_LABEL}=${MANAGED_BY} and ${STABLE_LABEL}=${deployment}).`,
      `Slipway names its canary '${name}'; rename or remove that Deployment before running a canary of '${deployment}'.`,
    );
  }
  const text = canary.metadata.annotations?.[STATE_ANNOTATION];
  if (text === undefined) {
    throw new ActionError(
      `Canary Deployment '${name}' has no ${STATE_ANNOTATION} annotation, so the run it belongs to cannot be continued.`,
      'Run the action with mode: abort to remove the canary, then start again.',
    );
  }
  return parseClusterState(text, name);
}

export function parseClusterState(text: string, where: string): ClusterState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const problem = stateProblem(value);
  if (problem) {
    throw new ActionError(
      `The ${STATE_ANNOTATION} annotation on '${where}' is not a state this version of Slipway can read: ${problem}.`,
      'Run the action with mode: abort to remove the canary, then start again.',
    );
  }
  return value as ClusterState;
}

function stateProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return 'not a JSON object';
  const state = value as Record<string, unknown>;
  if (state.version !== 1) return `version ${JSON.stringify(state.version)} (expected 1)`;
  const strings = ['deployment', 'container', 'service', 'stableImage', 'canaryImage', 'startedAt'];
  for (const field of strings) {
    if (typeof state[field] !== 'string') return `'${field}' is not text`;
  }
  for (const field of ['stableRevision', 'weight', 'stepIndex']) {
    if (typeof state[field] !== 'number') return `'${field}' is not a number`;
  }
  if (!TRAFFIC_MODES.includes(state.traffic as TrafficMode)) return "'traffic' is not a mode";
  if (state.route !== undefined && typeof state.route !== 'string') return "'route' is not text";
  if (
    state.phase !== undefined &&
    !['running', 'paused', 'promoting'].includes(state.phase as string)
  ) {
    return "'phase' is not a phase";
  }
  if (state.leaseSeconds !== undefined && typeof state.leaseSeconds !== 'number') {
    return "'leaseSeconds' is not a number";
  }
  if (
    state.renewedAt !== undefined &&
    (typeof state.renewedAt !== 'string' || !Number.isFinite(Date.parse(state.renewedAt)))
  ) {
    return "'renewedAt' is not a time";
  }
  if (state.release !== undefined && releaseProblem(state.release)) {
    return "'release' is not a release record";
  }
  if (state.hpaHolds !== undefined) {
    const problem = hpaHoldsProblem(state.hpaHolds);
    if (problem) return problem;
  }
  if (state.promotion !== undefined) {
    const problem = promotionRecordProblem(state.promotion);
    if (problem) return problem;
  }
  if (state.owner !== undefined) {
    const owner = state.owner as Record<string, unknown> | null;
    const texts = ['runId', 'repository', 'workflow', 'job'];
    if (
      typeof owner?.runAttempt !== 'number' ||
      texts.some((field) => typeof owner[field] !== 'string')
    ) {
      return "'owner' is not a run";
    }
  }
  return undefined;
}

function releaseProblem(value: unknown): boolean {
  const release = value as Partial<Record<keyof ReleaseRecord, unknown>> | null;
  return (
    typeof release?.digest !== 'string' ||
    !Array.isArray(release.copies) ||
    release.copies.some((copy) => typeof copy !== 'string') ||
    !Array.isArray(release.images) ||
    !Array.isArray(release.change) ||
    typeof release.template !== 'object' ||
    release.template === null
  );
}
