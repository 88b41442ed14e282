import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLcov } from '../../../src/coverage/formats/lcov.js';
import {
  lineCounts,
  looksLikeLlvmCov,
  parseLlvmCov,
} from '../../../src/coverage/formats/llvm-cov.js';
import type { CoverageReport } from '../../../src/coverage/model.js';
import { totalsOf, type CoverageTotals } from '../../../src/coverage/totals.js';
import { fileSource, ReportError, textSource } from '../../../src/core/reports/source.js';
import { describeWithTool } from '../../support/tools.js';

const run = promisify(execFile);
const FIXTURES = fileURLToPath(new URL('../../fixtures/coverage/', import.meta.url));
const WORKSPACE = '/home/runner/work/demo/demo';
const context = { workspace: WORKSPACE, origin: 'coverage.json' };

/** [Line, Col, Count, HasCount, IsRegionEntry, IsGapRegion], as llvm-cov exports segments. */
type RawSegment = [number, number, number, boolean, boolean, boolean];
const entry = (line: number, column: number, count: number): RawSegment => [
  line,
  column,
  count,
  true,
  true,
  false,
];
const resume = (line: number, column: number, count: number): RawSegment => [
  line,
  column,
  count,
  true,
  false,
  false,
];
const gap = (line: number, column: number, count: number): RawSegment => [
  line,
  column,
  count,
  true,
  true,
  true,
];
const skipped = (line: number, column: number): RawSegment => [line, column, 0, false, true, false];
const end = (line: number, column: number): RawSegment => [line, column, 0, false, false, false];

function segments(raw: RawSegment[]) {
  return raw.map(([line, column, count, hasCount, isRegionEntry, isGapRegion]) => ({
    line,
    column,
    count,
    hasCount,
    isRegionEntry,
    isGapRegion,
  }));
}

function exportOf(files: unknown[], functions: unknown[] = [], version = '2.0.1'): string {
  return JSON.stringify({
    version,
    type: 'llvm.coverage.json.export',
    data: [{ files, functions, totals: {} }],
  });
}

function parse(text: string): Promise<CoverageReport> {
  return parseLlvmCov(textSource(text, 'coverage.json'), context);
}

/** `llvm-cov export -summary-only` totals, the figures llvm-cov reports itself. */
function llvmSummaryTotals(summary: {
  data: { totals: Record<string, { covered: number; count: number }> }[];
}): CoverageTotals {
  const totals = summary.data[0]!.totals;
  const ratio = (kind: string) => ({ covered: totals[kind]!.covered, total: totals[kind]!.count });
  return { lines: ratio('lines'), branches: ratio('branches'), functions: ratio('functions') };
}

describe('lines from segments, as llvm-cov export -format=lcov derives them', () => {
  it.each([
    {
      name: 'a function body: every line from its start to its closing brace',
      segments: [entry(2, 12, 5), end(4, 2)],
      lines: [
        [2, 5],
        [3, 5],
        [4, 5],
      ],
    },
    {
      name: 'lines before the first segment and after the last are not coverable',
      segments: [entry(10, 1, 1), end(10, 9)],
      lines: [[10, 1]],
    },
    {
      name: 'a line counts the most of the wrapped count and the regions starting on it',
      segments: [
        entry(1, 10, 3),
        entry(2, 5, 9),
        resume(2, 9, 3),
        entry(3, 5, 0),
        resume(3, 9, 3),
        end(4, 2),
      ],
      lines: [
        [1, 3],
        [2, 9],
        [3, 3],
        [4, 3],
      ],
    },
    {
      name: 'a line where a never-run region starts after a run one is covered',
      segments: [entry(1, 10, 4), entry(2, 3, 0), end(3, 2)],
      lines: [
        [1, 4],
        [2, 4],
        [3, 0],
      ],
    },
    {
      name: 'a skipped region (#if 0) leaves its lines, and the one it ends on, not coverable',
      segments: [entry(1, 10, 2), skipped(3, 1), resume(5, 1, 2), end(6, 2)],
      lines: [
        [1, 2],
        [2, 2],
        [6, 2],
      ],
    },
    {
      name: 'a gap region is not a region start: its line reads only the wrapped count',
      segments: [entry(1, 10, 6), gap(2, 14, 0), entry(3, 5, 0), resume(4, 3, 6), end(5, 2)],
      lines: [
        [1, 6],
        [2, 6],
        [3, 0],
        [4, 0],
        [5, 6],
      ],
    },
    {
      name: 'two functions with blank lines between them',
      segments: [entry(1, 10, 1), end(2, 2), entry(5, 10, 0), end(6, 2)],
      lines: [
        [1, 1],
        [2, 1],
        [5, 0],
        [6, 0],
      ],
    },
  ])('$name', ({ segments: raw, lines }) => {
    expect([...lineCounts(segments(raw))]).toEqual(lines);
  });
});

