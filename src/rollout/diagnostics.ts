/**
 * Why a rollout is stuck, from what `kubectl get pods -o json` and `kubectl get events -o json`
 * print: the pods that are not ready with the reason Kubernetes gives, and recent warnings.
 * Pure functions of that JSON, so the summary can be tested without a cluster.
 */
import { asArray, asMapping, type Mapping } from '../core/mapping.js';
import { markup, type SummaryContent } from '../core/summary.js';
import type { PodLog } from './pod-logs.js';

export interface PodProblem {
  /** Set when the diagnostics were read namespace by namespace; undefined: kubectl's default. */
  namespace?: string;
  pod: string;
  phase: string;
  /** CrashLoopBackOff, ImagePullBackOff, ErrImagePull, other waiting reasons, NotReady, Pending… */
  reason: string;
  container: string | undefined;
  image: string | undefined;
  restarts: number;
  /** Kubernetes' own explanation, e.g. the pull error or the last exit code. */
  detail: string | undefined;
}

export interface WarningEvent {
  namespace?: string;
  /** Kind/name, e.g. Pod/web-6f7c-abcde. */
  object: string;
  reason: string;
  message: string;
  count: number;
  lastSeen: string | undefined;
}

export interface Diagnostics {
  pods: PodProblem[];
  events: WarningEvent[];
  /** The last lines of the failing containers (pod-logs.ts); read after the pods and events. */
  logs?: PodLog[];
}

/** Reasons in the order they explain a failure best: a pull error beats "not ready". */
const WAITING_PRIORITY = ['ErrImagePull', 'ImagePullBackOff', 'CrashLoopBackOff'];

export function notReadyPods(
  podList: unknown,
  options: { matchLabels?: Readonly<Record<string, string>> } = {},
): PodProblem[] {
  const problems: PodProblem[] = [];
  for (const pod of itemsOf(podList)) {
    const metadata = asMapping(pod.metadata);
    const labels = asMapping(metadata.labels);
    const wanted = Object.entries(options.matchLabels ?? {});
    if (!wanted.every(([key, value]) => labels[key] === value)) continue;
    if (metadata.deletionTimestamp) continue;
    const problem = podProblem(pod);
    if (problem) problems.push(problem);
  }
  return problems.sort((a, b) => a.pod.localeCompare(b.pod));
}

function podProblem(pod: Mapping): PodProblem | undefined {
  const status = asMapping(pod.status);
  const phase = typeof status.phase === 'string' ? status.phase : 'Unknown';
  if (phase === 'Succeeded') return undefined;
  const conditions = asArray(status.conditions).map(asMapping);
  const ready = conditions.find((condition) => condition.type === 'Ready');
  if (phase === 'Running' && ready?.status === 'True') return undefined;

  const statuses = [
    ...asArray(status.initContainerStatuses),
    ...asArray(status.containerStatuses),
  ].map(asMapping);
  const name = String(asMapping(pod.metadata).name ?? '?');
  const restarts = statuses.reduce((sum, s) => sum + (Number(s.restartCount) || 0), 0);
  const base = { pod: name, phase, restarts };

  const waiting = statuses
    .map((s) => ({ s, waiting: asMapping(asMapping(s.state).waiting) }))
    .filter(
      ({ waiting }) => typeof waiting.reason === 'string' && waiting.reason !== 'ContainerCreating',
    )
    .sort((a, b) => rank(String(a.waiting.reason)) - rank(String(b.waiting.reason)))[0];
  if (waiting) {
    const lastExit = asMapping(asMapping(waiting.s.lastState).terminated);
    const exit =
      lastExit.exitCode !== undefined
        ? `last exit code ${String(lastExit.exitCode)}${lastExit.reason ? ` (${String(lastExit.reason)})` : ''}`
        : undefined;
    return {
      ...base,
      reason: String(waiting.waiting.reason),
      container: stringOr(waiting.s.name),
      image: stringOr(waiting.s.image),
      detail:
        (waiting.waiting.reason === 'CrashLoopBackOff' ? exit : undefined) ??
        stringOr(waiting.waiting.message) ??
        exit,
    };
  }
  const unready = statuses.find((s) => s.ready !== true);
  if (phase === 'Pending' && !unready) {
    const scheduled = conditions.find((condition) => condition.type === 'PodScheduled');
    return {
      ...base,
      reason: 'Pending',
      container: undefined,
      image: undefined,
      detail: stringOr(scheduled?.message) ?? stringOr(status.message),
    };
  }
  return {
    ...base,
    reason: phase === 'Failed' ? 'Failed' : phase === 'Pending' ? 'Pending' : 'NotReady',
    container: stringOr(unready?.name),
    image: stringOr(unready?.image),
    detail:
      stringOr(status.message) ??
      (unready ? 'running, but its readiness probe has not passed' : stringOr(ready?.message)),
  };
}

