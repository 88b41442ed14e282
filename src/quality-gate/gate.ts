/**
 * The gate's verdict: pure arithmetic over what the checks reported. No I/O happens here.
 *
 * How a check is judged, in order:
 * - Its effective limits are the global thresholds overridden by the check's own.
 * - With new-only, findings that have a file and line count only when they touch a changed line;
 *   findings without a location are kept (nothing shows they are old). Test failures and
 *   vulnerabilities are never filtered: a failing test fails whatever lines changed.
 * - It fails when a count exceeds its limit, when any vulnerability is at or above fail-on-audit,
 *   when it could not be evaluated (`problem`), for `exit-code` when the command exited non-zero,
 *   and for other formats when the command exited non-zero yet its report shows nothing at all:
 *   then the tool most likely broke before checking anything, and passing would hide that.
 *   Otherwise a non-zero exit is expected (clippy -D warnings, npm audit) and the limits decide.
 * - A test report without a single test fails it unless fail-on-empty is false: a glob that caught
 *   the wrong file or a runner that found no tests must not read as green.
 * - With a baseline, a count that grew since the baseline's run of the same check fails it.
 * The gate passes when every check passes; with no checks at all it fails, since nothing passed.
 */
import type { Baseline, BaselineCounts } from './baseline.js';
import { touchesChangedLines, type ChangedLines } from '../core/changed-lines.js';
import {
  AUDIT_FORMATS,
  TEST_FORMATS,
  type AuditSeverity,
  type Finding,
  type ParsedReport,
  type ReportFormat,
  type Severity,
} from './model.js';

/** Mildest first. */
export const AUDIT_SEVERITIES: readonly AuditSeverity[] = [
  'info',
  'low',
  'moderate',
  'high',
  'critical',
];

/**
 * What a user configured. An absent field inherits (check → global → default); a number limit of
 * Infinity means explicitly no limit, so a check can lift a global limit.
 */
export interface Thresholds {
  maxErrors?: number;
  maxWarnings?: number;
  maxTestFailures?: number;
  failOnAudit?: AuditSeverity | 'none';
  /** A test report with no tests fails the check (a broken glob, a runner that found nothing). */
  failOnEmpty?: boolean;
}

/** Thresholds after inheritance; an undefined number means no limit. */
export interface Limits {
  maxErrors: number | undefined;
  maxWarnings: number | undefined;
  maxTestFailures: number | undefined;
  failOnAudit: AuditSeverity | 'none';
  failOnEmpty: boolean;
}

export const DEFAULT_LIMITS: Readonly<Limits> = {
  maxErrors: 0,
  maxWarnings: undefined,
  maxTestFailures: 0,
  failOnAudit: 'high',
  failOnEmpty: true,
};

/** What the orchestrator hands over for each check. */
export interface CheckRun {
  name: string;
  format: ReportFormat;
  /** 'run': the action ran a command; 'report': it read a file an earlier step wrote. */
  origin: 'run' | 'report';
  /** Empty findings when the check could not be evaluated. */
  report: ParsedReport;
  exitCode?: number;
  durationMs?: number;
  /** Why the check could not be evaluated: timeout, missing or malformed report, no such command. */
  problem?: string;
  /** Per-check overrides from the `checks` item. */
  thresholds: Thresholds;
  /** Something the reader should know about a check that passed, e.g. that no report was found. */
  note?: string;
}

export interface Counts {
  errors: number;
  warnings: number;
  notices: number;
  tests: number;
  testFailures: number;
  testsSkipped: number;
  flaky: number;
  /** All vulnerabilities, whatever fail-on-audit says. */
  vulnerabilities: number;
  vulnerabilitiesBySeverity: Record<AuditSeverity, number>;
}

export interface NewOnlyCheck {
  /** Findings on lines this change did not touch: pre-existing, not counted. */
  setAside: number;
  setAsideBySeverity: Record<Severity, number>;
  /** Findings without a file and line: kept, because nothing shows they are old. */
  withoutLocation: number;
}

export type RatchetedCount = 'errors' | 'warnings' | 'testFailures' | 'vulnerabilities';

export interface CountChange {
  count: RatchetedCount;
  from: number;
  to: number;
}

export interface BaselineCheck {
  /** False when the baseline has no check of this name: nothing to compare with. */
  compared: boolean;
  regressions: CountChange[];
  improvements: CountChange[];
}

