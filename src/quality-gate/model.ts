/**
 * What every report parser produces, whatever the tool: findings (lint and format problems),
 * test results, and vulnerabilities. The gate, the annotations and the summary read only this.
 */

export type Severity = 'error' | 'warning' | 'notice';

export interface Finding {
  /** The tool that reported it, e.g. "clippy", "eslint", "shellcheck". */
  source: string;
  /** Rule or code, e.g. "clippy::needless_return", "no-unused-vars", "SC2086". */
  rule?: string;
  /** The rule's documentation, when the tool's report names it (SARIF helpUri, clippy's link). */
  ruleUrl?: string;
  severity: Severity;
  message: string;
  /** Longer text for the annotation body, e.g. clippy's rendered diagnostic (capped in length). */
  details?: string;
  /** Repository-relative, forward slashes. */
  file?: string;
  line?: number;
  endLine?: number;
  column?: number;
  endColumn?: number;
}

export type TestOutcome = 'passed' | 'failed' | 'skipped' | 'flaky';

export interface TestCase {
  /** Suite path joined with " › " for nested suites. */
  suite: string;
  classname?: string;
  name: string;
  outcome: TestOutcome;
  durationMs?: number;
  /** For failed and flaky cases: the failure or error message (capped in length). */
  message?: string;
  /** Stack trace or output excerpt (capped in length). */
  details?: string;
  file?: string;
  line?: number;
}

export interface TestTotals {
  total: number;
  passed: number;
  /** Failures and errors together: both mean the test did not pass. */
  failed: number;
  skipped: number;
  /** Failed at first, passed on a rerun; counted as passed too. */
  flaky: number;
}

export interface TestResults {
  totals: TestTotals;
  /** Only failed and flaky cases are kept, to bound memory on huge reports. */
  notable: TestCase[];
  /** The slowest cases that ran (passed, failed or flaky), slowest first; a few at most. */
  slowest: TestCase[];
}

export type AuditSeverity = 'info' | 'low' | 'moderate' | 'high' | 'critical';

export interface Vulnerability {
  /** Advisory id: RUSTSEC-2023-0001, GHSA-xxxx-xxxx-xxxx, or the npm advisory number. */
  id: string;
  package: string;
  version?: string;
  severity: AuditSeverity;
  title: string;
  url?: string;
}

export interface AuditResults {
  /** Per severity, counted the way the tool counts (npm: per vulnerable package). */
  counts: Record<AuditSeverity, number>;
  vulnerabilities: Vulnerability[];
}

/** What one report (or one command's output) contained. Absent parts were not in the report. */
export interface ParsedReport {
  findings: Finding[];
  tests?: TestResults;
  audit?: AuditResults;
}

export const FORMATS = [
  'junit',
  'sarif',
  'checkstyle',
  'eslint',
  'clippy',
  'rustfmt',
  'cargo-audit',
  'npm-audit',
  'go-test-json',
  'mocha-json',
  'trx',
  'nunit',
  'xunit',
  'exit-code',
] as const;
export type ReportFormat = (typeof FORMATS)[number];

/** Formats that report test results (and nothing else); fail-on-empty speaks about these. */
export const TEST_FORMATS: ReadonlySet<ReportFormat> = new Set([
  'junit',
  'trx',
  'nunit',
  'xunit',
  'go-test-json',
  'mocha-json',
]);
/** Formats that report vulnerabilities. */
export const AUDIT_FORMATS: ReadonlySet<ReportFormat> = new Set(['cargo-audit', 'npm-audit']);

/** Where a report's file paths are made repository-relative. */
export interface ParseContext {
  /** Absolute path of the repository root (GITHUB_WORKSPACE). */
  workspace: string;
  /** Path of the report, for error messages; "stdout of <check>" when read from a command. */
  origin: string;
  /** Absolute directory the tool ran in; relative paths in its report start there. Default: workspace. */
  directory?: string;
  /**
   * Absolute path of the report file when nothing says where the tool ran (a `reports` line, an
   * entry without working-directory): relative paths are then looked for beside it first.
   */
  reportFile?: string;
}

export { ReportError } from '../core/reports/source.js';
