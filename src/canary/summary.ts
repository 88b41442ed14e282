/**
 * The canary's report as a reader meets it: the verdict line, the job summary, and the `result`
 * and `steps` outputs. All are pure functions of the CanaryReport, so the log, the summary and the
 * JSON can never tell different stories.
 */
import { describeCluster } from '../core/cluster-identity.js';
import { JobSummary, markup, type Inline, type VerdictStatus } from '../core/summary.js';
import {
  comparison,
  count,
  duration,
  latency,
  NO_VALUE,
  percent,
  pValue,
  stepChart,
  weight,
} from './summary-format.js';
import type {
  CanaryReport,
  CheckResult,
  CleanupReport,
  StepDecision,
  StepRecord,
} from './types.js';

export function verdictLine(report: CanaryReport): string {
  const last = report.steps.at(-1);
  switch (report.decision) {
    case 'promoted': {
      const after =
        report.steps.length === 0 ? '' : ` after ${plural(report.steps.length, 'step')}`;
      const headline = `Promoted ${report.deployment} to ${report.canaryImage}${after} in ${duration(report.durationMs)}`;
      return `${headline}${cleanupProblems(report.cleanup)}`;
    }
    case 'paused':
      return last
        ? `Paused at ${weight(last)}: ${comparison(last.canary, last.stable)}`
        : `Paused: ${report.reason}`;
    case 'started':
      return `Started canary ${report.canaryImage} beside ${report.deployment}, with no traffic yet`;
    case 'aborted':
      return `${abortHeadline(report, last)}${cleanupProblems(report.cleanup)}`;
    case 'kept':
      return `Left ${report.deployment} as it is: ${report.reason}`;
  }
}

function abortHeadline(report: CanaryReport, last: StepRecord | undefined): string {
  if (wasCancelled(report)) {
    const where = last ? ` at ${weight(last)}` : ' before any traffic';
    return `Cancelled${where}${isClean(report.cleanup) ? '; all traffic is back on stable and the canary is removed' : ''}`;
  }
  if (last?.decision === 'aborted' && last.reason)
    return `Aborted at ${weight(last)}: ${last.reason}`;
  // The engine's reasons may begin with the verb themselves ("aborted on request at 25%").
  const rest = report.reason.replace(/^aborted\b\s*/i, '');
  if (rest !== report.reason) return `Aborted ${rest}`;
  return last ? `Aborted at ${weight(last)}: ${report.reason}` : `Aborted: ${report.reason}`;
}

function wasCancelled(report: CanaryReport): boolean {
  return report.steps.some((step) => step.decision === 'cancelled');
}

function isClean(cleanup: CleanupReport | undefined): boolean {
  return (
    cleanup !== undefined &&
    cleanup.stableHealthy &&
    cleanup.leftoverObjects.length === 0 &&
    cleanup.canaryWeight === 0
  );
}

/** Said in the verdict, because a half-reverted cluster is the one thing a reader must not miss. */
function cleanupProblems(cleanup: CleanupReport | undefined): string {
  if (!cleanup) return '';
  const problems = [
    cleanup.stableHealthy ? '' : 'stable is not healthy',
    cleanup.leftoverObjects.length === 0
      ? ''
      : `${plural(cleanup.leftoverObjects.length, 'canary object')} left (${cleanup.leftoverObjects.join(', ')})`,
    cleanup.canaryWeight === 0 ? '' : `the canary still gets ${cleanup.canaryWeight}% of traffic`,
  ].filter(Boolean);
  return problems.length === 0 ? '' : ` — cleanup incomplete: ${problems.join(', ')}`;
}

function verdictStatus(report: CanaryReport): VerdictStatus {
  if (report.decision === 'promoted') return isClean(report.cleanup) ? 'success' : 'warning';
  if (report.decision === 'started' || report.decision === 'paused' || report.decision === 'kept') {
    return 'neutral';
  }
  // An abort someone asked for succeeded when stable is healthy again.
  const requested = report.mode === 'abort' && report.cleanup?.stableHealthy === true;
  return requested ? 'success' : 'failure';
}

const DECISION_ICONS: Record<StepDecision, string> = {
  passed: '✅',
  aborted: '❌',
  paused: '⏸️',
  cancelled: '⛔',
};