export interface CheckVerdict {
  name: string;
  format: ReportFormat;
  origin: 'run' | 'report';
  passed: boolean;
  counts: Counts;
  limits: Limits;
  /** Why it failed, one sentence each, e.g. "3 errors > max-errors 0". Empty when it passed. */
  reasons: string[];
  problem?: string;
  /**
   * False when the report says nothing about the code: the check has a `problem`, or its tool
   * exited non-zero with an empty report. Its counts are zeros, not a clean result.
   */
  evaluated: boolean;
  exitCode?: number;
  durationMs?: number;
  newOnly?: NewOnlyCheck;
  baseline?: BaselineCheck;
  /** What the check's report can speak to, so a lint row shows no test or vulnerability count. */
  measures: Measures;
  note?: string;
}

export interface Measures {
  findings: boolean;
  tests: boolean;
  vulnerabilities: boolean;
}

export interface GateVerdict {
  passed: boolean;
  checks: CheckVerdict[];
  totals: Counts;
  /** The global limits, after defaults. */
  limits: Limits;
  /** Every failing check's reasons as "<check>: <reason>", plus gate-wide ones. */
  reasons: string[];
  newOnly?: {
    setAside: number;
    withoutLocation: number;
    filesChanged: number;
  };
  baseline?: {
    origin: string;
    regressions: Array<CountChange & { check: string }>;
    improvements: Array<CountChange & { check: string }>;
    /** Checks this run has that the baseline does not: not compared. */
    newChecks: string[];
    /** Checks the baseline has that this run does not. */
    missingChecks: string[];
  };
}

export interface GateOptions {
  changedLines?: ChangedLines;
  baseline?: Baseline;
}

export function evaluateGate(
  checks: readonly CheckRun[],
  global: Thresholds,
  options: GateOptions = {},
): GateVerdict {
  const globalLimits = resolveLimits(DEFAULT_LIMITS, global);
  const verdicts = checks.map((check) => judgeCheck(check, globalLimits, options));
  const reasons = verdicts.flatMap((check) =>
    check.reasons.map((reason) => `${check.name}: ${reason}`),
  );
  if (checks.length === 0) reasons.push('no checks were evaluated: give checks or reports');

  const verdict: GateVerdict = {
    passed: reasons.length === 0,
    checks: verdicts,
    totals: sumCounts(verdicts.map((check) => check.counts)),
    limits: globalLimits,
    reasons,
  };
  if (options.changedLines) {
    verdict.newOnly = {
      setAside: sum(verdicts.map((check) => check.newOnly?.setAside ?? 0)),
      withoutLocation: sum(verdicts.map((check) => check.newOnly?.withoutLocation ?? 0)),
      filesChanged: options.changedLines.size,
    };
  }
  if (options.baseline) verdict.baseline = summarizeBaseline(verdicts, options.baseline);
  return verdict;
}

/** `base` overridden by every field `own` sets; Infinity becomes "no limit". */
export function resolveLimits(base: Limits, own: Thresholds): Limits {
  const limit = (value: number | undefined, inherited: number | undefined) =>
    value === undefined ? inherited : Number.isFinite(value) ? value : undefined;
  return {
    maxErrors: limit(own.maxErrors, base.maxErrors),
    maxWarnings: limit(own.maxWarnings, base.maxWarnings),
    maxTestFailures: limit(own.maxTestFailures, base.maxTestFailures),
    failOnAudit: own.failOnAudit ?? base.failOnAudit,
    failOnEmpty: own.failOnEmpty ?? base.failOnEmpty,
  };
}

