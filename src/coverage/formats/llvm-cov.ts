import {
  arrayOrEmpty,
  isObject,
  readJsonReport,
  shapeProblem,
  stringOrUndefined,
  type JsonObject,
} from '../../core/reports/json.js';
import { toRepositoryPath } from '../../core/reports/paths.js';
import { ReportError, type ReportSource } from '../../core/reports/source.js';
import type { CoverageParseContext, CoverageReport, FileCoverage } from '../model.js';
import { emptyFile } from '../model.js';

/**
 * `llvm-cov export -format=text` JSON (clang source-based coverage, `cargo llvm-cov --json`),
 * export versions 2.x and 3.x. Lines are derived from each file's segments exactly as
 * `llvm-cov export -format=lcov` derives its DA records (LineCoverageStats in llvm's
 * CoverageMapping.cpp), so both exports of one run give the same lines. Functions come from
 * `functions[]`, grouped by start location as llvm-cov groups template instantiations; branches
 * from each file's `branches` (a true and a false count per branch region).
 */
export async function parseLlvmCov(
  source: ReportSource,
  context: CoverageParseContext,
): Promise<CoverageReport> {
  const document = await readJsonReport(source, 'llvm-cov export');
  if (!isObject(document) || document.type !== EXPORT_TYPE || !Array.isArray(document.data)) {
    throw new ReportError(
      source.origin,
      `is not llvm-cov export JSON (expected "type": "${EXPORT_TYPE}" and a "data" array).`,
    );
  }
  const problem = shapeErrors(document.data);
  if (problem !== undefined) {
    throw new ReportError(
      source.origin,
      `is not llvm-cov export JSON: ${problem}, as llvm-cov export writes it.`,
    );
  }
  const files = new Map<string, FileCoverage>();
  for (const export_ of document.data) {
    if (!isObject(export_)) continue;
    for (const entry of arrayOrEmpty(export_.files)) {
      if (!isObject(entry)) continue;
      const filename = stringOrUndefined(entry.filename);
      if (filename === undefined) {
        throw new ReportError(source.origin, 'has a file entry without "filename".');
      }
      const path = toRepositoryPath(filename, context.workspace);
      let file = files.get(path);
      if (!file) files.set(path, (file = emptyFile(path)));
      readLines(entry, file, source.origin);
      readBranches(entry, file);
    }
    readFunctions(arrayOrEmpty(export_.functions), files, context.workspace);
  }
  return { format: 'llvm-cov', origin: source.origin, files: [...files.values()] };
}

const EXPORT_TYPE = 'llvm.coverage.json.export';

