import {
  isObject,
  readJsonReport,
  shapeProblem,
  type JsonObject,
} from '../../core/reports/json.js';
import { toRepositoryPath } from '../../core/reports/paths.js';
import { ReportError, type ReportSource } from '../../core/reports/source.js';
import type { CoverageParseContext, CoverageReport, FileCoverage } from '../model.js';
import { emptyFile } from '../model.js';
import { functionMap, type FunctionEntry } from './xml-common.js';

/**
 * coverage.py's `coverage json` report (6.x and 7.x; `meta.format` 2 and 3).
 *
 * - A file's coverable lines are its statements: `executed_lines` (hit once: coverage.py keeps
 *   no counts) and `missing_lines` (0). `excluded_lines` are not coverable, and coverage.py lists
 *   an excluded line that ran (a `def` marked `# pragma: no cover`) among the executed ones too.
 * - Before 7.13.1 coverage.py listed a module docstring among `executed_lines` although it is no
 *   statement (its issue 2105): when a file's executed lines exceed its own `covered_lines` by
 *   exactly one, that extra line is the first executed one and is dropped, so the totals equal
 *   the ones coverage.py printed.
 * - Branches (`--branch`) are `[from, to]` arcs: each is a branch on line `from`, taken when it
 *   is among `executed_branches`; a negative or 0 `to` is an exit from the function.
 * - Functions come from 7.x's `functions` regions: a named region ran when one of its
 *   statements ran. The region "" is the module's own code, not a function.
 * - Paths are relative to the directory coverage ran in (absolute when outside it).
 */
export async function parseCoveragePyJson(
  source: ReportSource,
  context: CoverageParseContext,
): Promise<CoverageReport> {
  const document = await readJsonReport(source, 'coverage.py');
  if (!isObject(document) || !isObject(document.meta) || !isObject(document.files)) {
    throw new ReportError(
      source.origin,
      'is not a coverage.py JSON report (expected "meta" and "files" objects, as `coverage json` writes).',
    );
  }
  const files = new Map<string, FileCoverage>();
  const statements = { covered: 0, total: 0 };
  for (const [name, value] of Object.entries(document.files)) {
    const where = `files[${JSON.stringify(name)}]`;
    const problem = isObject(value) ? shapeErrors(value, where) : `${where} must be an object`;
    if (problem !== undefined) {
      throw new ReportError(
        source.origin,
        `${problem}, as coverage.py writes its JSON report; the report is malformed.`,
      );
    }
    const entry = value as JsonObject;
    const path = toRepositoryPath(name, context.workspace);
    const file = files.get(path) ?? emptyFile(path);
    files.set(path, file);
    readLines(entry, file);
    readBranches(entry, file);
    file.functions = functionMap(functionsOf(entry));
  }
  for (const file of files.values()) {
    for (const hits of file.lines.values()) {
      statements.total += 1;
      if (hits > 0) statements.covered += 1;
    }
  }
  return {
    format: 'coveragepy-json',
    origin: source.origin,
    files: [...files.values()],
    statements,
  };
}

/**
 * `{"meta": {... "version" ...}, "files": {"<path>": {"executed_lines": ...`: coverage.py writes
 * meta first and executed_lines first in each file, so both are within the first bytes.
 */
