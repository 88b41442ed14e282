import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCase, TestTotals } from '../../../src/quality-gate/model.js';
import { parseJunit } from '../../../src/quality-gate/parsers/junit.js';
import { MAX_NOTABLE_TESTS } from '../../../src/quality-gate/parsers/test-tally.js';
import { fileSource, textSource } from '../../../src/core/reports/source.js';
import type { ReportSource } from '../../../src/core/reports/source.js';
import { streamedSource } from '../../support/hostile-xml.js';
import { describeWithTool } from '../../support/tools.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = join(REPO, 'test/fixtures/quality-gate/junit');
const PROJECTS = join(REPO, 'test/fixtures/quality-gate/projects');

function totals(
  total: number,
  passed: number,
  failed: number,
  skipped: number,
  flaky = 0,
): TestTotals {
  return { total, passed, failed, skipped, flaky };
}

async function parseFixture(name: string, workspace: string) {
  const path = join(FIXTURES, name);
  return parseJunit(fileSource(path), { workspace, origin: path });
}

/** Compares only the fields each expected case names; a field expected as undefined must be absent. */
function expectCases(actual: TestCase[] | undefined, expected: Partial<TestCase>[]): void {
  const picked = (actual ?? []).map((test, index) =>
    Object.fromEntries(
      Object.keys(expected[index] ?? {}).map((key) => [key, test[key as keyof TestCase]]),
    ),
  );
  expect(picked).toEqual(expected);
}

async function parseXml(xml: string, workspace = '/repo') {
  return parseJunit(textSource(xml, 'junit.xml'), { workspace, origin: 'junit.xml' });
}

describe('parseJunit on captured and documented reports', () => {
  it.each<[string, string, TestTotals, Partial<TestCase>[]]>([
    [
      'pytest-xunit1.xml',
      '/work/main/test/fixtures/quality-gate/projects/pytest-demo',
      totals(7, 3, 3, 1),
      [
        { suite: 'pytest', name: 'test_string_upper', file: 'test_demo.py', line: 24 },
        {
          name: 'test_list_length',
          message: expect.stringMatching(/^AssertionError: expected four items/) as string,
          line: 28,
        },
        {
          name: 'test_uses_database',
          message: 'failed on setup with "ConnectionError: database is not reachable"',
          line: 33,
        },
      ],
    ],
    [
      'pytest-xunit2.xml',
      '/work/main',
      totals(7, 3, 3, 1),
      [
        { name: 'test_string_upper', file: undefined, line: undefined },
        { name: 'test_list_length', outcome: 'failed' },
        {
          name: 'test_uses_database',
          details: expect.stringContaining('ConnectionError: database is not reachable') as string,
        },
      ],
    ],
    [
      'vitest.xml',
      '/work/main',
      totals(4, 2, 1, 1),
      [
        {
          suite: 'demo.spec.ts',
          name: 'arithmetic > division > rounds down',
          message: 'expected 3 to be 4 // Object.is equality',
          // Located from the text later, by test-locations.ts.
          file: undefined,
        },
      ],
    ],
    [
      'surefire-reruns.xml',
      '/home/runner/work/billing',
      totals(5, 2, 2, 1, 1),
      [
        {
          name: 'roundsToCents',
          outcome: 'flaky',
          message: 'expected: <10.00> but was: <9.99>',
          details: expect.stringMatching(
            /^org\.opentest4j\.AssertionFailedError: .*\n\tat com\.example/,
          ) as string,
        },
        {
          name: 'sendsReminder',
          outcome: 'failed',
          message: 'Connection refused: mail.example.test:25',
          durationMs: 530,
        },
        { name: 'archivesPaidInvoices', outcome: 'failed', message: 'Timed out after 500 ms' },
      ],
    ],
    [
      'nextest.xml',
      '/work/repo',
      totals(5, 3, 2, 0, 1),
      [
        {
          suite: 'ledger',
          name: 'tests::balance_never_negative',
          message:
            "thread 'tests::balance_never_negative' panicked at src/lib.rs:48:9: assertion `left == right` failed: balance went negative",
        },
        { name: 'tests::settles_overnight', outcome: 'flaky' },
        {
          suite: 'ledger::integration',
          name: 'replays_journal',
          outcome: 'failed',
          message:
            "thread 'replays_journal' panicked at /work/repo/crates/ledger/tests/integration.rs:21:5: journal entry 7 is missing",
        },
      ],
    ],
    [
      'cargo2junit-old-panic.xml',
      '/work/repo',
      totals(2, 1, 1, 0),
      [
        {
          name: 'rejects_trailing_comma',
          message: 'failed parser::tests::rejects_trailing_comma',
        },
      ],
    ],
    [
      'jest-junit.xml',
      '/home/runner/work/shop/shop',
      totals(4, 2, 1, 1),
      [
        {
          suite: 'CartService',
          classname: 'CartService applies a discount code',
          name: 'CartService applies a discount code',
          message: 'Error: expect(received).toBe(expected) // Object.is equality',
          durationMs: 11,
          file: undefined,
        },
      ],
    ],
    [
      'nested-suites.xml',
      '/repo',
      totals(4, 3, 1, 0),
      [
        {
          suite: 'api › orders › refunds',
          name: 'refunds in full',
          message: 'TypeError: amount is undefined',
        },
      ],
    ],
    [
      'wrong-counts.xml',
      '/repo',
      totals(4, 2, 1, 1),
      [{ suite: 'claims', name: 'two', message: 'two broke', durationMs: undefined }],
    ],
  ])('%s', async (fixture, workspace, expectedTotals, expectedNotable) => {
    const report = await parseFixture(fixture, workspace);
    expect(report.findings).toEqual([]);
    expect(report.tests?.totals).toEqual(expectedTotals);
    expectCases(report.tests?.notable, expectedNotable);
  });
});

