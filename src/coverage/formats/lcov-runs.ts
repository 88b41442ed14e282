import { afterLineEnd, newlineFrom, plainNumber } from './lcov-bytes.js';
import { BranchIds, type RecordScratch } from './lcov-record.js';

/**
 * DA and BRDA lines, nearly every line of a tracefile, parsed from their bytes in one pass each
 * (DA lines in runs, with the record's arrays held in locals). A line of any unusual shape (spaces,
 * signs, exponents, huge numbers, other branch ids, malformed) ends the run: the reader takes it
 * by every rule.
 */

/** What a run needs of the reader: the record it adds to, and the lines read so far. */
export interface RunReader {
  readonly record: RecordScratch;
  lineNumber: number;
}

const enum Byte {
  Comma = 0x2c,
  Colon = 0x3a,
  Zero = 0x30,
  Minus = 0x2d,
  A = 0x41,
  D = 0x44,
}

/** More digits than this may not be exact in a double: such numbers take the string path. */
const MAX_FAST_DIGITS = 15;

/**
 * DA:<line>,<count>[,<checksum>] lines with plain digits, from `start` for as long as they come
 * one after another, as tools write them: parsed in one loop that keeps the record's arrays in
 * locals. Returns where the first line it did not take starts (`start` when it took none).
 */
export function readLineRun(reader: RunReader, bytes: Buffer, start: number, end: number): number {
  const record = reader.record;
  let numbers = record.lineNumbers;
  let hits = record.lineHits;
  let count = record.lineCount;
  let last = record.lastLine;
  let ascending = record.linesAscending;
  let lineStart = start;
  let taken = 0;
  while (
    lineStart < end &&
    bytes[lineStart] === Byte.D &&
    bytes[lineStart + 1] === Byte.A &&
    bytes[lineStart + 2] === Byte.Colon
  ) {
    const lineDigits = lineStart + 3;
    let at = lineDigits;
    let line = 0;
    let digit = bytes[at]! - Byte.Zero;
    while (digit >= 0 && digit <= 9) {
      line = line * 10 + digit;
      digit = bytes[++at]! - Byte.Zero;
    }
    if (at === lineDigits || at - lineDigits > MAX_FAST_DIGITS || bytes[at] !== Byte.Comma) {
      break;
    }
    const countDigits = ++at;
    let hitCount = 0;
    digit = bytes[at]! - Byte.Zero;
    while (digit >= 0 && digit <= 9) {
      hitCount = hitCount * 10 + digit;
      digit = bytes[++at]! - Byte.Zero;
    }
    if (at === countDigits || at - countDigits > MAX_FAST_DIGITS) break;
    const next = bytes[at] === Byte.Comma ? newlineFrom(bytes, at) + 1 : afterLineEnd(bytes, at);
    if (next === -1) break;
    // Some generators write DA:0 for code without a line.
    if (line !== 0) {
      if (count === numbers.length) {
        record.growLines();
        numbers = record.lineNumbers;
        hits = record.lineHits;
      }
      if (line <= last) ascending = false;
      last = line;
      numbers[count] = line;
      hits[count] = hitCount;
      count += 1;
    }
    taken += 1;
    lineStart = next;
  }
  record.lineCount = count;
  record.lastLine = last;
  record.linesAscending = ascending;
  reader.lineNumber += taken;
  return lineStart;
}

/**
 * One BRDA:<line>,<block>,<branch>,<taken> line with plain digits (no leading zeros) and `-`,
 * from just after its colon: where the next line starts, or -1 for the text path. One line per
 * call: a run loop here measured slower than the reader's own loop around this.
 */
export function readBranch(reader: RunReader, bytes: Buffer, start: number): number {
  let at = start;
  let line = 0;
  let digit = bytes[at]! - Byte.Zero;
  while (digit >= 0 && digit <= 9) {
    line = line * 10 + digit;
    digit = bytes[++at]! - Byte.Zero;
  }
  if (at === start || at - start > MAX_FAST_DIGITS || bytes[at] !== Byte.Comma) return -1;
  const blockStart = ++at;
  let block = 0;
  digit = bytes[at]! - Byte.Zero;
  while (digit >= 0 && digit <= 9) {
    block = block * 10 + digit;
    digit = bytes[++at]! - Byte.Zero;
  }
  if (!plainNumber(bytes, blockStart, at, 6) || bytes[at] !== Byte.Comma) return -1;
  const branchStart = ++at;
  let branch = 0;
  digit = bytes[at]! - Byte.Zero;
  while (digit >= 0 && digit <= 9) {
    branch = branch * 10 + digit;
    digit = bytes[++at]! - Byte.Zero;
  }
  if (!plainNumber(bytes, branchStart, at, 4) || bytes[at] !== Byte.Comma) return -1;
  const takenStart = ++at;
  let taken = 0;
  // `-`: the branch's block never ran, so it was never taken.
  if (bytes[at] === Byte.Minus) {
    at += 1;
  } else {
    digit = bytes[at]! - Byte.Zero;
    while (digit >= 0 && digit <= 9) {
      taken = taken * 10 + digit;
      digit = bytes[++at]! - Byte.Zero;
    }
    if (at === takenStart || at - takenStart > MAX_FAST_DIGITS) return -1;
  }
  const next = afterLineEnd(bytes, at);
  if (next !== -1) reader.record.addBranch(line, BranchIds.numeric(block, branch), taken);
  return next;
}
