import { execFileSync, spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fileSource, textSource } from '../../src/core/reports/source.js';
import type { TestCase } from '../../src/quality-gate/model.js';
import { parseGoTestJson } from '../../src/quality-gate/parsers/go-test-json.js';
import { parseJunit } from '../../src/quality-gate/parsers/junit.js';
import {
  RepositoryIndex,
  TestLocator,
  isTestFile,
  locateFailingTests,
} from '../../src/quality-gate/test-locations.js';
import { describeWithTool } from '../support/tools.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = join(REPO, 'test/fixtures/quality-gate');
const RUNNER = '/home/runner/work/app/app';

const workspaces: string[] = [];
afterAll(() => Promise.all(workspaces.map((path) => rm(path, { recursive: true, force: true }))));

/** A git work tree holding the files, all tracked. */
async function gitWorkspace(files: Record<string, string>): Promise<string> {
  const workspace = await mkdtemp(join(tmpdir(), 'slipway-locations-'));
  workspaces.push(workspace);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(workspace, path)), { recursive: true });
    await writeFile(join(workspace, path), content);
  }
  execFileSync('git', ['init', '-q'], { cwd: workspace });
  execFileSync('git', ['add', '.'], { cwd: workspace });
  return workspace;
}

function failed(fields: Partial<TestCase>): TestCase {
  return { suite: '', name: 't', outcome: 'failed', ...fields };
}

function locator(files: string[], workspace = RUNNER, directory?: string): TestLocator {
  return new TestLocator(new RepositoryIndex(files), { workspace, directory });
}