describe('parseJunit decides each outcome from the result elements, failure first', () => {
  it.each<[string, TestCase['outcome'], TestTotals]>([
    ['', 'passed', totals(1, 1, 0, 0)],
    ['<skipped message="later"/>', 'skipped', totals(1, 0, 0, 1)],
    ['<failure message="boom"/>', 'failed', totals(1, 0, 1, 0)],
    ['<error message="boom"/>', 'failed', totals(1, 0, 1, 0)],
    ['<flakyFailure message="once"/>', 'flaky', totals(1, 1, 0, 0, 1)],
    ['<flakyError message="once"/>', 'flaky', totals(1, 1, 0, 0, 1)],
    ['<rerunFailure message="every time"/>', 'failed', totals(1, 0, 1, 0)],
    ['<rerunError message="every time"/>', 'failed', totals(1, 0, 1, 0)],
    ['<failure message="failed when flaky"/><flakyFailure/>', 'failed', totals(1, 0, 1, 0)],
    ['<skipped/><failure message="setup"/>', 'failed', totals(1, 0, 1, 0)],
    ['<system-out>no result element, only output</system-out>', 'passed', totals(1, 1, 0, 0)],
  ])('<testcase>%s</testcase> is %s', async (inner, outcome, expectedTotals) => {
    const report = await parseXml(
      `<testsuite name="s"><testcase name="t">${inner}</testcase></testsuite>`,
    );
    expect(report.tests?.totals).toEqual(expectedTotals);
    const notable = report.tests?.notable ?? [];
    expect(notable.map((test) => test.outcome)).toEqual(
      outcome === 'failed' || outcome === 'flaky' ? [outcome] : [],
    );
  });
});

describe('parseJunit reads the message and details of a failing case', () => {
  it.each<[string, { message?: string; details?: string }]>([
    [
      '<failure message="attribute wins">text line</failure>',
      { message: 'attribute wins', details: 'text line' },
    ],
    [
      '<failure>\n\n  first line\nsecond line</failure>',
      { message: 'first line', details: 'first line\nsecond line' },
    ],
    [
      '<failure><![CDATA[<b>raw</b> & unescaped]]></failure>',
      { message: '<b>raw</b> & unescaped' },
    ],
    ['<failure message="a &amp; b &lt;c&gt; &#x263A; &#9731;"/>', { message: 'a & b <c> ☺ ☃' }],
    [
      '<failure/><system-err>only stderr</system-err>',
      { message: 'only stderr', details: 'only stderr' },
    ],
    [
      '<failure/><system-out>only stdout</system-out>',
      { message: 'only stdout', details: 'only stdout' },
    ],
    ['<error message="first"/><error message="second"/>', { message: 'first' }],
    [
      '<rerunFailure message="m"><stackTrace>trace line</stackTrace><system-out>out</system-out></rerunFailure>',
      { message: 'm', details: 'trace line' },
    ],
    ['<failure/>', { message: undefined, details: undefined }],
  ])('%s', async (inner, expected) => {
    const report = await parseXml(
      `<testsuite name="s"><testcase name="t">${inner}</testcase></testsuite>`,
    );
    expectCases(report.tests?.notable, [expected]);
  });

  it('cuts a huge failure text to its head and says so', async () => {
    const trace = 'x'.repeat(3990) + 'TAIL' + 'y'.repeat(100_000);
    const report = await parseXml(
      `<testsuite><testcase name="t"><failure>${trace}</failure></testcase></testsuite>`,
    );
    const details = report.tests?.notable[0]?.details ?? '';
    expect(details).toMatch(/^x{3990}TAIL/);
    expect(details).not.toContain('y'.repeat(20));
    expect(details).toMatch(/… \(truncated\)$/);
  });
});

