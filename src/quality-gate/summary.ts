import { formatDuration } from '../core/duration.js';
import type { SourceLinker } from '../core/source-links.js';
import { JobSummary, markup, type Inline } from '../core/summary.js';
import { AUDIT_SEVERITIES, type CheckVerdict, type Counts, type GateVerdict } from './gate.js';
import type { Finding, TestCase, Vulnerability } from './model.js';
import { addTestSections, where } from './summary-tests.js';

type OfCheck<T> = T & { check: string };

/** What the summary lists beyond the verdict's counts, gathered from the checks' reports. */
export interface SummaryDetails {
  failingTests: OfCheck<TestCase>[];
  /** Failed at first, passed on a rerun. */
  flakyTests: OfCheck<TestCase>[];
  /** Slowest first, across every check. */
  slowestTests: OfCheck<TestCase>[];
  findings: OfCheck<Finding>[];
  vulnerabilities: OfCheck<Vulnerability>[];
  /** Annotation notes, e.g. "12 warnings not annotated; they are in the check run". */
  notes: string[];
}

/** Who is reporting and where the code can be seen. */
export interface SummaryContext {
  /** The `name` input: tells matrix legs apart in the heading. */
  name?: string;
  /** Links files and lines to the commit the checks ran on, when the run knows its repository. */
  link?: SourceLinker;
}

const MAX_ROWS = 100;
const SEVERITY_ORDER = { error: 0, warning: 1, notice: 2 } as const;
const NOT_MEASURED = '—';

export function verdictLine(verdict: GateVerdict, name?: string): string {
  const { totals } = verdict;
  const gate = name ? `Quality gate (${name})` : 'Quality gate';
  const checks = verdict.checks.length;
  if (verdict.passed) {
    const tests = totals.tests > 0 ? `, ${testsLine(totals)}` : '';
    return `${gate} passed: ${plural(checks, 'check')}, ${plural(totals.errors, 'error')}, ${plural(totals.warnings, 'warning')}${tests}`;
  }
  const failed = verdict.checks.filter((check) => !check.passed);
  const first = failed[0]?.reasons[0] ?? verdict.reasons[0] ?? 'see below';
  return `${gate} failed: ${failed.length} of ${plural(checks, 'check')} failed — ${failed[0]?.name ?? 'gate'}: ${first}`;
}

export function buildSummary(
  verdict: GateVerdict,
  details: SummaryDetails,
  context: SummaryContext = {},
): JobSummary {
  const summary = new JobSummary();
  summary.verdict(verdict.passed ? 'success' : 'failure', verdictLine(verdict, context.name));
  addCheckTable(summary, verdict.checks);
  // Each check's reasons are in its row; only what belongs to no check is listed apart.
  const ofChecks = new Set(verdict.checks.flatMap((c) => c.reasons.map((r) => `${c.name}: ${r}`)));
  const gateReasons = verdict.reasons.filter((reason) => !ofChecks.has(reason));
  if (gateReasons.length > 0) summary.list(gateReasons);
  for (const note of gateNotes(verdict, details)) summary.note(note);

  addTestSections(summary, details, verdict.totals, context.link);
  if (details.findings.length > 0) addFindings(summary, details.findings, context.link);
  if (details.vulnerabilities.length > 0) addVulnerabilities(summary, details.vulnerabilities);
  return summary;
}

/** Columns only for what some check measures; a cell is "—" where its check cannot speak to it. */
function addCheckTable(summary: JobSummary, checks: readonly CheckVerdict[]): void {
  const any = (measure: keyof CheckVerdict['measures']) => checks.some((c) => c.measures[measure]);
  const columns: Array<[string, (check: CheckVerdict) => Inline]> = [
    ['Check', (check) => markup.strong(check.name)],
    ['Result', resultCell],
  ];
  if (any('findings')) {
    columns.push(['Errors', (c) => measured(c, 'findings', c.counts.errors, c.limits.maxErrors)]);
    columns.push([
      'Warnings',
      (c) => measured(c, 'findings', c.counts.warnings, c.limits.maxWarnings),
    ]);
  }
  if (any('tests')) {
    // "0 failed of 0" would read as a clean run for a report that could not be read.
    const tests = (c: CheckVerdict) =>
      c.measures.tests && c.problem === undefined && c.note === undefined
        ? testsCell(c.counts)
        : NOT_MEASURED;
    columns.push(['Tests', tests]);
  }
  if (any('vulnerabilities')) {
    columns.push([
      'Vulnerabilities',
      (c) => (c.measures.vulnerabilities ? vulnerabilitiesCell(c.counts) : NOT_MEASURED),
    ]);
  }
  if (checks.some((check) => check.durationMs !== undefined)) {
    columns.push([
      'Time',
      (c) => (c.durationMs === undefined ? NOT_MEASURED : formatDuration(c.durationMs)),
    ]);
  }
  summary.table(
    columns.map(([header]) => header),
    checks.map((check) => columns.map(([, cell]) => cell(check))),
  );
}

/** Passed tests first; the failures a limit allowed and the skipped ones after. */
function testsLine(totals: Counts): string {
  const passed = totals.tests - totals.testFailures - totals.testsSkipped;
  const parts = [`${plural(passed, 'test')} passed`];
  if (totals.testFailures > 0) parts.push(`${totals.testFailures} failed`);
  if (totals.testsSkipped > 0) parts.push(`${totals.testsSkipped} skipped`);
  return parts.join(', ');
}

function resultCell(check: CheckVerdict): string {
  if (check.passed) return check.note ? `✅ passed: ${check.note}` : '✅ passed';
  // The problem's reason already says "could not be evaluated"; say it once.
  return `❌ failed: ${check.reasons.join('; ')}`;
}

function measured(
  check: CheckVerdict,
  measure: keyof CheckVerdict['measures'],
  count: number,
  limit: number | undefined,
): string {
  if (!check.measures[measure]) return NOT_MEASURED;
  return limit === undefined ? String(count) : `${count} / max ${limit}`;
}

function testsCell(counts: Counts): string {
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

function addFindings(summary: JobSummary, findings: OfCheck<Finding>[], link?: SourceLinker): void {
  const sorted = [...findings].sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
  );
  summary.details(`Findings (${findings.length})`, (content) => {
    content.table(
      ['Severity', 'Where', 'Rule', 'Message'],
      sorted.slice(0, MAX_ROWS).map((finding) => {
        const rule = finding.rule ?? finding.source;
        return [
          finding.severity,
          where(finding, link),
          finding.ruleUrl ? markup.link(rule, finding.ruleUrl) : rule,
          finding.message,
        ];
      }),
    );
    if (sorted.length > MAX_ROWS)
      content.paragraph(
        `${sorted.length - MAX_ROWS} more not listed; the top ${MAX_ROWS} by severity are shown.`,
      );
  });
}

function addVulnerabilities(summary: JobSummary, vulnerabilities: OfCheck<Vulnerability>[]): void {
  summary.details(`Vulnerabilities (${vulnerabilities.length})`, (content) => {
    content.table(
      ['Severity', 'Package', 'Advisory', 'Title'],
      vulnerabilities
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
    // A renamed check (a new name, working-directory or glob) is not compared: say so, or the
    // ratchet would stop without a word.
    const { newChecks, missingChecks } = verdict.baseline;
    if (newChecks.length > 0) {
      notes.push(
        `Not compared, the baseline has no check of that name: ${newChecks.join(', ')}` +
          (missingChecks.length > 0
            ? `; the baseline's ${missingChecks.join(', ')} did not run.`
            : '.'),
      );
    }
  }
  return [...notes, ...details.notes];
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
