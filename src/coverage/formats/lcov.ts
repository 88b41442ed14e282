import { StringDecoder } from 'node:string_decoder';
import { toRepositoryPath } from '../../core/reports/paths.js';
import { ReportError, type ReportSource } from '../../core/reports/source.js';
import { ownCopy } from '../../core/reports/xml-stream.js';
import type { CoverageParseContext, CoverageReport, FileCoverage } from '../model.js';
import { emptyFile } from '../model.js';

/**
 * LCOV tracefiles (lcov 1.x and 2.x, and every tool that writes them: c8, llvm-cov, grcov,
 * cargo llvm-cov, coverage.py). Read line by line from the stream, so a tracefile of any size
 * costs only what its coverage needs. Totals are rebuilt from DA, FN/FNDA, FNL/FNA and BRDA;
 * the summary records (LF/LH, FNF/FNH, BRF/BRH) are ignored as lcov itself ignores them.
 * The same SF in several records (one per test name, or concatenated tracefiles) is summed,
 * as `lcov -a` does.
 */
export async function parseLcov(
  source: ReportSource,
  context: CoverageParseContext,
): Promise<CoverageReport> {
  const reader = new LcovReader(source.origin, context.workspace);
  await forEachLine(source, (line, lineNumber) => reader.read(line, lineNumber));
  return { format: 'lcov', origin: source.origin, files: reader.finish() };
}

/** The first record of a tracefile, possibly after a test name or blank lines. */
export function looksLikeLcov(head: string): boolean {
  return /^(?:\uFEFF)?(?:\s*\n)*(?:TN:[^\n]*\n(?:\s*\n)*)?SF:\S/.test(head.replace(/\r/g, ''));
}

/** One line of any line-oriented report longer than this is not a plausible record. */
export const MAX_REPORT_LINE_CHARS = 4 * 1024 * 1024;

/**
 * Calls `onLine` for each line of the report (without its line break), streaming: only the
 * current chunk and one unfinished line are held. A line longer than MAX_REPORT_LINE_CHARS is a
 * ReportError (a binary file, or a hostile one).
 */
export async function forEachLine(
  source: ReportSource,
  onLine: (line: string, lineNumber: number) => void,
): Promise<void> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let lineNumber = 0;
  const emit = (text: string, final: boolean): void => {
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      lineNumber += 1;
      onLine(withoutCarriageReturn(text.slice(start, end)), lineNumber);
      start = end + 1;
    }
    pending = text.slice(start);
    if (pending.length > MAX_REPORT_LINE_CHARS) {
      throw new ReportError(
        source.origin,
        `line ${lineNumber + 1} is longer than ${MAX_REPORT_LINE_CHARS} characters; this is not a line-oriented coverage report.`,
      );
    }
    if (final && pending !== '') {
      lineNumber += 1;
      onLine(withoutCarriageReturn(pending), lineNumber);
    }
  };
  const stream = source.open();
  try {
    for await (const chunk of stream) {
      const text = typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
      emit(pending + text, false);
    }
  } catch (error) {
    stream.destroy();
    if (error instanceof ReportError) throw error;
    throw new ReportError(source.origin, `could not be read: ${(error as Error).message}`);
  }
  emit(pending + decoder.end(), true);
}

function withoutCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** What one SF … end_of_record record says, before it is folded into the file it names. */
interface LcovRecord {
  path: string;
  lines: Map<number, number>;
  /** Line → branch id ("block,branch") → taken, in the order the record lists them. */
  branches: Map<number, Map<string, number>>;
  /** Function name → start line and hit count (old FN/FNDA records). */
  functions: Map<string, { line?: number; hits: number }>;
  /** FNL index → start line, and the names and counts FNA gives it (lcov ≥ 2.2). */
  functionGroups: Map<string, { line: number; names: string[]; hits: number }>;
}

/** Records that carry nothing the totals need (their figures are recomputed, or not modelled). */
const IGNORED_RECORDS = new Set([
  'TN',
  'VER',
  'FNF',
  'FNH',
  'LF',
  'LH',
  'BRF',
  'BRH',
  'MCDC',
  'MCF',
  'MCH',
]);

/** A file as the records so far describe it; branch ids are kept so that records merge by id. */
interface FileAccumulator {
  file: FileCoverage;
  branchIds: Map<number, Map<string, number>>;
}

class LcovReader {
  private readonly files = new Map<string, FileAccumulator>();
  private record: LcovRecord | undefined;
  private sawRecord = false;

