import { StringDecoder } from 'node:string_decoder';
import { ReportError, type ReportSource } from '../../core/reports/source.js';
import type { CoverageParseContext, CoverageReport } from '../model.js';
import { LcovReader } from './lcov-reader.js';
import { forEachLineRun, MAX_REPORT_LINE_CHARS } from './lcov-scanner.js';

/**
 * LCOV tracefiles (lcov 1.x and 2.x, and every tool that writes them: c8, llvm-cov, grcov,
 * cargo llvm-cov, coverage.py). Scanned line by line from the stream's bytes into the compact
 * model, so a tracefile of any size costs only what its coverage needs. Totals are rebuilt from DA, FN/FNDA, FNL/FNA and BRDA;
 * the summary records (LF/LH, FNF/FNH, BRF/BRH) are ignored as lcov itself ignores them.
 * The same SF in several records (one per test name, or concatenated tracefiles) is summed,
 * as `lcov -a` does.
 */
export async function parseLcov(
  source: ReportSource,
  context: CoverageParseContext,
): Promise<CoverageReport> {
  const reader = new LcovReader(source.origin, context.workspace);
  await forEachLineRun(
    source,
    (bytes, start, end) => reader.readLines(bytes, start, end),
    () => reader.lineNumber,
  );
  return { format: 'lcov', origin: source.origin, files: reader.finish() };
}

/** The first record of a tracefile, possibly after a test name or blank lines. */
export function looksLikeLcov(head: string): boolean {
  return /^(?:\uFEFF)?(?:\s*\n)*(?:TN:[^\n]*\n(?:\s*\n)*)?SF:\S/.test(head.replace(/\r/g, ''));
}

export { MAX_REPORT_LINE_CHARS };

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
