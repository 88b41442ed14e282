import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportError, type TestCase } from '../../../src/quality-gate/model.js';
import { parseMochaJson } from '../../../src/quality-gate/parsers/mocha-json.js';
import { fileSource, textSource } from '../../../src/core/reports/source.js';

const PROJECTS = fileURLToPath(new URL('../../fixtures/quality-gate/projects/', import.meta.url));
const REPOSITORY = fileURLToPath(new URL('../../../', import.meta.url));
const WORKSPACE = '/home/runner/work/app/app';

function parseText(text: string, directory?: string) {
  return parseMochaJson(textSource(text, 'stdout of mocha'), {
    workspace: WORKSPACE,
    directory,
    origin: 'stdout of mocha',
  });
}

interface TestInput {
  title: string;
  suite?: string;
  file?: string;
  duration?: number;
  currentRetry?: number;
  err?: Record<string, unknown>;
}

/** A test as mocha's JSON reporter cleans it. */
function test(input: TestInput): Record<string, unknown> {
  return {
    title: input.title,
    fullTitle: `${input.suite ?? 'calc'} ${input.title}`,
    file: input.file ?? `${WORKSPACE}/test/calc.spec.js`,
    ...(input.duration !== undefined && { duration: input.duration }),
    currentRetry: input.currentRetry ?? 0,
    err: input.err ?? {},
  };
}

function report(lists: {
  tests?: TestInput[];
  pending?: TestInput[];
  failures?: TestInput[];
}): string {
  const tests = (lists.tests ?? []).map(test);
  const pending = (lists.pending ?? []).map(test);
  const failures = (lists.failures ?? []).map(test);
  const stats = { suites: 1, tests: tests.length, pending: pending.length };
  return JSON.stringify({ stats, tests, pending, failures, passes: [] }, null, 2);
}

const assertionError = {
  message: 'Expected values to be strictly equal:\n\n-1 !== 3\n',
  stack:
    'AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n\n-1 !== 3\n\n    at Context.<anonymous> (file:///home/runner/work/app/app/test/calc.spec.js:14:12)',
  name: 'AssertionError',
};