describe('parseJunit takes where a test is from the report', () => {
  it.each<[string, string, string, { file?: string; line?: number }]>([
    [
      'pytest xunit1 lines are 0-based',
      '<testsuite name="pytest"><testcase name="t" file="tests/test_a.py" line="0">',
      '<failure/>',
      { file: 'tests/test_a.py', line: 1 },
    ],
    [
      'other tools give 1-based lines',
      '<testsuite name="jest"><testcase name="t" file="src/a.test.js" line="12">',
      '<failure/>',
      { file: 'src/a.test.js', line: 12 },
    ],
    [
      'a file without a line',
      '<testsuite><testcase name="t" file="./src/a.test.js">',
      '<failure/>',
      { file: 'src/a.test.js', line: undefined },
    ],
    [
      'an absolute path inside the workspace',
      '<testsuite><testcase name="t" file="/repo/pkg/a_test.go" line="3">',
      '<failure/>',
      { file: 'pkg/a_test.go', line: 3 },
    ],
    [
      'an absolute path outside the workspace',
      '<testsuite><testcase name="t" file="/usr/lib/x.py" line="3">',
      '<failure/>',
      { file: '/usr/lib/x.py', line: 3 },
    ],
    [
      'Windows separators',
      '<testsuite><testcase name="t" file="src\\a.test.js" line="3">',
      '<failure/>',
      { file: 'src/a.test.js', line: 3 },
    ],
    [
      'not from the failure text: test-locations.ts places those cases',
      '<testsuite><testcase name="t">',
      "<failure>thread 't' panicked at src/lib.rs:12:5:\nboom</failure>",
      { file: undefined, line: undefined },
    ],
  ])('%s', async (_case, opening, inner, expected) => {
    const report = await parseXml(`${opening}${inner}</testcase></testsuite>`);
    const [test] = report.tests?.notable ?? [];
    expect({ file: test?.file, line: test?.line }).toEqual(expected);
  });
});

describe('parseJunit on a stream of 100,000 test cases', () => {
  const CASES = 100_000;
  const CASES_PER_CHUNK = 500;

  function generatedReport(): ReportSource {
    function* chunks(): Generator<Buffer> {
      yield Buffer.from(
        '<?xml version="1.0"?>\n<testsuites name="generated">\n<testsuite name="big">\n',
      );
      for (let start = 0; start < CASES; start += CASES_PER_CHUNK) {
        let chunk = '';
        for (let index = start; index < start + CASES_PER_CHUNK; index += 1) {
          chunk += `<testcase classname="pkg.Big" name="case_${index}" time="0.001">`;
          if (index % 50 === 0)
            chunk += `<failure message="case ${index} failed">trace ${index}</failure>`;
          else if (index % 40 === 1) chunk += '<skipped/>';
          else if (index % 1000 === 7) chunk += '<flakyFailure message="retried"/>';
          chunk +=
            '<system-out>some output that is dropped for passing tests</system-out></testcase>\n';
        }
        yield Buffer.from(chunk);
      }
      yield Buffer.from('</testsuite>\n</testsuites>\n');
    }
    return streamedSource('generated.xml', chunks);
  }

  it('counts every case and keeps only the first failures', async () => {
    const report = await parseJunit(generatedReport(), {
      workspace: '/repo',
      origin: 'generated.xml',
    });
    const failed = CASES / 50;
    const skipped = CASES / 40;
    const flaky = CASES / 1000;
    expect(report.tests?.totals).toEqual(
      totals(CASES, CASES - failed - skipped, failed, skipped, flaky),
    );
    const notable = report.tests?.notable ?? [];
    expect(notable).toHaveLength(MAX_NOTABLE_TESTS);
    expect(notable[0]).toMatchObject({
      suite: 'big',
      name: 'case_0',
      message: 'case 0 failed',
      details: 'trace 0',
    });
    expect(notable.at(-1)?.outcome).toBe('failed');
  });
});