describe('TestLocator from the failure text', () => {
  it.each<{
    case: string;
    files: string[];
    test: Partial<TestCase>;
    workspace?: string;
    directory?: string;
    expected: { file?: string; line?: number };
  }>([
    {
      case: 'pytest xunit2, project in a subdirectory',
      files: ['svc/tests/test_calc.py', 'tests/test_calc.py'],
      directory: `${RUNNER}/svc`,
      test: { details: '>       assert x + 1 == 3\n\ntests/test_calc.py:5: AssertionError' },
      expected: { file: 'svc/tests/test_calc.py', line: 5 },
    },
    {
      case: 'pytest report read from the root: the one file with that tail',
      files: ['svc/tests/test_calc.py', 'svc/calc.py'],
      test: { details: 'tests/test_calc.py:5: AssertionError' },
      expected: { file: 'svc/tests/test_calc.py', line: 5 },
    },
    {
      case: 'a Python traceback: the runtime is skipped',
      files: ['tests/test_calc.py'],
      test: {
        details:
          'Traceback (most recent call last):\n  File "/usr/lib/python3.12/unittest/case.py", line 58, in testPartExecutor\n  File "/home/runner/work/app/app/tests/test_calc.py", line 10, in test_add\nAssertionError',
      },
      expected: { file: 'tests/test_calc.py', line: 10 },
    },
    {
      case: 'Jest: the test file, not the code under test nor node_modules',
      files: ['src/calc.js', 'src/calc.test.js', 'node_modules/expect/build/index.js'],
      test: {
        details: `Error: expected 3\n    at Object.toBe (${RUNNER}/node_modules/expect/build/index.js:174:22)\n    at add (${RUNNER}/src/calc.js:3:9)\n    at Object.<anonymous> (${RUNNER}/src/calc.test.js:10:5)`,
      },
      expected: { file: 'src/calc.test.js', line: 10 },
    },
    {
      case: 'Mocha, paths relative to where it ran',
      files: ['web/test/calc.spec.js'],
      directory: `${RUNNER}/web`,
      test: {
        details:
          'AssertionError: expected 1 to equal 2\n    at Context.<anonymous> (test/calc.spec.js:12:14)\n    at process.processImmediate (node:internal/timers:476:21)',
      },
      expected: { file: 'web/test/calc.spec.js', line: 12 },
    },
    {
      case: 'a Node frame with no function name',
      files: ['lib/parse.js'],
      test: { details: `TypeError: x is undefined\n    at ${RUNNER}/lib/parse.js:3:9` },
      expected: { file: 'lib/parse.js', line: 3 },
    },
    {
      case: 'Surefire: the test class among the frames, found by package',
      files: [
        'src/main/java/com/example/billing/Mailer.java',
        'src/test/java/com/example/billing/InvoiceTest.java',
        'other/InvoiceTest.java',
      ],
      test: {
        details:
          'java.net.ConnectException: Connection refused\n\tat com.example.billing.Mailer.send(Mailer.java:88)\n\tat com.example.billing.InvoiceTest.sendsReminder(InvoiceTest.java:57)',
      },
      expected: { file: 'src/test/java/com/example/billing/InvoiceTest.java', line: 57 },
    },
    {
      case: 'JVM: no test frame, so the first repository frame; the JDK is skipped',
      files: ['src/main/java/com/example/billing/Archive.java'],
      test: {
        details:
          'java.util.concurrent.TimeoutException\n\tat java.base/java.util.concurrent.FutureTask.get(FutureTask.java:204)\n\tat com.example.billing.Archive.await(Archive.java:19)',
      },
      expected: { file: 'src/main/java/com/example/billing/Archive.java', line: 19 },
    },
    {
      case: '.NET in a container: the longest tail the repository holds',
      files: ['Calc/Calculator.cs', 'Calc.Tests/CalcTests.cs'],
      test: {
        details:
          'System.DivideByZeroException\n   at Calc.Calculator.Divide(Int32 a) in /src/Calc/Calculator.cs:line 5\n   at Calc.Tests.CalcTests.Divides() in /src/Calc.Tests/CalcTests.cs:line 14',
      },
      expected: { file: 'Calc.Tests/CalcTests.cs', line: 14 },
    },
    {
      case: '.NET on a Windows runner',
      files: ['tests/CalcTests.cs'],
      workspace: 'D:\\a\\app\\app',
      test: { details: '   at CalcTests.Adds() in D:\\a\\app\\app\\tests\\CalcTests.cs:line 14' },
      expected: { file: 'tests/CalcTests.cs', line: 14 },
    },
    {
      case: 'Go: a bare file name, told apart by the package in the class name',
      files: ['calc/calc_test.go', 'money/calc_test.go'],
      test: {
        classname: 'github.com/acme/app/calc',
        details: '    calc_test.go:12: got 3, want 4',
      },
      expected: { file: 'calc/calc_test.go', line: 12 },
    },
    {
      case: 'Go: a bare file name the repository has twice is not guessed',
      files: ['calc/calc_test.go', 'money/calc_test.go'],
      test: { details: '    calc_test.go:12: got 3, want 4' },
      expected: {},
    },
    {
      case: 'a Rust panic',
      files: ['src/lib.rs'],
      test: { message: "thread 't' panicked at src/lib.rs:48:9: boom" },
      expected: { file: 'src/lib.rs', line: 48 },
    },
    {
      case: "vitest's marker",
      files: ['web/demo.spec.ts'],
      directory: `${RUNNER}/web`,
      test: { details: 'AssertionError\n ❯ demo.spec.ts:14:33' },
      expected: { file: 'web/demo.spec.ts', line: 14 },
    },
    {
      case: 'a frame in a file the repository does not hold',
      files: ['src/a.py'],
      test: { details: '/usr/lib/python3/x/case.py:3: Error\nsrc/generated.py:4: Error' },
      expected: {},
    },
    {
      case: 'a vendored node_modules file is still not the repository code',
      files: ['node_modules/dep/index.js'],
      test: { details: `    at f (${RUNNER}/node_modules/dep/index.js:1:1)` },
      expected: {},
    },
    {
      case: 'a file from the report gets its line from a frame in it',
      files: ['src/a.test.js'],
      test: { file: 'src/a.test.js', details: `    at f (${RUNNER}/src/a.test.js:8:2)` },
      expected: { file: 'src/a.test.js', line: 8 },
    },
  ])('$case', async ({ files, test, workspace, directory, expected }) => {
    const located = await locator(files, workspace, directory).locate(failed(test));
    expect({ file: located.file, line: located.line }).toEqual(expected);
  });
});

