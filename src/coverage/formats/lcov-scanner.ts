import { Readable } from 'node:stream';
import { ReportError, type ReportSource } from '../../core/reports/source.js';

/** One line of any line-oriented report longer than this is not a plausible record. */
export const MAX_REPORT_LINE_CHARS = 4 * 1024 * 1024;

const NEWLINE = 0x0a;
const LINE_BREAK = Buffer.from('\n');

/**
 * Calls `onLines` with runs of whole lines of the report, streaming and without a string per
 * line: `bytes[start … end)` holds one or more lines, each ending with `\n` (a `\r` before it is
 * the reader's to drop), so a reader can parse a run in one pass and need not look for line ends
 * first. A run is a range of the chunk it is in; only a line cut by a chunk boundary is copied,
 * once, when its end arrives, and the file's last line gets the `\n` it may lack. The bytes are
 * valid only during the call. A line longer than MAX_REPORT_LINE_CHARS is a ReportError (a binary
 * file, or a hostile one), numbered after the `linesRead()` lines the reader has counted.
 */
export async function forEachLineRun(
  source: ReportSource,
  onLines: (bytes: Buffer, start: number, end: number) => void,
  linesRead: () => number,
): Promise<void> {
  let tail: Buffer[] = [];
  let tailBytes = 0;
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
          `line ${linesRead() + 1} is longer than ${MAX_REPORT_LINE_CHARS} characters; this is not a line-oriented coverage report.`,
        );
      }
    }
  };
  // Reused buffers when the source has them: every byte kept is copied (see carry), so a chunk
  // is done with when the next is asked for.
  const stream = source.readChunks?.() ?? source.open();
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : asBuffer(chunk);
      let start = 0;
      if (tailBytes > 0) {
        const newline = bytes.indexOf(NEWLINE);
        if (newline === -1) {
          carry(bytes);
          continue;
        }
        tail.push(bytes.subarray(0, newline + 1));
        const line = Buffer.concat(tail);
        tail = [];
        tailBytes = 0;
        onLines(line, 0, line.length);
        start = newline + 1;
      }
      const last = bytes.lastIndexOf(NEWLINE);
      if (last >= start) {
        onLines(bytes, start, last + 1);
        start = last + 1;
      }
      if (start < bytes.length) carry(bytes.subarray(start));
    }
  } catch (error) {
    if (stream instanceof Readable) stream.destroy();
    if (error instanceof ReportError) throw error;
    throw new ReportError(source.origin, `could not be read: ${(error as Error).message}`);
  }
  if (tailBytes > 0) {
    tail.push(LINE_BREAK);
    const line = Buffer.concat(tail);
    onLines(line, 0, line.length);
  }
}

/** The chunk as a Buffer over the same bytes (a stream's chunks already are). */
function asBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  const bytes = chunk as Uint8Array;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
