import type { ChangedLines } from '../core/changed-lines.js';
import { touchesChangedLines } from '../core/changed-lines.js';
import { BranchTakens, FunctionHits, LineHits, type FileCoverage } from './model.js';

export interface Ratio {
  covered: number;
  total: number;
}

export interface CoverageTotals {
  lines: Ratio;
  branches: Ratio;
  functions: Ratio;
}

export interface FileTotals extends CoverageTotals {
  path: string;
}

/** Σcovered / Σtotal over the merged lines: never an average of per-file rates. */
export function totalsOf(files: readonly FileCoverage[]): CoverageTotals {
  const totals = { lines: zero(), branches: zero(), functions: zero() };
  for (const file of files) add(totals, fileTotals(file));
  return totals;
}

export function fileTotals(file: FileCoverage): FileTotals {
  return {
    path: file.path,
    lines: lineTotals(file.lines),
    branches: branchTotals(file.branches),
    functions: functionTotals(file.functions),
  };
}

/*
 * The compact model counts its typed arrays in place; iterating it would make a tuple or an
 * array per line (see LineHits.countCovered). A Map built by hand is counted by iterating.
 */

function lineTotals(lines: Map<number, number>): Ratio {
  if (lines instanceof LineHits) return { covered: lines.countCovered(), total: lines.size };
  const ratio = zero();
  for (const hits of lines.values()) count(ratio, hits);
  return ratio;
}

function branchTotals(branches: Map<number, number[]>): Ratio {
  if (branches instanceof BranchTakens) {
    const { taken, total } = branches.countTaken();
    return { covered: taken, total };
  }
  const ratio = zero();
  for (const taken of branches.values()) for (const hits of taken) count(ratio, hits);
  return ratio;
}

function functionTotals(functions: Map<string, number>): Ratio {
  if (functions instanceof FunctionHits) {
    return { covered: functions.countCovered(), total: functions.size };
  }
  const ratio = zero();
  for (const hits of functions.values()) count(ratio, hits);
  return ratio;
}

export interface UncoveredChange {
  path: string;
  /** Changed coverable lines no report covered, ascending. */
  lines: number[];
}

export interface PatchCoverage extends Ratio {
  /** Files with changed coverable lines, and the uncovered ones among them. */
  uncovered: UncoveredChange[];
  /**
   * Changed source files (an extension of the files the reports cover) that no report mentions.
   * Counted as uncovered when asked to; otherwise they are not in covered or total.
   */
  filesWithoutCoverage: string[];
  /** A path-fixes line that would map the reports' paths onto filesWithoutCoverage, if one shows. */
  suggestedPathFix?: string;
  /**
   * Report paths that name no file of the checkout, set when filesWithoutCoverage is not empty:
   * the sign that the reports' paths failed to map. Without any, an unmatched changed file is one
   * no report was meant to cover (a test, a configuration file, a file excluded from coverage).
   */
  strayReportPaths?: string[];
}

export interface PatchOptions {
  /**
   * Count every added or modified line of a changed source file that no report mentions as an
   * uncovered changed line: with nothing to say which of its lines are coverable, all are.
   */
  unmatchedAsUncovered?: boolean;
}

/**
 * Patch coverage: of the lines this change added or modified that are coverable, how many ran.
 * A changed line that no report lists (a comment, a blank line) is not coverable and not counted.
 * A changed file no report mentions counts only when it is source code (README.md, workflow YAML
 * never do), and then only with unmatchedAsUncovered.
 */
export function patchCoverage(
  files: readonly FileCoverage[],
  changed: ChangedLines,
  options: PatchOptions = {},
): PatchCoverage {
  const byPath = new Map(files.map((file) => [file.path, file]));
  const source = sourceExtensions(files);
  const patch: PatchCoverage = { covered: 0, total: 0, uncovered: [], filesWithoutCoverage: [] };
  for (const path of [...changed.keys()].sort()) {
    const file = byPath.get(path);
    if (!file) {
      if (!source.has(extensionOf(path))) continue;
      patch.filesWithoutCoverage.push(path);
      if (options.unmatchedAsUncovered) {
        const lines = (changed.get(path) ?? []).flatMap(({ start, end }) =>
          Array.from({ length: end - start + 1 }, (_, index) => start + index),
        );
        patch.total += lines.length;
        if (lines.length > 0) patch.uncovered.push({ path, lines });
      }
      continue;
    }
    const missed: number[] = [];
    for (const [line, hits] of [...file.lines].sort(([a], [b]) => a - b)) {
      if (!touchesChangedLines(changed, path, line, line)) continue;
      patch.total += 1;
      if (hits > 0) patch.covered += 1;
      else missed.push(line);
    }
    if (missed.length > 0) patch.uncovered.push({ path, lines: missed });
  }
  return patch;
}

/** The extensions (".java", lower case) of the files the reports cover: what counts as source. */
export function sourceExtensions(files: readonly FileCoverage[]): Set<string> {
  const extensions = new Set(files.map((file) => extensionOf(file.path)));
  // A report naming an extensionless file (a script) must not make every Makefile source.
  extensions.delete('');
  return extensions;
}

function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

/**
 * A percentage with two decimals, rounded down so a report never claims more than was covered
 * (Istanbul's convention). No coverable lines at all has no rate: undefined, not 0 or 100.
 */
export function percent(ratio: Ratio): number | undefined {
  if (ratio.total === 0) return undefined;
  // Integer arithmetic first: (0.29 * 10000) is 2899.9999… in floating point.
  return Math.floor((ratio.covered * 10_000) / ratio.total) / 100;
}

export function formatPercent(ratio: Ratio): string {
  const value = percent(ratio);
  return value === undefined ? 'n/a' : `${value.toFixed(2)}%`;
}

/** "1,2,3,7,8" → "1-3, 7-8": how a reviewer reads uncovered lines. */
export function lineRanges(lines: readonly number[]): string {
  const ranges: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const start = lines[index];
    while (index + 1 < lines.length && lines[index + 1] === lines[index] + 1) index++;
    ranges.push(start === lines[index] ? String(start) : `${start}-${lines[index]}`);
  }
  return ranges.join(', ');
}

function zero(): Ratio {
  return { covered: 0, total: 0 };
}

function count(ratio: Ratio, hits: number): void {
  ratio.total += 1;
  if (hits > 0) ratio.covered += 1;
}

function add(into: CoverageTotals, from: CoverageTotals): void {
  for (const key of ['lines', 'branches', 'functions'] as const) {
    into[key].covered += from[key].covered;
    into[key].total += from[key].total;
  }
}