describe('TestLocator in a monorepo whose root has files of the same names', () => {
  const padded = (lines: number, last: string) => `${'\n'.repeat(lines - 1)}${last}\n`;
  const FILES = {
    'conftest.py': padded(6, 'import os'),
    'tests/test_calc.py': padded(2, 'assert True'),
    'services/py/conftest.py': padded(4, '    raise ConnectionError("down")'),
    'services/py/tests/test_calc.py': padded(29, '    assert total == -4'),
  };
  const TEXT = 'E   ConnectionError\n\nconftest.py:4: ConnectionError';
  const ASSERT = 'E   assert -3 == -4\n\ntests/test_calc.py:29: AssertionError';

  async function place(details: string, context: { reportFile?: string; directory?: string }) {
    const workspace = await gitWorkspace(FILES);
    const placer = new TestLocator(new RepositoryIndex(Object.keys(FILES)), {
      workspace,
      ...(context.reportFile && { reportFile: join(workspace, context.reportFile) }),
      ...(context.directory && { directory: join(workspace, context.directory) }),
    });
    const located = await placer.locate(failed({ details }));
    return { file: located.file, line: located.line };
  }

  it('a report read with no directory: beside the report before the root', async () => {
    const reportFile = 'services/py/out/junit.xml';
    expect(await place(TEXT, { reportFile })).toEqual({ file: 'services/py/conftest.py', line: 4 });
    expect(await place(ASSERT, { reportFile })).toEqual({
      file: 'services/py/tests/test_calc.py',
      line: 29,
    });
  });

  it('a report at the root: the root file, when it has the line', async () => {
    expect(await place(TEXT, { reportFile: 'junit.xml' })).toEqual({
      file: 'conftest.py',
      line: 4,
    });
  });

  it('the directory the tool ran in before the root', async () => {
    expect(await place(TEXT, { directory: 'services/py' })).toEqual({
      file: 'services/py/conftest.py',
      line: 4,
    });
  });

  it('never a line beyond the end of the file: the next file that has it', async () => {
    // The root's tests/test_calc.py has 2 lines; the service's copy is the one with line 29.
    expect(await place(ASSERT, {})).toEqual({ file: 'services/py/tests/test_calc.py', line: 29 });
    expect(await place('tests/test_calc.py:31: AssertionError', {})).toEqual({});
  });
});

describe('TestLocator from the class name, at the declaration', () => {
  const SOURCES: Record<string, string> = {
    'svc/tests/test_calc.py':
      'import pytest\n\ndef test_add():\n    assert 1 == 2\n\nclass TestCalc:\n    def test_m(self):\n        assert False\n',
    'src/test/java/com/example/CalcTest.java':
      'package com.example;\nclass CalcTest {\n  @Test\n  void adds() {}\n}\n',
    'app/src/test/kotlin/com/example/MoneyTest.kt':
      'class MoneyTest {\n  @Test\n  fun rounds() {}\n}\n',
    'Calc.Tests/CalcTests.cs':
      'public class CalcTests\n{\n    [Fact]\n    public void Adds() {}\n}\n',
    'A/DupTests.cs': 'class DupTests {}\n',
    'B/DupTests.cs': 'class DupTests {}\n',
    'web/src/cart.test.js':
      "describe('CartService', () => {\n  it('applies a discount code', () => {});\n  it('twice', () => {});\n  it('twice', () => {});\n});\n",
  };

  it.each<[string, Partial<TestCase>, { file?: string; line?: number }]>([
    [
      'pytest module',
      { classname: 'tests.test_calc', name: 'test_add' },
      { file: 'svc/tests/test_calc.py', line: 3 },
    ],
    [
      'pytest class',
      { classname: 'tests.test_calc.TestCalc', name: 'test_m' },
      { file: 'svc/tests/test_calc.py', line: 7 },
    ],
    [
      'Java',
      { classname: 'com.example.CalcTest', name: 'adds()' },
      { file: 'src/test/java/com/example/CalcTest.java', line: 4 },
    ],
    [
      'Kotlin',
      { classname: 'com.example.MoneyTest', name: 'rounds' },
      { file: 'app/src/test/kotlin/com/example/MoneyTest.kt', line: 3 },
    ],
    [
      'Java nested class',
      { classname: 'com.example.CalcTest$WhenEmpty', name: 'adds' },
      { file: 'src/test/java/com/example/CalcTest.java', line: 4 },
    ],
    [
      '.NET by class name',
      { classname: 'Calc.Tests.CalcTests', name: 'Calc.Tests.CalcTests.Adds' },
      { file: 'Calc.Tests/CalcTests.cs', line: 4 },
    ],
    ['.NET class in two files is not guessed', { classname: 'Dup.DupTests', name: 'Adds' }, {}],
    [
      "jest-junit's suiteNameTemplate {filepath}",
      {
        suite: 'src/cart.test.js',
        classname: 'CartService applies a discount code',
        name: 'CartService applies a discount code',
      },
      { file: 'web/src/cart.test.js', line: 2 },
    ],
    [
      'a title declared twice: the file alone',
      { suite: 'src/cart.test.js', name: 'CartService twice' },
      { file: 'web/src/cart.test.js', line: undefined },
    ],
    [
      'jest-junit defaults name no file',
      { suite: 'CartService', classname: 'CartService adds', name: 'CartService adds' },
      {},
    ],
  ])('%s', async (_case, test, expected) => {
    const workspace = await gitWorkspace(SOURCES);
    const located = await new TestLocator(new RepositoryIndex(Object.keys(SOURCES)), {
      workspace,
      directory: join(workspace, 'web'),
    }).locate(failed(test));
    expect({ file: located.file, line: located.line }).toEqual(expected);
  });
});

