/**
 * The rollout's report: the verdict line, the job summary and the `result` output, all pure
 * functions of what main found, so each outcome reads the same in the log, the summary and JSON.
 */
import { describeCluster, type ClusterIdentity } from '../core/cluster-identity.js';
import { formatDuration } from '../core/duration.js';
import {
  JobSummary,
  markup,
  type Inline,
  type SafeHtml,
  type VerdictStatus,
} from '../core/summary.js';
import { addDiagnostics, type Diagnostics } from './diagnostics.js';
import type { ObjectRestoreResult } from '../core/kube-objects.js';
import { addPodLogs } from './pod-logs.js';
import { addRestoredObjects, restoredClause } from './restore-report.js';
import type { RollbackResult, WaitResult, WorkloadSnapshot } from './engine.js';
import type { RolloutStatus } from './notice.js';
import type { SmokeResult } from './smoke-tests.js';
import { addJobs, type JobResult } from './jobs-report.js';

export interface WorkloadReport {
  ref: string;
  before: WorkloadSnapshot;
  /** As it is after this run (after any rollback); undefined when it could not be read. */
  after: WorkloadSnapshot | undefined;
  wait: WaitResult | undefined;
}

export interface RolloutReport {
  status: RolloutStatus;
  namespace: string | undefined;
  /** Which cluster this step changed; a matrix over clusters has one summary per cluster. */
  cluster?: ClusterIdentity;
  workloads: WorkloadReport[];
  /** Jobs run before the workloads changed (migrations), in the order they ran. */
  jobs?: JobResult[];
  smokeTests: SmokeResult[];
  rollback: RollbackResult[];
  /** The other objects of the manifests, put back or removed after a failure. */
  restored?: ObjectRestoreResult[];
  /** How the rollback went, once one was needed. */
  recovery: RecoveryReport | undefined;
  /** Why the deploy failed; undefined when it succeeded. */
  failure: string | undefined;
  diagnostics: Diagnostics | undefined;
  durationMs: number;
  /** GitHub Deployment and notification remarks. */
  notes: string[];
}

export interface RecoveryReport {
  /** Every changed workload is back on its revision, every other object verified as it was. */
  finished: boolean;
  /** From the start of the rollback to its end, retries through API faults included. */
  durationMs: number;
  /** The recovery-timeout it had. */
  deadlineMs: number;
  /** When it did not finish: what a person runs to finish it. */
  command: string | undefined;
  /** Cancelled: the post step goes on with the rollback until the same deadline. */
  continuesInPost?: boolean;
}

/** The kubectl commands that finish a rollback that ran out of time, joined to run as one. */
export function finishCommand(
  rollback: readonly RollbackResult[],
  target: { context: string | undefined; namespace: string | undefined },
): string | undefined {
  const commands = rollback
    .filter((result) => result.outcome === 'failed' && result.revision !== undefined)
    .map((result) => {
      // Each workload in its own namespace; reports may name it namespace/kind/name.
      const namespace = result.namespace ?? target.namespace;
      return [
        'kubectl',
        ...(target.context ? ['--context', target.context] : []),
        ...(namespace ? ['-n', namespace] : []),
        'rollout',
        'undo',
        result.workload.split('/').slice(-2).join('/'),
        `--to-revision=${result.revision}`,
      ].join(' ');
    });
  return commands.length > 0 ? commands.join(' && ') : undefined;
}

/** One sentence on the rollback: how long it took, or what is left and how to finish it. */
export function recoveryLine(recovery: RecoveryReport): string {
  const took = formatDuration(recovery.durationMs);
  if (recovery.finished) return `The rollback finished in ${took}.`;
  if (recovery.continuesInPost) {
    return `The rollback did not finish within the cancellation's grace period (${took}); the post step continues it until the ${formatDuration(recovery.deadlineMs)} recovery deadline.`;
  }
  const finish = recovery.command ? ` To finish it: ${recovery.command}` : '';
  return `The rollback did not finish within its ${formatDuration(recovery.deadlineMs)} recovery deadline (after ${took}); the table shows each workload as it is now.${finish}`;
}

export interface ImageChangeLine {
  container: string;
  from: string | undefined;
  to: string;
}

