/** What the XML coverage formats (Cobertura, JaCoCo, Clover) share: functions, branches, numbers, DTDs. */
import { Readable } from 'node:stream';
import { ReportError, type ReportSource } from '../../core/reports/source.js';
import type { FileCoverage } from '../model.js';

/** A file while its report is read: functions are keyed only once every entry is known. */
export type FileInProgress = FileCoverage & { functionList: FunctionEntry[] };

/** The file being read at `path`, created empty on first sight. */
export function fileInProgress(files: Map<string, FileInProgress>, path: string): FileInProgress {
  let file = files.get(path);
  if (!file) {
    file = { path, lines: new Map(), branches: new Map(), functions: new Map(), functionList: [] };
    files.set(path, file);
  }
  return file;
}

export function finishedFiles(files: Iterable<FileInProgress>): FileCoverage[] {
  return [...files].map(({ path, lines, branches, functionList }) => ({
    path,
    lines,
    branches,
    functions: functionMap(functionList),
  }));
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