  constructor(
    private readonly origin: string,
    private readonly workspace: string,
  ) {}

  read(line: string, lineNumber: number): void {
    const text = lineNumber === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
    const colon = text.indexOf(':');
    const key = colon > 0 ? text.slice(0, colon) : '';
    // DA and BRDA are nearly every line of a tracefile: they go first, without any regex.
    if (isDetailRecord(key)) {
      if (!this.record) {
        throw new ReportError(
          this.origin,
          `line ${lineNumber}: ${key} record outside an SF section.`,
        );
      }
      this.readDetail(this.record, key, text.slice(colon + 1), lineNumber);
      return;
    }
    if (key === 'SF') {
      // A missing end_of_record between two files is tolerated; only one at the very end is not.
      if (this.record) this.closeRecord();
      this.openRecord(text.slice(colon + 1), lineNumber);
      return;
    }
    if (IGNORED_RECORDS.has(key)) return;
    const trimmed = text.trim();
    if (trimmed === 'end_of_record') {
      this.closeRecord();
      return;
    }
    if (trimmed === '') return;
    // Records a newer lcov may add are skipped; anything not shaped like a record is not LCOV.
    if (!/^[A-Z][A-Z_]*$/.test(key)) {
      throw new ReportError(
        this.origin,
        `line ${lineNumber} is not an LCOV record (expected KEY:value or end_of_record): ${quote(text)}`,
      );
    }
  }

  finish(): FileCoverage[] {
    if (this.record) {
      throw new ReportError(
        this.origin,
        `ends inside the record for ${quote(this.record.path)} without end_of_record; the tracefile is truncated.`,
      );
    }
    if (!this.sawRecord) {
      throw new ReportError(this.origin, 'contains no LCOV records (no SF: line).');
    }
    return [...this.files.values()].map(({ file, branchIds }) => {
      for (const [line, byId] of branchIds) file.branches.set(line, [...byId.values()]);
      return file;
    });
  }

  private openRecord(path: string, lineNumber: number): void {
    if (path.trim() === '') {
      throw new ReportError(this.origin, `line ${lineNumber}: SF record without a path.`);
    }
    this.sawRecord = true;
    this.record = {
      // Kept strings are copied: a slice would pin the whole chunk it was cut from.
      path: ownCopy(toRepositoryPath(path.trim(), this.workspace)),
      lines: new Map(),
      branches: new Map(),
      functions: new Map(),
      functionGroups: new Map(),
    };
  }

  private readDetail(record: LcovRecord, key: string, value: string, lineNumber: number): void {
    const malformed = (): ReportError =>
      new ReportError(this.origin, `line ${lineNumber}: malformed ${key} record ${quote(value)}.`);
    switch (key) {
      case 'DA': {
        // DA:<line>,<count>[,<checksum>]
        const comma = value.indexOf(',');
        const line = comma > 0 ? lineNumberOf(value.slice(0, comma)) : undefined;
        const next = value.indexOf(',', comma + 1);
        const count = countOf(value.slice(comma + 1, next === -1 ? undefined : next));
        if (line === undefined || count === undefined) throw malformed();
        if (line === 0) return; // some generators write DA:0 for code without a line
        record.lines.set(line, (record.lines.get(line) ?? 0) + count);
        return;
      }
      case 'BRDA': {
        // BRDA:<line>,[e][f][U]<block>,<branch>,<taken>; <branch> may itself contain commas.
        const first = value.indexOf(',');
        const second = value.indexOf(',', first + 1);
        const last = value.lastIndexOf(',');
        const line = lineNumberOf(value.slice(0, Math.max(first, 0)));
        if (line === undefined || second === -1 || last === second) throw malformed();
        const takenText = value.slice(last + 1).trim();
        const taken = takenText === '-' ? 0 : countOf(takenText);
        if (taken === undefined) throw malformed();
        const id = keptString(value.slice(first + 1, last));
        let onLine = record.branches.get(line);
        if (!onLine) record.branches.set(line, (onLine = new Map()));
        onLine.set(id, (onLine.get(id) ?? 0) + taken);
        return;
      }
      case 'FN': {
        // FN:<start>,[<end>,]<name>; names (C++ signatures) may contain commas.
        const match = /^\s*(\d+)\s*,(?:\s*(\d+)\s*,)?(.+)$/.exec(value);
        if (!match) throw malformed();
        const name = match[3]!;
        const known = record.functions.get(name);
        if (known) known.line ??= Number(match[1]);
        else record.functions.set(keptString(name), { line: Number(match[1]), hits: 0 });
        return;
      }
      case 'FNDA': {
        const comma = value.indexOf(',');
        const hits = comma > 0 ? countOf(value.slice(0, comma)) : undefined;
        const name = value.slice(comma + 1);
        if (hits === undefined || name === '') throw malformed();
        const known = record.functions.get(name);
        if (known) known.hits += hits;
        else record.functions.set(keptString(name), { hits });
        return;
      }
      case 'FNL': {
        // FNL:<index>,<start>[,<end>]
        const [index, startText] = value.split(',');
        const start = lineNumberOf(startText);
        if (index === undefined || index.trim() === '' || start === undefined) throw malformed();
        if (!record.functionGroups.has(index.trim())) {
          record.functionGroups.set(index.trim(), { line: start, names: [], hits: 0 });
        }
        return;
      }
      case 'FNA': {
        // FNA:<index>,<count>,<name>; a group is hit when any of its aliases is.
        const first = value.indexOf(',');
        const second = value.indexOf(',', first + 1);
        if (first <= 0 || second === -1) throw malformed();
        const group = record.functionGroups.get(value.slice(0, first).trim());
        const hits = countOf(value.slice(first + 1, second));
        if (!group || hits === undefined) throw malformed();
        group.names.push(keptString(value.slice(second + 1)));
        group.hits += hits;
        return;
      }
    }
  }