/** Containers whose image differs between two snapshots; empty when none differs. */
export function imageChanges(before: WorkloadSnapshot, after: WorkloadSnapshot | undefined) {
  const now = after?.images ?? {};
  const changed: ImageChangeLine[] = Object.entries(now)
    .filter(([container, image]) => before.images[container] !== image)
    .map(([container, to]) => ({ container, from: before.images[container], to }));
  return changed;
}

/** The image that best names a workload now: its first changed container, else its first one. */
export function workloadImage(workload: WorkloadReport): string | undefined {
  const images = workload.after?.images ?? {};
  return imageChanges(workload.before, workload.after)[0]?.to ?? Object.values(images)[0];
}

function readiness(workload: WorkloadReport): string {
  const ready = workload.wait?.readyReplicas;
  if (ready === undefined) return '?';
  const desired = workload.after?.replicas;
  return desired === undefined ? `${ready}` : `${ready}/${desired}`;
}

function totalReadiness(workloads: readonly WorkloadReport[]): string {
  const ready = workloads.reduce((sum, w) => sum + (w.wait?.readyReplicas ?? 0), 0);
  const desired = workloads.every((w) => w.after?.replicas !== undefined)
    ? workloads.reduce((sum, w) => sum + (w.after?.replicas ?? 0), 0)
    : undefined;
  return desired === undefined ? `${ready}` : `${ready}/${desired}`;
}

export function verdictLine(report: RolloutReport): string {
  if (report.status === 'succeeded') {
    const images = [...new Set(report.workloads.map(workloadImage).filter(isString))];
    const what = images.length === 1 ? images[0] : `${images.length} images`;
    const where =
      report.workloads.length <= 3
        ? report.workloads.map((w) => w.ref).join(', ')
        : `${report.workloads.length} workloads`;
    const slowest = Math.max(0, ...report.workloads.map((w) => w.wait?.durationMs ?? 0));
    return `Deployed ${what} to ${where} — ${totalReadiness(report.workloads)} ready in ${formatDuration(slowest)}`;
  }
  if (report.status === 'rolled-back') {
    const targets = report.rollback
      .filter((r) => r.outcome === 'rolled-back')
      .map((r) => `${r.workload} to revision ${r.revision ?? '?'} (${describeImages(r.images)})`)
      .join(', ');
    const objects = restoredClause(report.restored ?? []);
    return `Rolled back ${targets || 'the deploy'}${objects}${report.failure ? ` after: ${report.failure}` : ''}`;
  }
  const rollback = rollbackTail(report.rollback) + restoredClause(report.restored ?? []);
  return `Failed: ${report.failure ?? 'the rollout did not finish'}${rollback}`;
}

function rollbackTail(results: readonly RollbackResult[]): string {
  if (results.length === 0) return '';
  const failed = results.filter((r) => r.outcome === 'failed');
  if (failed.length === 0) return '';
  return `; rollback failed for ${failed.map((r) => `${r.workload} (${r.message})`).join(', ')}`;
}

function describeImages(images: Record<string, string>): string {
  const values = [...new Set(Object.values(images))];
  if (values.length === 0) return 'no containers';
  return values.length === 1 ? `image ${values[0]}` : `images ${values.join(', ')}`;
}

const STATUS_ICON: Record<RolloutStatus, VerdictStatus> = {
  succeeded: 'success',
  'rolled-back': 'warning',
  failed: 'failure',
};

