import { spawnSync } from 'node:child_process';
import {
  closeSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportError, type TestCase } from '../../../src/quality-gate/model.js';
import { parseGoTestJson } from '../../../src/quality-gate/parsers/go-test-json.js';
import {
  MAX_TEXT_REPORT_BYTES,
  fileSource,
  textSource,
  type ReportSource,
} from '../../../src/core/reports/source.js';
import { describeWithTool } from '../../support/tools.js';

const PROJECTS = fileURLToPath(new URL('../../fixtures/quality-gate/projects/', import.meta.url));
const WORKSPACE = '/home/runner/work/app/app';
const PKG = 'example.com/app/calc';

function parseText(lines: string[], context: { workspace?: string; directory?: string } = {}) {
  return parseGoTestJson(textSource(lines.join('\n'), 'stdout of go'), {
    workspace: context.workspace ?? WORKSPACE,
    directory: context.directory,
    origin: 'stdout of go',
  });
}

/** One test2json event, shaped as `go test -json` prints it. */
function event(action: string, fields: Record<string, unknown> = {}): string {
  return JSON.stringify({ Time: '2026-01-01T00:00:00Z', Action: action, Package: PKG, ...fields });
}

function output(test: string | undefined, text: string): string {
  return event('output', { ...(test !== undefined && { Test: test }), Output: `${text}\n` });
}

/** The events of one test from "run" to its result. */
function testRun(name: string, action: 'pass' | 'fail' | 'skip', lines: string[] = []): string[] {
  const word = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' }[action];
  return [
    event('run', { Test: name }),
    output(name, `=== RUN   ${name}`),
    ...lines.map((line) => output(name, line)),
    output(name, `--- ${word}: ${name} (0.25s)`),
    event(action, { Test: name, Elapsed: 0.25 }),
  ];
}

const PACKAGE_FAIL = [output(undefined, `FAIL\t${PKG}\t0.01s`), event('fail', { Elapsed: 0.01 })];
const PACKAGE_OK = [output(undefined, `ok  \t${PKG}\t0.01s`), event('pass', { Elapsed: 0.01 })];

function names(cases: TestCase[]): string[] {
  return cases.map((test) => test.name);
}

function find(cases: TestCase[], name: string): TestCase {
  const found = cases.find((test) => test.name === name);
  if (found === undefined) throw new Error(`no case ${name} in ${names(cases).join(', ')}`);
  return found;
}

