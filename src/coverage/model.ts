/**
 * Coverage as every format reads into it: per file, which lines are coverable and how often each
 * ran, the branches on each line, and the functions. Totals are always recomputed from this,
 * never taken from a report's own summary lines.
 */
import { BranchTakens } from './branch-takens.js';
import { FunctionHits } from './function-hits.js';
import { LineHits } from './line-hits.js';

export { BranchTakens, FunctionHits, LineHits };

export interface FileCoverage {
  /** Repository-relative with forward slashes once path-fixes have been applied. */
  path: string;
  /**
   * The path as the report wrote it, when the parser already rewrote it (a Cobertura filename
   * under a <source> root outside the workspace, /app/svc/calc.py kept as svc/calc.py):
   * path-fixes match this first, so /app=backend works as documented.
   */
  reportedPath?: string;
  /** Coverable line → hit count (0 = not covered). */
  lines: Map<number, number>;
  /**
   * Line → taken count of each branch on that line, in the order the report lists them
   * (0 = never taken, including LCOV's `-`).
   */
  branches: Map<number, number[]>;
  /** Function key (name, or name@line where names repeat) → hit count. */
  functions: Map<string, number>;
}

/**
 * Statement counts for formats that measure statements rather than lines (Go profiles,
 * Istanbul, coverage.py), kept so a test can compare with the tool's own statement figure.
 */
export interface StatementTotals {
  covered: number;
  total: number;
}

export interface CoverageReport {
  format: CoverageFormat;
  /** The report's path, for messages. */
  origin: string;
  files: FileCoverage[];
  statements?: StatementTotals;
}

export const COVERAGE_FORMATS = [
  'lcov',
  'cobertura',
  'jacoco',
  'clover',
  'go',
  'istanbul',
  'llvm-cov',
  'coveragepy-json',
  'coverlet',
  'opencover',
  'simplecov',
] as const;
export type CoverageFormat = (typeof COVERAGE_FORMATS)[number];

/** What parsers need besides the bytes. */
export interface CoverageParseContext {
  /** Absolute repository root (GITHUB_WORKSPACE); absolute paths inside it become relative. */
  workspace: string;
  origin: string;
}

/**
 * A file in the compact model every parser and the merge build: `lines` and `branches` are
 * Maps over typed arrays (about 4 bytes a line or branch instead of tens), with fast paths for
 * merging: `lines.add(line, hits)` sums into a line, `branches.addPositional(line, takens)` sums
 * position by position, `functions.add(name, hits)` sums into a function, and lines and
 * branches take a whole sorted record with `addSorted`. Functions are two arrays, not a hash
 * table per file. FileCoverage keeps
 * plain Map types so that a file built by hand (tests, a format's own map) still fits.
 */
export interface CompactFileCoverage extends FileCoverage {
  lines: LineHits;
  branches: BranchTakens;
  functions: FunctionHits;
}

export function emptyFile(path: string): CompactFileCoverage {
  return {
    path,
    lines: new LineHits(),
    branches: new BranchTakens(),
    functions: new FunctionHits(),
  };
}
