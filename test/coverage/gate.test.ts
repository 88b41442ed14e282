import { describe, expect, it } from 'vitest';
import {
  compareWithBaseline,
  evaluateCoverage,
  type Gates,
  type MeasuredTotals,
} from '../../src/coverage/gate.js';
import type { PatchCoverage } from '../../src/coverage/totals.js';

const totals = (covered: number, total: number, branches = [0, 0]): MeasuredTotals => ({
  lines: { covered, total },
  branches: { covered: branches[0], total: branches[1] },
  functions: { covered: 0, total: 0 },
});
/** 90 of 100 lines ran, 10 of them with a branch never taken: Codecov says 80%. */
const codecovTotals: MeasuredTotals = {
  ...totals(90, 100, [30, 40]),
  headline: { definition: 'codecov', covered: 80, total: 100, partials: 10 },
};
const patch = (covered: number, total: number): PatchCoverage => ({
  covered,
  total,
  uncovered: [],
  filesWithoutCoverage: [],
});

describe('evaluateCoverage', () => {
  it.each<{
    name: string;
    totals: MeasuredTotals;
    patch?: PatchCoverage;
    baseline?: { covered: number; total: number };
    gates: Gates;
    passed: boolean;
    reason?: string;
  }>([
    { name: 'no gates', totals: totals(1, 10), gates: {}, passed: true },
    {
      name: 'min-total met exactly',
      totals: totals(80, 100),
      gates: { minTotal: 80 },
      passed: true,
    },
    {
      name: 'min-total missed by a hair',
      totals: totals(79999, 100000),
      gates: { minTotal: 80 },
      passed: false,
      reason: 'total line coverage 79.99% (79999 of 100000 lines) < min-total 80%',
    },
    {
      name: 'min-patch missed',
      totals: totals(90, 100),
      patch: patch(2, 4),
      gates: { minPatch: 90 },
      passed: false,
      reason: 'patch coverage 50.00% (2 of 4 changed lines) < min-patch 90%',
    },
    {
      name: 'min-patch with no coverable changes',
      totals: totals(90, 100),
      patch: patch(0, 0),
      gates: { minPatch: 90 },
      passed: true,
    },
    {
      name: 'max-drop exceeded',
      totals: totals(80, 100),
      baseline: { covered: 82, total: 100 },
      gates: { maxDrop: 1 },
      passed: false,
      reason:
        'line coverage dropped 2.00 points against the baseline (82.00% → 80.00%) exceeds max-drop 1',
    },
    {
      name: 'min-total judges the Codecov headline when asked',
      totals: codecovTotals,
      gates: { minTotal: 85 },
      passed: false,
      reason:
        'total coverage (Codecov: partial lines missed) 80.00% (80 of 100 lines) < min-total 85%',
    },
    {
      name: 'max-drop compares Codecov headlines',
      totals: codecovTotals,
      baseline: { covered: 81, total: 100 },
      gates: { maxDrop: 0.5 },
      passed: false,
      reason: 'dropped 1.00 points against the baseline (81.00% → 80.00%)',
    },
    {
      name: 'min-branches met',
      totals: totals(90, 100, [35, 50]),
      gates: { minBranches: 70 },
      passed: true,
    },
    {
      name: 'min-branches missed',
      totals: totals(90, 100, [34, 50]),
      gates: { minBranches: 70 },
      passed: false,
      reason: 'branch coverage 68.00% (34 of 50 branches) < min-branches 70%',
    },
    {
      name: 'min-branches with reports that have no branch data',
      totals: totals(90, 100),
      gates: { minBranches: 70 },
      passed: false,
      reason: 'the reports contain no branches, so min-branches cannot be checked',
    },
    {
      name: 'max-drop within',
      totals: totals(815, 1000),
      baseline: { covered: 82, total: 100 },
      gates: { maxDrop: 0.5 },
      passed: true,
    },
    {
      name: 'coverage rose',
      totals: totals(90, 100),
      baseline: { covered: 80, total: 100 },
      gates: { maxDrop: 0 },
      passed: true,
    },
    {
      name: 'nothing measured',
      totals: totals(0, 0),
      gates: {},
      passed: false,
      reason: 'the reports contain no coverable lines',
    },
  ])('$name', ({ totals: current, patch: changed, baseline, gates, passed, reason }) => {
    const comparison = baseline
      ? compareWithBaseline(current.headline ?? current.lines, 'baseline.json', baseline)
      : undefined;
    const verdict = evaluateCoverage(current, changed, comparison, gates);
    expect(verdict.passed).toBe(passed);
    if (reason) expect(verdict.reasons[0]).toContain(reason);
    else expect(verdict.reasons).toEqual([]);
  });
});
