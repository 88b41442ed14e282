import {
  BranchTakens,
  emptyFile,
  FunctionHits,
  LineHits,
  type CompactFileCoverage,
  type CoverageReport,
  type FileCoverage,
} from './model.js';

/**
 * Merges every report line by line: a file that appears in several reports (matrix jobs,
 * monorepos, unit and integration runs) becomes one file whose lines are the union, with hits
 * summed, so a line is covered when any report covered it. Branch counts are summed position by
 * position and functions by key, the way lcov and Istanbul merge.
 */
export function mergeReports(reports: readonly CoverageReport[]): CompactFileCoverage[] {
  const merger = new CoverageMerger();
  for (const report of reports) merger.add(report);
  return merger.files();
}

/**
 * mergeReports one report at a time, so that a report can be dropped once added: a matrix
 * fan-in of eight large shards then holds the merged files and one shard, never all eight.
 * Every sum is commutative, so the order reports come in does not change the result.
 */
export class CoverageMerger {
  private readonly merged = new Map<string, CompactFileCoverage>();

  /**
   * Adds the report's counts. The report is left as it was, unless `owned` (its caller drops it
   * once added): then a file seen for the first time is taken over rather than copied, which
   * saves copying the first shard and the garbage a copy grown line by line leaves behind.
   */
  add(report: CoverageReport, { owned = false } = {}): void {
    for (const file of report.files) {
      const target = this.merged.get(file.path);
      if (target) addFile(target, file);
      else if (owned && isCompact(file)) this.merged.set(file.path, takenOver(file));
      else {
        const fresh = emptyFile(file.path);
        addFile(fresh, file);
        this.merged.set(file.path, fresh);
      }
    }
  }

  /** The merged files, sorted by path. */
  files(): CompactFileCoverage[] {
    return [...this.merged.values()].sort((a, b) =>
      a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
    );
  }
}

function isCompact(file: FileCoverage): file is CompactFileCoverage {
  return (
    file.lines instanceof LineHits &&
    file.branches instanceof BranchTakens &&
    file.functions instanceof FunctionHits
  );
}

/** The file's counts under its path alone, as emptyFile makes a merged file. */
function takenOver({ path, lines, branches, functions }: CompactFileCoverage): CompactFileCoverage {
  return { path, lines, branches, functions };
}

/** Sums one file into another with the compact model's summing methods (see model.ts). */
function addFile(target: CompactFileCoverage, file: FileCoverage): void {
  target.lines.addAll(file.lines);
  target.branches.addAll(file.branches);
  target.functions.addAll(file.functions);
}
