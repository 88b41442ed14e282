import { isObject, readJsonReport, type JsonObject } from '../../core/reports/json.js';
import { toRepositoryPath } from '../../core/reports/paths.js';
import { ReportError, type ReportSource } from '../../core/reports/source.js';
import type { CoverageParseContext, CoverageReport, FileCoverage } from '../model.js';
import { emptyFile } from '../model.js';
import { MAX_BRANCHES_PER_LINE, MAX_BRANCHES_PER_REPORT } from './xml-common.js';

/**
 * SimpleCov's `coverage/.resultset.json`: command name (RSpec, Minitest, …) →
 * `{"coverage": {"<absolute path>": …}, "timestamp": …}`. A file is either the array of line
 * counts SimpleCov before 0.18 wrote, or `{"lines": [...], "branches": {...}}`.
 *
 * - Entry i of `lines` is line i + 1; `null` is a line that is not code.
 * - Branches: `{"[:if, 0, 7, 6, 12, 9]": {"[:then, 1, 8, …]": hits, …}}`, each inner entry
 *   one branch, put on the line where its condition starts (the third number).
 * - Several commands in one resultset are merged as SimpleCov merges them: counts add up, and
 *   a line one run calls code and another does not is code only when it ran. SimpleCov also
 *   drops results older than its merge_timeout; here every result in the file counts, because
 *   the file is read after the fact.
 * - Paths are absolute on the machine that ran the tests.
 */
export async function parseSimpleCov(
  source: ReportSource,
  context: CoverageParseContext,
): Promise<CoverageReport> {
  const document = await readJsonReport(source, 'SimpleCov .resultset');
  if (!isObject(document)) {
    throw new ReportError(
      source.origin,
      'is not a JSON object of commands; expected SimpleCov coverage/.resultset.json.',
    );
  }
  const merged = new Map<string, MergedFile>();
  let branchCount = 0;
  for (const [command, result] of Object.entries(document)) {
    const at = `command ${JSON.stringify(command)}`;
    if (!isObject(result) || !isObject(result.coverage)) {
      malformed(source.origin, `${at} must be an object with a "coverage" object`);
    }
    for (const [path, coverage] of Object.entries(result.coverage)) {
      const where = `${at}, file ${JSON.stringify(path)}`;
      const entry = fileEntry(coverage, where, source.origin);
      const key = toRepositoryPath(path, context.workspace);
      const file = merged.get(key) ?? { lines: [], branches: new Map() };
      merged.set(key, file);
      file.lines = combineLines(file.lines, entry.lines);
      branchCount += combineBranches(file.branches, entry.branches, where, source.origin);
      if (branchCount > MAX_BRANCHES_PER_REPORT) {
        throw new ReportError(
          source.origin,
          `claims more than ${MAX_BRANCHES_PER_REPORT} branches; it was not read further.`,
        );
      }
    }
  }
  const files: FileCoverage[] = [];
  for (const [path, { lines, branches }] of merged) {
    files.push(toFileCoverage(path, lines, branches, source.origin));
  }
  return { format: 'simplecov', origin: source.origin, files };
}

/**
 * `{"<command>": {"coverage": {"<path>": {"lines"` or `…: [` (before 0.18): a command
 * object whose first key is coverage, which SimpleCov always writes first.
 */
export function looksLikeSimpleCov(head: string): boolean {
  const string = String.raw`"(?:[^"\\]|\\.)*"`;
  const opening = new RegExp(
    String.raw`^\s*\{\s*${string}\s*:\s*\{\s*"coverage"\s*:\s*\{\s*(?:\}|${string}\s*:\s*(?:\[|\{\s*"lines"\s*:))`,
  );
  return opening.test(head.replace(/^\uFEFF/, ''));
}

type LineCounts = (number | null)[];
/** Condition key → branch key → hits. */
type BranchCounts = Map<string, { line: number; branches: Map<string, number> }>;

interface MergedFile {
  lines: LineCounts;
  branches: BranchCounts;
}

function malformed(origin: string, problem: string): never {
  throw new ReportError(
    origin,
    `${problem}, as SimpleCov writes coverage/.resultset.json; the report is malformed.`,
  );
}

function fileEntry(
  coverage: unknown,
  where: string,
  origin: string,
): { lines: LineCounts; branches: JsonObject } {
  const lines = Array.isArray(coverage)
    ? coverage
    : isObject(coverage)
      ? coverage.lines
      : undefined;
  if (!Array.isArray(lines)) {
    malformed(origin, `${where} must be an array of line counts or an object with a "lines" array`);
  }
  for (const [index, count] of lines.entries()) {
    if (count !== null && typeof count !== 'number') {
      malformed(origin, `${where}, line ${index + 1} must be a number or null`);
    }
  }
  const branches = isObject(coverage) ? coverage.branches : undefined;
  if (branches !== undefined && branches !== null && !isObject(branches)) {
    malformed(origin, `${where}.branches must be an object`);
  }
  return {
    lines: lines.map((count) => (typeof count === 'number' ? count : null)),
    branches: isObject(branches) ? branches : {},
  };
}

/** SimpleCov::Combine::LinesCombiner: a sum, except that 0 with "not code" stays not code. */
function combineLines(a: LineCounts, b: LineCounts): LineCounts {
  if (a.length === 0) return b;
  return Array.from({ length: Math.max(a.length, b.length) }, (_, index) => {
    const first = a[index] ?? null;
    const second = b[index] ?? null;
    const sum = (first ?? 0) + (second ?? 0);
    return sum === 0 && (first === null || second === null) ? null : sum;
  });
}

/** Adds one run's branches into the merged ones; returns how many new branches it saw. */
function combineBranches(
  merged: BranchCounts,
  branches: JsonObject,
  where: string,
  origin: string,
): number {
  let added = 0;
  for (const [condition, inner] of Object.entries(branches)) {
    const line = conditionLine(condition);
    if (!isObject(inner)) malformed(origin, `${where}, branch ${condition} must be an object`);
    if (line === undefined) continue;
    const entry = merged.get(condition) ?? { line, branches: new Map<string, number>() };
    merged.set(condition, entry);
    for (const [branch, hits] of Object.entries(inner)) {
      if (typeof hits !== 'number') {
        malformed(origin, `${where}, branch ${condition} ${branch} must be a number`);
      }
      if (!entry.branches.has(branch)) added += 1;
      entry.branches.set(branch, (entry.branches.get(branch) ?? 0) + Math.max(0, hits));
    }
  }
  return added;
}

/** "[:if, 0, 7, 6, 12, 9]" is [type, id, start line, start column, end line, end column]. */
function conditionLine(key: string): number | undefined {
  const match = /^\[\s*:?\w+\s*,\s*\d+\s*,\s*(\d+)\s*,/.exec(key);
  const line = match ? Number(match[1]) : Number.NaN;
  return Number.isSafeInteger(line) && line > 0 ? line : undefined;
}

function toFileCoverage(
  path: string,
  lines: LineCounts,
  branches: BranchCounts,
  origin: string,
): FileCoverage {
  const file = emptyFile(path);
  for (const [index, count] of lines.entries()) {
    if (count !== null) file.lines.set(index + 1, Math.max(0, count));
  }
  for (const { line, branches: inner } of branches.values()) {
    const taken = [...(file.branches.get(line) ?? []), ...inner.values()];
    if (taken.length > MAX_BRANCHES_PER_LINE) {
      throw new ReportError(
        origin,
        `claims ${taken.length} branches on line ${line} of ${path}; more than ${MAX_BRANCHES_PER_LINE} on one line is not a real report.`,
      );
    }
    file.branches.set(line, taken);
  }
  return file;
}
