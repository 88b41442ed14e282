import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readReportLines, type ReportLine } from '../../../src/core/reports/lines.js';
import { ReportError, type ReportSource } from '../../../src/core/reports/source.js';

/** A source that delivers its text in the given pieces, as a file stream delivers chunks. */
function chunked(pieces: (string | Buffer)[]): ReportSource {
  return {
    origin: 'report.jsonl',
    open: () => Readable.from(pieces.map((piece) => Buffer.from(piece))),
    readText: () => Promise.reject(new Error('not read whole')),
  };
}

async function lines(source: ReportSource, max?: number): Promise<ReportLine[]> {
  const seen: ReportLine[] = [];
  await readReportLines(source, (line) => seen.push(line), max);
  return seen;
}

describe('readReportLines', () => {
  it('numbers lines across chunk boundaries, with CRLF, a BOM and no final newline', async () => {
    const read = await lines(chunked(['\uFEFFfir', 'st\r\nsec', 'ond\n\nlast']));
    expect(read).toEqual([
      { number: 1, text: 'first', truncated: false },
      { number: 2, text: 'second', truncated: false },
      { number: 3, text: '', truncated: false },
      { number: 4, text: 'last', truncated: false },
    ]);
  });

  it('keeps a multi-byte character split between chunks whole', async () => {
    const bytes = Buffer.from('naïve ✓\n');
    const read = await lines(
      chunked([bytes.subarray(0, 3), bytes.subarray(3, 8), bytes.subarray(8)]),
    );
    expect(read.map((line) => line.text)).toEqual(['naïve ✓']);
  });

  it('cuts a line longer than the limit to its head and says so, whatever the chunks', async () => {
    const read = await lines(chunked(['a'.repeat(30), 'b'.repeat(30), '\nnext\n']), 40);
    expect(read).toEqual([
      { number: 1, text: 'a'.repeat(30) + 'b'.repeat(10), truncated: true },
      { number: 2, text: 'next', truncated: false },
    ]);
  });

  it('turns a failing stream into a ReportError naming the report', async () => {
    const source: ReportSource = {
      origin: 'missing.jsonl',
      open: () =>
        new Readable({
          read() {
            this.destroy(new Error('ENOENT: no such file'));
          },
        }),
      readText: () => Promise.reject(new Error('not read whole')),
    };
    await expect(lines(source)).rejects.toThrow(ReportError);
    await expect(lines(source)).rejects.toThrow('missing.jsonl: could not be read: ENOENT');
  });
});
