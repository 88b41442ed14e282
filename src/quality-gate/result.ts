/**
 * The `result` output (one JSON object with everything the gate decided) and the flat outputs.
 * The JSON is also what `baseline` reads back, so its shape is versioned by `schema`.
 */
import type { AuditSeverity, ReportFormat } from './model.js';
import type {
  BaselineCheck,
  CheckVerdict,
  Counts,
  GateVerdict,
  Limits,
  NewOnlyCheck,
} from './gate.js';

export const RESULT_SCHEMA = 'slipway.quality-gate/v1';

/** Limits as JSON: null where there is no limit (JSON has no undefined or Infinity). */
export interface ResultLimits {
  maxErrors: number | null;
  maxWarnings: number | null;
  maxTestFailures: number | null;
  failOnAudit: AuditSeverity | 'none';
}

export interface CheckResult {
  name: string;
  format: ReportFormat;
  origin: 'run' | 'report';
  passed: boolean;
  counts: Counts;
  limits: ResultLimits;
  reasons: string[];
  problem?: string;
  exitCode?: number;
  durationMs?: number;
  newOnly?: NewOnlyCheck;
  baseline?: BaselineCheck;
}

/** What the run was about, for readers of the JSON; all optional. */
export interface ResultContext {
  /** The `name` input: which matrix leg or gate this result is. */
  name?: string;
  /** The commit the checks ran on. */
  commit?: string;
  ref?: string;
  /** new-only: what base-ref was compared with, and the merge base the diff started at. */
  baseRef?: string;
  mergeBase?: string;
}

export interface GateResult {
  schema: typeof RESULT_SCHEMA;
  name?: string;
  passed: boolean;
  reasons: string[];
  totals: Counts;
  limits: ResultLimits;
  checks: CheckResult[];
  run: { commit?: string; ref?: string };
  newOnly?: NonNullable<GateVerdict['newOnly']> & { baseRef?: string; mergeBase?: string };
  baseline?: NonNullable<GateVerdict['baseline']>;
}

export function buildResult(verdict: GateVerdict, context: ResultContext = {}): GateResult {
  const result: GateResult = {
    schema: RESULT_SCHEMA,
    ...(context.name !== undefined && { name: context.name }),
    passed: verdict.passed,
    reasons: verdict.reasons,
    totals: verdict.totals,
    limits: limitsAsJson(verdict.limits),
    checks: verdict.checks.map(checkResult),
    run: withoutUndefined({ commit: context.commit, ref: context.ref }),
  };
  if (verdict.newOnly) {
    result.newOnly = withoutUndefined({
      ...verdict.newOnly,
      baseRef: context.baseRef,
      mergeBase: context.mergeBase,
    });
  }
  if (verdict.baseline) result.baseline = verdict.baseline;
  return result;
}

export interface GateOutputs {
  passed: string;
  errors: string;
  warnings: string;
  notices: string;
  tests: string;
  'test-failures': string;
  'tests-skipped': string;
  vulnerabilities: string;
}

/** The flat outputs, as the strings GITHUB_OUTPUT holds. */
export function outputsFrom(verdict: GateVerdict): GateOutputs {
  const totals = verdict.totals;
  return {
    passed: String(verdict.passed),
    errors: String(totals.errors),
    warnings: String(totals.warnings),
    notices: String(totals.notices),
    tests: String(totals.tests),
    'test-failures': String(totals.testFailures),
    'tests-skipped': String(totals.testsSkipped),
    vulnerabilities: String(totals.vulnerabilities),
  };
}

function checkResult(check: CheckVerdict): CheckResult {
  return withoutUndefined({
    name: check.name,
    format: check.format,
    origin: check.origin,
    passed: check.passed,
    counts: check.counts,
    limits: limitsAsJson(check.limits),
    reasons: check.reasons,
    problem: check.problem,
    exitCode: check.exitCode,
    durationMs: check.durationMs,
    newOnly: check.newOnly,
    baseline: check.baseline,
  });
}

function limitsAsJson(limits: Limits): ResultLimits {
  return {
    maxErrors: limits.maxErrors ?? null,
    maxWarnings: limits.maxWarnings ?? null,
    maxTestFailures: limits.maxTestFailures ?? null,
    failOnAudit: limits.failOnAudit,
  };
}

/** So the object compares equal to its JSON round trip. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
