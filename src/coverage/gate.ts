import type { Headline } from './headline.js';
import type { CoverageTotals, PatchCoverage, Ratio } from './totals.js';
import { formatPercent, percent } from './totals.js';
import { unmatchedFailsGate, unmatchedFailure, type UnmatchedChanges } from './unmatched.js';

export interface Gates {
  minTotal?: number;
  minBranches?: number;
  minPatch?: number;
  /**
   * With 'fail' (the default), min-patch fails when it measured nothing but unmatched files while
   * some report paths name no file of the checkout.
   */
  unmatchedChanges?: UnmatchedChanges;
  maxDrop?: number;
}

/** The totals, with the headline rate that min-total and max-drop judge (lines when absent). */
export type MeasuredTotals = CoverageTotals & { headline?: Headline };

export interface BaselineComparison {
  origin: string;
  /** The baseline's headline rate (line coverage unless headline says otherwise), percent. */
  lineRate: number;
  /** Current minus baseline, in percentage points (negative = dropped). */
  delta: number;
}

export interface GateOutcome {
  gate: 'min-total' | 'min-branches' | 'min-patch' | 'max-drop' | 'coverable-lines';
  passed: boolean;
  message: string;
}

export interface CoverageVerdict {
  passed: boolean;
  outcomes: GateOutcome[];
  /** Messages of the failed gates. */
  reasons: string[];
}

/**
 * Judges the numbers against the gates. Comparisons use exact ratios, not the two-decimal rates
 * shown, so 79.999% does not pass min-total 80. A patch with no coverable changed lines passes
 * min-patch: there is nothing to cover, unless changed source files appear in no report while
 * report paths name no file of the checkout (see unmatchedFailsGate).
 */
export function evaluateCoverage(
  totals: MeasuredTotals,
  patch: PatchCoverage | undefined,
  baseline: BaselineComparison | undefined,
  gates: Gates,
): CoverageVerdict {
  const outcomes: GateOutcome[] = [];
  if (totals.lines.total === 0) {
    outcomes.push({
      gate: 'coverable-lines',
      passed: false,
      message: 'the reports contain no coverable lines, so nothing was measured',
    });
  }
  const headline = totals.headline ?? totals.lines;
  if (gates.minTotal !== undefined && headline.total > 0) {
    const passed = exactPercent(headline) >= gates.minTotal;
    outcomes.push({
      gate: 'min-total',
      passed,
      message: `${describeTotal(totals)} ${formatPercent(headline)} (${headline.covered} of ${headline.total} lines) ${passed ? '≥' : '<'} min-total ${gates.minTotal}%`,
    });
  }
  if (gates.minBranches !== undefined && totals.lines.total > 0) {
    outcomes.push(branchOutcome(totals.branches, gates.minBranches));
  }
  if (gates.minPatch !== undefined && patch) {
    if (unmatchedFailsGate(patch, gates.unmatchedChanges ?? 'fail')) {
      // Changed source code that the reports probably name by other paths is not "nothing to cover".
      outcomes.push({
        gate: 'min-patch',
        passed: false,
        message: unmatchedFailure(patch, gates.minPatch),
      });
    } else if (patch.total === 0) {
      outcomes.push({
        gate: 'min-patch',
        passed: true,
        message: 'no coverable lines changed, so min-patch has nothing to check',
      });
    } else {
      const passed = exactPercent(patch) >= gates.minPatch;
      outcomes.push({
        gate: 'min-patch',
        passed,
        message: `patch coverage ${formatPercent(patch)} (${patch.covered} of ${patch.total} changed lines) ${passed ? '≥' : '<'} min-patch ${gates.minPatch}%`,
      });
    }
  }
  if (gates.maxDrop !== undefined && baseline) {
    const drop = -baseline.delta;
    const passed = drop <= gates.maxDrop + 1e-9;
    const change =
      baseline.delta < 0
        ? `dropped ${drop.toFixed(2)} points`
        : `rose ${baseline.delta.toFixed(2)} points`;
    outcomes.push({
      gate: 'max-drop',
      passed,
      message: `${describeTotal(totals)} ${change} against the baseline (${baseline.lineRate.toFixed(2)}% → ${formatPercent(headline)}) ${passed ? 'within' : 'exceeds'} max-drop ${gates.maxDrop}`,
    });
  }
  const reasons = outcomes.filter((outcome) => !outcome.passed).map((outcome) => outcome.message);
  return { passed: reasons.length === 0, outcomes, reasons };
}

/** `current` and `before` are the same measure: both headline rates of one definition. */
export function compareWithBaseline(
  current: Ratio,
  origin: string,
  before: Ratio,
): BaselineComparison | undefined {
  if (percent(before) === undefined || current.total === 0) return undefined;
  const lineRate = exactPercent(before);
  return { origin, lineRate, delta: exactPercent(current) - lineRate };
}

/** Reports without branch data cannot meet a branch gate: that fails rather than passing unseen. */
function branchOutcome(branches: Ratio, minBranches: number): GateOutcome {
  if (branches.total === 0) {
    return {
      gate: 'min-branches',
      passed: false,
      message:
        'the reports contain no branches, so min-branches cannot be checked (measure branches, e.g. coverage run --branch or c8, or remove min-branches)',
    };
  }
  const passed = exactPercent(branches) >= minBranches;
  return {
    gate: 'min-branches',
    passed,
    message: `branch coverage ${formatPercent(branches)} (${branches.covered} of ${branches.total} branches) ${passed ? '≥' : '<'} min-branches ${minBranches}%`,
  };
}

function describeTotal(totals: MeasuredTotals): string {
  return totals.headline?.definition === 'codecov'
    ? 'total coverage (Codecov: partial lines missed)'
    : 'total line coverage';
}

function exactPercent(ratio: Ratio): number {
  return (ratio.covered / ratio.total) * 100;
}
