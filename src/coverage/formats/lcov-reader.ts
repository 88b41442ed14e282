import { toRepositoryPath } from '../../core/reports/paths.js';
import { ReportError } from '../../core/reports/source.js';
import type { FileCoverage } from '../model.js';
import { addFunctionHits, quote, readDetailText, type DetailContext } from './lcov-detail.js';
import { BranchIds, LcovFiles, RecordScratch } from './lcov-record.js';

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
const END_OF_RECORD = Buffer.from('end_of_record');

const enum Byte {
  Space = 0x20,
  Comma = 0x2c,
  Colon = 0x3a,
  Zero = 0x30,
  Minus = 0x2d,
  A = 0x41,
  B = 0x42,
  D = 0x44,
  F = 0x46,
  N = 0x4e,
  R = 0x52,
}

/** More digits than this may not be exact in a double: such numbers take the string path. */
const MAX_FAST_DIGITS = 15;

/**
 * Reads a tracefile line by line from its bytes. DA, BRDA, FN and FNDA lines of the usual shape
 * (nearly every line) are parsed from the bytes without making a string, except for function
 * names; every other line, and any of those that is unusual in any way (spaces, signs,
 * exponents, huge numbers, malformed), goes through `readText`, which holds every rule.
 */
export class LcovReader implements DetailContext {
  private readonly files = new LcovFiles();
  readonly ids = new BranchIds();
  readonly record = new RecordScratch();
  private inRecord = false;
  private sawRecord = false;

  constructor(
    readonly origin: string,
    private readonly workspace: string,
  ) {}

  readBytes(bytes: Buffer, start: number, end: number, lineNumber: number): void {
    if (this.inRecord && end - start > 3) {
      const first = bytes[start];
      if (first === Byte.D) {
        if (bytes[start + 1] === Byte.A && bytes[start + 2] === Byte.Colon) {
          if (this.fastLine(bytes, start + 3, end)) return;
        }
      } else if (first === Byte.B) {
        if (
          bytes[start + 1] === Byte.R &&
          bytes[start + 2] === Byte.D &&
          bytes[start + 3] === Byte.A &&
          bytes[start + 4] === Byte.Colon &&
          this.fastBranch(bytes, start + 5, end)
        ) {
          return;
        }
      } else if (first === Byte.F && bytes[start + 1] === Byte.N) {
        const third = bytes[start + 2];
        if (third === Byte.Colon && this.fastFunction(bytes, start + 3, end)) return;
        if (
          third === Byte.D &&
          bytes[start + 3] === Byte.A &&
          bytes[start + 4] === Byte.Colon &&
          this.fastFunctionHits(bytes, start + 5, end)
        ) {
          return;
        }
      }
    }
    if (start === end || this.skippedByBytes(bytes, start, end)) return;
    this.readText(bytes.toString('utf8', start, end), lineNumber);
  }

  /** Summary records and end_of_record, recognised without making a string. */
  private skippedByBytes(bytes: Buffer, start: number, end: number): boolean {
    let key = 0;
    for (let at = start; at < end && at < start + 4; at += 1) {
      const byte = bytes[at]!;
      if (byte === Byte.Colon) return at > start && IGNORED_KEYS.has(key);
      key = key * 256 + byte;
    }
    if (end - start === END_OF_RECORD.length && END_OF_RECORD.compare(bytes, start, end) === 0) {
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

  /** DA:<line>,<count>[,<checksum>] with plain digits. */
  private fastLine(bytes: Buffer, start: number, end: number): boolean {
    let at = start;
    let line = 0;
    for (; at < end; at += 1) {
      const digit = bytes[at]! - Byte.Zero;
      if (digit < 0 || digit > 9) break;
      line = line * 10 + digit;
    }
    if (at === start || at - start > MAX_FAST_DIGITS || bytes[at] !== Byte.Comma) return false;
    const countStart = (at += 1);
    let count = 0;
    for (; at < end; at += 1) {
      const digit = bytes[at]! - Byte.Zero;
      if (digit < 0 || digit > 9) break;
      count = count * 10 + digit;
    }
    if (at === countStart || at - countStart > MAX_FAST_DIGITS) return false;
    if (at < end && bytes[at] !== Byte.Comma) return false;
    // Some generators write DA:0 for code without a line.
    if (line !== 0) this.record.addLine(line, count);
    return true;
  }

  /** BRDA:<line>,<block>,<branch>,<taken> with plain digits (no leading zeros) and `-`. */
  private fastBranch(bytes: Buffer, start: number, end: number): boolean {
    let at = start;
    let line = 0;
    for (; at < end; at += 1) {
      const digit = bytes[at]! - Byte.Zero;
      if (digit < 0 || digit > 9) break;
      line = line * 10 + digit;
    }
    if (at === start || at - start > MAX_FAST_DIGITS || bytes[at] !== Byte.Comma) return false;
    const blockStart = (at += 1);
    let block = 0;
    for (; at < end; at += 1) {
      const digit = bytes[at]! - Byte.Zero;
      if (digit < 0 || digit > 9) break;
      block = block * 10 + digit;
    }
    if (!plainNumber(bytes, blockStart, at, 6) || bytes[at] !== Byte.Comma) return false;
    const branchStart = (at += 1);
    let branch = 0;
    for (; at < end; at += 1) {
      const digit = bytes[at]! - Byte.Zero;
      if (digit < 0 || digit > 9) break;
      branch = branch * 10 + digit;
    }
    if (!plainNumber(bytes, branchStart, at, 4) || bytes[at] !== Byte.Comma) return false;
    const takenStart = (at += 1);
    let taken = 0;
    // `-`: the branch's block never ran, so it was never taken.
    if (bytes[at] !== Byte.Minus || at + 1 !== end) {
      for (; at < end; at += 1) {
        const digit = bytes[at]! - Byte.Zero;
        if (digit < 0 || digit > 9) return false;
        taken = taken * 10 + digit;
      }
      if (at === takenStart || at - takenStart > MAX_FAST_DIGITS) return false;
    }
    this.record.addBranch(line, BranchIds.numeric(block, branch), taken);
    return true;
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
    const name = bytes.toString('utf8', nameStart, end);
    const known = this.record.functions.get(name);
    if (known) known.line ??= line;
    else this.record.addFunction(name, { line, hits: 0 });
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
    // FNDA lists the functions in FN's order, as a rule: compared in place, no string is made.
    const expected = this.record.expectedFunction(bytes, at + 1, end);
    if (expected) expected.hits += hits;
    else addFunctionHits(this.record, bytes.toString('utf8', at + 1, end), hits);
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
    // A flat copy: the path kept for the file would otherwise be a slice pinning its whole line.
    const kept = toRepositoryPath(path.trim(), this.workspace);
    this.record.open(Buffer.from(kept, 'utf8').toString('utf8'));
  }

  private closeRecord(): void {
    if (!this.inRecord) return; // a stray end_of_record closes nothing
    this.inRecord = false;
    this.files.close(this.record);
  }
}

/** Digits [start, end): at least one, at most `digits`, no leading zero. */
function plainNumber(bytes: Buffer, start: number, end: number, digits: number): boolean {
  const length = end - start;
  return length > 0 && length <= digits && (length === 1 || bytes[start] !== Byte.Zero);
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