export function looksLikeCoveragePyJson(head: string): boolean {
  return (
    /^\s*\{\s*"meta"\s*:\s*\{/.test(head.replace(/^\uFEFF/, '')) &&
    /"(?:version|format)"\s*:/.test(head) &&
    /"files"\s*:\s*\{/.test(head) &&
    /"executed_lines"\s*:/.test(head)
  );
}

const LINE_LISTS = ['executed_lines', 'missing_lines', 'excluded_lines'] as const;
const ARC_LISTS = ['executed_branches', 'missing_branches'] as const;

function shapeErrors(entry: JsonObject, where: string): string | undefined {
  for (const key of LINE_LISTS) {
    const problem = numberList(entry[key], `${where}.${key}`);
    if (problem !== undefined) return problem;
  }
  for (const key of ARC_LISTS) {
    const arcs = entry[key];
    const problem = shapeProblem(arcs, 'array', `${where}.${key}`);
    if (problem !== undefined) return problem;
    for (const [index, arc] of (Array.isArray(arcs) ? arcs : []).entries()) {
      if (!Array.isArray(arc) || arc.length !== 2 || !arc.every((n) => typeof n === 'number')) {
        return `${where}.${key}[${index}] must be a [from, to] pair of line numbers`;
      }
    }
  }
  const problem =
    shapeProblem(entry.summary, 'object', `${where}.summary`) ??
    shapeProblem(entry.functions, 'object', `${where}.functions`);
  if (problem !== undefined) return problem;
  for (const [name, region] of Object.entries(isObject(entry.functions) ? entry.functions : {})) {
    const at = `${where}.functions[${JSON.stringify(name)}]`;
    if (!isObject(region)) return `${at} must be an object`;
    for (const key of LINE_LISTS) {
      const listProblem = numberList(region[key], `${at}.${key}`);
      if (listProblem !== undefined) return listProblem;
    }
  }
  return undefined;
}

function numberList(value: unknown, where: string): string | undefined {
  const problem = shapeProblem(value, 'array', where);
  if (problem !== undefined) return problem;
  for (const [index, item] of (Array.isArray(value) ? value : []).entries()) {
    if (typeof item !== 'number') return `${where}[${index}] must be a number`;
  }
  return undefined;
}

function lineSet(value: unknown): Set<number> {
  const lines = new Set<number>();
  for (const item of Array.isArray(value) ? value : []) {
    if (typeof item === 'number' && Number.isSafeInteger(item) && item > 0) lines.add(item);
  }
  return lines;
}

/** Executed statements: executed lines that are not excluded (nor missing, which no tool writes). */
function executedStatements(entry: JsonObject): number[] {
  const excluded = lineSet(entry.excluded_lines);
  const missing = lineSet(entry.missing_lines);
  return [...lineSet(entry.executed_lines)]
    .filter((line) => !excluded.has(line) && !missing.has(line))
    .sort((a, b) => a - b);
}

function readLines(entry: JsonObject, file: FileCoverage): void {
  let executed = executedStatements(entry);
  const reported = isObject(entry.summary) ? entry.summary.covered_lines : undefined;
  // The module docstring coverage.py < 7.13.1 listed as executed (see the comment at the top).
  if (typeof reported === 'number' && executed.length === reported + 1)
    executed = executed.slice(1);
  const excluded = lineSet(entry.excluded_lines);
  for (const line of lineSet(entry.missing_lines)) {
    if (!excluded.has(line) && !file.lines.has(line)) file.lines.set(line, 0);
  }
  for (const line of executed) file.lines.set(line, 1);
}

function readBranches(entry: JsonObject, file: FileCoverage): void {
  const arcs: [number, number][] = [];
  for (const [key, taken] of [
    ['executed_branches', 1],
    ['missing_branches', 0],
  ] as const) {
    for (const arc of Array.isArray(entry[key]) ? entry[key] : []) {
      const from = (arc as number[])[0];
      if (Number.isSafeInteger(from) && from > 0) arcs.push([from, taken]);
    }
  }
  for (const [line, taken] of arcs) {
    const existing = file.branches.get(line) ?? [];
    existing.push(taken);
    file.branches.set(line, existing);
  }
}

function functionsOf(entry: JsonObject): FunctionEntry[] {
  if (!isObject(entry.functions)) return [];
  const found: FunctionEntry[] = [];
  for (const [name, value] of Object.entries(entry.functions)) {
    // "" holds the module-level code outside every function.
    if (name === '' || !isObject(value)) continue;
    const executed = executedStatements(value);
    const excluded = lineSet(value.excluded_lines);
    const missing = [...lineSet(value.missing_lines)].filter((line) => !excluded.has(line));
    // A function whose every statement is excluded is excluded itself.
    if (executed.length === 0 && missing.length === 0) continue;
    const start = value.start_line;
    const line =
      typeof start === 'number' && Number.isSafeInteger(start) && start > 0
        ? start
        : Math.min(...executed, ...missing);
    found.push({ name, line, hits: executed.length > 0 ? 1 : 0 });
  }
  return found;
}
