import { stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { toRepositoryPath } from '../../core/reports/paths.js';
import { ReportError, type ReportSource } from '../../core/reports/source.js';
import { CappedText, ownCopy, readXmlReport } from '../../core/reports/xml-stream.js';
import type { CoverageParseContext, CoverageReport, FileCoverage } from '../model.js';

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
    const path = await resolver.resolve(filename);
    const { lines, branches, functionList } = accumulated;
    const file = { path, lines, branches, functions: functionMap(functionList) };
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

export interface FunctionEntry {
  name: string;
  line?: number;
  /** Told apart by this when a repeated name has no line. */
  signature?: string;
  hits: number;
}

/**
 * Function keys as the model wants them: the name, or name@line where a name repeats in a file
 * (overloads, constructors of nested classes). Entries that still collide keep the highest hits.
 */
export function functionMap(entries: readonly FunctionEntry[]): Map<string, number> {
  const uses = new Map<string, number>();
  for (const { name } of entries) uses.set(name, (uses.get(name) ?? 0) + 1);
  const functions = new Map<string, number>();
  for (const entry of entries) {
    let key = entry.name;
    if ((uses.get(entry.name) ?? 0) > 1) {
      key =
        entry.line !== undefined
          ? `${entry.name}@${entry.line}`
          : entry.name + (entry.signature ?? '');
    }
    keepHighest(functions, key, entry.hits);
  }
  return functions;
}

/**
 * Within one report a line listed twice (two classes over one file) is one line: its hits are
 * the higher of the two, never a sum that would claim executions twice.
 */
export function keepHighest<Key>(map: Map<Key, number>, key: Key, hits: number): void {
  const existing = map.get(key);
  if (existing === undefined || hits > existing) map.set(key, hits);
}

export function mergeBranches(
  branches: Map<number, number[]>,
  line: number,
  taken: readonly number[],
): void {
  const existing = branches.get(line) ?? [];
  const length = Math.max(existing.length, taken.length);
  branches.set(
    line,
    Array.from({ length }, (_, index) => Math.max(existing[index] ?? 0, taken[index] ?? 0)),
  );
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
export const MAX_BRANCHES_PER_LINE = 10_000;
/** Far beyond any real report; it stops a small hostile file from claiming gigabytes of branches. */
export const MAX_BRANCHES_PER_REPORT = 20_000_000;

/**
 * Turns a line's branch counts into the model's array (taken ones first, as 1), refusing counts
 * that no compiler produces, because each branch costs memory.
 */
export class BranchBudget {
  private spent = 0;

  constructor(private readonly origin: string) {}

  taken(line: number, covered: number, missed: number): number[] {
    const total = Math.floor(covered) + Math.floor(missed);
    if (total > MAX_BRANCHES_PER_LINE) {
      throw new ReportError(
        this.origin,
        `claims ${total} branches on line ${line}; more than ${MAX_BRANCHES_PER_LINE} on one line is not a real report.`,
      );
    }
    this.spent += total;
    if (this.spent > MAX_BRANCHES_PER_REPORT) {
      throw new ReportError(
        this.origin,
        `claims more than ${MAX_BRANCHES_PER_REPORT} branches; it was not read further.`,
      );
    }
    return Array.from({ length: total }, (_, index) => (index < Math.floor(covered) ? 1 : 0));
  }
}

/** Line numbers are 1-based; anything else is noise. */
export function lineNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  const number = Number(value);
  return number > 0 && Number.isSafeInteger(number) ? number : undefined;
}

/** Counts: negative, missing or unreadable values are 0, the way lcov and Codecov read them. */
export function nonNegativeNumber(value: string | undefined): number {
  const number = value === undefined ? Number.NaN : Number(value.trim());
  return Number.isFinite(number) && number > 0 ? number : 0;
}

/**
 * Cobertura filenames are relative to one of the `<source>` roots. The root that puts the file
 * inside the workspace wins; when several do (coverage.py with `source = src, scripts`), the one
 * where the file exists. When no root is inside the workspace (a report made in a container or
 * another checkout), the root's trailing folders are tried against the workspace (/app/src →
 * src/), and failing that the filename is kept as written, for path-fixes to map.
 */
class SourceRoots {
  private readonly roots: string[];

  constructor(
    roots: readonly string[],
    private readonly workspace: string,
  ) {
    this.roots = [...new Set(roots.map((root) => root.replace(/\\/g, '/')))];
  }

  async resolve(filename: string): Promise<string> {
    const plain = filename.replace(/\\/g, '/');
    if (/^(?:\/|[A-Za-z]:\/|file:)/i.test(plain)) return toRepositoryPath(plain, this.workspace);
    const inside = [
      ...new Set(
        this.roots
          .map((root) => toRepositoryPath(`${root}/${plain}`, this.workspace))
          .filter(isInsideWorkspace),
      ),
    ];
    if (inside.length === 1) return inside[0];
    if (inside.length > 1) return (await this.firstExisting(inside)) ?? inside[0];
    const relative = toRepositoryPath(plain, this.workspace);
    const guesses = this.roots.flatMap((root) =>
      trailingFolders(root).map((folders) => posix.join(folders, plain)),
    );
    return (await this.firstExisting([...guesses.filter(isInsideWorkspace), relative])) ?? relative;
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

/**
 * Istanbul/c8, JaCoCo and Cobertura itself start their reports with a DOCTYPE that only names
 * an external DTD (`<!DOCTYPE coverage SYSTEM "http://…/coverage-04.dtd">`). The XML reader
 * refuses every DOCTYPE; one without an internal subset declares no entities, and the reader
 * never fetches anything, so it is blanked out of the prologue here. A DOCTYPE with an internal
 * subset (`[…]`, where entities live) is left alone and refused as before.
 */
export function withoutExternalDtd(source: ReportSource): ReportSource {
  return {
    origin: source.origin,
    readText: (maxBytes) => source.readText(maxBytes),
    open: () => Readable.from(blankPrologueDtd(source.open())),
  };
}

/** The prologue (declaration, comments, DOCTYPE) of any real report fits in this. */
const PROLOGUE_BYTES = 4096;

const EXTERNAL_DOCTYPE = new RegExp(
  String.raw`^((?:\xEF\xBB\xBF)?\s*(?:<\?xml[^>]*\?>)?(?:\s*<!--(?:(?!-->)[\s\S])*-->)*\s*)` +
    String.raw`(<!DOCTYPE\s+[^\s>\[]+\s+(?:SYSTEM\s+(?:"[^"]*"|'[^']*')|PUBLIC\s+(?:"[^"]*"|'[^']*')\s+(?:"[^"]*"|'[^']*'))\s*>)`,
);

async function* blankPrologueDtd(stream: Readable): AsyncGenerator<Buffer> {
  let head = Buffer.alloc(0);
  let passing = false;
  for await (const chunk of stream) {
    if (passing) {
      yield chunk as Buffer;
      continue;
    }
    head = Buffer.concat([head, chunk as Buffer]);
    if (head.length < PROLOGUE_BYTES) continue;
    passing = true;
    yield blankDoctype(head);
  }
  if (!passing && head.length > 0) yield blankDoctype(head);
}

function blankDoctype(head: Buffer): Buffer {
  // latin1 maps each byte to one character, so offsets in the text are offsets in the bytes.
  const match = EXTERNAL_DOCTYPE.exec(head.toString('latin1'));
  if (!match) return head;
  const start = match[1].length;
  const blanked = Buffer.from(head);
  for (let index = start; index < start + match[2].length; index += 1) {
    // Newlines stay, so that line numbers in later messages still point at the right line.
    if (blanked[index] !== 0x0a) blanked[index] = 0x20;
  }
  return blanked;
}
