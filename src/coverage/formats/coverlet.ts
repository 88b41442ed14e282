import {
  isObject,
  readJsonReport,
  shapeProblem,
  type JsonObject,
} from '../../core/reports/json.js';
import { toRepositoryPath } from '../../core/reports/paths.js';
import { ReportError, type ReportSource } from '../../core/reports/source.js';
import type { CoverageParseContext, CoverageReport } from '../model.js';
import {
  BranchBudget,
  finishedFiles,
  keepHighest,
  mergeBranches,
  fileInProgress,
  type FileInProgress,
} from './xml-common.js';

/**
 * Coverlet's own `coverage.json` (`/p:CoverletOutputFormat=json`, the default of the msbuild and
 * console drivers): module (`Shop.dll`) → source document (an absolute path on the build
 * machine) → class → method → `{"Lines": {"<line>": hits}, "Branches": [{Line, Hits, ...}]}`.
 *
 * - A line's hits are the highest any method gives it (a lambda's lines also appear under the
 *   compiler-generated method that holds it); a document in two modules (a shared source linked
 *   into two assemblies) is one file.
 * - Each entry of `Branches` is one branch on its `Line`, taken when `Hits > 0`, as Coverlet's
 *   own summary counts them.
 * - Every method with lines is a function, run when one of its lines ran (Coverlet's method
 *   coverage); methods of one name in a file (overloads) are told apart by their first line.
 */
export async function parseCoverlet(
  source: ReportSource,
  context: CoverageParseContext,
): Promise<CoverageReport> {
  const document = await readJsonReport(source, 'Coverlet');
  if (!isObject(document)) {
    throw new ReportError(
      source.origin,
      'is not a JSON object of modules; expected Coverlet coverage.json.',
    );
  }
  const files = new Map<string, FileInProgress>();
  const budget = new BranchBudget(source.origin);
  for (const [moduleName, documents] of Object.entries(document)) {
    const moduleAt = JSON.stringify(moduleName);
    if (!isObject(documents)) malformed(source.origin, `module ${moduleAt} must be an object`);
    for (const [documentPath, classes] of Object.entries(documents)) {
      const at = `${moduleAt} → ${JSON.stringify(documentPath)}`;
      if (!isObject(classes)) malformed(source.origin, `document ${at} must be an object`);
      const path = toRepositoryPath(documentPath, context.workspace);
      const file = fileInProgress(files, path);
      // The branches of every method of this document: a line can hold branches of two methods
      // (a lambda inside an expression), and Coverlet counts both.
      const branches = new Map<number, { covered: number; missed: number }>();
      for (const [className, methods] of Object.entries(classes)) {
        if (!isObject(methods))
          malformed(source.origin, `class ${JSON.stringify(className)} in ${at} must be an object`);
        for (const [methodName, method] of Object.entries(methods)) {
          const where = `method ${JSON.stringify(methodName)} in ${at}`;
          const problem = isObject(method)
            ? shapeErrors(method, where)
            : `${where} must be an object`;
          if (problem !== undefined) malformed(source.origin, problem);
          readMethod(method as JsonObject, methodName, file, branches);
        }
      }
      // The same document in two modules is the same code: its branches merge position by position.
      for (const [line, { covered, missed }] of branches) {
        mergeBranches(file.branches, line, budget.taken(line, covered, missed));
      }
    }
  }
  return { format: 'coverlet', origin: source.origin, files: finishedFiles(files.values()) };
}

/**
 * `{"<module>.dll": {"<path>": {"<class>": {"<method>": {"Lines": …`: the first key names an
 * assembly and the first method starts with Lines, which no other JSON format has.
 */
export function looksLikeCoverlet(head: string): boolean {
  const string = String.raw`"(?:[^"\\]|\\.)*"`;
  const opening = new RegExp(
    String.raw`^\s*\{\s*"(?:[^"\\]|\\.)*\.(?:dll|exe)"\s*:\s*\{\s*${string}\s*:\s*\{\s*${string}\s*:\s*\{\s*${string}\s*:\s*\{\s*"(?:Lines|Branches)"\s*:`,
    'i',
  );
  return opening.test(head.replace(/^\uFEFF/, ''));
}

function malformed(origin: string, problem: string): never {
  throw new ReportError(
    origin,
    `${problem}, as Coverlet writes coverage.json; the report is malformed.`,
  );
}

function shapeErrors(method: JsonObject, where: string): string | undefined {
  const problem =
    shapeProblem(method.Lines, 'object', `${where}.Lines`) ??
    shapeProblem(method.Branches, 'array', `${where}.Branches`);
  if (problem !== undefined) return problem;
  for (const [line, hits] of Object.entries(isObject(method.Lines) ? method.Lines : {})) {
    const hitsProblem = shapeProblem(hits, 'number', `${where}.Lines[${JSON.stringify(line)}]`);
    if (hitsProblem !== undefined) return hitsProblem;
  }
  for (const [index, branch] of (Array.isArray(method.Branches) ? method.Branches : []).entries()) {
    const at = `${where}.Branches[${index}]`;
    if (!isObject(branch)) return `${at} must be an object`;
    const branchProblem =
      shapeProblem(branch.Line, 'number', `${at}.Line`) ??
      shapeProblem(branch.Hits, 'number', `${at}.Hits`);
    if (branchProblem !== undefined) return branchProblem;
  }
  return undefined;
}

function readMethod(
  method: JsonObject,
  name: string,
  file: FileInProgress,
  branches: Map<number, { covered: number; missed: number }>,
): void {
  let firstLine: number | undefined;
  let highest: number | undefined;
  for (const [key, value] of Object.entries(isObject(method.Lines) ? method.Lines : {})) {
    const line = positiveInteger(Number(key));
    if (line === undefined) continue;
    const hits = count(value);
    keepHighest(file.lines, line, hits);
    firstLine = Math.min(firstLine ?? line, line);
    highest = Math.max(highest ?? 0, hits);
  }
  for (const branch of Array.isArray(method.Branches) ? method.Branches : []) {
    const line = positiveInteger((branch as JsonObject).Line);
    if (line === undefined) continue;
    const tally = branches.get(line) ?? { covered: 0, missed: 0 };
    if (count((branch as JsonObject).Hits) > 0) tally.covered += 1;
    else tally.missed += 1;
    branches.set(line, tally);
  }
  // Coverlet leaves methods without lines out of its own method figures too.
  if (highest !== undefined) file.functionList.push({ name, line: firstLine, hits: highest });
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