  private closeRecord(): void {
    const record = this.record;
    if (!record) return; // a stray end_of_record closes nothing
    this.record = undefined;
    let accumulator = this.files.get(record.path);
    if (!accumulator) {
      accumulator = { file: emptyFile(record.path), branchIds: new Map() };
      this.files.set(record.path, accumulator);
    }
    const { file, branchIds } = accumulator;
    for (const [line, hits] of record.lines)
      file.lines.set(line, (file.lines.get(line) ?? 0) + hits);
    for (const [line, byId] of record.branches) {
      const existing = branchIds.get(line);
      if (!existing) {
        branchIds.set(line, byId);
        continue;
      }
      for (const [id, taken] of byId) existing.set(id, (existing.get(id) ?? 0) + taken);
    }
    for (const [key, hits] of functionHits(record)) {
      file.functions.set(key, (file.functions.get(key) ?? 0) + hits);
    }
  }
}

function isDetailRecord(key: string): boolean {
  return (
    key === 'DA' ||
    key === 'BRDA' ||
    key === 'FN' ||
    key === 'FNDA' ||
    key === 'FNL' ||
    key === 'FNA'
  );
}

/** Function keys: the name, or name@line when one name is listed at several start lines. */
function functionHits(record: LcovRecord): Map<string, number> {
  const entries: { name: string; line?: number; hits: number }[] = [];
  for (const [name, fn] of record.functions) entries.push({ name, line: fn.line, hits: fn.hits });
  for (const group of record.functionGroups.values()) {
    // A group FNA never named is still a function lcov counts; its start line names it.
    entries.push({
      name: group.names[0] ?? `line ${group.line}`,
      line: group.line,
      hits: group.hits,
    });
  }
  const lines = new Map<string, Set<number | undefined>>();
  for (const entry of entries) {
    const seen = lines.get(entry.name) ?? new Set();
    seen.add(entry.line);
    lines.set(entry.name, seen);
  }
  const hits = new Map<string, number>();
  for (const entry of entries) {
    const repeated = (lines.get(entry.name)?.size ?? 0) > 1;
    const key = repeated && entry.line !== undefined ? `${entry.name}@${entry.line}` : entry.name;
    hits.set(key, (hits.get(key) ?? 0) + entry.hits);
  }
  return hits;
}

/** V8 copies short slices anyway; longer ones would keep their whole chunk alive. */
function keptString(text: string): string {
  return text.length < 13 ? text : ownCopy(text);
}

function lineNumberOf(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const line = Number(text);
  return Number.isInteger(line) && line >= 0 && /^\s*\d+\s*$/.test(text) ? line : undefined;
}

/** Counts as tools write them: integers, `1e+0`, and negatives (a known gcov bug) read as 0. */
function countOf(text: string): number | undefined {
  const count = Number(text);
  if (!Number.isFinite(count) || text.trim() === '') return undefined;
  return count > 0 ? count : 0;
}

function quote(text: string): string {
  const shown = text.length > 120 ? `${text.slice(0, 120)}…` : text;
  return JSON.stringify(shown);
}
