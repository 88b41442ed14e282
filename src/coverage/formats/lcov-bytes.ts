/**
 * Byte-level helpers of the LCOV reader: lines as ranges of a chunk's bytes, and the checks that
 * let a line or path skip the general (string) rules when those would change nothing.
 */

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const ZERO = 0x30;
const END_OF_RECORD = Buffer.from('end_of_record');

/**
 * No byte above 0x7f (so the bytes are the name's UTF-8 as they stand, not a sequence the decoder
 * would replace) and no 0 byte (the separator of stored names).
 */
export function isAscii(bytes: Buffer, start: number, end: number): boolean {
  for (let at = start; at < end; at += 1) {
    const byte = bytes[at]!;
    if (byte === 0 || byte > 0x7f) return false;
  }
  return true;
}

/**
 * An absolute POSIX path that normalising leaves as it is: no surrounding space, no backslash,
 * no empty, `.` or `..` segment.
 */
export function isPlainPath(path: string): boolean {
  return path.startsWith('/') && path === path.trim() && !/\\|\/\/|\/\.\.?(?:\/|$)/.test(path);
}

/** Compared byte by byte: Buffer#compare with a range makes a view of it. */
export function isEndOfRecord(bytes: Buffer, start: number, end: number): boolean {
  if (end - start !== END_OF_RECORD.length) return false;
  for (let at = 0; at < END_OF_RECORD.length; at += 1) {
    if (bytes[start + at] !== END_OF_RECORD[at]) return false;
  }
  return true;
}

/** Where the `\n` ending the line that holds `bytes[at]` is; the caller's run ends with one. */
export function newlineFrom(bytes: Buffer, at: number): number {
  // A loop in JS: for lines this short, a native indexOf costs more than the search.
  while (bytes[at] !== NEWLINE) at += 1;
  return at;
}

/** Where the next line starts when the line ends at `at` (`\n` or `\r\n`), else -1. */
export function afterLineEnd(bytes: Buffer, at: number): number {
  const byte = bytes[at];
  if (byte === NEWLINE) return at + 1;
  return byte === CARRIAGE_RETURN && bytes[at + 1] === NEWLINE ? at + 2 : -1;
}

/** Digits [start, end): at least one, at most `digits`, no leading zero. */
export function plainNumber(bytes: Buffer, start: number, end: number, digits: number): boolean {
  const length = end - start;
  return length > 0 && length <= digits && (length === 1 || bytes[start] !== ZERO);
}
