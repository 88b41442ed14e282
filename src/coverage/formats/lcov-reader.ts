import { toRepositoryPath } from '../../core/reports/paths.js';
import { ReportError } from '../../core/reports/source.js';
import type { FileCoverage } from '../model.js';
import { quote, readDetailText, type DetailContext } from './lcov-detail.js';
import { isAscii, isEndOfRecord, isPlainPath, newlineFrom } from './lcov-bytes.js';
import { BranchIds, LcovFiles, RecordScratch } from './lcov-record.js';
import { readBranch, readLineRun } from './lcov-runs.js';

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

/** IGNORED_RECORDS' keys of up to four letters as numbers, their bytes in base 256. */
const IGNORED_KEYS = new Set(
  [...IGNORED_RECORDS]
    .filter((key) => key.length <= 4)
    .map((key) => [...key].reduce((code, letter) => code * 256 + letter.charCodeAt(0), 0)),
);

const enum Byte {
  Space = 0x20,
  Comma = 0x2c,
  CarriageReturn = 0x0d,
  Colon = 0x3a,
  Zero = 0x30,
  A = 0x41,
  B = 0x42,
  D = 0x44,
  F = 0x46,
  N = 0x4e,
  R = 0x52,
  S = 0x53,
}

/** More digits than this may not be exact in a double: such numbers take the string path. */
const MAX_FAST_DIGITS = 15;

/**
 * Reads a tracefile line by line from its bytes. DA, BRDA, FN and FNDA lines of the usual shape
 * (nearly every line) are parsed from the bytes without making a string (DA and BRDA in runs,
 * see lcov-runs.ts; function names stay bytes, see lcov-functions.ts); every other line, and any
 * of those that is unusual in any way (spaces, signs, exponents, huge numbers, malformed), goes
 * through `readText`, which holds every rule.
 */
export class LcovReader implements DetailContext {
  private readonly files = new LcovFiles();
  readonly ids = new BranchIds();
  readonly record = new RecordScratch();
  private inRecord = false;
  private sawRecord = false;

  /** `<workspace>/` when it is plain (see isPlainPath), else ''. */
  private readonly workspacePrefix: string;

  constructor(
    readonly origin: string,
    private readonly workspace: string,
  ) {
    this.workspacePrefix =
      workspace.length > 1 && !workspace.endsWith('/') && isPlainPath(workspace)
        ? `${workspace}/`
        : '';
  }

  /** Lines read so far, for messages. */
  lineNumber = 0;

  /**
   * Reads whole lines, `bytes[start … end)`, each ending with `\n`. DA and BRDA lines are parsed
   * in the one pass that finds where they end; any line they do not take is found first.
   */
  readLines(bytes: Buffer, start: number, end: number): void {
    let at = start;
    while (at < end) {
      let next = -1;
      // Every check below stops at the line's `\n` (no letter, digit or colon), so none reads
      // past the run.
      if (this.inRecord) {
        const first = bytes[at];
        if (first === Byte.D) {
          // A run of DA lines, counted there; a line it does not take goes the text path.
          next = readLineRun(this, bytes, at, end);
          if (next !== at) {
            at = next;
            continue;
          }
          next = -1;
        } else if (first === Byte.B) {
          if (
            bytes[at + 1] === Byte.R &&
            bytes[at + 2] === Byte.D &&
            bytes[at + 3] === Byte.A &&
            bytes[at + 4] === Byte.Colon
          ) {
            next = readBranch(this, bytes, at + 5);
          }
        } else if (first === Byte.F && bytes[at + 1] === Byte.N) {
          next = this.fastFunctionLine(bytes, at);
        }
      }
      this.lineNumber += 1;
      at = next === -1 ? this.readLine(bytes, at) : next;
    }
  }

  /** FN or FNDA with plain digits: where the next line starts, or -1 for the text path. */
  private fastFunctionLine(bytes: Buffer, start: number): number {
    const newline = newlineFrom(bytes, start);
    const end = bytes[newline - 1] === Byte.CarriageReturn ? newline - 1 : newline;
    const third = bytes[start + 2];
    if (third === Byte.Colon) return this.fastFunction(bytes, start + 3, end) ? newline + 1 : -1;
    if (third === Byte.D && bytes[start + 3] === Byte.A && bytes[start + 4] === Byte.Colon) {
      return this.fastFunctionHits(bytes, start + 5, end) ? newline + 1 : -1;
    }
    return -1;
  }

  /** Any line, by every rule; returns where the next line starts. */
  private readLine(bytes: Buffer, start: number): number {
    const newline = newlineFrom(bytes, start);
    const end =
      newline > start && bytes[newline - 1] === Byte.CarriageReturn ? newline - 1 : newline;
    if (start === end || this.skippedByBytes(bytes, start, end)) return newline + 1;
    if (bytes[start] === Byte.S && bytes[start + 1] === Byte.F && bytes[start + 2] === Byte.Colon) {
      // SF, as readText takes it, with a string of the path only (a byte-order mark, which
      // readText strips, is no "S").
      if (this.inRecord) this.closeRecord();
      this.openRecord(bytes.toString('utf8', start + 3, end), this.lineNumber);
    } else {
      this.readText(bytes.toString('utf8', start, end), this.lineNumber);
    }
    return newline + 1;
  }

