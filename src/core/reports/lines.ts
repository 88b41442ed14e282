import { TextDecoder } from 'node:util';
import { ReportError, type ReportSource } from './source.js';

/** One line of a line-oriented report (JSON lines, tool output), numbered from 1. */
export interface ReportLine {
  number: number;
  text: string;
  /** The line was longer than the limit and only its head is in `text`. */
  truncated: boolean;
}

/** No line of a JSON-lines report needs more; longer ones are cut as they arrive. */
export const MAX_LINE_CHARS = 1024 * 1024;

/**
 * Reads a report line by line from its stream, so that a report of any size (`go test -json`
 * of a big repository runs to hundreds of MB) needs memory for one line at a time, never for
 * the whole file. A line longer than `maxLineChars` is kept only up to that length. Lines are
 * handed to a plain callback rather than yielded: a million-line report would otherwise spend
 * most of its time switching between promises.
 */
export async function readReportLines(
  source: ReportSource,
  onLine: (line: ReportLine) => void,
  maxLineChars: number = MAX_LINE_CHARS,
): Promise<void> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  let truncated = false;
  let number = 0;
  let first = true;
  // The caller's own errors pass through as they are; only reading problems are reworded.
  let thrownByCallback: unknown;

  const emit = (text: string): void => {
    number += 1;
    let line = text;
    if (line.length > maxLineChars) {
      line = line.slice(0, maxLineChars);
      truncated = true;
    }
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const wasTruncated = truncated;
    truncated = false;
    try {
      onLine({ number, text: line, truncated: wasTruncated });
    } catch (error) {
      thrownByCallback = error;
      throw error;
    }
  };

  const stream = source.open();
  try {
    for await (const chunk of stream) {
      let text = decoder.decode(chunk as Buffer, { stream: true });
      if (first && text !== '') {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      let start = 0;
      for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
        const piece = text.slice(start, end);
        start = end + 1;
        emit(truncated ? pending : pending + piece);
        pending = '';
      }
      if (!truncated) pending += text.slice(start);
      if (pending.length > maxLineChars) {
        pending = pending.slice(0, maxLineChars);
        truncated = true;
      }
    }
    pending += decoder.decode();
  } catch (error) {
    if (error instanceof ReportError || error === thrownByCallback) throw error;
    throw new ReportError(source.origin, `could not be read: ${(error as Error).message}`);
  } finally {
    stream.destroy();
  }
  if (pending !== '') emit(pending);
}