export function buildSummary(report: RolloutReport): JobSummary {
  const summary = new JobSummary();
  summary.verdict(STATUS_ICON[report.status], verdictLine(report));
  const where = whereLine(report.cluster, report.namespace);
  if (where) summary.paragraph(where);
  summary.table(
    ['workload', 'image', 'revision', 'ready', 'duration'],
    report.workloads.map((workload) => [
      markup.code(workload.ref),
      imageCell(workload),
      revisionCell(workload),
      `${readiness(workload)}${workload.wait && !workload.wait.done ? ` (${workload.wait.reason})` : ''}`,
      workload.wait ? formatDuration(workload.wait.durationMs) : '',
    ]),
  );
  addJobs(summary, report.jobs ?? []);
  if (report.smokeTests.length > 0) {
    summary.heading('Smoke tests', 4);
    summary.table(
      ['test', 'status', 'latency', 'attempts', 'problem'],
      report.smokeTests.map((test) => [
        test.name,
        `${test.passed ? '✅' : '❌'} ${test.status ?? 'no answer'}`,
        test.latencyMs === undefined ? '' : `${test.latencyMs}ms`,
        test.attempts,
        test.problem ?? '',
      ]),
    );
  }
  if (report.rollback.length > 0) {
    summary.heading('Rollback', 4);
    summary.table(
      ['workload', 'outcome', 'detail'],
      report.rollback.map((r) => [markup.code(r.workload), r.outcome, r.message]),
    );
    if (report.recovery) summary.paragraph(recoveryLine(report.recovery));
  }
  addRestoredObjects(summary, report.restored ?? []);
  if (report.rollback.length === 0 && report.recovery && (report.restored ?? []).length > 0) {
    summary.paragraph(recoveryLine(report.recovery));
  }
  for (const note of report.notes) summary.note(note);
  const diagnostics = report.diagnostics;
  if (diagnostics && (diagnostics.pods.length > 0 || diagnostics.events.length > 0)) {
    summary.details('Diagnostics: pods and warning events', (content) =>
      addDiagnostics(content, diagnostics),
    );
  }
  // One collapsed block per pod, after the tables: the lines that usually say why.
  addPodLogs(summary, diagnostics?.logs ?? []);
  return summary;
}

function imageCell(workload: WorkloadReport) {
  const changes = imageChanges(workload.before, workload.after);
  if (changes.length === 0) {
    const image = workloadImage(workload);
    return image ? markup.join(markup.code(image), ' (unchanged)') : '';
  }
  const multiple = changes.length > 1;
  return markup.join(
    ...changes.flatMap((change, index) => [
      index > 0 ? '\n' : '',
      multiple ? `${change.container}: ` : '',
      change.from ? markup.code(change.from) : 'new',
      ' → ',
      markup.code(change.to),
    ]),
  );
}

function revisionCell(workload: WorkloadReport): string {
  const before = workload.before.revision;
  const after = workload.after?.revision;
  if (before === after) return after === undefined ? '' : `${after}`;
  return `${before ?? '—'} → ${after ?? '?'}`;
}

/** The `result` output: everything decided, as one JSON-ready object. */
export function resultOf(report: RolloutReport): object {
  return {
    status: report.status,
    rolledBack: report.status === 'rolled-back',
    namespace: report.namespace,
    cluster: clusterJson(report.cluster),
    failure: report.failure,
    durationMs: report.durationMs,
    workloads: report.workloads.map((w) => ({
      workload: w.ref,
      image: workloadImage(w),
      before: w.before,
      after: w.after,
      wait: w.wait,
    })),
    jobs: report.jobs ?? [],
    smokeTests: report.smokeTests,
    rollback: report.rollback,
    restored: report.restored ?? [],
    recovery: report.recovery,
    diagnostics: report.diagnostics,
    notes: report.notes,
  };
}

function isString(value: string | undefined): value is string {
  return typeof value === 'string';
}

/**
 * The line under the verdict: which cluster and namespace, so the summaries of a matrix over
 * clusters tell their legs apart. Undefined when neither is known.
 */
export function whereLine(
  cluster: ClusterIdentity | undefined,
  namespace: string | undefined,
): SafeHtml | undefined {
  const parts: Inline[] = [];
  if (cluster?.context) parts.push('Cluster ', markup.code(cluster.context));
  if (cluster?.server) {
    parts.push(parts.length > 0 ? ' at ' : 'API server ', markup.code(cluster.server));
  }
  if (namespace) {
    parts.push(parts.length > 0 ? ', namespace ' : 'Namespace ', markup.code(namespace));
  }
  return parts.length > 0 ? markup.join(...parts) : undefined;
}

/** In `result`: `{ context, server }` (null when unknown) and `name`, the phrase the log uses. */
export function clusterJson(cluster: ClusterIdentity | undefined): object | null {
  if (!cluster) return null;
  return {
    context: cluster.context ?? null,
    server: cluster.server ?? null,
    name: describeCluster(cluster) ?? null,
  };
}