function rank(reason: string): number {
  const index = WAITING_PRIORITY.indexOf(reason);
  return index === -1 ? WAITING_PRIORITY.length : index;
}

/**
 * Warning events, newest first. `objects` keeps only events about those names or their children
 * (a ReplicaSet or Pod name starts with its Deployment's name and a dash).
 */
export function recentWarnings(
  eventList: unknown,
  options: { objects?: readonly string[]; sinceMs?: number; now?: number; limit?: number } = {},
): WarningEvent[] {
  const { objects, sinceMs, now = Date.now(), limit = 20 } = options;
  const warnings: WarningEvent[] = [];
  for (const event of itemsOf(eventList)) {
    if (event.type !== 'Warning') continue;
    const involved = asMapping(event.involvedObject);
    const name = String(involved.name ?? '');
    if (objects && !objects.some((owner) => name === owner || name.startsWith(`${owner}-`)))
      continue;
    const lastSeen =
      stringOr(event.lastTimestamp) ?? stringOr(event.eventTime) ?? stringOr(event.firstTimestamp);
    if (sinceMs !== undefined && lastSeen && now - Date.parse(lastSeen) > sinceMs) continue;
    warnings.push({
      object: `${String(involved.kind ?? '?')}/${name}`,
      reason: String(event.reason ?? ''),
      message: String(event.message ?? '').trim(),
      count: Number(event.count) || 1,
      lastSeen,
    });
  }
  warnings.sort((a, b) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? ''));
  return warnings.slice(0, limit);
}

export function diagnose(
  podList: unknown,
  eventList: unknown,
  options: {
    matchLabels?: Readonly<Record<string, string>>;
    objects?: readonly string[];
    now?: number;
    sinceMs?: number;
  } = {},
): Diagnostics {
  return {
    pods: notReadyPods(podList, options),
    events: recentWarnings(eventList, options),
  };
}

/** "2 pods not ready: ImagePullBackOff ×2" — the line for the verdict and the log. */
export function describeProblems(pods: readonly PodProblem[]): string {
  if (pods.length === 0) return 'no pods were found not ready';
  const counts = new Map<string, number>();
  for (const pod of pods) counts.set(pod.reason, (counts.get(pod.reason) ?? 0) + 1);
  const reasons = [...counts].map(([reason, count]) =>
    count > 1 ? `${reason} ×${count}` : reason,
  );
  return `${pods.length} pod${pods.length === 1 ? '' : 's'} not ready: ${reasons.join(', ')}`;
}

/** Adds the pods table and the events table (both escaped by SummaryContent) to a summary. */
export function addDiagnostics(
  content: SummaryContent,
  diagnostics: Diagnostics,
  options: { maxRows?: number } = {},
): void {
  const maxRows = options.maxRows ?? 30;
  // With pods from several namespaces, each name says which.
  const namespaces = new Set(
    [...diagnostics.pods, ...diagnostics.events].map((entry) => entry.namespace),
  );
  const where = (entry: { namespace?: string }, name: string) =>
    namespaces.size > 1 && entry.namespace !== undefined ? `${entry.namespace}/${name}` : name;
  if (diagnostics.pods.length > 0) {
    content.paragraph(markup.strong(describeProblems(diagnostics.pods)));
    content.table(
      ['pod', 'reason', 'container', 'restarts', 'detail'],
      diagnostics.pods
        .slice(0, maxRows)
        .map((pod) => [
          markup.code(where(pod, pod.pod)),
          pod.reason,
          pod.container
            ? markup.code(pod.image ? `${pod.container} (${pod.image})` : pod.container)
            : '',
          pod.restarts,
          pod.detail ?? '',
        ]),
    );
    if (diagnostics.pods.length > maxRows) {
      content.note(`${diagnostics.pods.length - maxRows} more pods are not shown.`);
    }
  }
  if (diagnostics.events.length > 0) {
    content.paragraph(markup.strong('Recent warning events'));
    content.table(
      ['object', 'reason', 'count', 'message'],
      diagnostics.events
        .slice(0, maxRows)
        .map((event) => [
          markup.code(where(event, event.object)),
          event.reason,
          event.count,
          event.message,
        ]),
    );
  }
}

function itemsOf(list: unknown): Mapping[] {
  return asArray(asMapping(list).items).map(asMapping);
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
