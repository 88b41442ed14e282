import { describe, expect, it } from 'vitest';
import { evaluateCoverage, type GateOutcome } from '../../src/coverage/gate.js';
import { headlineOf } from '../../src/coverage/headline.js';
import { buildResult } from '../../src/coverage/result.js';
import { buildSummary, failureHint, verdictLine } from '../../src/coverage/summary.js';
import { totalsOf } from '../../src/coverage/totals.js';
import { file } from './build.js';

const files = [
  file(
    'src/a.ts',
    [
      [1, 1],
      [2, 1],
      [3, 0],
      [4, 1],
    ],
    [[2, [1, 0]]],
  ),
];

function summaryOf(options: {
  name?: string;
  definition?: 'lines' | 'codecov';
  minTotal?: number;
}) {
  const totals = totalsOf(files);
  const headline = headlineOf(files, totals.lines, options.definition ?? 'lines');
  const verdict = evaluateCoverage({ ...totals, headline }, undefined, undefined, {
    minTotal: options.minTotal,
  });
  const result = buildResult({
    name: options.name,
    verdict,
    totals,
    headline,
    files: files.map((f) => ({ path: f.path, ...totalsOf([f]) })),
    reports: ['lcov: coverage/lcov.info'],
  });
  return { result, verdict, html: buildSummary(result, verdict, []).render() };
}

describe('coverage summary', () => {
  it('heads the summary with the name, so two coverage steps tell apart', () => {
    const { result, verdict, html } = summaryOf({ name: 'backend' });
    expect(verdictLine(result, verdict)).toBe('Coverage (backend) 75.00%: gates passed');
    expect(html).toMatch(/^<h3>✅ Coverage \(backend\) 75\.00%: gates passed<\/h3>/);
  });

  it('leads with the Codecov rate and says how it is computed when headline is codecov', () => {
    const { result, verdict, html } = summaryOf({ definition: 'codecov', minTotal: 60 });
    expect(verdictLine(result, verdict)).toBe(
      'Coverage gate failed: total coverage (Codecov: partial lines missed) 50.00% (2 of 4 lines) < min-total 60%',
    );
    expect(result.headline).toMatchObject({ definition: 'codecov', covered: 2, partials: 1 });
    expect(html).toContain('Lines, partials as missed (Codecov)');
    expect(html).toContain('The headline rate is Codecov');
  });

  it('says how the line headline is computed too', () => {
    expect(summaryOf({}).html).toContain('The headline rate is lines that ran ÷ coverable lines.');
  });
});

describe('failureHint', () => {
  const verdict = (...gates: Array<GateOutcome['gate']>) =>
    evaluateCoverageOf(gates.map((gate) => ({ gate, passed: false, message: gate })));
  const evaluateCoverageOf = (outcomes: GateOutcome[]) => ({
    passed: false,
    outcomes,
    reasons: [],
  });

  it('points at the uncovered lines only when min-patch failed', () => {
    expect(failureHint(verdict('min-patch'))).toBe(
      'The job summary lists the uncovered changed lines and the changed files no report covers.',
    );
    expect(failureHint(verdict('min-branches'))).toBe(
      'The job summary lists the least-covered files.',
    );
  });

  it('sends an empty measurement to the reports and their paths', () => {
    expect(failureHint(verdict('coverable-lines'))).toContain(
      'their paths map onto the repository',
    );
    expect(failureHint(verdict('coverable-lines'))).not.toContain('uncovered changed lines');
  });
});
