import { ActionError } from '../core/errors.js';
import type { BaselineComparison, CoverageVerdict } from './gate.js';
import type { Headline, HeadlineDefinition } from './headline.js';
import type { CoverageTotals, FileTotals, PatchCoverage, Ratio } from './totals.js';
import { percent } from './totals.js';

export const RESULT_SCHEMA = 'slipway.coverage/v1';
/** Enough to name the worst files in a baseline without making the output huge. */
const MAX_FILES_IN_RESULT = 500;
const MAX_BASELINE_BYTES = 8 * 1024 * 1024;

type RatioJson = Ratio & { rate: number | null };

export interface CoverageResult {
  schema: typeof RESULT_SCHEMA;
  /** The `name` input: which coverage step of the workflow this is. */
  name?: string;
  passed: boolean;
  reasons: string[];
  totals: Record<keyof CoverageTotals, RatioJson>;
  /** The rate min-total, max-drop and the badge use; `definition` says how it counts. */
  headline: RatioJson & Pick<Headline, 'definition' | 'partials'>;
  patch: (RatioJson & { uncovered: PatchCoverage['uncovered'] }) | null;
  baseline: BaselineComparison | null;
  files: Array<{ path: string; lines: RatioJson }>;
  filesOmitted: number;
  reports: string[];
  commit?: string;
}

export function buildResult(input: {
  name?: string;
  verdict: CoverageVerdict;
  totals: CoverageTotals;
  headline: Headline;
  patch?: PatchCoverage;
  baseline?: BaselineComparison;
  files: FileTotals[];
  reports: string[];
  commit?: string;
}): CoverageResult {
  const ranked = [...input.files].sort((a, b) => rank(a.lines) - rank(b.lines));
  return {
    schema: RESULT_SCHEMA,
    ...(input.name && { name: input.name }),
    passed: input.verdict.passed,
    reasons: input.verdict.reasons,
    totals: {
      lines: withRate(input.totals.lines),
      branches: withRate(input.totals.branches),
      functions: withRate(input.totals.functions),
    },
    headline: {
      definition: input.headline.definition,
      partials: input.headline.partials,
      ...withRate(input.headline),
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
    'headline-rate': rate(result.headline),
    'patch-covered': result.patch ? String(result.patch.covered) : '',
    'patch-total': result.patch ? String(result.patch.total) : '',
    'patch-rate': rate(result.patch),
    passed: String(result.passed),
  };
}

export interface BaselineRate {
  ratio: Ratio;
  /** Set when the baseline lacks this definition's headline and its line rate stands in. */
  note?: string;
}

/**
 * Reads a previous run's `result` JSON for its headline of the same definition; the error names
 * the input it came from. Results written before the headline existed hold line coverage only.
 */
export function parseBaselineRate(
  text: string,
  origin: string,
  input: string,
  definition: HeadlineDefinition,
): BaselineRate {
  const result = parseResult(text, origin, input);
  const lines = result.totals?.lines;
  if (!isRatio(lines)) {
    throw new ActionError(
      `Input '${input}' (${origin}) has no valid totals.lines counts.`,
      BASELINE_HINT,
    );
  }
  const headline = result.headline;
  if (headline?.definition === definition && isRatio(headline)) {
    return { ratio: { covered: headline.covered, total: headline.total } };
  }
  const ratio = { covered: lines.covered, total: lines.total };
  if (definition === 'lines') return { ratio };
  // Every result records its partial lines, so Codecov's rate can be had from a lines baseline.
  const partials = headline?.partials;
  if (Number.isInteger(partials) && (partials as number) <= lines.covered) {
    return { ratio: { covered: lines.covered - (partials as number), total: lines.total } };
  }
  return {
    ratio,
    note: `The baseline (${origin}) has no ${definition} headline rate, so max-drop compared with its line coverage.`,
  };
}

const BASELINE_HINT = `Save this action's result output on the default branch, e.g. echo '\${{ steps.coverage.outputs.result }}' > coverage-result.json, and restore it here.`;

function parseResult(text: string, origin: string, input: string): Partial<CoverageResult> {
  const hint = BASELINE_HINT;
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
  return result;
}

function isRatio(value: Partial<Ratio> | undefined | null): value is Ratio {
  return (
    !!value &&
    Number.isInteger(value.covered) &&
    Number.isInteger(value.total) &&
    (value.covered as number) <= (value.total as number)
  );
}

function withRate(ratio: Ratio): RatioJson {
  return { covered: ratio.covered, total: ratio.total, rate: percent(ratio) ?? null };
}

function rank(ratio: Ratio): number {
  return ratio.total === 0 ? Infinity : ratio.covered / ratio.total;
}
