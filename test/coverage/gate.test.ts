import { describe, expect, it } from 'vitest';
import { compareWithBaseline, evaluateCoverage, type Gates } from '../../src/coverage/gate.js';
import type { CoverageTotals, PatchCoverage } from '../../src/coverage/totals.js';

const totals = (covered: number, total: number): CoverageTotals => ({
  lines: { covered, total },
  branches: { covered: 0, total: 0 },
  functions: { covered: 0, total: 0 },
});
const patch = (covered: number, total: number): PatchCoverage => ({
  covered,
  total,
  uncovered: [],
  filesWithoutCoverage: [],
});

describe('evaluateCoverage', () => {
  it.each<{
    name: string;
    totals: CoverageTotals;
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
      ? compareWithBaseline(current, 'baseline.json', baseline)
      : undefined;
    const verdict = evaluateCoverage(current, changed, comparison, gates);
    expect(verdict.passed).toBe(passed);
    if (reason) expect(verdict.reasons[0]).toContain(reason);
    else expect(verdict.reasons).toEqual([]);
  });
});