export function buildSummary(report: CanaryReport): JobSummary {
  const summary = new JobSummary();
  const verdict = verdictLine(report);
  summary.verdict(verdictStatus(report), verdict);
  summary.paragraph(context(report));
  if (!reasonSaid(report, verdict)) summary.paragraph(`Why: ${report.reason}`);
  if (report.steps.length > 0) {
    summary.table(
      [
        'weight',
        'requests (canary / stable)',
        '5xx (canary / stable)',
        'p95 (canary / stable)',
        'p-value',
        'checks',
        'time',
        'decision',
      ],
      report.steps.map(stepRow),
    );
  }
  for (const warning of sloWarnings(report.steps)) summary.paragraph(`⚠️ ${warning}`);
  addCharts(summary, report.steps);
  if (report.decision === 'aborted' || (report.cleanup && !isClean(report.cleanup))) {
    addCleanup(summary, report.cleanup);
  }
  const checked = report.steps.filter((step) => step.checks.length > 0);
  if (checked.length > 0) {
    summary.details('Custom checks at the end of each step', (content) =>
      content.table(
        ['weight', 'check', 'value', 'allowed', 'result'],
        checked.flatMap((step) => step.checks.map((check) => checkRow(step, check))),
      ),
    );
  }
  if (report.metricsSource) {
    const source = report.metricsSource;
    summary.details('Series compared', (content) => content.paragraph(source));
  }
  if (report.notes.length > 0) {
    summary.details(`Notes (${report.notes.length})`, (content) => content.list(report.notes));
  }
  return summary;
}

/** Each step's warnings (stable breaching a limit too), said once per weight. */
function sloWarnings(steps: readonly StepRecord[]): string[] {
  return steps.flatMap((step) =>
    [...new Set(step.warnings ?? [])].map((warning) => `At ${weight(step)}: ${warning}.`),
  );
}

/** The report's reason usually wraps the deciding step's reason, which the verdict already quotes. */
function reasonSaid(report: CanaryReport, verdict: string): boolean {
  const reason = report.reason.toLowerCase();
  const stepReason = report.steps.at(-1)?.reason?.toLowerCase();
  const said = (text: string) => verdict.toLowerCase().includes(text);
  return said(reason) || (!!stepReason && reason.includes(stepReason) && said(stepReason));
}

function context(report: CanaryReport): Inline {
  const parts: Inline[] = [markup.code(report.deployment)];
  if (report.namespace) parts.push(' in ', markup.code(report.namespace));
  // A matrix over clusters runs this step once per cluster: each summary names its own.
  if (report.cluster?.context) parts.push(' on cluster ', markup.code(report.cluster.context));
  if (report.cluster?.server) {
    parts.push(report.cluster.context ? ' at ' : ' on ', markup.code(report.cluster.server));
  }
  parts.push(': ', report.stableImage ? markup.code(report.stableImage) : 'unknown image');
  parts.push(' → ', markup.code(report.canaryImage));
  if (report.canaryChange?.length) parts.push(` (release: ${report.canaryChange.join('; ')})`);
  parts.push(` · traffic ${report.traffic} · mode ${report.mode} · ${duration(report.durationMs)}`);
  if (report.detectionMs !== undefined) {
    parts.push(` · regression detected ${duration(report.detectionMs)} after the first traffic`);
  }
  return markup.join(...parts);
}

function stepRow(step: StepRecord): Inline[] {
  const failed = step.checks.filter((check) => !check.passed);
  const checks =
    step.checks.length === 0
      ? NO_VALUE
      : failed.length === 0
        ? `✅ ${step.checks.length} passed`
        : failed.map((check) => `❌ ${check.name} = ${checkValue(check)}`).join('\n');
  return [
    weight(step),
    `${count(step.canary.requests)} / ${count(step.stable.requests)}`,
    `${percent(step.canary.errorRate)} / ${percent(step.stable.errorRate)}`,
    `${latency(step.canary.p95Ms)} / ${latency(step.stable.p95Ms)}`,
    pValue(step.pValue),
    checks,
    duration(step.durationMs),
    `${DECISION_ICONS[step.decision]} ${step.decision}${step.reason ? `: ${step.reason}` : ''}`,
  ];
}

function checkValue(check: CheckResult): string {
  return check.value === undefined ? 'no data' : String(check.value);
}

function checkRow(step: StepRecord, check: CheckResult): Inline[] {
  const allowed = [
    check.min === undefined ? '' : `≥ ${check.min}`,
    check.max === undefined ? '' : `≤ ${check.max}`,
  ].filter(Boolean);
  return [
    weight(step),
    markup.code(check.name),
    checkValue(check),
    allowed.join(', '),
    check.passed ? '✅ passed' : '❌ failed',
  ];
}