describe('TestLocator on captured reports', () => {
  async function located(fixture: string, workspace: string, files: string[], directory?: string) {
    const report = await parseJunit(fileSource(join(FIXTURES, 'junit', fixture)), {
      workspace,
      origin: fixture,
      directory,
    });
    const placer = locator(files, workspace, directory);
    const tests = await Promise.all((report.tests?.notable ?? []).map((t) => placer.locate(t)));
    return tests.map((test) => ({ name: test.name, file: test.file, line: test.line }));
  }

  it('jest-junit with its defaults: the frame in the test file', async () => {
    expect(
      await located('jest-junit.xml', '/home/runner/work/shop/shop', ['src/cart.test.js']),
    ).toEqual([
      { name: 'CartService applies a discount code', file: 'src/cart.test.js', line: 27 },
    ]);
  });

  it('Surefire: the test class line, also for a flaky case', async () => {
    const files = [
      'billing/src/test/java/com/example/billing/InvoiceTest.java',
      'billing/src/main/java/com/example/billing/Mailer.java',
      'billing/src/main/java/com/example/billing/Archive.java',
    ];
    expect(await located('surefire-reruns.xml', '/home/runner/work/billing', files)).toEqual([
      { name: 'roundsToCents', file: files[0], line: 41 },
      { name: 'sendsReminder', file: files[0], line: 57 },
      { name: 'archivesPaidInvoices', file: files[2], line: 19 },
    ]);
  });

  it('nextest and old cargo panics', async () => {
    const files = [
      'src/lib.rs',
      'src/settle.rs',
      'crates/ledger/tests/integration.rs',
      'src/parser.rs',
    ];
    expect(await located('nextest.xml', '/work/repo', files)).toEqual([
      { name: 'tests::balance_never_negative', file: 'src/lib.rs', line: 48 },
      { name: 'tests::settles_overnight', file: 'src/settle.rs', line: 112 },
      { name: 'replays_journal', file: 'crates/ledger/tests/integration.rs', line: 21 },
    ]);
    expect(await located('cargo2junit-old-panic.xml', '/work/repo', files)).toEqual([
      { name: 'rejects_trailing_comma', file: 'src/parser.rs', line: 203 },
    ]);
  });

  it('vitest run in a subdirectory', async () => {
    expect(await located('vitest.xml', '/ws', ['web/demo.spec.ts'], '/ws/web')).toEqual([
      { name: 'arithmetic > division > rounds down', file: 'web/demo.spec.ts', line: 14 },
    ]);
  });

  it('pytest xunit2: the assertion, and a broken fixture at its raise', async () => {
    expect(await located('pytest-xunit2.xml', '/ws', ['demo/test_demo.py'], '/ws/demo')).toEqual([
      { name: 'test_string_upper', file: 'demo/test_demo.py', line: 25 },
      { name: 'test_list_length', file: 'demo/test_demo.py', line: 30 },
      { name: 'test_uses_database', file: 'demo/test_demo.py', line: 8 },
    ]);
  });
});

describe('isTestFile', () => {
  it.each([
    ['tests/util.py', true],
    ['pkg/test_calc.py', true],
    ['calc/calc_test.go', true],
    ['src/cart.test.ts', true],
    ['src/cart.spec.mjs', true],
    ['src/test/java/com/x/Mailer.java', true],
    ['lib/CalcTest.java', true],
    ['Calc.Tests/Helpers.cs', true],
    ['src/calc.js', false],
    ['src/main/java/com/x/Mailer.java', false],
    ['src/lib.rs', false],
  ])('%s → %s', (file, expected) => {
    expect(isTestFile(file)).toBe(expected);
  });
});