function judgeCheck(check: CheckRun, globalLimits: Limits, options: GateOptions): CheckVerdict {
  const limits = resolveLimits(globalLimits, check.thresholds);
  const selection = options.changedLines
    ? selectNewFindings(check.report.findings, options.changedLines)
    : undefined;
  const counts = countReport(check.report, selection?.kept ?? check.report.findings);
  const reasons: string[] = [];
  let evaluated = check.problem === undefined;

  if (check.problem !== undefined) {
    reasons.push(`could not be evaluated: ${check.problem}`);
  } else if (check.format === 'exit-code') {
    if (check.exitCode === undefined) {
      reasons.push('has no exit code to judge: the exit-code format needs a command to run');
    } else if (check.exitCode !== 0) {
      reasons.push(`exited with code ${check.exitCode}`);
    }
  } else if (
    check.origin === 'run' &&
    check.exitCode !== undefined &&
    check.exitCode !== 0 &&
    showsNothing(check.report)
  ) {
    evaluated = false;
    reasons.push(
      `exited with code ${check.exitCode} but its report shows no problems; ` +
        'the tool probably failed before checking anything',
    );
  } else if (limits.failOnEmpty && check.report.tests?.totals.total === 0) {
    reasons.push('its report has no tests (fail-on-empty: true)');
  }
  reasons.push(...limitBreaches(counts, limits));

  const verdict: CheckVerdict = {
    name: check.name,
    format: check.format,
    origin: check.origin,
    passed: false,
    counts,
    limits,
    reasons,
    evaluated,
    measures: measuresOf(check),
  };
  if (check.problem !== undefined) verdict.problem = check.problem;
  if (check.note !== undefined) verdict.note = check.note;
  if (check.exitCode !== undefined) verdict.exitCode = check.exitCode;
  if (check.durationMs !== undefined) verdict.durationMs = check.durationMs;
  if (selection) {
    verdict.newOnly = {
      setAside: selection.setAside.length,
      setAsideBySeverity: countBySeverity(selection.setAside),
      withoutLocation: selection.withoutLocation,
    };
  }
  if (options.baseline) {
    verdict.baseline = compareWithBaseline(counts, options.baseline.checks.get(check.name));
    reasons.push(
      ...verdict.baseline.regressions.map(
        (change) =>
          `${RATCHET_LABELS[change.count]} grew from ${change.from} to ${change.to} (baseline)`,
      ),
    );
  }
  verdict.passed = reasons.length === 0;
  return verdict;
}

export interface NewFindings {
  /** On changed lines, or without a location. */
  kept: Finding[];
  /** On lines the change did not touch. */
  setAside: Finding[];
  withoutLocation: number;
}

/** Splits findings into those the change is responsible for and those it inherited. */
export function selectNewFindings(
  findings: readonly Finding[],
  changed: ChangedLines,
): NewFindings {
  const selection: NewFindings = { kept: [], setAside: [], withoutLocation: 0 };
  for (const finding of findings) {
    const line = finding.line;
    if (!finding.file || line === undefined || !Number.isInteger(line) || line < 1) {
      selection.withoutLocation += 1;
      selection.kept.push(finding);
    } else if (touchesChangedLines(changed, finding.file, line, finding.endLine ?? line)) {
      selection.kept.push(finding);
    } else {
      selection.setAside.push(finding);
    }
  }
  return selection;
}

/**
 * Nothing at all: no findings, no failed or even run tests, no vulnerabilities. A tool that
 * exits non-zero with such a report did not do its job (a config error, a crash, no lockfile).
 */
function showsNothing(report: ParsedReport): boolean {
  const tests = report.tests?.totals;
  const vulnerabilities =
    sum(Object.values(report.audit?.counts ?? {})) + (report.audit?.vulnerabilities.length ?? 0);
  return (
    report.findings.length === 0 &&
    (tests === undefined || (tests.total === 0 && tests.failed === 0)) &&
    vulnerabilities === 0
  );
}

function measuresOf({ format, report }: CheckRun): Measures {
  // By the format too: a check that could not be evaluated has an empty report but still is a
  // test (or audit) check, and its row should say so.
  const tests = report.tests !== undefined || TEST_FORMATS.has(format);
  const vulnerabilities = report.audit !== undefined || AUDIT_FORMATS.has(format);
  return {
    // Test and audit reports never carry lint findings unless a tool put some there.
    findings: report.findings.length > 0 || (format !== 'exit-code' && !tests && !vulnerabilities),
    tests,
    vulnerabilities,
  };
}

