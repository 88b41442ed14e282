/**
 * What the summary lists and what gets annotated, gathered from the checks' reports: the findings
 * that count (with new-only, those on changed lines), failing, flaky and slow tests, and
 * vulnerabilities, each with the name of its check.
 */
import type { Finding as Annotation } from '../core/annotations.js';
import { touchesChangedLines, type ChangedLinesAgainstBase } from '../core/changed-lines.js';
import { selectNewFindings, type CheckRun } from './gate.js';
import { slowestOf } from './parsers/test-tally.js';
import type { SummaryDetails } from './summary.js';
import { testLabel } from './summary-tests.js';

export function gatherDetails(
  runs: readonly CheckRun[],
  diff: ChangedLinesAgainstBase | undefined,
): SummaryDetails {
  const details: SummaryDetails = {
    failingTests: [],
    flakyTests: [],
    slowestTests: [],
    findings: [],
    vulnerabilities: [],
    notes: [],
  };
  for (const run of runs) {
    const ofCheck = <T>(item: T) => ({ ...item, check: run.name });
    const counted = diff
      ? selectNewFindings(run.report.findings, diff.lines).kept
      : run.report.findings;
    details.findings.push(...counted.map(ofCheck));
    const notable = run.report.tests?.notable ?? [];
    details.failingTests.push(...notable.filter((t) => t.outcome === 'failed').map(ofCheck));
    details.flakyTests.push(...notable.filter((t) => t.outcome === 'flaky').map(ofCheck));
    details.vulnerabilities.push(...(run.report.audit?.vulnerabilities ?? []).map(ofCheck));
  }
  const slowest = runs.map((run) =>
    (run.report.tests?.slowest ?? []).map((t) => ({ ...t, check: run.name })),
  );
  details.slowestTests = slowestOf(slowest) as SummaryDetails['slowestTests'];
  return details;
}

/** Findings on their lines; failed tests as errors and flaky ones as warnings where they are known. */
export function annotationsOf(
  details: SummaryDetails,
  diff: ChangedLinesAgainstBase | undefined,
): Annotation[] {
  return [
    ...details.findings.map((finding) => findingAnnotation(finding, diff)),
    ...details.failingTests
      .filter((test) => test.file)
      .map((test) => testAnnotation(test, 'failed')),
    ...details.flakyTests.filter((test) => test.file).map((test) => testAnnotation(test, 'flaky')),
  ];
}

function findingAnnotation(
  finding: SummaryDetails['findings'][number],
  diff: ChangedLinesAgainstBase | undefined,
): Annotation {
  const onChangedLine =
    diff !== undefined && finding.file !== undefined && finding.line !== undefined
      ? touchesChangedLines(diff.lines, finding.file, finding.line, finding.endLine ?? finding.line)
      : undefined;
  return {
    level: finding.severity,
    message: finding.message,
    title: [finding.check, finding.rule].filter(Boolean).join(': '),
    file: finding.file,
    line: finding.line,
    endLine: finding.endLine,
    column: finding.column,
    endColumn: finding.endColumn,
    onChangedLine,
  };
}

function testAnnotation(
  test: SummaryDetails['failingTests'][number],
  outcome: 'failed' | 'flaky',
): Annotation {
  const what = outcome === 'failed' ? 'test failed' : 'flaky test (failed, then passed on a rerun)';
  return {
    level: outcome === 'failed' ? 'error' : 'warning',
    title: `${test.check}: ${what}: ${testLabel(test)}`,
    message: failureText(test) || outcome,
    file: test.file,
    line: test.line,
  };
}

/** The message, then the details unless they only repeat it (Go's output, mocha's assertion). */
function failureText({ message, details }: { message?: string; details?: string }): string {
  if (!details?.trim()) return message ?? '';
  if (!message || details.trim().startsWith(message.trim())) return details;
  return `${message}\n\n${details}`;
}
