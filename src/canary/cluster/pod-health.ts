/**
 * The canary's pods as evidence: a container that restarts, waits in a crash loop or cannot get
 * its image, or a pod that stays not ready, aborts the step whatever the metrics say — a canary
 * that is OOMKilled every few minutes can still look as good as stable in Prometheus between
 * restarts. The judgement over pod JSON is pure (`judgePods`); `CanaryPodHealth` lists the pods
 * at every check and keeps what it has to remember between checks.
 */
import * as core from '@actions/core';
import { describeThrown } from '../../core/errors.js';
import { isTransientKubeError, lastLine } from '../../core/kube-recovery.js';
import type { Kubectl } from '../../core/kubectl.js';
import { escapeUntrusted } from '../../core/log.js';

/** The parts of a Pod (`kubectl get pods -o json`) the judgement reads. */
export interface PodJson {
  metadata?: { name?: string; deletionTimestamp?: string };
  status?: {
    phase?: string;
    conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }>;
    containerStatuses?: ContainerStatusJson[];
    initContainerStatuses?: ContainerStatusJson[];
  };
}

export interface ContainerStatusJson {
  name?: string;
  restartCount?: number;
  state?: { waiting?: { reason?: string; message?: string } };
  lastState?: { terminated?: { reason?: string; exitCode?: number } };
}

/** Waiting reasons that do not go away by waiting: the canary is broken, not slow to start. */
export const FATAL_WAITING_REASONS: readonly string[] = [
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
  'InvalidImageName',
];

/**
 * How long a canary pod may be not ready before that aborts the step: the longer of 30 s and
 * two check intervals. A pod is legitimately not ready for a moment when it is replaced (a node
 * drained, an eviction, in replicas mode a pod added by a scale that the shift has not waited for
 * yet), and a readiness probe needs a few periods to pass; 30 s covers that for ordinary probes,
 * and two check intervals make sure at least two checks in a row saw the pod not ready. A pod
 * that stays not ready longer is not serving its share, which the metrics do not show.
 */
export function notReadyGraceMs(checkIntervalMs: number): number {
  return Math.max(30_000, 2 * checkIntervalMs);
}

/** What the judgement remembers between checks. */
export interface PodMemory {
  /** restartCount at the baseline, by `pod/container`; a pod not in it is new (counts from 0). */
  restarts: Map<string, number>;
  /** When a check first saw each pod not ready (local clock), by pod name. */
  notReadySince: Map<string, number>;
}

export function emptyMemory(): PodMemory {
  return { restarts: new Map(), notReadySince: new Map() };
}

/** The restart counts to judge later checks against; not-ready clocks start here too. */
export function takeBaseline(pods: readonly PodJson[], now: number): PodMemory {
  const memory = emptyMemory();
  for (const pod of live(pods)) {
    const name = pod.metadata?.name ?? '';
    for (const container of pod.status?.containerStatuses ?? []) {
      memory.restarts.set(`${name}/${container.name ?? ''}`, container.restartCount ?? 0);
    }
  }
  trackReadiness(pods, memory, now);
  return memory;
}

/** At most this many problems are named in one reason; the rest are counted. */
const MAX_NAMED = 3;
const MAX_MESSAGE = 160;

/**
 * Why the canary's pods are unhealthy now, or undefined. Updates `memory.notReadySince`.
 * Every piece of cluster text in the sentence (pod and container names, reasons, messages) is
 * escaped with escapeUntrusted, because the reason is logged as it is.
 */
