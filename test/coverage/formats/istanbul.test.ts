import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { looksLikeIstanbul, parseIstanbul } from '../../../src/coverage/formats/istanbul.js';
import { parseLcov } from '../../../src/coverage/formats/lcov.js';
import type { CoverageReport, StatementTotals } from '../../../src/coverage/model.js';
import { totalsOf, type CoverageTotals } from '../../../src/coverage/totals.js';
import { fileSource, ReportError, textSource } from '../../../src/core/reports/source.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = join(REPO, 'test/fixtures/coverage');
const C8 = join(REPO, 'node_modules/c8/bin/c8.js');
const WORKSPACE = '/home/runner/work/demo/demo';

function parse(document: unknown): Promise<CoverageReport> {
  return parseIstanbul(textSource(JSON.stringify(document), 'coverage-final.json'), {
    workspace: WORKSPACE,
    origin: 'coverage-final.json',
  });
}

const at = (line: number, column = 0) => ({ line, column });
const span = (start: number, end = start) => ({ start: at(start), end: at(end, 40) });

interface SummaryTotals extends CoverageTotals {
  statements: StatementTotals;
}

/** coverage-summary.json's "total": what istanbul (and so c8, nyc, jest) prints itself. */
function summaryTotals(summary: {
  total: Record<string, { covered: number; total: number }>;
}): SummaryTotals {
  const ratio = (kind: string) => ({
    covered: summary.total[kind]!.covered,
    total: summary.total[kind]!.total,
  });
  return {
    lines: ratio('lines'),
    branches: ratio('branches'),
    functions: ratio('functions'),
    statements: ratio('statements'),
  };
}

function ourTotals(report: CoverageReport): SummaryTotals {
  return { ...totalsOf(report.files), statements: report.statements! };
}

describe('Istanbul coverage-final.json', () => {
  it.each([
    {
      name: 'lines are statement start lines at the most any statement on them ran',
      entry: {
        statementMap: { '0': span(1), '1': span(1), '2': span(2, 4), '3': span(5) },
        s: { '0': 0, '1': 3, '2': 1, '3': 0 },
        fnMap: {},
        f: {},
        branchMap: {},
        b: {},
      },
      lines: [
        [1, 3],
        [2, 1],
        [5, 0],
      ],
      branches: [],
      functions: [],
      statements: { covered: 2, total: 4 },
    },
    {
      name: 'functions by name, name@line where names repeat; branches one per location',
      entry: {
        statementMap: { '0': span(2) },
        s: { '0': 1 },
        fnMap: {
          '0': { name: 'handler', decl: span(1), loc: span(1, 3), line: 1 },
          '1': { name: 'handler', decl: span(8), loc: span(8, 9), line: 8 },
          '2': { name: '(anonymous_2)', decl: span(11), loc: span(11), line: 11 },
        },
        f: { '0': 2, '1': 0, '2': 1 },
        branchMap: {
          '0': { type: 'if', line: 2, loc: span(2), locations: [span(2), span(3)] },
          '1': { type: 'cond-expr', loc: span(2), locations: [span(2), span(2), span(2)] },
          '2': { type: 'binary-expr', locations: [span(6)] },
        },
        b: { '0': [1, 0], '1': [0, 2, 0], '2': [4] },
      },
      lines: [[2, 1]],
      branches: [
        [2, [1, 0, 0, 2, 0]],
        [6, [4]],
      ],
      functions: [
        ['handler@1', 2],
        ['handler@8', 0],
        ['(anonymous_2)', 1],
      ],
      statements: { covered: 1, total: 1 },
    },
    {
      name: 'a file added by --all (all: true) counts with its zeros',
      entry: {
        all: true,
        statementMap: { '0': span(1), '1': span(2) },
        s: { '0': 0, '1': 0 },
        fnMap: { '0': { name: '(empty-report)', decl: span(1), loc: span(1, 2), line: 1 } },
        f: { '0': 0 },
        branchMap: { '0': { type: 'branch', line: 1, loc: span(1, 2), locations: [span(1, 2)] } },
        b: { '0': [0] },
      },
      lines: [
        [1, 0],
        [2, 0],
      ],
      branches: [[1, [0]]],
      functions: [['(empty-report)', 0]],
      statements: { covered: 0, total: 2 },
    },
  ])('$name', async ({ entry, lines, branches, functions, statements }) => {
    const path = `${WORKSPACE}/src/a.js`;
    const report = await parse({ [path]: { path, ...entry } });

    expect(report.format).toBe('istanbul');
    expect(report.files.map((file) => file.path)).toEqual(['src/a.js']);
    const [file] = report.files;
    expect([...file!.lines]).toEqual(lines);
    expect([...file!.branches]).toEqual(branches);
    expect([...file!.functions]).toEqual(functions);
    expect(report.statements).toEqual(statements);
  });

  it('reads files wrapped as { data: … } (istanbul FileCoverage serialised)', async () => {
    const report = await parse({
      '/elsewhere/lib/x.js': {
        data: { path: '/elsewhere/lib/x.js', statementMap: { '0': span(3) }, s: { '0': 2 } },
      },
    });

    expect(report.files.map((file) => [file.path, [...file.lines]])).toEqual([
      ['/elsewhere/lib/x.js', [[3, 2]]],
    ]);
  });

  it.each([
    { name: 'garbage', text: 'not json at all', problem: /is not valid JSON/ },
    { name: 'an empty file', text: '', problem: /is empty/ },
    { name: 'a JSON array', text: '[1, 2]', problem: /is not a JSON object of files/ },
    {
      name: 'a coverage-summary.json',
      text: '{"total": {"lines": {"total": 1}}}',
      problem: /has no statementMap/,
    },
    { name: 'truncated JSON', text: '{"/a.js": {"statementMap": {', problem: /is not valid JSON/ },
  ])('refuses $name with a ReportError', async ({ text, problem }) => {
    const attempt = parseIstanbul(textSource(text, 'coverage-final.json'), {
      workspace: WORKSPACE,
      origin: 'coverage-final.json',
    });

    await expect(attempt).rejects.toBeInstanceOf(ReportError);
    await expect(attempt).rejects.toThrow(problem);
  });

  it.each([
    { head: '{"/a/b.js": {"path":"/a/b.js","statementMap":{"0":', expected: true },
    {
      head: '{\n  "/a/b.js": {\n    "path": "/a/b.js",\n    "all": false,\n    "statementMap": {',
      expected: true,
    },
    { head: '{"total": {"lines":{"total":30', expected: false },
    { head: '{"type":"llvm.coverage.json.export"', expected: false },
  ])('looksLikeIstanbul($head) is $expected', ({ head, expected }) => {
    expect(looksLikeIstanbul(head)).toBe(expected);
  });

  // Each row was accepted before shape checks: the malformed field was skipped or counted as 0.
  const good = { path: '/a/b.js', statementMap: { '0': span(1) }, s: { '0': 1 } };
  it.each<[string, Record<string, unknown>, string]>([
    [
      'a statement count that is a string',
      { s: { '0': '1' } },
      'entry "k".s["0"] must be a number',
    ],
    [
      'a statement without a location',
      { statementMap: { '0': 3 } },
      'entry "k".statementMap["0"] must be an object',
    ],
    ['fnMap that is a list', { fnMap: [] }, 'entry "k".fnMap must be an object'],
    [
      'a function count that is a string',
      { fnMap: {}, f: { '0': 'x' } },
      'entry "k".f["0"] must be a number',
    ],
    [
      'branch counts that are a number',
      { branchMap: {}, b: { '0': 2 } },
      'entry "k".b["0"] must be an array',
    ],
    [
      'a branch count that is a string',
      { branchMap: {}, b: { '0': [1, 'x'] } },
      'entry "k".b["0"][1] must be a number',
    ],
    ['a path that is not a string', { path: 7 }, 'entry "k".path must be a string'],
  ])('refuses a malformed shape: %s', async (_case, fields, problem) => {
    const attempt = () => parse({ k: { ...good, ...fields } });
    await expect(attempt()).rejects.toBeInstanceOf(ReportError);
    await expect(attempt()).rejects.toThrow(`${problem}, as Istanbul writes coverage-final.json`);
  });
});

