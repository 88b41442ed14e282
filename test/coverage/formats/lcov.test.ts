import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { looksLikeLcov, parseLcov } from '../../../src/coverage/formats/lcov.js';
import type { CoverageReport } from '../../../src/coverage/model.js';
import { totalsOf, type CoverageTotals } from '../../../src/coverage/totals.js';
import {
  fileSource,
  ReportError,
  textSource,
  type ReportSource,
} from '../../../src/core/reports/source.js';
import { toRepositoryPath } from '../../../src/core/reports/paths.js';
import { describeWithTool } from '../../support/tools.js';

const run = promisify(execFile);
const FIXTURES = fileURLToPath(new URL('../../fixtures/coverage/', import.meta.url));
const WORKSPACE = '/home/runner/work/demo/demo';
const context = { workspace: WORKSPACE, origin: 'coverage.lcov' };

function parse(text: string): Promise<CoverageReport> {
  return parseLcov(textSource(text, 'coverage.lcov'), context);
}

function lcov(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** `lcov --summary` prints "  lines......: 66.7% (14 of 21 lines)" for each kind it measured. */
function lcovSummaryTotals(summary: string): CoverageTotals {
  const ratio = (kind: string) => {
    const match = new RegExp(`${kind}\\.*: [\\d.]+% \\((\\d+) of (\\d+) `).exec(summary);
    if (!match) throw new Error(`no ${kind} figure in lcov --summary output:\n${summary}`);
    return { covered: Number(match[1]), total: Number(match[2]) };
  };
  return { lines: ratio('lines'), functions: ratio('functions'), branches: ratio('branches') };
}

describe('LCOV records', () => {
  it.each([
    {
      name: 'lcov 1.x: FN/FNDA, DA, BRDA; LF/LH and the other summaries are not trusted',
      report: lcov(
        'TN:unit',
        'SF:/home/runner/work/demo/demo/src/a.c',
        'FN:3,main',
        'FN:9,helper',
        'FNDA:1,main',
        'FNDA:0,helper',
        'FNF:7',
        'FNH:7',
        'DA:3,1',
        'DA:4,5',
        'DA:9,0',
        'BRDA:4,0,0,5',
        'BRDA:4,0,1,0',
        'BRF:99',
        'BRH:99',
        'LF:100',
        'LH:100',
        'end_of_record',
      ),
      path: 'src/a.c',
      lines: [
        [3, 1],
        [4, 5],
        [9, 0],
      ],
      branches: [[4, [5, 0]]],
      functions: [
        ['main', 1],
        ['helper', 0],
      ],
    },
    {
      name: 'FN with an end line (gcc ≥ 9) and C++ names holding commas',
      report: lcov(
        'SF:src/b.cpp',
        'FN:10,20,add(int, int)',
        'FN:22,scale',
        'FNDA:2,add(int, int)',
        'FNDA:0,scale',
        'DA:10,2',
        'end_of_record',
      ),
      path: 'src/b.cpp',
      lines: [[10, 2]],
      branches: [],
      functions: [
        ['add(int, int)', 2],
        ['scale', 0],
      ],
    },
    {
      name: 'lcov 2.2 FNL/FNA: one function per group, hit when any alias is',
      report: lcov(
        'SF:src/c.cpp',
        'VER:#1',
        'FNL:0,5,9',
        'FNA:0,0,Widget::Widget()',
        'FNA:0,3,Widget::Widget() [base]',
        'FNL:1,12',
        'FNA:1,0,Widget::~Widget()',
        'DA:5,3',
        'DA:12,0',
        'end_of_record',
      ),
      path: 'src/c.cpp',
      lines: [
        [5, 3],
        [12, 0],
      ],
      branches: [],
      functions: [
        ['Widget::Widget()', 3],
        ['Widget::~Widget()', 0],
      ],
    },
    {
      name: 'BRDA: "-" is a branch not taken; named branches with commas; e/f/U flags',
      report: lcov(
        'SF:src/d.c',
        'DA:7,1',
        'BRDA:7,0,0,-',
        'BRDA:7,0,1,-',
        'BRDA:8,e0,enable, with comma,4',
        'BRDA:8,f1,disable,0',
        'BRDA:8,U2,never,0',
        'end_of_record',
      ),
      path: 'src/d.c',
      lines: [[7, 1]],
      branches: [
        [7, [0, 0]],
        [8, [4, 0, 0]],
      ],
      functions: [],
    },
    {
      name: 'DA with a checksum, scientific and negative counts, and a duplicated line',
      report: lcov(
        'SF:src/e.c',
        'DA:1,3,d41d8cd98f00b204e9800998ecf8427e',
        'DA:2,1e+0',
        'DA:3,-5',
        'DA:4,2',
        'DA:4,1',
        'end_of_record',
      ),
      path: 'src/e.c',
      lines: [
        [1, 3],
        [2, 1],
        [3, 0],
        [4, 3],
      ],
      branches: [],
      functions: [],
    },
    {
      name: 'the same SF twice (one record per test) is summed',
      report: lcov(
        'TN:first',
        'SF:src/f.c',
        'FN:1,f',
        'FNDA:0,f',
        'DA:1,0',
        'DA:2,0',
        'BRDA:2,0,0,0',
        'BRDA:2,0,1,-',
        'end_of_record',
        'TN:second',
        'SF:/home/runner/work/demo/demo/src/f.c',
        'FN:1,f',
        'FNDA:2,f',
        'DA:2,4',
        'DA:3,1',
        'BRDA:2,0,1,4',
        'end_of_record',
      ),
      path: 'src/f.c',
      lines: [
        [1, 0],
        [2, 4],
        [3, 1],
      ],
      branches: [[2, [0, 4]]],
      functions: [['f', 2]],
    },
    {
      name: 'FNDA before FN, a name declared twice, FNDA out of order, non-ASCII and NUL names',
      report: lcov(
        'SF:src/h.c',
        'FNDA:4,early',
        'FN:3,named',
        'FN:7,named',
        'FN:5,early',
        'FN:9,naïve',
        'FN:11,nul\u0000name',
        'FNDA:1,naïve',
        'FNDA:2,named',
        'FNDA:3,nul\u0000name',
        'FNDA:5,early',
        'FNDA:1,named',
        'end_of_record',
      ),
      path: 'src/h.c',
      lines: [],
      branches: [],
      functions: [
        ['early', 9],
        ['named', 3],
        ['naïve', 1],
        ['nul\u0000name', 3],
      ],
    },
    {
      name: 'CRLF line ends, a byte-order mark and blank lines',
      report: '\uFEFFTN:\r\n\r\nSF:src/g.c\r\nDA:1,1\r\nend_of_record\r\n',
      path: 'src/g.c',
      lines: [[1, 1]],
      branches: [],
      functions: [],
    },
  ])('$name', async ({ report, path, lines, branches, functions }) => {
    const parsed = await parse(report);

    expect(parsed.format).toBe('lcov');
    expect(parsed.files.map((file) => file.path)).toEqual([path]);
    const [file] = parsed.files;
    expect([...file!.lines]).toEqual(lines);
    expect([...file!.branches]).toEqual(branches);
    expect([...file!.functions]).toEqual(functions);
  });

  it.each([
    WORKSPACE,
    `${WORKSPACE}/`,
    '/',
    '',
    'C:/work/demo',
    '/home/../home/runner/work/demo/demo',
  ])(
    'makes SF paths repository paths as toRepositoryPath does (workspace %j)',
    async (workspace) => {
      const paths = [
        'src/a.ts',
        './src/b.ts',
        '/src/c.ts',
        'C:/work/demo/src/d.ts',
        'c:\\work\\demo\\src\\e.ts',
        'file:///home/runner/work/demo/demo/src/f.ts',
        ...[
          '/src/g.ts',
          '/src/../h.ts',
          '/src/./i.ts',
          '//j.ts',
          '/k/',
          '/l/.',
          '/m/..',
          '/n\\o.ts',
          '/p..ts',
          '/.q.ts',
          '/',
          '',
          'x/r.ts',
          '\u00a0/s.ts',
        ].map((tail) => `${workspace}${tail}`),
        `  ${workspace}/t.ts  `,
      ].filter((path) => path.trim() !== '');
      const report = lcov(...paths.flatMap((path) => [`SF:${path}`, 'DA:1,1', 'end_of_record']));
      const parsed = await parseLcov(textSource(report, 'coverage.lcov'), {
        workspace,
        origin: 'coverage.lcov',
      });

      const expected = [...new Set(paths.map((path) => toRepositoryPath(path.trim(), workspace)))];
      expect(parsed.files.map((file) => file.path)).toEqual(expected);
    },
  );

  it('sums the same SF twice by branch id, whether its lines list the same ids or not', async () => {
    const parsed = await parse(
      lcov(
        'SF:src/i.c',
        'BRDA:2,0,0,1',
        'BRDA:2,0,1,0',
        'BRDA:3,0,0,0',
        'BRDA:3,0,1,-',
        'end_of_record',
        'SF:src/j.c',
        'BRDA:2,0,0,1',
        'BRDA:2,0,1,0',
        'BRDA:5,1,0,3',
        'BRDA:6,0,1,2',
        'BRDA:6,0,0,0',
        'end_of_record',
        'SF:src/i.c',
        'BRDA:3,0,1,5',
        'BRDA:2,0,0,1',
        'end_of_record',
        'SF:src/j.c',
        'BRDA:6,0,0,7',
        'BRDA:5,1,0,1',
        'BRDA:5,1,1,1',
        'BRDA:2,0,1,4',
        'end_of_record',
      ),
    );

    expect(parsed.files.map((file) => [file.path, [...file.branches]])).toEqual([
      [
        'src/i.c',
        [
          [2, [2, 0]],
          [3, [0, 5]],
        ],
      ],
      [
        'src/j.c',
        [
          [2, [1, 4]],
          [5, [4, 1]],
          [6, [2, 7]],
        ],
      ],
    ]);
  });

  it('keeps hundreds of functions of one record apart, whatever order FNDA lists them in', async () => {
    const names = Array.from({ length: 300 }, (_, at) => `f_${at}`);
    const parsed = await parse(
      lcov(
        'SF:src/many.c',
        ...names.map((name, at) => `FN:${at + 1},${name}`),
        ...names.map((name, at) => `FNDA:${at},${name}`).reverse(),
        'end_of_record',
      ),
    );

    expect([...parsed.files[0]!.functions]).toEqual(names.map((name, at) => [name, at]));
  });

  it.each([
    {
      name: 'garbage',
      report: 'this is not coverage\njust text\n',
      problem: /line 1 is not an LCOV record/,
    },
    { name: 'a JSON document', report: '{"total": {}}\n', problem: /not an LCOV record/ },
    { name: 'an empty file', report: '', problem: /contains no LCOV records/ },
    {
      name: 'a truncated file (no end_of_record at EOF)',
      report: lcov('SF:src/a.c', 'DA:1,1', 'DA:2'),
      problem: /line 3: malformed DA record/,
    },
    {
      name: 'a file cut after a whole record line',
      report: lcov('SF:src/a.c', 'DA:1,1', 'DA:2,0'),
      problem: /without end_of_record; the tracefile is truncated/,
    },
    {
      name: 'DA before any SF',
      report: lcov('DA:1,1', 'end_of_record'),
      problem: /DA record outside an SF/,
    },
    {
      name: 'a DA count that is not a number',
      report: lcov('SF:a.c', 'DA:1,lots', 'end_of_record'),
      problem: /malformed DA/,
    },
    {
      name: 'a BRDA without a taken field',
      report: lcov('SF:a.c', 'BRDA:1,0,0', 'end_of_record'),
      problem: /malformed BRDA/,
    },
    {
      name: 'one enormous line',
      report: 'SF:' + 'x'.repeat(5 * 1024 * 1024),
      problem: /longer than/,
    },
  ])('refuses $name with a ReportError', async ({ report, problem }) => {
    const attempt = parse(report);

    await expect(attempt).rejects.toBeInstanceOf(ReportError);
    await expect(attempt).rejects.toThrow(problem);
  });

  it.each([
    { head: 'TN:\nSF:/src/a.c\nFN:1,main\n', expected: true },
    { head: 'SF:src/a.c\nDA:1,1\n', expected: true },
    { head: '\r\nTN:unit\r\nSF:a.c\r\n', expected: true },
    { head: 'mode: set\na.go:1.1,2.2 1 1\n', expected: false },
    { head: '<?xml version="1.0"?><coverage/>', expected: false },
    { head: '{"SF:": 1}', expected: false },
  ])('looksLikeLcov($head) is $expected', ({ head, expected }) => {
    expect(looksLikeLcov(head)).toBe(expected);
  });
});

describe('LCOV tracefiles captured from real tools', () => {
  it('gcc --coverage + lcov 1.16: equals lcov --summary', async () => {
    const report = await parseLcov(fileSource(join(FIXTURES, 'lcov/gcc.info')), context);
    const summary = await readFile(join(FIXTURES, 'lcov/gcc.summary.txt'), 'utf8');

    expect(report.files.map((file) => file.path)).toEqual(['classify.c', 'main.c']);
    expect(totalsOf(report.files)).toEqual(lcovSummaryTotals(summary));
  });

  it('c8 12: equals its own coverage-summary.json', async () => {
    const report = await parseLcov(fileSource(join(FIXTURES, 'lcov/c8.info')), context);
    const summary = JSON.parse(
      await readFile(join(FIXTURES, 'istanbul/coverage-summary.json'), 'utf8'),
    );

    expect(totalsOf(report.files)).toEqual(istanbulTotals(summary.total));
  });

  it('llvm-cov export -format=lcov: equals llvm-cov export -summary-only', async () => {
    const report = await parseLcov(fileSource(join(FIXTURES, 'lcov/llvm-cov.info')), context);
    const summary = JSON.parse(await readFile(join(FIXTURES, 'llvm-cov/summary.json'), 'utf8'));
    const totals = summary.data[0].totals;

    expect(totalsOf(report.files)).toEqual({
      lines: { covered: totals.lines.covered, total: totals.lines.count },
      branches: { covered: totals.branches.covered, total: totals.branches.count },
      functions: { covered: totals.functions.covered, total: totals.functions.count },
    });
  });
});

function istanbulTotals(total: Record<string, { covered: number; total: number }>): CoverageTotals {
  const ratio = (kind: string) => ({ covered: total[kind]!.covered, total: total[kind]!.total });
  return { lines: ratio('lines'), branches: ratio('branches'), functions: ratio('functions') };
}

describeWithTool({ program: 'gcc', debianPackage: 'gcc' }, 'gcc --coverage', () => {
  describeWithTool({ program: 'lcov', debianPackage: 'lcov' }, 'lcov --capture, run now', () => {
    let scratch: string;
    beforeAll(async () => {
      scratch = await mkdtemp(join(tmpdir(), 'slipway-lcov-'));
    });
    afterAll(async () => {
      await rm(scratch, { recursive: true, force: true });
    });

    it('parses the tracefile to the totals lcov --summary prints', async () => {
      const project = join(scratch, 'c-demo');
      await cp(join(FIXTURES, 'projects/c-demo'), project, { recursive: true });
      await run('gcc', ['--coverage', '-O0', '-o', 'demo', 'main.c', 'classify.c'], {
        cwd: project,
      });
      await run(join(project, 'demo'), ['5', '-3', '7'], { cwd: project });
      const branchesOn = await lcovBranchOption();
      const tracefile = join(scratch, 'coverage.info');
      await run(
        'lcov',
        ['--quiet', '--capture', '--directory', project, '--output-file', tracefile, ...branchesOn],
        {
          cwd: project,
        },
      );
      const { stdout, stderr } = await run('lcov', ['--summary', tracefile, ...branchesOn]);

      const report = await parseLcov(fileSource(tracefile), {
        workspace: project,
        origin: tracefile,
      });

      expect(report.files.map((file) => file.path).sort()).toEqual(['classify.c', 'main.c']);
      expect(totalsOf(report.files)).toEqual(lcovSummaryTotals(stdout + stderr));
    }, 60_000);
  });
});

/** lcov 2.x renamed the switch that turns branch coverage on. */
async function lcovBranchOption(): Promise<string[]> {
  const { stdout } = await run('lcov', ['--version']);
  const major = Number(/version (\d+)/i.exec(stdout)?.[1] ?? '1');
  return ['--rc', major >= 2 ? 'branch_coverage=1' : 'lcov_branch_coverage=1'];
}

describe('a 100 MB tracefile', () => {
  const TESTS = 16;
  const FILES = 1_000;
  const LINES = 500;

  /** Per test name, every file again: lines ≡ 0 (mod 4) never run, branch pairs every 10 lines. */
  function* tracefile(): Generator<Buffer> {
    for (let test = 0; test < TESTS; test += 1) {
      for (let fileIndex = 0; fileIndex < FILES; fileIndex += 1) {
        const record = [
          `TN:test_${test}`,
          `SF:/home/runner/work/demo/demo/src/module_${fileIndex}.c`,
        ];
        for (let line = 1; line <= LINES; line += 50) {
          record.push(`FN:${line},fn_${fileIndex}_${line}`);
          record.push(`FNDA:${line % 100 === 1 ? 0 : test + 1},fn_${fileIndex}_${line}`);
        }
        for (let line = 1; line <= LINES; line += 1) {
          record.push(`DA:${line},${line % 4 === 0 ? 0 : test + 1}`);
          if (line % 10 === 0) {
            record.push(`BRDA:${line},0,0,${line % 20 === 0 ? '-' : '1'}`, `BRDA:${line},0,1,0`);
          }
        }
        record.push('LF:500', 'LH:375', 'end_of_record', '');
        yield Buffer.from(record.join('\n'));
      }
    }
  }

  it('streams it and counts every record, holding far less than the file in memory', async () => {
    // What is alive, not garbage not yet collected, is what shows whether the file is held.
    setFlagsFromString('--expose-gc');
    const collectGarbage = runInNewContext('gc') as () => void;
    collectGarbage();
    const baseline = process.memoryUsage().heapUsed;
    let bytes = 0;
    let chunks = 0;
    let peakLive = 0;
    const source: ReportSource = {
      origin: 'huge.info',
      open: () =>
        Readable.from(
          (function* sampled() {
            for (const chunk of tracefile()) {
              bytes += chunk.length;
              chunks += 1;
              if (chunks % 2_000 === 0) {
                collectGarbage();
                peakLive = Math.max(peakLive, process.memoryUsage().heapUsed - baseline);
              }
              yield chunk;
            }
          })(),
        ),
      readText: () => Promise.reject(new Error('an LCOV file must be streamed')),
    };

    const report = await parseLcov(source, { workspace: WORKSPACE, origin: 'huge.info' });

    expect(bytes).toBeGreaterThan(100 * 1000 * 1000);
    expect(report.files).toHaveLength(FILES);
    expect(totalsOf(report.files)).toEqual({
      lines: { covered: FILES * LINES * (3 / 4), total: FILES * LINES },
      branches: { covered: FILES * (LINES / 20), total: FILES * (LINES / 10) * 2 },
      functions: { covered: FILES * (LINES / 100), total: FILES * (LINES / 50) },
    });
    expect(report.files[0]!.lines.get(1)).toBe((TESTS * (TESTS + 1)) / 2);
    expect(peakLive).toBeGreaterThan(0);
    // The coverage itself (500,000 lines) is about a third of this; the file never is.
    expect(peakLive).toBeLessThan(bytes / 2);
  }, 120_000);
});