/** The first field this parser reads that has the wrong type, with where it is. */
function shapeErrors(data: unknown[]): string | undefined {
  for (const [index, export_] of data.entries()) {
    const where = `data[${index}]`;
    if (!isObject(export_)) return `${where} must be an object`;
    const first =
      shapeProblem(export_.files, 'array', `${where}.files`) ??
      shapeProblem(export_.functions, 'array', `${where}.functions`);
    if (first !== undefined) return first;
    for (const [at, entry] of arrayOrEmpty(export_.files).entries()) {
      const file = `${where}.files[${at}]`;
      if (!isObject(entry)) return `${file} must be an object`;
      const problem =
        shapeProblem(entry.segments, 'array', `${file}.segments`) ??
        shapeProblem(entry.branches, 'array', `${file}.branches`) ??
        arrayItems(entry.branches, 'array', `${file}.branches`);
      if (problem !== undefined) return problem;
    }
    for (const [at, fn] of arrayOrEmpty(export_.functions).entries()) {
      const at_ = `${where}.functions[${at}]`;
      if (!isObject(fn)) return `${at_} must be an object`;
      const problem =
        shapeProblem(fn.name, 'string', `${at_}.name`) ??
        shapeProblem(fn.count, 'number', `${at_}.count`) ??
        shapeProblem(fn.filenames, 'array', `${at_}.filenames`) ??
        arrayItems(fn.filenames, 'string', `${at_}.filenames`) ??
        shapeProblem(fn.regions, 'array', `${at_}.regions`) ??
        arrayItems(fn.regions, 'array', `${at_}.regions`);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

function arrayItems(list: unknown, type: 'array' | 'string', where: string): string | undefined {
  for (const [index, item] of arrayOrEmpty(list).entries()) {
    const at = `${where}[${index}]`;
    // Inside a list, null is not "absent": it is an item of the wrong type.
    if (item === null) return `${at} must be ${type === 'array' ? 'an array' : 'a string'}`;
    const problem = shapeProblem(item, type, at);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

export function looksLikeLlvmCov(head: string): boolean {
  return head.includes(`"${EXPORT_TYPE}"`);
}

interface Segment {
  line: number;
  column: number;
  count: number;
  hasCount: boolean;
  isRegionEntry: boolean;
  isGapRegion: boolean;
}

/** Line numbers beyond this are not source a compiler saw; refusing them bounds memory. */
const MAX_LINE = 10_000_000;

function readLines(entry: JsonObject, file: FileCoverage, origin: string): void {
  const segments: Segment[] = [];
  for (const raw of arrayOrEmpty(entry.segments)) {
    const segment = segmentOf(raw);
    if (!segment) {
      throw new ReportError(
        origin,
        `has a malformed segment ${JSON.stringify(raw)?.slice(0, 80)}.`,
      );
    }
    if (segment.line > MAX_LINE) {
      throw new ReportError(
        origin,
        `has a segment on line ${segment.line}, which is not plausible.`,
      );
    }
    segments.push(segment);
  }
  segments.sort((a, b) => a.line - b.line || a.column - b.column);
  for (const [line, count] of lineCounts(segments)) {
    file.lines.set(line, (file.lines.get(line) ?? 0) + count);
  }
}

/**
 * Walks the lines the way llvm's LineCoverageIterator does. A line is mapped (coverable) unless a
 * skipped region (#if 0, a comment-only region) starts it, when a counted region starts on it or
 * a counted region runs into it from an earlier line (the wrapped segment: the last segment of
 * the nearest earlier line that has segments). Its count is the largest of the wrapped count and
 * the counts of non-gap regions starting on it. Lines after the last segment are not mapped.
 * This is the rule of the llvm-cov releases Debian and most CI images ship (14–18); later
 * releases also map a line on which any counted region starts (gap regions included), which
 * differs only on rare lines and is not followed here.
 */
export function lineCounts(segments: readonly Segment[]): Map<number, number> {
  const counts = new Map<number, number>();
  let wrapped: Segment | undefined;
  let index = 0;
  let line = 1;
  while (index < segments.length) {
    const onLine: Segment[] = [];
    while (index < segments.length && segments[index]!.line <= line)
      onLine.push(segments[index++]!);
    const stats = lineStats(onLine, wrapped);
    if (stats !== undefined) counts.set(line, stats);
    if (onLine.length > 0) wrapped = onLine[onLine.length - 1];
    line += 1;
    if (index >= segments.length) break;
    // Lines without segments all read the wrapped segment alone: no need to step through a gap.
    const next = segments[index]!.line;
    if (next > line && wrapped?.hasCount) {
      for (; line < next; line += 1) counts.set(line, wrapped.count);
    } else if (next > line) {
      line = next;
    }
  }
  return counts;
}

function lineStats(onLine: readonly Segment[], wrapped: Segment | undefined): number | undefined {
  const starts = onLine.filter((s) => !s.isGapRegion && s.hasCount && s.isRegionEntry);
  const first = onLine[0];
  const startsSkippedRegion = first !== undefined && !first.hasCount && first.isRegionEntry;
  const mapped = !startsSkippedRegion && ((wrapped?.hasCount ?? false) || starts.length > 0);
  if (!mapped) return undefined;
  let count = wrapped?.count ?? 0;
  for (const start of starts) count = Math.max(count, start.count);
  return count;
}

/** [Line, Col, Count, HasCount, IsRegionEntry, IsGapRegion]; the gap flag is absent before 2.0.1. */
function segmentOf(raw: unknown): Segment | undefined {
  if (!Array.isArray(raw) || raw.length < 5) return undefined;
  const [line, column, count, hasCount, isRegionEntry, isGapRegion] = raw as unknown[];
  if (!isPositiveInteger(line) || typeof column !== 'number' || typeof count !== 'number') {
    return undefined;
  }
  return {
    line,
    column,
    count: count > 0 ? count : 0,
    hasCount: hasCount === true,
    isRegionEntry: isRegionEntry === true,
    isGapRegion: isGapRegion === true,
  };
}

/** [LineStart, ColStart, LineEnd, ColEnd, ExecutionCount, FalseExecutionCount, FileID, …]. */
function readBranches(entry: JsonObject, file: FileCoverage): void {
  for (const raw of arrayOrEmpty(entry.branches)) {
    if (!Array.isArray(raw) || raw.length < 6) continue;
    const [line, , , , trueCount, falseCount] = raw as unknown[];
    if (!isPositiveInteger(line)) continue;
    const taken = file.branches.get(line) ?? [];
    taken.push(countOf(trueCount), countOf(falseCount));
    file.branches.set(line, taken);
  }
}

interface FunctionGroup {
  name: string;
  line: number;
  hits: number;
}

/**
 * A function belongs to the file of its main view (the first of its files that no expansion
 * region expands into). Instantiations of one template or generic start at the same place and
 * count as one function, hit when any of them ran, as in llvm-cov's own function totals.
 */
function readFunctions(
  functions: readonly unknown[],
  files: Map<string, FileCoverage>,
  workspace: string,
): void {
  const groups = new Map<FileCoverage, Map<string, FunctionGroup>>();
  for (const fn of functions) {
    if (!isObject(fn)) continue;
    const name = stringOrUndefined(fn.name);
    const filenames = arrayOrEmpty(fn.filenames);
    const regions = arrayOrEmpty(fn.regions).filter(Array.isArray) as unknown[][];
    const main = mainFileId(regions, filenames.length);
    const filename = main === undefined ? undefined : stringOrUndefined(filenames[main]);
    const start = regions.find((region) => region[5] === main);
    if (name === undefined || filename === undefined || !start || !isPositiveInteger(start[0])) {
      continue;
    }
    const file = files.get(toRepositoryPath(filename, workspace));
    if (!file) continue; // its file was left out of the export (-ignore-filename-regex)
    let inFile = groups.get(file);
    if (!inFile) groups.set(file, (inFile = new Map()));
    const location = `${start[0]}:${String(start[1])}`;
    const group = inFile.get(location);
    if (group) group.hits += countOf(fn.count);
    else inFile.set(location, { name, line: start[0], hits: countOf(fn.count) });
  }
  for (const [file, inFile] of groups) {
    const lines = new Map<string, Set<number>>();
    for (const group of inFile.values()) {
      lines.set(group.name, (lines.get(group.name) ?? new Set()).add(group.line));
    }
    for (const group of inFile.values()) {
      const repeated = (lines.get(group.name)?.size ?? 0) > 1;
      const key = repeated ? `${group.name}@${group.line}` : group.name;
      file.functions.set(key, (file.functions.get(key) ?? 0) + group.hits);
    }
  }
}

/** Region = [LineStart, ColStart, LineEnd, ColEnd, Count, FileID, ExpandedFileID, Kind]. */
function mainFileId(regions: readonly unknown[][], fileCount: number): number | undefined {
  const expanded = new Set<unknown>();
  for (const region of regions) if (region[7] === EXPANSION_REGION) expanded.add(region[6]);
  for (let id = 0; id < fileCount; id += 1) if (!expanded.has(id)) return id;
  return undefined;
}

const EXPANSION_REGION = 1;

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function countOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