describe('coverage-final.json captured from c8 12', () => {
  it('equals the totals of its coverage-summary.json, statements included', async () => {
    const report = await parseIstanbul(fileSource(join(FIXTURES, 'istanbul/coverage-final.json')), {
      workspace: WORKSPACE,
      origin: 'coverage-final.json',
    });
    const summary = JSON.parse(
      await readFile(join(FIXTURES, 'istanbul/coverage-summary.json'), 'utf8'),
    );

    expect(report.files.map((file) => file.path)).toEqual(['src/classify.js', 'src/unused.js']);
    expect(ourTotals(report)).toEqual(summaryTotals(summary));
  });
});

describe('c8, run now on a small project', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'slipway-c8-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('gives, from its JSON and its LCOV alike, the totals of its own json-summary', async () => {
    const project = join(scratch, 'js-demo');
    await cp(join(FIXTURES, 'projects/js-demo'), project, { recursive: true });
    const reports = join(project, 'out');
    await run(
      process.execPath,
      [
        C8,
        '--all',
        '--src',
        'src',
        '--include',
        'src/**',
        '--reporter=lcov',
        '--reporter=json',
        '--reporter=json-summary',
        `--reports-dir=${reports}`,
        process.execPath,
        'run.js',
      ],
      { cwd: project, timeout: 60_000 },
    );
    const summary = summaryTotals(
      JSON.parse(await readFile(join(reports, 'coverage-summary.json'), 'utf8')),
    );
    const context = { workspace: project, origin: 'c8' };

    const fromJson = await parseIstanbul(fileSource(join(reports, 'coverage-final.json')), context);
    const fromLcov = await parseLcov(fileSource(join(reports, 'lcov.info')), context);

    expect(ourTotals(fromJson)).toEqual(summary);
    expect(totalsOf(fromLcov.files)).toEqual({
      lines: summary.lines,
      branches: summary.branches,
      functions: summary.functions,
    });
    expect(fromJson.files.map((file) => file.path)).toEqual(
      fromLcov.files.map((file) => file.path),
    );
  }, 60_000);
});