describe('llvm-cov export JSON', () => {
  it('reads lines, branches (true and false), and functions grouped by start', async () => {
    const text = exportOf(
      [
        {
          filename: `${WORKSPACE}/src/lib.cpp`,
          segments: [entry(1, 20, 2), end(3, 2), entry(5, 20, 0), end(6, 2)],
          branches: [[2, 7, 2, 12, 2, 0, 0, 0, 4]],
          expansions: [],
          summary: {},
        },
      ],
      [
        // Two instantiations of one template: one function, run because one of them ran.
        {
          name: '_Z3maxIiEvT_',
          count: 2,
          regions: [[1, 20, 3, 2, 2, 0, 0, 0]],
          filenames: [`${WORKSPACE}/src/lib.cpp`],
        },
        {
          name: '_Z3maxIdEvT_',
          count: 0,
          regions: [[1, 20, 3, 2, 0, 0, 0, 0]],
          filenames: [`${WORKSPACE}/src/lib.cpp`],
        },
        // Its main view is the second file: the first is a header expanded into it.
        {
          name: 'unused',
          count: 0,
          regions: [
            [5, 20, 6, 2, 0, 1, 0, 0],
            [5, 22, 5, 30, 0, 1, 0, 1],
          ],
          filenames: [`${WORKSPACE}/src/macros.h`, `${WORKSPACE}/src/lib.cpp`],
        },
        {
          name: 'elsewhere',
          count: 1,
          regions: [[1, 1, 2, 2, 1, 0, 0, 0]],
          filenames: ['/usr/include/x.h'],
        },
      ],
    );

    const report = await parse(text);

    expect(report.format).toBe('llvm-cov');
    expect(report.files.map((file) => file.path)).toEqual(['src/lib.cpp']);
    const [file] = report.files;
    expect([...file!.lines]).toEqual([
      [1, 2],
      [2, 2],
      [3, 2],
      [5, 0],
      [6, 0],
    ]);
    expect([...file!.branches]).toEqual([[2, [2, 0]]]);
    expect([...file!.functions]).toEqual([
      ['_Z3maxIiEvT_', 2],
      ['unused', 0],
    ]);
  });

  it.each([
    { name: 'garbage', text: 'segments everywhere', problem: /is not valid JSON/ },
    { name: 'an empty file', text: '', problem: /is empty/ },
    {
      name: 'another JSON report',
      text: '{"/a.js": {"statementMap": {}}}',
      problem: /is not llvm-cov export JSON/,
    },
    { name: 'truncated JSON', text: exportOf([]).slice(0, 40), problem: /is not valid JSON/ },
    {
      name: 'a malformed segment',
      text: exportOf([{ filename: '/a.c', segments: [['x', 1, 1, true, true, false]] }]),
      problem: /malformed segment/,
    },
    {
      name: 'a segment on an absurd line',
      text: exportOf([{ filename: '/a.c', segments: [entry(2_000_000_000, 1, 1)] }]),
      problem: /not plausible/,
    },
  ])('refuses $name with a ReportError', async ({ text, problem }) => {
    const attempt = parse(text);

    await expect(attempt).rejects.toBeInstanceOf(ReportError);
    await expect(attempt).rejects.toThrow(problem);
  });

  it.each([
    { head: '{"data":[{"files":[', expected: false },
    {
      head: '{"data":[{"files":[{"filename":"/a.c"}]}],"type":"llvm.coverage.json.export","version":"2.0.1"}',
      expected: true,
    },
    { head: '{"version":"3.0.1","type":"llvm.coverage.json.export"', expected: true },
  ])('looksLikeLlvmCov($head) is $expected', ({ head, expected }) => {
    expect(looksLikeLlvmCov(head)).toBe(expected);
  });

  // Each row was accepted before shape checks: the malformed field was skipped.
  const file = { filename: '/home/runner/work/demo/demo/a.c', segments: [] };
  const fn = {
    name: 'main',
    count: 1,
    filenames: [file.filename],
    regions: [[1, 1, 2, 1, 1, 0, 0, 0]],
  };
  it.each<[string, string, string]>([
    [
      'files that are an object',
      JSON.stringify({ type: 'llvm.coverage.json.export', data: [{ files: {} }] }),
      'data[0].files must be an array',
    ],
    [
      'an export that is not an object',
      JSON.stringify({ type: 'llvm.coverage.json.export', data: [7] }),
      'data[0] must be an object',
    ],
    ['a file that is not an object', exportOf(['a.c']), 'data[0].files[0] must be an object'],
    [
      'a branch that is not an array',
      exportOf([{ ...file, branches: [7] }]),
      'data[0].files[0].branches[0] must be an array',
    ],
    [
      'a function that is not an object',
      exportOf([file], ['main']),
      'data[0].functions[0] must be an object',
    ],
    [
      'a function count that is a string',
      exportOf([file], [{ ...fn, count: '1' }]),
      'data[0].functions[0].count must be a number',
    ],
    [
      'regions that are not arrays',
      exportOf([file], [{ ...fn, regions: [1] }]),
      'data[0].functions[0].regions[0] must be an array',
    ],
    [
      'a filename that is a number',
      exportOf([file], [{ ...fn, filenames: [1] }]),
      'data[0].functions[0].filenames[0] must be a string',
    ],
  ])('refuses a malformed shape: %s', async (_case, text, problem) => {
    await expect(parse(text)).rejects.toBeInstanceOf(ReportError);
    await expect(parse(text)).rejects.toThrow(
      `is not llvm-cov export JSON: ${problem}, as llvm-cov export writes it.`,
    );
  });
});

