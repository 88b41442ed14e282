import { JobSummary, markup } from '../core/summary.js';
import type { CoverageVerdict } from './gate.js';
import type { CoverageResult } from './result.js';
import { describeHeadline } from './headline.js';
import { formatPercent, lineRanges, type Ratio } from './totals.js';

const LEAST_COVERED_FILES = 20;
const MAX_UNCOVERED_ROWS = 100;

export function verdictLine(result: CoverageResult, verdict: CoverageVerdict): string {
  const total = formatPercent(result.headline);
  const patch = result.patch ? `, patch ${formatPercent(result.patch)}` : '';
  const delta = result.baseline ? `, ${signed(result.baseline.delta)} vs baseline` : '';
  const title = result.name ? `Coverage (${result.name})` : 'Coverage';
  if (verdict.passed) return `${title} ${total}${patch}${delta}: gates passed`;
  return `${title} gate failed: ${verdict.reasons[0]}${verdict.reasons.length > 1 ? ` (and ${verdict.reasons.length - 1} more)` : ''}`;
}

/** What to look at next, for the gates that failed: each failure points where its answer is. */
export function failureHint(verdict: CoverageVerdict): string {
  const failed = new Set(verdict.outcomes.filter((o) => !o.passed).map((o) => o.gate));
  const hints: string[] = [];
  if (failed.has('coverable-lines')) {
    hints.push(
      'Check that the reports are the ones the tests wrote and that their paths map onto the repository (the job summary notes what was read and what was not).',
    );
  }
  if (failed.has('min-patch')) {
    hints.push(
      'The job summary lists the uncovered changed lines and the changed files no report covers.',
    );
  }
  if (failed.has('min-total') || failed.has('max-drop') || failed.has('min-branches')) {
    hints.push('The job summary lists the least-covered files.');
  }
  return hints.join(' ');
}

export function buildSummary(
  result: CoverageResult,
  verdict: CoverageVerdict,
  notes: string[],
): JobSummary {
  const summary = new JobSummary();
  summary.verdict(verdict.passed ? 'success' : 'failure', verdictLine(result, verdict));
  const rows = [
    ...(result.headline.definition === 'codecov'
      ? [ratioRow('Lines, partials as missed (Codecov)', result.headline)]
      : []),
    ratioRow('Lines', result.totals.lines),
    ratioRow('Branches', result.totals.branches),
    ratioRow('Functions', result.totals.functions),
  ];
  if (result.patch) rows.push(ratioRow('Changed lines (patch)', result.patch));
  summary.table(['Measure', 'Covered', 'Total', 'Rate'], rows);
  if (verdict.outcomes.length > 0) {
    summary.list(
      verdict.outcomes.map(
        (outcome) => `${outcome.passed ? '✅' : '❌'} ${outcome.gate}: ${outcome.message}`,
      ),
    );
  }
  for (const note of [describeHeadline(result.headline), ...notes]) summary.note(note);

  const uncovered = result.patch?.uncovered ?? [];
  if (uncovered.length > 0) {
    const count = uncovered.reduce((sum, file) => sum + file.lines.length, 0);
    summary.details(`Uncovered changed lines (${count})`, (content) => {
      content.table(
        ['File', 'Lines'],
        uncovered
          .slice(0, MAX_UNCOVERED_ROWS)
          .map((file) => [markup.code(file.path), lineRanges(file.lines)]),
      );
      if (uncovered.length > MAX_UNCOVERED_ROWS)
        content.paragraph(`${uncovered.length - MAX_UNCOVERED_ROWS} more files not listed.`);
    });
  }
  const measured = result.files.filter((file) => file.lines.total > 0);
  if (measured.length > 0) {
    summary.details(
      `Least-covered files (${Math.min(LEAST_COVERED_FILES, measured.length)} of ${measured.length + result.filesOmitted})`,
      (content) => {
        content.table(
          ['File', 'Covered', 'Lines', 'Rate'],
          measured
            .slice(0, LEAST_COVERED_FILES)
            .map((file) => [
              markup.code(file.path),
              String(file.lines.covered),
              String(file.lines.total),
              formatPercent(file.lines),
            ]),
        );
      },
    );
  }
  summary.details(`Reports read (${result.reports.length})`, (content) =>
    content.list(result.reports),
  );
  return summary;
}

function ratioRow(label: string, ratio: Ratio): string[] {
  return [label, String(ratio.covered), String(ratio.total), formatPercent(ratio)];
}

function signed(points: number): string {
  return `${points >= 0 ? '+' : '−'}${Math.abs(points).toFixed(2)} points`;
}
