import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLcov } from '../../../src/coverage/formats/lcov.js';
import type { CoverageReport } from '../../../src/coverage/model.js';
import {
  fileSource,
  ReportError,
  textSource,
  type ReportSource,
} from '../../../src/core/reports/source.js';

const context = { workspace: '/repo', origin: 'coverage.lcov' };

/** The bytes handed to the parser in pieces cut at `cuts`, as a stream may cut them anywhere. */
function chunkedSource(bytes: Buffer, cuts: number[]): ReportSource {
  const edges = [0, ...cuts, bytes.length];
  const chunks = edges.slice(1).map((end, at) => bytes.subarray(edges[at], end));
  return {
    origin: 'coverage.lcov',
    open: () => Readable.from(chunks.filter((chunk) => chunk.length > 0)),
    readText: () => Promise.reject(new Error('an LCOV file must be streamed')),
  };
}

/** What a user sees of a report: every file with its lines, branches and functions. */
function seen(report: CoverageReport) {
  return report.files.map((file) => ({
    path: file.path,
    lines: [...file.lines],
    branches: [...file.branches],
    functions: [...file.functions],
  }));
}

const TRACEFILE = [
  'TN:unit',
  'SF:/repo/src/naïve/ünïcode-名前.ts',
  'FN:1,4,start',
  'FN:10,helper',
  'FNDA:2,start',
  'FNDA:0,helper',
  'DA:1,2',
  'DA:2,0',
  'DA:3,18446744073709551616',
  'DA:4,1e+0',
  'BRDA:3,0,0,-',
  'BRDA:3,0,1,7',
  'BRDA:3,e1,2,4294967296',
  'LF:4',
  'end_of_record',
  'SF:/repo/src/sparse.ts',
  'DA:7,1',
  'DA:4000000000,3',
  'DA:900000,0',
  'end_of_record',
  'SF:/repo/src/naïve/ünïcode-名前.ts',
  'DA:2,5',
  'BRDA:3,0,1,1',
  'FNDA:1,helper',
  'end_of_record',
  '',
].join('\n');

describe('LCOV read from a stream cut anywhere', () => {
  it('gives the same files whichever byte the stream is cut at, LF or CRLF', async () => {
    for (const text of [TRACEFILE, TRACEFILE.replace(/\n/g, '\r\n')]) {
      const whole = seen(await parseLcov(textSource(text, 'coverage.lcov'), context));
      const bytes = Buffer.from(text, 'utf8');
      for (let cut = 1; cut < bytes.length; cut += 1) {
        expect(
          seen(await parseLcov(chunkedSource(bytes, [cut]), context)),
          `cut at ${cut}`,
        ).toEqual(whole);
      }
      // One byte at a time: every line and every multi-byte character crosses a boundary.
      const everyByte = Array.from({ length: bytes.length - 1 }, (_, at) => at + 1);
      expect(seen(await parseLcov(chunkedSource(bytes, everyByte), context))).toEqual(whole);
    }
  });

  it('keeps UTF-8 paths, huge and fractional counts, and sparse huge line numbers exactly', async () => {
    const report = await parseLcov(chunkedSource(Buffer.from(TRACEFILE), [40, 41, 42]), context);

    const [unicode, sparse] = report.files;
    expect(unicode!.path).toBe('src/naïve/ünïcode-名前.ts');
    expect(Object.fromEntries(unicode!.lines)).toEqual({
      1: 2,
      2: 5,
      3: 18446744073709551616,
      4: 1,
    });
    expect(unicode!.branches.get(3)).toEqual([0, 8, 4294967296]);
    expect(Object.fromEntries(unicode!.functions)).toEqual({ start: 2, helper: 1 });
    expect(sparse!.path).toBe('src/sparse.ts');
    expect([...sparse!.lines]).toEqual([
      [7, 1],
      [900000, 0],
      [4000000000, 3],
    ]);
  });

  it('reads a CRLF tracefile as the same tracefile with LF', async () => {
    const lf = await parseLcov(textSource(TRACEFILE, 'coverage.lcov'), context);
    const crlf = await parseLcov(textSource(TRACEFILE.replace(/\n/g, '\r\n'), 'c.lcov'), context);
    expect(seen(crlf)).toEqual(seen(lf));
  });

  it('counts FNDA by name in any order, non-ASCII names included', async () => {
    const text = [
      'SF:src/a.c',
      'FNDA:4,later',
      'FN:1,Ã©',
      'FN:2,é',
      'FN:3,plain',
      'FNDA:1,é',
      'FNDA:2,plain',
      'FNDA:1,plain',
      'FNDA:0,Ã©',
      'FN:9,later',
      'end_of_record',
      '',
    ].join('\n');

    const report = await parseLcov(textSource(text, 'coverage.lcov'), context);

    expect(Object.fromEntries(report.files[0]!.functions)).toEqual({
      later: 4,
      'Ã©': 0,
      é: 1,
      plain: 3,
    });
  });
});

describe('LCOV read from a file larger than the read buffers', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'slipway-lcov-chunks-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  /** About 3 MiB: the records above again and again, each under a path of its own. */
  function large(lineBreak: string): string {
    const records: string[] = [];
    for (let copy = 0; copy < 7_000; copy += 1) {
      records.push(TRACEFILE.replace(/SF:\/repo\/src\//g, `SF:/repo/src/copy_${copy}/`));
    }
    return records.join('').replace(/\n/g, lineBreak);
  }

  it('gives the files the same text gives, whatever line the buffers end in', async () => {
    for (const lineBreak of ['\n', '\r\n']) {
      const text = large(lineBreak);
      expect(Buffer.byteLength(text)).toBeGreaterThan(2.5 * 1024 * 1024);
      const path = join(scratch, 'large.info');
      await writeFile(path, text);

      const fromFile = await parseLcov(fileSource(path), context);

      expect(fromFile.files).toHaveLength(14_000);
      expect(seen(fromFile)).toEqual(seen(await parseLcov(textSource(text, path), context)));
    }
  });

  it('stops at a malformed line past the first buffer with a ReportError naming it', async () => {
    const path = join(scratch, 'malformed.info');
    const text = large('\n');
    await writeFile(path, `${text}SF:/repo/src/last.ts\nnot a record\nend_of_record\n`);
    const lines = text.split('\n').length;

    const parsed = parseLcov(fileSource(path), context);

    await expect(parsed).rejects.toThrow(ReportError);
    await expect(parsed).rejects.toThrow(`line ${lines + 1} is not an LCOV record`);
  });

  it('turns a file that cannot be opened into a ReportError', async () => {
    const missing = join(scratch, 'missing.info');

    await expect(parseLcov(fileSource(missing), context)).rejects.toThrow(
      `${missing}: could not be read: ENOENT`,
    );
  });
});
