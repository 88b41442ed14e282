import { formatDuration } from '../core/duration.js';
import { JobSummary, markup, type Inline } from '../core/summary.js';
import { AUDIT_SEVERITIES, type CheckVerdict, type Counts, type GateVerdict } from './gate.js';
import type { Finding, TestCase, Vulnerability } from './model.js';

/** What the summary lists beyond the verdict's counts, gathered from the checks' reports. */
export interface SummaryDetails {
  failingTests: Array<TestCase & { check: string }>;
  findings: Array<Finding & { check: string }>;
  vulnerabilities: Array<Vulnerability & { check: string }>;
  /** Annotation notes, e.g. "12 warnings not annotated; they are in the check run". */
  notes: string[];
}

const MAX_ROWS = 100;
const SEVERITY_ORDER = { error: 0, warning: 1, notice: 2 } as const;

export function verdictLine(verdict: GateVerdict): string {
  const { totals } = verdict;
  const checks = verdict.checks.length;
  if (verdict.passed) {
    const tests = totals.tests > 0 ? `, ${plural(totals.tests, 'test')} passed` : '';
    return `Quality gate passed: ${plural(checks, 'check')}, ${plural(totals.errors, 'error')}, ${plural(totals.warnings, 'warning')}${tests}`;
  }
  const failed = verdict.checks.filter((check) => !check.passed);
  const first = failed[0]?.reasons[0] ?? verdict.reasons[0] ?? 'see below';
  return `Quality gate failed: ${failed.length} of ${plural(checks, 'check')} failed — ${failed[0]?.name ?? 'gate'}: ${first}`;
}

export function buildSummary(verdict: GateVerdict, details: SummaryDetails): JobSummary {
  const summary = new JobSummary();
  summary.verdict(verdict.passed ? 'success' : 'failure', verdictLine(verdict));
  summary.table(
    ['Check', 'Result', 'Errors', 'Warnings', 'Tests', 'Vulnerabilities', 'Time'],
    verdict.checks.map(checkRow),
  );
  if (verdict.reasons.length > 0) summary.list(verdict.reasons);
  for (const note of gateNotes(verdict, details)) summary.note(note);

  if (details.failingTests.length > 0) {
    summary.details(`Failing tests (${details.failingTests.length})`, (content) => {
      content.table(
        ['Check', 'Test', 'Message'],
        details.failingTests
          .slice(0, MAX_ROWS)
          .map((test) => [
            test.check,
            markup.code([test.suite, test.name].filter(Boolean).join(' › ')),
            test.message ?? '',
          ]),
      );
      if (details.failingTests.length > MAX_ROWS)
        content.paragraph(`${details.failingTests.length - MAX_ROWS} more not listed.`);
    });
  }
  if (details.findings.length > 0) {
    const sorted = [...details.findings].sort(
      (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
    );
    summary.details(`Findings (${details.findings.length})`, (content) => {
      content.table(
        ['Severity', 'Where', 'Rule', 'Message'],
        sorted
          .slice(0, MAX_ROWS)
          .map((finding) => [
            finding.severity,
            where(finding),
            finding.rule ?? finding.source,
            finding.message,
          ]),
      );
      if (sorted.length > MAX_ROWS)
        content.paragraph(
          `${sorted.length - MAX_ROWS} more not listed; the top ${MAX_ROWS} by severity are shown.`,
        );
    });
  }
  if (details.vulnerabilities.length > 0) {
    summary.details(`Vulnerabilities (${details.vulnerabilities.length})`, (content) => {
      content.table(
        ['Severity', 'Package', 'Advisory', 'Title'],
        details.vulnerabilities
          .slice(0, MAX_ROWS)
          .map((vulnerability) => [
            vulnerability.severity,
            vulnerability.version
              ? `${vulnerability.package} ${vulnerability.version}`
              : vulnerability.package,
            vulnerability.url ? markup.link(vulnerability.id, vulnerability.url) : vulnerability.id,
            vulnerability.title,
          ]),
      );
    });
  }
  return summary;
}

function checkRow(check: CheckVerdict): Inline[] {
  const { counts, limits } = check;
  const result = check.passed
    ? '✅ passed'
    : `❌ ${check.problem ? 'could not be evaluated' : 'failed'}`;
  return [
    markup.strong(check.name),
    check.reasons.length > 0 ? `${result}: ${check.reasons.join('; ')}` : result,
    againstLimit(counts.errors, limits.maxErrors),
    againstLimit(counts.warnings, limits.maxWarnings),
    testsCell(counts),
    vulnerabilitiesCell(counts),
    check.durationMs === undefined ? '' : formatDuration(check.durationMs),
  ];
}

function againstLimit(count: number, limit: number | undefined): string {
  return limit === undefined ? String(count) : `${count} / max ${limit}`;
}

function testsCell(counts: Counts): string {
  if (counts.tests === 0) return '—';
  const parts = [`${counts.testFailures} failed of ${counts.tests}`];
  if (counts.testsSkipped > 0) parts.push(`${counts.testsSkipped} skipped`);
  if (counts.flaky > 0) parts.push(`${counts.flaky} flaky`);
  return parts.join(', ');
}

function vulnerabilitiesCell(counts: Counts): string {
  if (counts.vulnerabilities === 0) return '0';
  const severities = [...AUDIT_SEVERITIES]
    .reverse()
    .filter((severity) => counts.vulnerabilitiesBySeverity[severity] > 0);
  return severities
    .map((severity) => `${counts.vulnerabilitiesBySeverity[severity]} ${severity}`)
    .join(', ');
}

function gateNotes(verdict: GateVerdict, details: SummaryDetails): string[] {
  const notes: string[] = [];
  if (verdict.newOnly) {
    notes.push(
      `new-only: ${plural(verdict.newOnly.setAside, 'finding')} on lines this change did not touch ` +
        `${verdict.newOnly.setAside === 1 ? 'was' : 'were'} not counted (${plural(verdict.newOnly.filesChanged, 'file')} changed).`,
    );
  }
  if (verdict.baseline) {
    const changes = (list: NonNullable<GateVerdict['baseline']>['regressions']) =>
      list
        .map((change) => `${change.check} ${change.count} ${change.from} → ${change.to}`)
        .join(', ');
    const grew =
      verdict.baseline.regressions.length > 0
        ? `grew: ${changes(verdict.baseline.regressions)}`
        : 'nothing grew';
    const shrank =
      verdict.baseline.improvements.length > 0
        ? `; improved: ${changes(verdict.baseline.improvements)}`
        : '';
    notes.push(`Baseline ${verdict.baseline.origin}: ${grew}${shrank}.`);
  }
  return [...notes, ...details.notes];
}

function where(finding: Finding): Inline {
  if (!finding.file) return '';
  return markup.code(finding.line ? `${finding.file}:${finding.line}` : finding.file);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
