import {
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
 * Istanbul's `coverage-final.json` (nyc, c8, jest, vitest's istanbul and v8 providers), read as
 * istanbul-lib-coverage summarises it: a line is the start line of a statement and counts the
 * most any statement starting on it ran; functions come from fnMap/f, branches from
 * branchMap/b (each location one branch), statements from s. Files added by `--all` (`all: true`)
 * are ordinary entries with zero counts.
 */
export async function parseIstanbul(
  source: ReportSource,
  context: CoverageParseContext,
): Promise<CoverageReport> {
  const document = await readJsonReport(source, 'Istanbul coverage-final.json');
  if (!isObject(document)) {
    throw new ReportError(
      source.origin,
      'is not a JSON object of files; expected Istanbul coverage-final.json.',
    );
  }
  const files = new Map<string, FileCoverage>();
  const statements = { covered: 0, total: 0 };
  for (const [key, value] of Object.entries(document)) {
    const entry = fileEntry(value);
    if (!entry) {
      throw new ReportError(
        source.origin,
        `entry ${JSON.stringify(key)} has no statementMap/s; expected Istanbul coverage-final.json.`,
      );
    }
    const problem = shapeErrors(entry, `entry ${JSON.stringify(key)}`);
    if (problem !== undefined) {
      throw new ReportError(
        source.origin,
        `${problem}, as Istanbul writes coverage-final.json; the report is malformed.`,
      );
    }
    const path = toRepositoryPath(stringOrUndefined(entry.path) ?? key, context.workspace);
    let file = files.get(path);
    if (!file) files.set(path, (file = emptyFile(path)));
    readStatements(entry, file, statements);
    readFunctions(entry, file);
    readBranches(entry, file);
  }
  return { format: 'istanbul', origin: source.origin, files: [...files.values()], statements };
}

/** A JSON object whose first key is a file holding statementMap (the start of coverage-final.json). */
export function looksLikeIstanbul(head: string): boolean {
  return (
    /^\s*\{\s*"[^"]*"\s*:\s*\{/.test(head.replace(/^\uFEFF/, '')) && head.includes('"statementMap"')
  );
}

/** Some writers wrap each file as { data: {…} } (istanbul's own FileCoverage serialisation). */
function fileEntry(value: unknown): JsonObject | undefined {
  const entry =
    isObject(value) && isObject(value.data) && !('statementMap' in value) ? value.data : value;
  if (!isObject(entry) || !isObject(entry.statementMap) || !isObject(entry.s)) return undefined;
  return entry;
}

/** The first field of a file entry this parser reads that has the wrong type, and where. */
function shapeErrors(entry: JsonObject, where: string): string | undefined {
  const first =
    shapeProblem(entry.path, 'string', `${where}.path`) ??
    shapeProblem(entry.fnMap, 'object', `${where}.fnMap`) ??
    shapeProblem(entry.f, 'object', `${where}.f`) ??
    shapeProblem(entry.branchMap, 'object', `${where}.branchMap`) ??
    shapeProblem(entry.b, 'object', `${where}.b`);
  if (first !== undefined) return first;
  for (const [id, count] of Object.entries(entry.s as JsonObject)) {
    const problem =
      shapeProblem(count, 'number', `${where}.s[${JSON.stringify(id)}]`) ??
      shapeProblem(
        (entry.statementMap as JsonObject)[id],
        'object',
        `${where}.statementMap[${JSON.stringify(id)}]`,
      );
    if (problem !== undefined) return problem;
  }
  for (const [id, count] of Object.entries(isObject(entry.f) ? entry.f : {})) {
    const problem = shapeProblem(count, 'number', `${where}.f[${JSON.stringify(id)}]`);
    if (problem !== undefined) return problem;
  }
  for (const [id, counts] of Object.entries(isObject(entry.b) ? entry.b : {})) {
    const at = `${where}.b[${JSON.stringify(id)}]`;
    const problem = shapeProblem(counts, 'array', at);
    if (problem !== undefined) return problem;
    for (const [index, count] of (counts as unknown[]).entries()) {
      const countProblem = shapeProblem(count, 'number', `${at}[${index}]`);
      if (countProblem !== undefined) return countProblem;
    }
  }
  return undefined;
}

function readStatements(
  entry: JsonObject,
  file: FileCoverage,
  statements: { covered: number; total: number },
): void {
  const map = entry.statementMap as JsonObject;
  for (const [id, count] of Object.entries(entry.s as JsonObject)) {
    const hits = countOf(count);
    statements.total += 1;
    if (hits > 0) statements.covered += 1;
    const line = startLine(map[id]);
    if (line === undefined) continue;
    file.lines.set(line, Math.max(file.lines.get(line) ?? 0, hits));
  }
}

function readFunctions(entry: JsonObject, file: FileCoverage): void {
  if (!isObject(entry.fnMap) || !isObject(entry.f)) return;
  const map = entry.fnMap;
  const found: { name: string; line: number | undefined; hits: number }[] = [];
  for (const [id, count] of Object.entries(entry.f)) {
    const fn = map[id];
    const name = (isObject(fn) && stringOrUndefined(fn.name)) || `(anonymous_${id})`;
    const line = isObject(fn)
      ? (positive(fn.line) ?? startLine(fn.decl) ?? startLine(fn.loc))
      : undefined;
    found.push({ name, line, hits: countOf(count) });
  }
  const linesByName = new Map<string, Set<number | undefined>>();
  for (const fn of found)
    linesByName.set(fn.name, (linesByName.get(fn.name) ?? new Set()).add(fn.line));
  const used = new Set<string>();
  for (const [index, fn] of found.entries()) {
    const repeated = (linesByName.get(fn.name)?.size ?? 0) > 1;
    let key = repeated && fn.line !== undefined ? `${fn.name}@${fn.line}` : fn.name;
    // Two functions of one name on one line are still two functions.
    if (used.has(key)) key = `${key}#${index}`;
    used.add(key);
    file.functions.set(key, (file.functions.get(key) ?? 0) + fn.hits);
  }
}

function readBranches(entry: JsonObject, file: FileCoverage): void {
  if (!isObject(entry.branchMap) || !isObject(entry.b)) return;
  const map = entry.branchMap;
  for (const [id, counts] of Object.entries(entry.b)) {
    if (!Array.isArray(counts)) continue;
    const branch = map[id];
    const line = isObject(branch)
      ? (positive(branch.line) ?? startLine(branch.loc) ?? startLine(firstOf(branch.locations)))
      : undefined;
    if (line === undefined) continue;
    const taken = file.branches.get(line) ?? [];
    for (const count of counts) taken.push(countOf(count));
    file.branches.set(line, taken);
  }
}

function firstOf(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : undefined;
}

function startLine(location: unknown): number | undefined {
  return isObject(location) && isObject(location.start) ? positive(location.start.line) : undefined;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

function countOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
