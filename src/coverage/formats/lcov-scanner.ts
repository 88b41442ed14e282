import { ReportError, type ReportSource } from '../../core/reports/source.js';

/** One line of any line-oriented report longer than this is not a plausible record. */
export const MAX_REPORT_LINE_CHARS = 4 * 1024 * 1024;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Calls `onLine` with the bytes of each line of the report (`bytes[start … end)`, without its
 * line break, `\n` or `\r\n`), streaming and without a string per line: lines are handed out as
 * ranges of the chunk they are in, and only a line cut by a chunk boundary is copied, once, when
 * its end arrives. The bytes are valid only during the call. A line longer than
 * MAX_REPORT_LINE_CHARS is a ReportError (a binary file, or a hostile one).
 */
export async function forEachByteLine(
  source: ReportSource,
  onLine: (bytes: Buffer, start: number, end: number, lineNumber: number) => void,
): Promise<void> {
  let tail: Buffer[] = [];
  let tailBytes = 0;
  let lineNumber = 0;
  const emit = (bytes: Buffer, start: number, end: number): void => {
    lineNumber += 1;
    onLine(
      bytes,
      start,
      end > start && bytes[end - 1] === CARRIAGE_RETURN ? end - 1 : end,
      lineNumber,
    );
  };
  const carry = (bytes: Buffer): void => {
    // A copy: holding a view would keep the whole chunk alive.
    tail.push(Buffer.from(bytes));
    tailBytes += bytes.length;
    if (tailBytes > MAX_REPORT_LINE_CHARS) {
      // Bytes overstate characters of non-ASCII text; the limit is in characters.
      const characters = Buffer.concat(tail).toString('utf8').length;
      if (characters > MAX_REPORT_LINE_CHARS) {
        throw new ReportError(
          source.origin,
          `line ${lineNumber + 1} is longer than ${MAX_REPORT_LINE_CHARS} characters; this is not a line-oriented coverage report.`,
        );
      }
    }
  };
  const stream = source.open();
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
      let start = 0;
      if (tailBytes > 0) {
        const newline = bytes.indexOf(NEWLINE);
        if (newline === -1) {
          carry(bytes);
          continue;
        }
        tail.push(bytes.subarray(0, newline));
        const line = Buffer.concat(tail);
        tail = [];
        tailBytes = 0;
        emit(line, 0, line.length);
        start = newline + 1;
      }
      // A loop in JS: for lines this short, a native indexOf per line costs more than the search.
      const length = bytes.length;
      for (let end = start; end < length; end += 1) {
        if (bytes[end] !== NEWLINE) continue;
        emit(bytes, start, end);
        start = end + 1;
      }
      if (start < bytes.length) carry(bytes.subarray(start));
    }
  } catch (error) {
    stream.destroy();
    if (error instanceof ReportError) throw error;
    throw new ReportError(source.origin, `could not be read: ${(error as Error).message}`);
  }
  if (tailBytes > 0) {
    const line = Buffer.concat(tail);
    emit(line, 0, line.length);
  }
}