function limitBreaches(counts: Counts, limits: Limits): string[] {
  const reasons: string[] = [];
  const over = (count: number, limit: number | undefined, noun: string, input: string) => {
    if (limit !== undefined && count > limit) {
      reasons.push(`${count} ${plural(count, noun)} > ${input} ${limit}`);
    }
  };
  over(counts.errors, limits.maxErrors, 'error', 'max-errors');
  over(counts.warnings, limits.maxWarnings, 'warning', 'max-warnings');
  over(counts.testFailures, limits.maxTestFailures, 'test failure', 'max-test-failures');

  if (limits.failOnAudit !== 'none') {
    const failing = AUDIT_SEVERITIES.slice(AUDIT_SEVERITIES.indexOf(limits.failOnAudit));
    const count = sum(failing.map((severity) => counts.vulnerabilitiesBySeverity[severity]));
    if (count > 0) {
      // At "info" every severity fails, and listing all five says nothing.
      const which = limits.failOnAudit === 'info' ? '' : `${failing.join('/')} `;
      reasons.push(
        `${count} ${which}${plural(count, 'vulnerability', 'vulnerabilities')}, ` +
          `fail-on-audit: ${limits.failOnAudit}`,
      );
    }
  }
  return reasons;
}

export function countReport(report: ParsedReport, findings: readonly Finding[]): Counts {
  const bySeverity = countBySeverity(findings);
  const tests = report.tests?.totals;
  const vulnerabilitiesBySeverity = emptyAuditCounts();
  for (const severity of AUDIT_SEVERITIES) {
    vulnerabilitiesBySeverity[severity] = report.audit?.counts[severity] ?? 0;
  }
  return {
    errors: bySeverity.error,
    warnings: bySeverity.warning,
    notices: bySeverity.notice,
    tests: tests?.total ?? 0,
    testFailures: tests?.failed ?? 0,
    testsSkipped: tests?.skipped ?? 0,
    flaky: tests?.flaky ?? 0,
    vulnerabilities: sum(Object.values(vulnerabilitiesBySeverity)),
    vulnerabilitiesBySeverity,
  };
}

export function sumCounts(all: readonly Counts[]): Counts {
  const total = countReport({ findings: [] }, []);
  for (const counts of all) {
    total.errors += counts.errors;
    total.warnings += counts.warnings;
    total.notices += counts.notices;
    total.tests += counts.tests;
    total.testFailures += counts.testFailures;
    total.testsSkipped += counts.testsSkipped;
    total.flaky += counts.flaky;
    total.vulnerabilities += counts.vulnerabilities;
    for (const severity of AUDIT_SEVERITIES) {
      total.vulnerabilitiesBySeverity[severity] += counts.vulnerabilitiesBySeverity[severity];
    }
  }
  return total;
}

export const RATCHETED_COUNTS: readonly RatchetedCount[] = [
  'errors',
  'warnings',
  'testFailures',
  'vulnerabilities',
];

const RATCHET_LABELS: Record<RatchetedCount, string> = {
  errors: 'errors',
  warnings: 'warnings',
  testFailures: 'test failures',
  vulnerabilities: 'vulnerabilities',
};

function compareWithBaseline(counts: Counts, before: BaselineCounts | undefined): BaselineCheck {
  const comparison: BaselineCheck = {
    compared: before !== undefined,
    regressions: [],
    improvements: [],
  };
  if (!before) return comparison;
  for (const count of RATCHETED_COUNTS) {
    const change = { count, from: before[count], to: counts[count] };
    if (change.to > change.from) comparison.regressions.push(change);
    else if (change.to < change.from) comparison.improvements.push(change);
  }
  return comparison;
}

function summarizeBaseline(
  verdicts: readonly CheckVerdict[],
  baseline: Baseline,
): NonNullable<GateVerdict['baseline']> {
  const present = new Set(verdicts.map((check) => check.name));
  return {
    origin: baseline.origin,
    regressions: verdicts.flatMap((check) =>
      (check.baseline?.regressions ?? []).map((change) => ({ check: check.name, ...change })),
    ),
    improvements: verdicts.flatMap((check) =>
      (check.baseline?.improvements ?? []).map((change) => ({ check: check.name, ...change })),
    ),
    newChecks: verdicts.filter((check) => !check.baseline?.compared).map((check) => check.name),
    missingChecks: [...baseline.checks.keys()].filter((name) => !present.has(name)),
  };
}

function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

function emptyAuditCounts(): Record<AuditSeverity, number> {
  return { info: 0, low: 0, moderate: 0, high: 0, critical: 0 };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function plural(count: number, singular: string, many = `${singular}s`): string {
  return count === 1 ? singular : many;
}