describe('parseGoTestJson on test2json events', () => {
  it('counts passed, failed and skipped tests with their package as suite and classname', async () => {
    const { tests } = await parseText([
      ...testRun('TestAdd', 'pass'),
      ...testRun('TestSub', 'fail', ['    calc_test.go:13: Sub(1, -2) = -1, want 3']),
      ...testRun('TestNetwork', 'skip', ['    calc_test.go:18: needs network access']),
      ...PACKAGE_FAIL,
    ]);
    expect(tests?.totals).toEqual({ total: 3, passed: 1, failed: 1, skipped: 1, flaky: 0 });
    expect(tests?.notable).toEqual([
      {
        suite: PKG,
        classname: PKG,
        name: 'TestSub',
        outcome: 'failed',
        durationMs: 250,
        message: 'calc_test.go:13: Sub(1, -2) = -1, want 3',
        details: 'calc_test.go:13: Sub(1, -2) = -1, want 3',
      },
    ]);
  });

  it('counts subtests and their parents, as go test -v lists them; the parent names the failed subtests', async () => {
    const { tests } = await parseText([
      event('run', { Test: 'TestSub' }),
      event('run', { Test: 'TestSub/positive' }),
      event('run', { Test: 'TestSub/negative' }),
      output('TestSub/negative', '    calc_test.go:33: Sub(5, -3) = 2, want 8'),
      output('TestSub', '--- FAIL: TestSub (0.00s)'),
      output('TestSub/positive', '    --- PASS: TestSub/positive (0.00s)'),
      event('pass', { Test: 'TestSub/positive', Elapsed: 0 }),
      output('TestSub/negative', '    --- FAIL: TestSub/negative (0.00s)'),
      event('fail', { Test: 'TestSub/negative', Elapsed: 0 }),
      event('fail', { Test: 'TestSub', Elapsed: 0 }),
      ...PACKAGE_FAIL,
    ]);
    expect(tests?.totals).toEqual({ total: 3, passed: 1, failed: 2, skipped: 0, flaky: 0 });
    expect(find(tests!.notable, 'TestSub/negative').message).toBe(
      'calc_test.go:33: Sub(5, -3) = 2, want 8',
    );
    expect(find(tests!.notable, 'TestSub').message).toBe('subtests failed: TestSub/negative');
  });

  it.each([
    ['its subtests first (go < 1.20)', false],
    ['itself first, as go ≥ 1.20 reports parallel subtests', true],
  ])(
    'a parent of parallel subtests names those that failed, reported %s',
    async (_, parentFirst) => {
      const parent = [
        output('TestTable', '--- FAIL: TestTable (0.00s)'),
        event('fail', { Test: 'TestTable', Elapsed: 0 }),
      ];
      const subtests = ['two', 'three'].flatMap((name) => [
        output(`TestTable/${name}`, `    --- FAIL: TestTable/${name} (0.00s)`),
        event('fail', { Test: `TestTable/${name}`, Elapsed: 0 }),
      ]);
      const { tests } = await parseText([
        event('run', { Test: 'TestTable' }),
        ...['one', 'two', 'three'].flatMap((name) => [
          event('run', { Test: `TestTable/${name}` }),
          output(`TestTable/${name}`, `=== PAUSE TestTable/${name}`),
          event('pause', { Test: `TestTable/${name}` }),
        ]),
        ...['two', 'three'].flatMap((name) => [
          event('cont', { Test: `TestTable/${name}` }),
          output(`TestTable/${name}`, `    table_test.go:11: ${name} is wrong`),
        ]),
        ...(parentFirst ? [...parent, ...subtests] : [...subtests, ...parent]),
        output('TestTable/one', '    --- PASS: TestTable/one (0.00s)'),
        event('pass', { Test: 'TestTable/one', Elapsed: 0 }),
        ...PACKAGE_FAIL,
      ]);
      expect(tests?.totals).toEqual({ total: 4, passed: 1, failed: 3, skipped: 0, flaky: 0 });
      expect(find(tests!.notable, 'TestTable').message).toBe(
        'subtests failed: TestTable/two, TestTable/three',
      );
      expect(find(tests!.notable, 'TestTable/two').message).toBe('table_test.go:11: two is wrong');
    },
  );

  it('keeps a failing test output as details without go framing lines, capped in length', async () => {
    const noise = Array.from(
      { length: 2000 },
      (_, index) => `    calc_test.go:9: log line ${index}`,
    );
    const { tests } = await parseText([...testRun('TestLoud', 'fail', noise), ...PACKAGE_FAIL]);
    const [loud] = tests!.notable;
    expect(loud.details).not.toContain('=== RUN');
    expect(loud.details).not.toContain('--- FAIL');
    expect(loud.details).toContain('log line 0');
    expect(loud.details!.length).toBeLessThanOrEqual(4_100);
    expect(loud.details).toMatch(/truncated\)$/);
  });

  it('a package that did not build (go ≥ 1.24 build events) is a failure with the compiler output', async () => {
    const importPath = `${PKG} [${PKG}.test]`;
    const build = (fields: Record<string, unknown>) =>
      JSON.stringify({ ImportPath: importPath, ...fields });
    const { tests } = await parseText([
      build({ Action: 'build-output', Output: `# ${importPath}\n` }),
      build({ Action: 'build-output', Output: 'calc/calc.go:5:13: undefined: factor\n' }),
      build({ Action: 'build-fail' }),
      event('start'),
      output(undefined, `FAIL\t${PKG} [build failed]`),
      event('fail', { Elapsed: 0, FailedBuild: importPath }),
    ]);
    expect(tests?.totals).toEqual({ total: 1, passed: 0, failed: 1, skipped: 0, flaky: 0 });
    const [failure] = tests!.notable;
    expect(failure).toMatchObject({ suite: PKG, name: '[build failed]', outcome: 'failed' });
    expect(failure.message).toContain('calc/calc.go:5:13: undefined: factor');
  });

  it('a build failure printed as text (go < 1.24 with stderr merged) is one failure, with its errors', async () => {
    const { tests } = await parseText([
      `# ${PKG} [${PKG}.test]`,
      'calc/calc.go:5:13: undefined: factor',
      `FAIL\t${PKG} [build failed]`,
      // Some go versions also print the result line as an event: still one failure.
      output(undefined, `FAIL\t${PKG} [build failed]`),
      event('fail', { Elapsed: 0 }),
      ...testRun('TestOther', 'pass').map((line) => line.replace(PKG, 'example.com/app/other')),
    ]);
    expect(tests?.totals).toEqual({ total: 2, passed: 1, failed: 1, skipped: 0, flaky: 0 });
    expect(tests?.notable[0].message).toContain('undefined: factor');
  });

  it('a build failure without its errors in the report says where go printed them', async () => {
    const { tests } = await parseText([
      output(undefined, `FAIL\t${PKG} [build failed]`),
      event('fail', { Elapsed: 0 }),
    ]);
    expect(tests?.totals.failed).toBe(1);
    expect(tests?.notable[0].message).toMatch(/build failed; go printed the errors to stderr/);
  });

  it('a package that fails without a failing test (TestMain, init) is a failure, never a pass', async () => {
    const { tests } = await parseText([
      output(undefined, 'setup: database unreachable'),
      ...PACKAGE_FAIL,
    ]);
    expect(tests?.totals).toEqual({ total: 1, passed: 0, failed: 1, skipped: 0, flaky: 0 });
    expect(tests?.notable[0]).toMatchObject({
      name: '[package failed]',
      message: 'setup: database unreachable',
    });
  });

  it('a test that was still running when its package failed (panic, os.Exit, timeout) failed', async () => {
    const { tests } = await parseText([
      ...testRun('TestFirst', 'pass'),
      event('run', { Test: 'TestExit' }),
      output('TestExit', '=== RUN   TestExit'),
      output(undefined, 'panic: test timed out after 1s'),
      ...PACKAGE_FAIL,
    ]);
    expect(tests?.totals).toEqual({ total: 2, passed: 1, failed: 1, skipped: 0, flaky: 0 });
    const [exited] = tests!.notable;
    expect(exited.name).toBe('TestExit');
    expect(exited.message).toMatch(/stopped while this test ran/);
    expect(exited.details).toContain('panic: test timed out after 1s');
  });

  it('a test without a result at the end of the report failed', async () => {
    const { tests } = await parseText([
      ...testRun('TestA', 'pass'),
      event('run', { Test: 'TestB' }),
    ]);
    expect(tests?.totals).toEqual({ total: 2, passed: 1, failed: 1, skipped: 0, flaky: 0 });
    expect(tests?.notable[0].message).toMatch(/report ended before this test finished/);
  });

  it('ignores text between the events and actions that are not results', async () => {
    const { tests } = await parseText([
      'go: downloading example.com/dep v1.0.0',
      '# example.com/app/vetted',
      'vet: calc/x.go:3:2: unreachable code',
      event('start'),
      ...testRun('TestAdd', 'pass'),
      event('pause', { Test: 'TestAdd' }),
      event('bench', { Test: 'BenchmarkAdd', Output: '1000 ns/op' }),
      '',
      ...PACKAGE_OK,
    ]);
    expect(tests?.totals).toEqual({ total: 1, passed: 1, failed: 0, skipped: 0, flaky: 0 });
  });

  it('a package without test files adds no test', async () => {
    const { tests } = await parseText([
      output(undefined, `?   \t${PKG}\t[no test files]`),
      event('skip', { Elapsed: 0 }),
    ]);
    expect(tests?.totals).toEqual({ total: 0, passed: 0, failed: 0, skipped: 0, flaky: 0 });
  });

  it.each<[string, string, string]>([
    ['a cut-off event', '{"Action":"pass","Package":"a","Te', 'line 2: not valid JSON'],
    ['an event without an action', '{"Package":"a"}', 'line 2: Action must be a string'],
    [
      'an elapsed time that is text',
      '{"Action":"pass","Elapsed":"1s"}',
      'line 2: Elapsed must be a number',
    ],
    ['a test name that is a number', '{"Action":"run","Test":7}', 'line 2: Test must be a string'],
    ['a JSON value that is not an object', '{} {}', 'line 2: not valid JSON'],
  ])('refuses %s, naming the format and the line', async (_case, line, problem) => {
    const parsing = parseText([event('start'), line]);
    await expect(parsing).rejects.toThrow(ReportError);
    await expect(parseText([event('start'), line])).rejects.toThrow(
      `stdout of go: is not go test -json output: ${problem}`,
    );
  });

  it.each([
    ['empty output', []],
    ['plain go test output', ['--- FAIL: TestAdd (0.00s)', 'FAIL', `FAIL\t${PKG}\t0.01s`]],
  ])('refuses %s: there are no events', async (_case, lines) => {
    await expect(parseText(lines)).rejects.toThrow(
      /has no go test -json events: run go test with -json/,
    );
  });

  it('reads a report larger than any whole-text read allows, as a stream', async () => {
    const batches = 600;
    const perBatch = 1000;
    /** A thousand tests in one chunk; the first of each thousand fails. */
    const batch = (at: number) =>
      Buffer.from(
        Array.from({ length: perBatch }, (_, index) => {
          const name = `Test${at * perBatch + index}`;
          return `${event('run', { Test: name })}\n${event(index === 0 ? 'fail' : 'pass', { Test: name, Elapsed: 0 })}\n`;
        }).join(''),
      );
    let bytes = 0;
    const source: ReportSource = {
      origin: 'huge.jsonl',
      open: () =>
        Readable.from(
          (function* () {
            for (let at = 0; at < batches; at += 1) {
              const next = batch(at);
              bytes += next.length;
              yield next;
            }
          })(),
        ),
      readText: () => Promise.reject(new Error('a streaming parser never reads the whole text')),
    };
    const report = await parseGoTestJson(source, { workspace: WORKSPACE, origin: 'huge.jsonl' });
    expect(bytes).toBeGreaterThan(MAX_TEXT_REPORT_BYTES);
    expect(report.tests?.totals).toEqual({
      total: batches * perBatch,
      passed: batches * (perBatch - 1),
      failed: batches,
      skipped: 0,
      flaky: 0,
    });
  });
});