function find(cases: TestCase[], name: string): TestCase {
  const found = cases.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no case ${name}`);
  return found;
}

describe('parseMochaJson on JSON reporter output', () => {
  it('counts passed, failed and pending tests, keeping the failure with its file', async () => {
    const failing = { title: 'subtracts', duration: 3, err: assertionError };
    const { tests } = await parseText(
      report({
        tests: [{ title: 'adds', duration: 1 }, failing, { title: 'divides' }],
        pending: [{ title: 'divides' }],
        failures: [failing],
      }),
    );
    expect(tests?.totals).toEqual({ total: 3, passed: 1, failed: 1, skipped: 1, flaky: 0 });
    expect(tests?.notable).toEqual([
      {
        suite: 'calc',
        name: 'subtracts',
        outcome: 'failed',
        durationMs: 3,
        message: 'Expected values to be strictly equal:\n\n-1 !== 3',
        details: assertionError.stack,
        file: 'test/calc.spec.js',
      },
    ]);
  });

  it('a failing hook is a failure of its own; the tests it stopped are not counted', async () => {
    const hook = {
      title: '"before each" hook for "reads a row"',
      suite: 'database',
      err: { message: 'connection refused', stack: 'Error: connection refused\n    at x' },
    };
    const { tests } = await parseText(
      report({ tests: [{ title: 'adds', duration: 0 }], failures: [hook] }),
    );
    expect(tests?.totals).toEqual({ total: 2, passed: 1, failed: 1, skipped: 0, flaky: 0 });
    expect(tests?.notable[0]).toMatchObject({
      suite: 'database',
      name: '"before each" hook for "reads a row"',
      message: 'connection refused',
    });
  });

  it('a test that passed on a retry is flaky; one that failed every retry failed', async () => {
    const exhausted = { title: 'always times out', currentRetry: 2, err: { message: 'timeout' } };
    const { tests } = await parseText(
      report({
        tests: [{ title: 'connects', currentRetry: 1, duration: 4 }, exhausted],
        failures: [exhausted],
      }),
    );
    expect(tests?.totals).toEqual({ total: 2, passed: 1, failed: 1, skipped: 0, flaky: 1 });
    expect(find(tests!.notable, 'connects')).toMatchObject({
      outcome: 'flaky',
      message: 'passed after 1 retry',
    });
    expect(find(tests!.notable, 'always times out').outcome).toBe('failed');
  });

  it('tests that share a title are told apart by how many copies each list holds', async () => {
    const twin = { title: 'works', err: { message: 'no' } };
    const { tests } = await parseText(
      report({ tests: [{ title: 'works' }, twin], failures: [twin] }),
    );
    expect(tests?.totals).toEqual({ total: 2, passed: 1, failed: 1, skipped: 0, flaky: 0 });
  });

  it('a file relative to where mocha ran is made repository-relative; no line is invented', async () => {
    const failing = { title: 'x', file: 'test/a.spec.js', err: assertionError };
    const { tests } = await parseText(
      report({ tests: [failing], failures: [failing] }),
      `${WORKSPACE}/packages/web`,
    );
    expect(tests?.notable[0].file).toBe('packages/web/test/a.spec.js');
    expect(tests?.notable[0].line).toBeUndefined();
  });

  it('skips what the tests printed to stdout ahead of the report', async () => {
    const text = `{ "cache": "warmed" }\nready\n${report({ tests: [{ title: 'adds' }] })}`;
    const { tests } = await parseText(text);
    expect(tests?.totals.passed).toBe(1);
  });

  it.each<[string, string, RegExp]>([
    ['empty output', '  \n', /is empty, expected mocha JSON output/],
    [
      'a report cut off in the middle',
      report({ tests: [{ title: 'adds' }] }).slice(0, 60),
      /is not valid JSON at line \d+ .*expected mocha JSON output/,
    ],
    [
      'a missing comma, on the line where the parser noticed it',
      '{\n  "stats": {}\n  "tests": []\n}',
      /is not valid JSON at line 3 /,
    ],
    ['spec reporter output', '  calc\n    ✔ adds\n\n  1 passing (3ms)\n', /is not valid JSON/],
    ['another tool’s JSON', '{"numTotalTests": 1, "testResults": []}', /stats must be an object/],
    ['tests that is not a list', '{"stats": {}, "tests": {}}', /: tests must be an array,/],
    [
      'a full title that is a number',
      JSON.stringify({
        stats: {},
        tests: [{ title: 'a', fullTitle: 7 }],
        pending: [],
        failures: [],
      }),
      /: tests\[0\]\.fullTitle must be a string,/,
    ],
    [
      'an error message that is an object',
      JSON.stringify({
        stats: {},
        tests: [],
        pending: [],
        failures: [{ title: 'a', err: { message: {} } }],
      }),
      /: failures\[0\]\.err\.message must be a string,/,
    ],
  ])('refuses %s with a clear error', async (_case, text, problem) => {
    await expect(parseText(text)).rejects.toThrow(ReportError);
    await expect(parseText(text)).rejects.toThrow(problem);
  });
});

describe('real mocha on the mocha-demo project', () => {
  const mocha = join(REPOSITORY, 'node_modules', 'mocha', 'bin', 'mocha.js');
  let workspace: string;
  let project: string;

  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'qg-mocha-'));
    project = join(workspace, 'mocha-demo');
    cpSync(join(PROJECTS, 'mocha-demo'), project, { recursive: true });
  });
  afterAll(() => rmSync(workspace, { recursive: true, force: true }));

  function runMocha(extra: string[] = []) {
    return spawnSync(process.execPath, [mocha, '--reporter', 'json', ...extra, 'test/*.spec.js'], {
      cwd: project,
      encoding: 'utf8',
      timeout: 120_000,
    });
  }

  const context = (origin: string) => ({ workspace, directory: project, origin });

  /** Mocha's own counts, from the stats of the report it wrote. */
  function mochaStats(json: string) {
    const { stats } = JSON.parse(json.slice(json.indexOf('{\n'))) as {
      stats: { passes: number; failures: number; pending: number };
    };
    return {
      total: stats.passes + stats.failures + stats.pending,
      passed: stats.passes,
      failed: stats.failures,
      skipped: stats.pending,
    };
  }

  it('is the mocha version the project pins', () => {
    const pinned = (
      JSON.parse(readFileSync(join(REPOSITORY, 'package.json'), 'utf8')) as {
        devDependencies: Record<string, string>;
      }
    ).devDependencies.mocha;
    const require = createRequire(join(REPOSITORY, 'package.json'));
    const installed = (require('mocha/package.json') as { version: string }).version;
    expect(execFileSync(process.execPath, [mocha, '--version'], { encoding: 'utf8' }).trim()).toBe(
      installed,
    );
    expect(installed).toBe(pinned);
  });

  it('from stdout, after console.log output: our counts are mocha’s stats', async () => {
    const run = runMocha();
    expect(run.status).toBe(2); // mocha exits with the number of failures
    expect(run.stdout.startsWith('{ "cache": "warmed" }')).toBe(true);
    const { tests } = await parseMochaJson(textSource(run.stdout, 'stdout'), context('stdout'));
    expect(tests?.totals).toEqual({ ...mochaStats(run.stdout), flaky: 1 });
    expect(tests?.totals).toMatchObject({ passed: 4, failed: 2, skipped: 2 });

    expect(find(tests!.notable, 'subtracts a negative number')).toMatchObject({
      suite: 'calc',
      outcome: 'failed',
      message: expect.stringContaining('-1 !== 3'),
      details: expect.stringContaining('calc.spec.js:14'),
      file: 'mocha-demo/test/calc.spec.js',
    });
    expect(find(tests!.notable, '"before each" hook for "reads a row"')).toMatchObject({
      suite: 'database',
      message: 'connection refused',
      file: 'mocha-demo/test/hooks.spec.js',
    });
    expect(find(tests!.notable, 'connects after a retry')).toMatchObject({
      outcome: 'flaky',
      file: 'mocha-demo/test/retry.spec.js',
    });
  });

  it('from the file --reporter-option output= writes', async () => {
    const reportPath = join(workspace, 'reports', 'mocha.json');
    const run = runMocha(['--reporter-option', `output=${reportPath}`]);
    expect(run.status).toBe(2);
    const { tests } = await parseMochaJson(fileSource(reportPath), context('reports/mocha.json'));
    expect(tests?.totals).toEqual({
      ...mochaStats(readFileSync(reportPath, 'utf8')),
      flaky: 1,
    });
  });
});