function addCharts(summary: JobSummary, steps: readonly StepRecord[]): void {
  const charts = [
    stepChart(steps, {
      title: '5xx rate per step (%)',
      axis: '5xx %',
      value: (stats) => (stats.errorRate === undefined ? undefined : stats.errorRate * 100),
    }),
    stepChart(steps, { title: 'p95 latency per step (ms)', axis: 'ms', value: (s) => s.p95Ms }),
  ];
  for (const chart of charts) {
    if (!chart) continue;
    summary.mermaid(chart.source);
    if (chart.omitted > 0) {
      summary.note(
        `${plural(chart.omitted, 'step')} without figures for both tracks ${chart.omitted === 1 ? 'is' : 'are'} left out of the chart above.`,
      );
    }
  }
}

function addCleanup(summary: JobSummary, cleanup: CleanupReport | undefined): void {
  summary.heading('Cleanup', 4);
  if (!cleanup) {
    summary.paragraph(
      '⚠️ The cleanup was not verified: run this action with mode: abort to put all traffic back on stable and remove the canary.',
    );
    return;
  }
  if (cleanup.recoveryMs !== undefined) {
    summary.paragraph(
      `Putting the cluster back took ${duration(cleanup.recoveryMs)}, retries through API errors included.`,
    );
  }
  summary.table(
    ['stable image', 'stable healthy', 'canary weight', 'canary objects left'],
    [
      [
        cleanup.stableImage ? markup.code(cleanup.stableImage) : 'unknown',
        cleanup.stableHealthy ? '✅ yes' : '❌ no',
        `${cleanup.canaryWeight === 0 ? '✅' : '❌'} ${cleanup.canaryWeight}%`,
        cleanup.leftoverObjects.length === 0
          ? '✅ none'
          : markup.join('❌ ', ...cleanup.leftoverObjects.flatMap(listedCode)),
      ],
    ],
  );
}

function listedCode(name: string, index: number): Inline[] {
  return index === 0 ? [markup.code(name)] : [', ', markup.code(name)];
}

function plural(amount: number, noun: string): string {
  return `${amount} ${noun}${amount === 1 ? '' : 's'}`;
}

/**
 * The `result` output. Every key is always present (null when unknown), so `jq .stableImage`
 * and friends never meet a missing key; the names are part of the action's contract.
 */
export function resultOf(report: CanaryReport): object {
  return {
    decision: report.decision,
    verdict: verdictLine(report),
    reason: report.reason,
    cancelled: wasCancelled(report),
    mode: report.mode,
    traffic: report.traffic,
    namespace: report.namespace ?? null,
    cluster: report.cluster
      ? {
          context: report.cluster.context ?? null,
          server: report.cluster.server ?? null,
          name: describeCluster(report.cluster) ?? null,
        }
      : null,
    deployment: report.deployment,
    container: report.container,
    stableImage: report.stableImage ?? null,
    canaryImage: report.canaryImage,
    canaryChange: report.canaryChange ?? null,
    finalWeight: report.finalWeight,
    durationMs: report.durationMs,
    detectionMs: report.detectionMs ?? null,
    steps: report.steps.map(stepJson),
    cleanup: report.cleanup
      ? {
          stableImage: report.cleanup.stableImage ?? null,
          stableHealthy: report.cleanup.stableHealthy,
          leftoverObjects: report.cleanup.leftoverObjects,
          canaryWeight: report.cleanup.canaryWeight,
          recoveryMs: report.cleanup.recoveryMs ?? null,
        }
      : null,
    notes: report.notes,
    metricsSource: report.metricsSource ?? null,
  };
}

/** The `steps` output: a JSON array with one object per step, keys as in `result.steps`. */
export function stepsOutput(report: CanaryReport): string {
  return JSON.stringify(report.steps.map(stepJson));
}

function stepJson(step: StepRecord): object {
  const stats = (window: StepRecord['canary']) => ({
    requests: window.requests,
    errorRate: window.errorRate ?? null,
    p95Ms: window.p95Ms ?? null,
  });
  return {
    weight: step.weight,
    achievedWeight: step.achievedWeight,
    startedAt: step.startedAt,
    durationMs: step.durationMs,
    canary: stats(step.canary),
    stable: stats(step.stable),
    pValue: step.pValue ?? null,
    checks: step.checks.map((check) => ({
      name: check.name,
      value: check.value ?? null,
      min: check.min ?? null,
      max: check.max ?? null,
      passed: check.passed,
    })),
    decision: step.decision,
    reason: step.reason ?? null,
    warnings: step.warnings ?? [],
  };
}
