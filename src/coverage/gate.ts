import type { CoverageTotals, PatchCoverage, Ratio } from './totals.js';
import { formatPercent, percent } from './totals.js';

export interface Gates {
  minTotal?: number;
  minPatch?: number;
  maxDrop?: number;
}

export interface BaselineComparison {
  origin: string;
  /** The baseline's line coverage, percent. */
  lineRate: number;
  /** Current minus baseline, in percentage points (negative = dropped). */
  delta: number;
}

export interface GateOutcome {
  gate: 'min-total' | 'min-patch' | 'max-drop' | 'coverable-lines';
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
 * min-patch: there is nothing to cover.
 */
export function evaluateCoverage(
  totals: CoverageTotals,
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
  if (gates.minTotal !== undefined && totals.lines.total > 0) {
    const passed = exactPercent(totals.lines) >= gates.minTotal;
    outcomes.push({
      gate: 'min-total',
      passed,
      message: `total line coverage ${formatPercent(totals.lines)} (${totals.lines.covered} of ${totals.lines.total} lines) ${passed ? '≥' : '<'} min-total ${gates.minTotal}%`,
    });
  }
  if (gates.minPatch !== undefined && patch) {
    if (patch.total === 0) {
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
      message: `line coverage ${change} against the baseline (${baseline.lineRate.toFixed(2)}% → ${formatPercent(totals.lines)}) ${passed ? 'within' : 'exceeds'} max-drop ${gates.maxDrop}`,
    });
  }
  const reasons = outcomes.filter((outcome) => !outcome.passed).map((outcome) => outcome.message);
  return { passed: reasons.length === 0, outcomes, reasons };
}

export function compareWithBaseline(
  totals: CoverageTotals,
  origin: string,
  baselineLines: Ratio,
): BaselineComparison | undefined {
  const before = percent(baselineLines);
  if (before === undefined || totals.lines.total === 0) return undefined;
  const lineRate = exactPercent(baselineLines);
  return { origin, lineRate, delta: exactPercent(totals.lines) - lineRate };
}

function exactPercent(ratio: Ratio): number {
  return (ratio.covered / ratio.total) * 100;
}