  /** Summary records and end_of_record, recognised without making a string. */
  private skippedByBytes(bytes: Buffer, start: number, end: number): boolean {
    let key = 0;
    for (let at = start; at < end && at < start + 4; at += 1) {
      const byte = bytes[at]!;
      if (byte === Byte.Colon) return at > start && IGNORED_KEYS.has(key);
      key = key * 256 + byte;
    }
    if (isEndOfRecord(bytes, start, end)) {
      this.closeRecord();
      return true;
    }
    return false;
  }

  finish(): FileCoverage[] {
    if (this.inRecord) {
      throw new ReportError(
        this.origin,
        `ends inside the record for ${quote(this.record.path)} without end_of_record; the tracefile is truncated.`,
      );
    }
    if (!this.sawRecord) {
      throw new ReportError(this.origin, 'contains no LCOV records (no SF: line).');
    }
    return this.files.finish();
  }

  /** FN:<start>,[<end>,]<name> with plain digits. */
  private fastFunction(bytes: Buffer, start: number, end: number): boolean {
    let at = start;
    let line = 0;
    for (; at < end; at += 1) {
      const digit = bytes[at]! - Byte.Zero;
      if (digit < 0 || digit > 9) break;
      line = line * 10 + digit;
    }
    if (at === start || at - start > MAX_FAST_DIGITS || bytes[at] !== Byte.Comma) return false;
    let nameStart = (at += 1);
    for (; at < end; at += 1) {
      const digit = bytes[at]! - Byte.Zero;
      if (digit < 0 || digit > 9) break;
    }
    // Spaces around an end line are the regular expression's to judge.
    if (at < end && bytes[at]! <= Byte.Space) return false;
    // An end line is only one when a name follows it; "FN:3,12" names a function "12".
    if (at > nameStart && bytes[at] === Byte.Comma && at + 1 < end) nameStart = at + 1;
    if (nameStart >= end) return false;
    const { functions } = this.record;
    if (isAscii(bytes, nameStart, end)) functions.declare(bytes, nameStart, end, line);
    else functions.declareName(bytes.toString('utf8', nameStart, end), line);
    return true;
  }

  /** FNDA:<count>,<name> with plain digits. */
  private fastFunctionHits(bytes: Buffer, start: number, end: number): boolean {
    let at = start;
    let hits = 0;
    for (; at < end; at += 1) {
      const digit = bytes[at]! - Byte.Zero;
      if (digit < 0 || digit > 9) break;
      hits = hits * 10 + digit;
    }
    if (at === start || at - start > MAX_FAST_DIGITS || bytes[at] !== Byte.Comma) return false;
    if (at + 1 >= end) return false;
    const { functions } = this.record;
    if (isAscii(bytes, at + 1, end)) functions.hit(bytes, at + 1, end, hits);
    else functions.hitName(bytes.toString('utf8', at + 1, end), hits);
    return true;
  }

  /** Every rule, on the line as text: the path for every line the fast paths do not take. */
  private readText(line: string, lineNumber: number): void {
    const text = lineNumber === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
    const colon = text.indexOf(':');
    const key = colon > 0 ? text.slice(0, colon) : '';
    if (isDetailRecord(key)) {
      if (!this.inRecord) {
        throw new ReportError(
          this.origin,
          `line ${lineNumber}: ${key} record outside an SF section.`,
        );
      }
      readDetailText(this, key, text.slice(colon + 1), lineNumber);
      return;
    }
    if (key === 'SF') {
      // A missing end_of_record between two files is tolerated; only one at the very end is not.
      if (this.inRecord) this.closeRecord();
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

  private openRecord(path: string, lineNumber: number): void {
    if (path.trim() === '') {
      throw new ReportError(this.origin, `line ${lineNumber}: SF record without a path.`);
    }
    this.sawRecord = true;
    this.inRecord = true;
    const trimmed = path.trim();
    const prefix = this.workspacePrefix;
    // A plain path under a plain workspace is what toRepositoryPath would make of it with the
    // workspace cut off; that saves it a dozen strings per record.
    const kept =
      prefix !== '' &&
      trimmed.length > prefix.length &&
      trimmed.startsWith(prefix) &&
      isPlainPath(trimmed)
        ? trimmed.slice(prefix.length)
        : toRepositoryPath(trimmed, this.workspace);
    // A flat copy: the path kept for the file would otherwise be a slice pinning its whole line.
    this.record.open(Buffer.from(kept, 'utf8').toString('utf8'));
  }

  private closeRecord(): void {
    if (!this.inRecord) return; // a stray end_of_record closes nothing
    this.inRecord = false;
    this.files.close(this.record);
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
