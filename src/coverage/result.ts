import { ActionError } from '../core/errors.js';
import type { BaselineComparison, CoverageVerdict } from './gate.js';
import type { CoverageTotals, FileTotals, PatchCoverage, Ratio } from './totals.js';
import { percent } from './totals.js';

export const RESULT_SCHEMA = 'slipway.coverage/v1';
/** Enough to name the worst files in a baseline without making the output huge. */
const MAX_FILES_IN_RESULT = 500;
const MAX_BASELINE_BYTES = 8 * 1024 * 1024;

type RatioJson = Ratio & { rate: number | null };

export interface CoverageResult {
  schema: typeof RESULT_SCHEMA;
  passed: boolean;
  reasons: string[];
  totals: Record<keyof CoverageTotals, RatioJson>;
  patch: (RatioJson & { uncovered: PatchCoverage['uncovered'] }) | null;
  baseline: BaselineComparison | null;
  files: Array<{ path: string; lines: RatioJson }>;
  filesOmitted: number;
  reports: string[];
  commit?: string;
}

export function buildResult(input: {
  verdict: CoverageVerdict;
  totals: CoverageTotals;
  patch?: PatchCoverage;
  baseline?: BaselineComparison;
  files: FileTotals[];
  reports: string[];
  commit?: string;
}): CoverageResult {
  const ranked = [...input.files].sort((a, b) => rank(a.lines) - rank(b.lines));
  return {
    schema: RESULT_SCHEMA,
    passed: input.verdict.passed,
    reasons: input.verdict.reasons,
    totals: {
      lines: withRate(input.totals.lines),
      branches: withRate(input.totals.branches),
      functions: withRate(input.totals.functions),
    },
    patch: input.patch ? { ...withRate(input.patch), uncovered: input.patch.uncovered } : null,
    baseline: input.baseline ?? null,
    files: ranked
      .slice(0, MAX_FILES_IN_RESULT)
      .map((file) => ({ path: file.path, lines: withRate(file.lines) })),
    filesOmitted: Math.max(0, ranked.length - MAX_FILES_IN_RESULT),
    reports: input.reports,
    ...(input.commit && { commit: input.commit }),
  };
}

/** The flat outputs: counts, and rates as percentages with two decimals (empty when unmeasured). */
export function outputsFrom(result: CoverageResult): Record<string, string> {
  const rate = (ratio: RatioJson | null) =>
    ratio?.rate === null || ratio === null ? '' : ratio.rate.toFixed(2);
  return {
    'lines-covered': String(result.totals.lines.covered),
    'lines-total': String(result.totals.lines.total),
    'line-rate': rate(result.totals.lines),
    'branches-covered': String(result.totals.branches.covered),
    'branches-total': String(result.totals.branches.total),
    'branch-rate': rate(result.totals.branches),
    'functions-covered': String(result.totals.functions.covered),
    'functions-total': String(result.totals.functions.total),
    'function-rate': rate(result.totals.functions),
    'patch-covered': result.patch ? String(result.patch.covered) : '',
    'patch-total': result.patch ? String(result.patch.total) : '',
    'patch-rate': rate(result.patch),
    passed: String(result.passed),
  };
}

/** Reads a previous run's `result` JSON; the error names the input it came from. */
export function parseBaselineLines(text: string, origin: string, input: string): Ratio {
  const hint = `Save this action's result output on the default branch, e.g. echo '\${{ steps.coverage.outputs.result }}' > coverage-result.json, and restore it here.`;
  if (Buffer.byteLength(text) > MAX_BASELINE_BYTES) {
    throw new ActionError(
      `Input '${input}' (${origin}) is larger than 8 MiB; it is not a coverage result.`,
      hint,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ActionError(`Input '${input}' (${origin}) is not JSON.`, hint);
  }
  const result = parsed as Partial<CoverageResult> | null;
  if (result?.schema !== RESULT_SCHEMA) {
    throw new ActionError(
      `Input '${input}' (${origin}) is not a Slipway coverage result (no "schema": "${RESULT_SCHEMA}").`,
      hint,
    );
  }
  const lines = result.totals?.lines;
  if (
    !lines ||
    !Number.isInteger(lines.covered) ||
    !Number.isInteger(lines.total) ||
    lines.covered > lines.total
  ) {
    throw new ActionError(`Input '${input}' (${origin}) has no valid totals.lines counts.`, hint);
  }
  return { covered: lines.covered, total: lines.total };
}

function withRate(ratio: Ratio): RatioJson {
  return { covered: ratio.covered, total: ratio.total, rate: percent(ratio) ?? null };
}

function rank(ratio: Ratio): number {
  return ratio.total === 0 ? Infinity : ratio.covered / ratio.total;
}