describe('parseGoTestJson locates a failing line in the repository', () => {
  let workspace: string;

  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'qg-go-map-'));
    mkdirSync(join(workspace, 'services', 'api', 'calc', 'deep'), { recursive: true });
    writeFileSync(
      join(workspace, 'services', 'api', 'go.mod'),
      '// the api service\nmodule example.com/app\n\ngo 1.19\n',
    );
  });
  afterAll(() => rmSync(workspace, { recursive: true, force: true }));

  const failing = [
    ...testRun('TestSub', 'fail', ['    calc_test.go:13: Sub(1, -2) = -1, want 3']),
    ...PACKAGE_FAIL,
  ];

  it.each([
    ['go test run at the module root', ['services', 'api']],
    ['go test run in a package below the module root', ['services', 'api', 'calc', 'deep']],
  ])(
    '%s: file is the repository path of the _test.go file, line from its output',
    async (_case, at) => {
      const { tests } = await parseText(failing, { workspace, directory: join(workspace, ...at) });
      expect(tests?.notable[0]).toMatchObject({ file: 'services/api/calc/calc_test.go', line: 13 });
    },
  );

  it('go.work maps the packages of each module it uses', async () => {
    const root = mkdtempSync(join(tmpdir(), 'qg-go-work-'));
    try {
      mkdirSync(join(root, 'tools'), { recursive: true });
      mkdirSync(join(root, 'lib'), { recursive: true });
      writeFileSync(join(root, 'go.work'), 'go 1.19\n\nuse (\n\t./tools\n\t"./lib" // shared\n)\n');
      writeFileSync(join(root, 'tools', 'go.mod'), 'module example.com/tools\n');
      writeFileSync(join(root, 'lib', 'go.mod'), 'module "example.com/app"\n');
      const { tests } = await parseText(failing, { workspace: root });
      expect(tests?.notable[0]).toMatchObject({ file: 'lib/calc/calc_test.go', line: 13 });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('leaves file and line unset when no go.mod says where the package is', async () => {
    const { tests } = await parseText(failing, { workspace: join(workspace, 'services') });
    expect(tests?.notable[0].file).toBeUndefined();
    expect(tests?.notable[0].line).toBeUndefined();
  });

  it('leaves them unset for a package of another module', async () => {
    const { tests } = await parseText(
      failing.map((line) => line.replace(PKG, 'example.org/other/calc')),
      { workspace, directory: join(workspace, 'services', 'api') },
    );
    expect(tests?.notable[0].file).toBeUndefined();
  });
});

/** What `go test -v` prints about each test and each package that did not build. */
function countedByGo(text: string) {
  const count = (pattern: RegExp) => text.match(pattern)?.length ?? 0;
  const passed = count(/^\s*--- PASS: /gm);
  const skipped = count(/^\s*--- SKIP: /gm);
  const failed = count(/^\s*--- FAIL: /gm) + count(/^FAIL\s+\S+ \[build failed\]$/gm);
  return { total: passed + failed + skipped, passed, failed, skipped, flaky: 0 };
}

function lineOf(path: string, text: string): number {
  return (
    readFileSync(path, 'utf8')
      .split('\n')
      .findIndex((line) => line.includes(text)) + 1
  );
}

describeWithTool(
  { program: 'go', debianPackage: 'golang-go', versionArgs: ['version'] },
  'real go test -json on the go-demo module',
  () => {
    let workspace: string;
    let scratch: string;
    let env: NodeJS.ProcessEnv;

    beforeAll(() => {
      workspace = mkdtempSync(join(tmpdir(), 'qg-go-'));
      scratch = mkdtempSync(join(tmpdir(), 'qg-go-cache-'));
      cpSync(join(PROJECTS, 'go-demo'), join(workspace, 'go-demo'), { recursive: true });
      // No network, no toolchain download, no VCS stamping (the copy is not a repository).
      env = {
        ...process.env,
        GOTOOLCHAIN: 'local',
        GOCACHE: join(scratch, 'cache'),
        GOPATH: join(scratch, 'path'),
        GOFLAGS: '-buildvcs=false',
        GOPROXY: 'off',
      };
    });
    afterAll(() => {
      rmSync(workspace, { recursive: true, force: true });
      rmSync(scratch, { recursive: true, force: true });
    });

    function goTest(args: string[], stdio: 'pipe' | number = 'pipe') {
      return spawnSync('go', ['test', ...args, './...'], {
        cwd: join(workspace, 'go-demo'),
        env,
        encoding: 'utf8',
        timeout: 300_000,
        stdio: ['ignore', stdio, stdio],
      });
    }

    const context = () => ({
      workspace,
      directory: join(workspace, 'go-demo'),
      origin: 'go-test.jsonl',
    });

    it('with stderr merged: our counts are the ones go test -v prints', async () => {
      const verbose = goTest(['-v']);
      expect(verbose.status).not.toBe(0);
      const expected = countedByGo(`${verbose.stdout}\n${verbose.stderr}`);
      expect(expected).toMatchObject({ passed: 4, failed: 5, skipped: 1 });

      const reportPath = join(scratch, 'go-test.jsonl');
      const fd = openSync(reportPath, 'w');
      try {
        expect(goTest(['-json'], fd).status).not.toBe(0);
      } finally {
        closeSync(fd);
      }
      const { tests } = await parseGoTestJson(fileSource(reportPath), context());
      expect(tests?.totals).toEqual(expected);

      const calcTest = join(workspace, 'go-demo', 'calc', 'calc_test.go');
      expect(find(tests!.notable, 'TestSubNegative')).toMatchObject({
        suite: 'example.com/godemo/calc',
        file: 'go-demo/calc/calc_test.go',
        line: lineOf(calcTest, 'Sub(1, -2) = %d'),
        message: expect.stringMatching(/^calc_test\.go:\d+: Sub\(1, -2\) = -1, want 3$/),
      });
      expect(find(tests!.notable, 'TestSub/negative')).toMatchObject({
        file: 'go-demo/calc/calc_test.go',
        line: lineOf(calcTest, 'Sub(%d, %d) = %d'),
      });
      expect(find(tests!.notable, 'TestFirstOfNone').message).toMatch(/^panic: runtime error/);
      expect(find(tests!.notable, 'TestFirstOfNone').details).toContain('panics_test.go:');
      const broken = find(tests!.notable, '[build failed]');
      expect(broken.suite).toBe('example.com/godemo/broken');
      expect(broken.message).toContain('undefined: factor');
    });

    it('stdout alone: the same counts; the build failure says its errors went to stderr', async () => {
      const verbose = goTest(['-v']);
      const json = goTest(['-json']);
      expect(json.status).not.toBe(0);
      const { tests } = await parseGoTestJson(textSource(json.stdout, 'stdout'), context());
      expect(tests?.totals).toEqual(countedByGo(`${verbose.stdout}\n${verbose.stderr}`));
      const broken = find(tests!.notable, '[build failed]');
      // go < 1.24 prints "FAIL pkg [build failed]" as text on stdout and the compiler's errors
      // on stderr; go >= 1.24 puts both on stdout as JSON events.
      if (json.stdout.includes('"build-output"'))
        expect(broken.message).toContain('undefined: factor');
      else expect(broken.message).toMatch(/go printed the errors to stderr/);
    });
  },
);
