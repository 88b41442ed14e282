import { emptyFile, type CoverageReport, type FileCoverage } from './model.js';

/**
 * Merges every report line by line: a file that appears in several reports (matrix jobs,
 * monorepos, unit and integration runs) becomes one file whose lines are the union, with hits
 * summed, so a line is covered when any report covered it. Branch counts are summed position by
 * position and functions by key, the way lcov and Istanbul merge.
 */
export function mergeReports(reports: readonly CoverageReport[]): FileCoverage[] {
  const merged = new Map<string, FileCoverage>();
  for (const report of reports) {
    for (const file of report.files) {
      const target = merged.get(file.path) ?? emptyFile(file.path);
      merged.set(file.path, target);
      for (const [line, hits] of file.lines)
        target.lines.set(line, (target.lines.get(line) ?? 0) + hits);
      for (const [line, taken] of file.branches) {
        const existing = target.branches.get(line) ?? [];
        const length = Math.max(existing.length, taken.length);
        target.branches.set(
          line,
          Array.from({ length }, (_, index) => (existing[index] ?? 0) + (taken[index] ?? 0)),
        );
      }
      for (const [name, hits] of file.functions)
        target.functions.set(name, (target.functions.get(name) ?? 0) + hits);
    }
  }
  return [...merged.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