describeWithTool(
  { program: 'pytest-3', debianPackage: 'python3-pytest' },
  'parseJunit on pytest reports',
  () => {
    const project = join(PROJECTS, 'pytest-demo');
    let output: string;

    beforeAll(async () => {
      output = await mkdtemp(join(tmpdir(), 'slipway-pytest-'));
    });
    afterAll(async () => {
      await rm(output, { recursive: true, force: true });
    });

    it.each(['xunit1', 'xunit2'])('junit_family=%s counts what pytest prints', async (family) => {
      const report = join(output, `${family}.xml`);
      const run = spawnSync('pytest-3', ['-o', `junit_family=${family}`, `--junitxml=${report}`], {
        cwd: project,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      });
      const printed = pytestSummary(run.stdout);
      // The demo has every outcome; if it did not, the comparison below would prove little.
      expect(printed).toMatchObject({ failed: 2, passed: 3, skipped: 1, error: 1 });

      const parsed = await parseJunit(fileSource(report), { workspace: project, origin: report });
      expect(parsed.tests?.totals).toEqual(
        totals(
          printed.failed + printed.passed + printed.skipped + printed.error,
          printed.passed,
          printed.failed + printed.error,
          printed.skipped,
        ),
      );
      if (family === 'xunit1') {
        // Each failing test's line must be its `def` line in the source.
        const source = (await readFile(join(project, 'test_demo.py'), 'utf8')).split('\n');
        for (const test of parsed.tests?.notable ?? []) {
          expect(test.file).toBe('test_demo.py');
          expect(source[(test.line ?? 0) - 1]).toMatch(new RegExp(`^def ${test.name}\\(`));
        }
      }
    });
  },
);

/** pytest's last line: "=== 2 failed, 3 passed, 1 skipped, 1 error in 0.02s ===". */
function pytestSummary(stdout: string): Record<'failed' | 'passed' | 'skipped' | 'error', number> {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0);
  return {
    failed: count('failed'),
    passed: count('passed'),
    skipped: count('skipped'),
    error: count('errors?'),
  };
}

describe('parseJunit on a vitest JUnit report', () => {
  const project = join(PROJECTS, 'vitest-demo');
  const vitest = join(REPO, 'node_modules/vitest/vitest.mjs');
  let output: string;

  beforeAll(async () => {
    output = await mkdtemp(join(tmpdir(), 'slipway-vitest-'));
  });
  afterAll(async () => {
    await rm(output, { recursive: true, force: true });
  });

  it('counts what vitest reports in its JSON', async () => {
    const junit = join(output, 'junit.xml');
    const json = join(output, 'report.json');
    // The child vitest must not think it is a worker of this one.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')),
    );
    spawnSync(
      process.execPath,
      [
        vitest,
        'run',
        '--root',
        project,
        '--reporter=junit',
        '--reporter=json',
        `--outputFile.junit=${junit}`,
        `--outputFile.json=${json}`,
      ],
      { cwd: project, encoding: 'utf8', timeout: 60_000, env },
    );
    const counts = JSON.parse(await readFile(json, 'utf8')) as Record<string, number>;
    expect(counts).toMatchObject({ numFailedTests: 1, numPassedTests: 2, numPendingTests: 1 });

    const parsed = await parseJunit(fileSource(junit), { workspace: project, origin: junit });
    expect(parsed.tests?.totals).toEqual(
      totals(
        counts.numTotalTests!,
        counts.numPassedTests!,
        counts.numFailedTests!,
        counts.numPendingTests! + counts.numTodoTests!,
      ),
    );
    expect(parsed.tests?.notable).toMatchObject([{ name: expect.stringMatching(/rounds down/) }]);
  });
});