describe('locateFailingTests', () => {
  it('leaves a report whose failing tests are placed as it is, without listing files', async () => {
    const report = {
      findings: [],
      tests: {
        totals: { total: 1, passed: 0, failed: 1, skipped: 0, flaky: 0 },
        notable: [failed({ file: 'a.py', line: 3 })],
        slowest: [],
      },
    };
    // The workspace does not exist: listing it would fail, and is not needed.
    expect(await locateFailingTests(report, { workspace: '/nonexistent/ws' })).toBe(report);
  });
});

describeWithTool(
  { program: 'pytest-3', debianPackage: 'python3-pytest' },
  'locateFailingTests on a real pytest run',
  () => {
    it('puts xunit2 failures on their assert lines, project in a subdirectory', async () => {
      const workspace = await gitWorkspace({ 'README.md': 'demo\n' });
      const project = join(workspace, 'services/api');
      await cp(join(FIXTURES, 'projects/pytest-demo'), project, { recursive: true });
      execFileSync('git', ['add', '.'], { cwd: workspace });
      const report = join(workspace, 'junit.xml');
      // pytest's default junit_family is xunit2: no file or line attributes.
      spawnSync('pytest-3', [`--junitxml=${report}`], {
        cwd: project,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      });
      const xml = await readFile(report, 'utf8');
      expect(xml).not.toMatch(/ file="/);

      const context = { workspace, origin: report, directory: project };
      const parsed = await locateFailingTests(
        await parseJunit(fileSource(report), context),
        context,
      );
      const source = (await readFile(join(project, 'test_demo.py'), 'utf8')).split('\n');
      const placed = (parsed.tests?.notable ?? []).map((test) => ({
        name: test.name,
        file: test.file,
        code: source[(test.line ?? 0) - 1]?.trim(),
      }));
      expect(placed).toEqual([
        {
          name: 'test_string_upper',
          file: 'services/api/test_demo.py',
          code: 'assert "slipway".upper() == "SLIPWAY!"',
        },
        {
          name: 'test_list_length',
          file: 'services/api/test_demo.py',
          code: 'assert len(items) == 4, "expected four items"',
        },
        {
          name: 'test_uses_database',
          file: 'services/api/test_demo.py',
          code: 'raise ConnectionError("database is not reachable")',
        },
      ]);
    });
  },
);

describeWithTool(
  { program: 'go', debianPackage: 'golang-go', versionArgs: ['version'] },
  'locateFailingTests on a real go test -json run',
  () => {
    it('puts a panicking test on its line in the goroutine trace, in a folder with a space', async () => {
      const workspace = await gitWorkspace({ 'README.md': 'demo\n' });
      const project = join(workspace, 'services/go demo');
      await cp(join(FIXTURES, 'projects/go-demo'), project, { recursive: true });
      execFileSync('git', ['add', '.'], { cwd: workspace });
      const cache = await mkdtemp(join(tmpdir(), 'slipway-locations-go-'));
      workspaces.push(cache);
      const run = spawnSync('go', ['test', '-json', './panics/'], {
        cwd: project,
        encoding: 'utf8',
        timeout: 300_000,
        // No network, no toolchain download, no VCS stamping.
        env: {
          ...process.env,
          GOTOOLCHAIN: 'local',
          GOCACHE: join(cache, 'cache'),
          GOPATH: join(cache, 'path'),
          GOFLAGS: '-buildvcs=false',
          GOPROXY: 'off',
        },
      });
      expect(run.stdout).toMatch(/panics_test\.go:\d+ \+0x/);

      const context = { workspace, origin: 'stdout of go', directory: project };
      const parsed = await locateFailingTests(
        await parseGoTestJson(textSource(run.stdout, 'stdout of go'), context),
        context,
      );
      const source = (await readFile(join(project, 'panics/panics_test.go'), 'utf8')).split('\n');
      const panicked = parsed.tests?.notable.find((test) => test.name === 'TestFirstOfNone');
      expect(panicked).toMatchObject({ file: 'services/go demo/panics/panics_test.go' });
      expect(source[(panicked?.line ?? 0) - 1]?.trim()).toBe('First(nil)');
    });
  },
);