describe('an export captured from clang 14 / llvm-cov 14', () => {
  it('equals llvm-cov export -summary-only and the lcov export of the same run', async () => {
    const report = await parseLlvmCov(fileSource(join(FIXTURES, 'llvm-cov/export.json')), context);
    const summary = JSON.parse(await readFile(join(FIXTURES, 'llvm-cov/summary.json'), 'utf8'));
    const asLcov = await parseLcov(fileSource(join(FIXTURES, 'lcov/llvm-cov.info')), context);

    expect(report.files.map((file) => file.path)).toEqual(['classify.c', 'main.c']);
    expect(totalsOf(report.files)).toEqual(llvmSummaryTotals(summary));
    expect(report.files.map((file) => [file.path, [...file.lines]])).toEqual(
      asLcov.files.map((file) => [file.path, [...file.lines]]),
    );
  });
});

const clang = { program: 'clang', debianPackage: 'clang' };
const llvmCov = { program: 'llvm-cov', debianPackage: 'llvm', versionArgs: ['--version'] };

describeWithTool(clang, 'clang -fprofile-instr-generate -fcoverage-mapping', () => {
  describeWithTool(llvmCov, 'llvm-profdata + llvm-cov export, run now', () => {
    let scratch: string;
    beforeAll(async () => {
      scratch = await mkdtemp(join(tmpdir(), 'slipway-llvm-cov-'));
    });
    afterAll(async () => {
      await rm(scratch, { recursive: true, force: true });
    });

    it('agrees with llvm-cov’s own summary and with our reading of its LCOV export', async () => {
      const project = join(scratch, 'llvm-demo');
      await cp(join(FIXTURES, 'projects/llvm-demo'), project, { recursive: true });
      // libclang-rt-dev provides the profile runtime this links against.
      await run(
        'clang',
        [
          '-fprofile-instr-generate',
          '-fcoverage-mapping',
          '-O0',
          '-o',
          'demo',
          'main.c',
          'classify.c',
        ],
        {
          cwd: project,
        },
      );
      await run(join(project, 'demo'), ['5', '-3', '7'], {
        cwd: project,
        env: { ...process.env, LLVM_PROFILE_FILE: join(project, 'demo.profraw') },
      });
      await run('llvm-profdata', ['merge', '-sparse', 'demo.profraw', '-o', 'demo.profdata'], {
        cwd: project,
      });
      const exported = async (...args: string[]) =>
        (
          await run('llvm-cov', ['export', ...args, '-instr-profile=demo.profdata', './demo'], {
            cwd: project,
            maxBuffer: 64 * 1024 * 1024,
          })
        ).stdout;
      await writeFile(join(project, 'export.json'), await exported('-format=text'));
      await writeFile(join(project, 'export.info'), await exported('-format=lcov'));
      const summary = JSON.parse(await exported('-summary-only'));
      const ours = { workspace: project, origin: 'export' };

      const fromJson = await parseLlvmCov(fileSource(join(project, 'export.json')), ours);
      const fromLcov = await parseLcov(fileSource(join(project, 'export.info')), ours);

      expect(totalsOf(fromJson.files)).toEqual(llvmSummaryTotals(summary));
      expect(totalsOf(fromLcov.files)).toEqual(totalsOf(fromJson.files));
      expect(fromJson.files.map((file) => [file.path, [...file.lines]])).toEqual(
        fromLcov.files.map((file) => [file.path, [...file.lines]]),
      );
    }, 60_000);
  });
});