export function judgePods(
  pods: readonly PodJson[],
  memory: PodMemory,
  now: number,
  graceMs: number,
): string | undefined {
  trackReadiness(pods, memory, now);
  const problems: string[] = [];
  const sorted = [...live(pods)].sort((a, b) =>
    (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
  );
  for (const pod of sorted) {
    const name = pod.metadata?.name ?? '';
    const podText = `canary pod ${escapeUntrusted(name)}`;
    let containerProblem = false;
    const containers = [
      ...(pod.status?.containerStatuses ?? []).map((status) => ({ status, init: false })),
      ...(pod.status?.initContainerStatuses ?? []).map((status) => ({ status, init: true })),
    ];
    for (const { status, init } of containers) {
      const said: string[] = [];
      // Init containers may fail and be retried before the app starts (waiting for a dependency);
      // only their crash loops count, and a pod stuck in init shows as not ready.
      if (!init) {
        const before = memory.restarts.get(`${name}/${status.name ?? ''}`) ?? 0;
        const restarts = (status.restartCount ?? 0) - before;
        if (restarts > 0) {
          said.push(
            `restarted ${restarts} ${restarts === 1 ? 'time' : 'times'}${lastTermination(status)}`,
          );
        }
      }
      const waiting = status.state?.waiting?.reason;
      if (waiting !== undefined && FATAL_WAITING_REASONS.includes(waiting)) {
        const message = status.state?.waiting?.message;
        said.push(
          `is in ${escapeUntrusted(waiting)}${message ? ` (${escapeUntrusted(clip(message))})` : ''}`,
        );
      }
      if (said.length === 0) continue;
      containerProblem = true;
      const what = init ? 'init container' : 'container';
      problems.push(
        `${podText} ${what} ${escapeUntrusted(status.name ?? '?')} ${said.join(' and ')}`,
      );
    }
    if (containerProblem) continue;
    const since = memory.notReadySince.get(name);
    if (since !== undefined && now - since >= graceMs) {
      const ready = readyCondition(pod);
      const why = ready?.message ?? ready?.reason;
      problems.push(
        `${podText} has not been ready for ${Math.round((now - since) / 1000)}s${why ? ` (${escapeUntrusted(clip(why))})` : ''}`,
      );
    }
  }
  if (problems.length === 0) return undefined;
  const named = problems.slice(0, MAX_NAMED).join('; ');
  const more = problems.length - MAX_NAMED;
  return more > 0 ? `${named}; and ${more} more ${more === 1 ? 'problem' : 'problems'}` : named;
}

/** Pods on their way out (deleted, or ended: evicted) are not judged. */
function live(pods: readonly PodJson[]): PodJson[] {
  return pods.filter(
    (pod) =>
      !pod.metadata?.deletionTimestamp &&
      pod.status?.phase !== 'Succeeded' &&
      pod.status?.phase !== 'Failed',
  );
}

function readyCondition(pod: PodJson) {
  return pod.status?.conditions?.find((condition) => condition.type === 'Ready');
}

/** Starts the clock for pods seen not ready; stops it for pods ready again or gone. */
function trackReadiness(pods: readonly PodJson[], memory: PodMemory, now: number): void {
  const seen = new Set<string>();
  for (const pod of live(pods)) {
    const name = pod.metadata?.name ?? '';
    seen.add(name);
    // A pod with no Ready condition yet (not scheduled) is not ready either.
    if (readyCondition(pod)?.status === 'True') memory.notReadySince.delete(name);
    else if (!memory.notReadySince.has(name)) memory.notReadySince.set(name, now);
  }
  for (const name of memory.notReadySince.keys()) {
    if (!seen.has(name)) memory.notReadySince.delete(name);
  }
}

function lastTermination(status: ContainerStatusJson): string {
  const terminated = status.lastState?.terminated;
  if (!terminated) return '';
  const parts = [
    terminated.reason ? escapeUntrusted(terminated.reason) : undefined,
    terminated.exitCode !== undefined ? `exit code ${terminated.exitCode}` : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? ` (last: ${parts.join(', ')})` : '';
}

function clip(text: string): string {
  const line = text.trim();
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE - 1)}…` : line;
}

/** `matchLabels` and `matchExpressions` in the form `kubectl get -l` takes. */
export function selectorText(selector: {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}): string {
  const terms = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    if (operator === 'In') terms.push(`${key} in (${values.join(',')})`);
    else if (operator === 'NotIn') terms.push(`${key} notin (${values.join(',')})`);
    else if (operator === 'Exists') terms.push(key);
    else if (operator === 'DoesNotExist') terms.push(`!${key}`);
  }
  return terms.join(',');
}

/** One `kubectl get pods` should not hold up a check for long. */
const LIST_TIMEOUT_MS = 15_000;

export async function listPods(kubectl: Kubectl, selector: string): Promise<PodJson[]> {
  const list = await kubectl.json<{ items?: PodJson[] }>(['get', 'pods', '-l', selector], {
    timeoutMs: LIST_TIMEOUT_MS,
  });
  return list.items ?? [];
}

export interface PodHealthOptions {
  graceMs: number;
  now?: () => number;
  log?: (line: string) => void;
}

/**
 * The canary's pods over one progression: `baseline()` once before the first step, `check()` at
 * every check. Neither throws. A transient API failure of the listing is not evidence against
 * the canary: the check says nothing and the next one looks again. A listing that fails for
 * another reason (e.g. the kubeconfig's user may not list pods) aborts, because the canary
 * cannot be judged healthy without it.
 */
export class CanaryPodHealth {
  private memory: PodMemory | undefined;
  private failing = false;
  private readonly now: () => number;
  private readonly log: (line: string) => void;

  constructor(
    private readonly list: () => Promise<PodJson[]>,
    private readonly options: PodHealthOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? ((line) => core.info(line));
  }

  /**
   * Restart counts from now on count against the canary. When the pods cannot be listed here,
   * the first check that lists them takes the baseline instead.
   */
  async baseline(): Promise<void> {
    const pods = await this.tryList();
    if (Array.isArray(pods)) this.memory = takeBaseline(pods, this.now());
  }

  async check(): Promise<string | undefined> {
    const pods = await this.tryList();
    if (!Array.isArray(pods)) return pods.reason;
    if (!this.memory) {
      this.memory = takeBaseline(pods, this.now());
      return undefined;
    }
    return judgePods(pods, this.memory, this.now(), this.options.graceMs);
  }

  private async tryList(): Promise<PodJson[] | { reason: string | undefined }> {
    try {
      const pods = await this.list();
      this.failing = false;
      return pods;
    } catch (error) {
      const said = escapeUntrusted(lastLine(describeThrown(error)));
      if (isTransientKubeError(error)) {
        if (!this.failing) {
          this.log(`Could not list the canary's pods (${said}); the next check looks again.`);
        }
        this.failing = true;
        return { reason: undefined };
      }
      return {
        reason: `could not list the canary's pods to check their health (${said}); the kubeconfig's user needs list on pods in the namespace`,
      };
    }
  }
}
