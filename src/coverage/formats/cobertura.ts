import { stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { toRepositoryPath } from '../../core/reports/paths.js';
import { ReportError, type ReportSource } from '../../core/reports/source.js';
import { CappedText, ownCopy, readXmlReport } from '../../core/reports/xml-stream.js';
import type { CoverageParseContext, CoverageReport, FileCoverage } from '../model.js';
import {
  BranchBudget,
  functionMap,
  keepHighest,
  lineNumber,
  mergeBranches,
  nonNegativeNumber,
  withoutExternalDtd,
  type FunctionEntry,
} from './xml-common.js';

/**
 * Cobertura XML (coverage-04.dtd) as coverage.py, Istanbul/c8, gcovr, Coverlet and Cobertura
 * itself write it. Only `class/lines/line` is read: the same lines appear again under
 * `method/lines`, and counting both would count them twice. Many `<class>` elements may name
 * one `filename` (inner and compiler-generated classes), so classes are merged by file. The
 * rate attributes are ignored: coverage.py writes branch-rate="0" when branches were not
 * measured at all.
 *
 * Branches: `condition-coverage="50% (1/2)"` says how many of a line's branches were taken, not
 * which, so the line gets `total` branches of which the first `covered` count as taken once.
 *
 * Functions: Cobertura's `<method>` has no hit count of its own, only a line-rate. A method
 * counts as run when any of its lines ran (its hit count is the highest of its lines), which for
 * Istanbul/c8 is exactly the function's call count (their method has one line, the declaration);
 * without lines, line-rate > 0 decides. coverage.py writes no methods at all.
 */

export function looksLikeCobertura(head: string): boolean {
  if (looksLikeCloverHead(head)) return false;
  if (/<coverage\b[^>]*\b(?:line-rate|lines-valid|branch-rate)\s*=/.test(head)) return true;
  return /<coverage\b/.test(head) && /<(?:sources|packages)\b/.test(head);
}

function looksLikeCloverHead(head: string): boolean {
  return /<coverage\b[^>]*\b(?:generated|clover)\s*=/.test(head) || /<project\b/.test(head);
}

export async function parseCobertura(
  source: ReportSource,
  context: CoverageParseContext,
): Promise<CoverageReport> {
  const reader = new CoberturaReader(context.origin);
  await readXmlReport(
    withoutExternalDtd(source),
    { origin: context.origin, formatName: 'Cobertura', roots: ['coverage'] },
    reader,
  );
  const files = new Map<string, FileCoverage>();
  const resolver = new SourceRoots(reader.roots, context.workspace);
  for (const [filename, accumulated] of reader.files) {
    const { path, reportedPath } = await resolver.resolve(filename);
    const { lines, branches, functionList } = accumulated;
    const file: FileCoverage = { path, lines, branches, functions: functionMap(functionList) };
    if (reportedPath !== undefined) file.reportedPath = reportedPath;
    const existing = files.get(path);
    if (existing) mergeInto(existing, file);
    else files.set(path, file);
  }
  return { format: 'cobertura', origin: context.origin, files: [...files.values()] };
}

interface MethodInProgress {
  name: string;
  signature: string;
  lineRate: number;
  firstLine?: number;
  highestHits?: number;
}

interface FileInProgress {
  lines: Map<number, number>;
  branches: Map<number, number[]>;
  functionList: FunctionEntry[];
}

interface ClassInProgress {
  filename: string;
  sawClassLines: boolean;
  /** Used only when the class lists no lines of its own (a few writers put them under methods). */
  methodLines: Map<number, number>;
}

class CoberturaReader {
  readonly roots: string[] = [];
  /** Keyed by the filename as written; resolved against the source roots once all are known. */
  readonly files = new Map<string, FileInProgress>();
  private readonly stack: string[] = [];
  private sourceText?: CappedText;
  private currentClass?: ClassInProgress;
  private currentMethod?: MethodInProgress;
  private readonly branchBudget: BranchBudget;

  constructor(private readonly origin: string) {
    this.branchBudget = new BranchBudget(origin);
  }

  open({ name, attributes }: { name: string; attributes: Record<string, string> }): void {
    const parent = this.stack.at(-1);
    this.stack.push(name);
    if (name === 'project' && parent === 'coverage') {
      throw new ReportError(
        this.origin,
        'is a Clover report (<coverage><project>), not Cobertura; set format: clover.',
      );
    }
    if (name === 'source' && parent === 'sources') this.sourceText = new CappedText();
    else if (name === 'class') this.openClass(attributes);
    else if (name === 'method' && this.currentClass) this.openMethod(attributes);
    else if (name === 'line' && this.currentClass) this.readLine(attributes, parent);
  }

  close(name: string): void {
    this.stack.pop();
    if (name === 'source' && this.sourceText) {
      const root = this.sourceText.value();
      if (root !== '') this.roots.push(root);
      this.sourceText = undefined;
    } else if (name === 'method' && this.currentMethod) {
      this.closeMethod(this.currentMethod);
      this.currentMethod = undefined;
    } else if (name === 'class' && this.currentClass) {
      this.closeClass(this.currentClass);
      this.currentClass = undefined;
    }
  }

  text(text: string): void {
    this.sourceText?.append(text);
  }

  private openClass(attributes: Record<string, string>): void {
    const filename = (attributes.filename ?? '').trim();
    // A class without a filename cannot be put anywhere in the repository.
    if (filename === '') return;
    this.currentClass = {
      filename: ownCopy(filename),
      sawClassLines: false,
      methodLines: new Map(),
    };
  }

  private openMethod(attributes: Record<string, string>): void {
    this.currentMethod = {
      name: ownCopy(attributes.name ?? '(anonymous)'),
      signature: ownCopy(attributes.signature ?? ''),
      lineRate: nonNegativeNumber(attributes['line-rate']),
    };
  }

  private readLine(attributes: Record<string, string>, parent: string | undefined): void {
    const number = lineNumber(attributes.number);
    if (number === undefined || parent !== 'lines' || !this.currentClass) return;
    const hits = nonNegativeNumber(attributes.hits);
    const method = this.currentMethod;
    if (method) {
      method.firstLine = Math.min(method.firstLine ?? number, number);
      method.highestHits = Math.max(method.highestHits ?? 0, hits);
      keepHighest(this.currentClass.methodLines, number, hits);
      return;
    }
    this.currentClass.sawClassLines = true;
    const file = this.fileFor(this.currentClass.filename);
    keepHighest(file.lines, number, hits);
    const branches = conditionCoverage(attributes['condition-coverage']);
    if (branches) {
      const taken = this.branchBudget.taken(
        number,
        branches.covered,
        branches.total - branches.covered,
      );
      mergeBranches(file.branches, number, taken);
    }
  }

  private closeMethod(method: MethodInProgress): void {
    if (!this.currentClass) return;
    const hits = method.highestHits ?? (method.lineRate > 0 ? 1 : 0);
    this.fileFor(this.currentClass.filename).functionList.push({
      name: method.name,
      line: method.firstLine,
      signature: method.signature,
      hits,
    });
  }

  private closeClass(current: ClassInProgress): void {
    const file = this.fileFor(current.filename);
    if (!current.sawClassLines) {
      for (const [line, hits] of current.methodLines) keepHighest(file.lines, line, hits);
    }
  }

  private fileFor(filename: string): FileInProgress {
    let file = this.files.get(filename);
    if (!file) {
      file = { lines: new Map(), branches: new Map(), functionList: [] };
      this.files.set(filename, file);
    }
    return file;
  }
}

function mergeInto(target: FileCoverage, other: FileCoverage): void {
  for (const [line, hits] of other.lines) keepHighest(target.lines, line, hits);
  for (const [line, taken] of other.branches) mergeBranches(target.branches, line, taken);
  for (const [key, hits] of other.functions) keepHighest(target.functions, key, hits);
}

/** "50% (1/2)" → 1 of 2; the percentage alone ("100%", the DTD's default) says nothing usable. */
function conditionCoverage(
  value: string | undefined,
): { covered: number; total: number } | undefined {
  const match = value === undefined ? null : /\(\s*(\d+)\s*\/\s*(\d+)\s*\)/.exec(value);
  if (!match) return undefined;
  const total = Number(match[2]);
  if (total === 0) return undefined;
  return { covered: Math.min(Number(match[1]), total), total };
}

/** No real line has this many branches; a switch over every Unicode block has a few hundred. */

/**
 * Cobertura filenames are relative to one of the `<source>` roots. The root that puts the file
 * inside the workspace wins; when several do (coverage.py with `source = src, scripts`), the one
 * where the file exists. When no root is inside the workspace (a report made in a container or
 * another checkout), the root's trailing folders are tried against the workspace (/app/src →
 * src/), and failing that the filename is kept as written. Either way the root joined with the
 * filename (/app/svc/calc.py) is kept as the file's reportedPath, the path path-fixes match first,
 * so /app=backend maps it even where the guess found svc/calc.py in two places.
 */
class SourceRoots {
  private readonly roots: string[];

  constructor(
    roots: readonly string[],
    private readonly workspace: string,
  ) {
    this.roots = [...new Set(roots.map((root) => root.replace(/\\/g, '/')))];
  }

  async resolve(filename: string): Promise<{ path: string; reportedPath?: string }> {
    const plain = filename.replace(/\\/g, '/');
    if (/^(?:\/|[A-Za-z]:\/|file:)/i.test(plain)) {
      return { path: toRepositoryPath(plain, this.workspace) };
    }
    const inside = [
      ...new Set(
        this.roots
          .map((root) => toRepositoryPath(`${root}/${plain}`, this.workspace))
          .filter(isInsideWorkspace),
      ),
    ];
    if (inside.length === 1) return { path: inside[0] };
    if (inside.length > 1) return { path: (await this.firstExisting(inside)) ?? inside[0] };
    const relative = toRepositoryPath(plain, this.workspace);
    const guesses = this.roots.flatMap((root) =>
      trailingFolders(root).map((folders) => ({ root, path: posix.join(folders, plain) })),
    );
    const found = await this.firstExisting(
      guesses.map(({ path }) => path).filter(isInsideWorkspace),
    );
    // The root the file was found under; with one root, that one. With several and no file
    // found, which root the report meant is unknown, so there is nothing to keep.
    const root = found
      ? guesses.find(({ path }) => path === found)?.root
      : this.roots.length === 1
        ? this.roots[0]
        : undefined;
    const reportedPath =
      root === undefined ? undefined : `${root.replace(/\/+$/, '')}/${plain.replace(/^\.\//, '')}`;
    return { path: found ?? relative, reportedPath };
  }

  private async firstExisting(paths: readonly string[]): Promise<string | undefined> {
    for (const path of paths) {
      const found = await stat(join(this.workspace, path)).then(
        (stats) => stats.isFile(),
        () => false,
      );
      if (found) return path;
    }
    return undefined;
  }
}

/** "/app/src/main" → ["app/src/main", "src/main", "main"]: longest first. */
function trailingFolders(root: string): string[] {
  const folders = root
    .replace(/^[A-Za-z]:/, '')
    .split('/')
    .filter((part) => part !== '' && part !== '.');
  return folders.map((_, index) => folders.slice(index).join('/'));
}

function isInsideWorkspace(path: string): boolean {
  return !(path === '..' || path.startsWith('../') || /^(?:\/|[A-Za-z]:\/)/.test(path));
}
