import { describe, expect, it } from 'vitest';
import type { TestCase, TestTotals } from '../../../src/quality-gate/model.js';
import { parseNunit } from '../../../src/quality-gate/parsers/nunit.js';
import {
  consoleCounts,
  dotnetParser,
  itRefusesHostileReports,
  oneCase,
  totals,
} from './dotnet-support.js';

const nunit = dotnetParser(parseNunit, 'nunit', 'TestResult.xml');
const { parseFixture, parseXml } = nunit;

/** A run with one assembly and one fixture around the given test cases. */
function fixture(cases: string, fixtureAttributes = 'result="Failed" site="Child"'): string {
  return `<test-run id="0" result="Failed">
  <test-suite type="Assembly" name="Calc.Tests.dll" result="Failed" site="Child">
    <test-suite type="TestFixture" name="CalcTests" fullname="Calc.Tests.CalcTests" classname="Calc.Tests.CalcTests" ${fixtureAttributes}>
      ${cases}
    </test-suite>
  </test-suite>
</test-run>`;
}

/**
 * nunit3-console's "Test Count: 9, Passed: 4, Failed: 4, Warnings: 0, Inconclusive: 0, Skipped: 1"
 * in our terms: a warning ran and did not fail; an inconclusive test gave no verdict.
 */
function consoleSummary(name: string): TestTotals {
  const count = consoleCounts(nunit.readFixture(name));
  return totals(
    count('Test Count'),
    count('Passed') + count('Warnings'),
    count('Failed'),
    count('Skipped') + count('Inconclusive'),
  );
}

describe('parseNunit on an nunit3-console result file', () => {
  it('counts what nunit3-console printed', async () => {
    const report = await parseFixture('calc-nunit3.xml');
    expect(report.findings).toEqual([]);
    expect(report.tests?.totals).toEqual(consoleSummary('calc-nunit3.console.txt'));
    expect(report.tests?.totals).toEqual(totals(9, 4, 4, 1));
  });

  it('keeps failures and errors with the suite path, class, message and stack trace', async () => {
    const report = await parseFixture('calc-nunit3.xml');
    const [assertion, error] = report.tests?.notable ?? [];
    expect(assertion).toEqual<TestCase>({
      suite: 'Calc.Tests.dll › Calc › Tests › CalcTests',
      classname: 'Calc.Tests.CalcTests',
      name: 'Subtracts_TwoNumbers',
      outcome: 'failed',
      durationMs: 45,
      message: 'Expected: 2\n  But was:  -2',
      details:
        'at Calc.Tests.CalcTests.Subtracts_TwoNumbers() in /home/runner/work/app/app/tests/Calc.Tests/CalcTests.cs:line 14',
    });
    expect(error).toMatchObject({
      name: 'Divides_ByZero',
      message: 'System.DivideByZeroException : Attempted to divide by zero.',
      details: expect.stringMatching(
        /^at Calc\.Calculator\.Divide.*Calculator\.cs:line 9\n/,
      ) as string,
    });
    expect(error?.file).toBeUndefined();
  });

  it('fails the tests of a fixture whose OneTimeSetUp failed, with the fixture stack trace', async () => {
    const report = await parseFixture('calc-nunit3.xml');
    const failedBySetUp = (report.tests?.notable ?? []).slice(2);
    expect(failedBySetUp).toEqual([
      expect.objectContaining({
        suite: 'Calc.Tests.dll › Calc › Tests › DatabaseTests',
        classname: 'Calc.Tests.DatabaseTests',
        name: 'Loads_History',
        message:
          "OneTimeSetUp: System.InvalidOperationException : Connection string 'Ledger' is not configured",
        details: expect.stringMatching(
          /^at Calc\.Tests\.DatabaseTests\.OpenConnection\(\)/,
        ) as string,
      }),
      expect.objectContaining({ name: 'Saves_Result' }),
    ]);
  });

  it('names a parameterized case under its fixture, not under a suite for its method', async () => {
    const report = await parseFixture('calc-nunit3.xml');
    expect(report.tests?.slowest.find((test) => test.name === 'Multiplies(2,3,6)')).toMatchObject({
      suite: 'Calc.Tests.dll › Calc › Tests › CalcTests',
      classname: 'Calc.Tests.CalcTests',
      durationMs: 8,
    });
  });
});

describe('parseNunit decides each outcome as nunit3-console counts it', () => {
  it.each<[string, TestCase['outcome']]>([
    ['result="Passed"', 'passed'],
    ['result="Warning"', 'passed'],
    ['result="Failed"', 'failed'],
    ['result="Failed" label="Error"', 'failed'],
    ['result="Failed" label="Invalid"', 'failed'],
    ['result="Failed" label="Cancelled"', 'failed'],
    ['result="Skipped" label="Ignored"', 'skipped'],
    ['result="Skipped" label="Explicit"', 'skipped'],
    ['result="Skipped"', 'skipped'],
    ['result="Inconclusive"', 'skipped'],
    ['result="Unheard of"', 'skipped'],
  ])('<test-case %s> is %s', async (attributes, expected) => {
    const report = await parseXml(fixture(`<test-case name="t" ${attributes} />`));
    expect(report.tests?.totals).toEqual(oneCase(expected));
  });

  it('counts the tests below a fixture whose OneTimeTearDown errored as failed, ignored ones aside', async () => {
    const report = await parseXml(
      fixture(
        `<failure><message><![CDATA[TearDown : System.IO.IOException : file is locked]]></message>
           <stack-trace><![CDATA[   at Calc.Tests.CalcTests.Cleanup() in /src/CalcTests.cs:line 40]]></stack-trace></failure>
         <test-case name="a" result="Passed" />
         <test-case name="b" result="Inconclusive" />
         <test-case name="c" result="Failed"><failure><message>own failure</message></failure></test-case>
         <test-case name="d" result="Skipped" label="Ignored" />`,
        'result="Failed" label="Error" site="TearDown"',
      ),
    );
    expect(report.tests?.totals).toEqual(totals(4, 0, 3, 1));
    expect(
      report.tests?.notable.map(({ name, message, details }) => ({ name, message, details })),
    ).toEqual([
      {
        name: 'a',
        message: 'OneTimeTearDown: TearDown : System.IO.IOException : file is locked',
        details: 'at Calc.Tests.CalcTests.Cleanup() in /src/CalcTests.cs:line 40',
      },
      {
        name: 'b',
        message: expect.stringMatching(/^OneTimeTearDown: /) as string,
        details: expect.any(String) as string,
      },
      { name: 'c', message: 'own failure', details: expect.any(String) as string },
    ]);
  });

  it('fails the tests below a failed OneTimeSetUp even when they claim otherwise', async () => {
    const report = await parseXml(
      fixture(
        '<failure><message>database down</message></failure><test-case name="a" result="Passed" />',
        'result="Failed" label="Error" site="SetUp"',
      ),
    );
    expect(report.tests?.notable).toMatchObject([
      { name: 'a', outcome: 'failed', message: 'OneTimeSetUp: database down' },
    ]);
  });

  it('takes the class from the full name when the classname attribute is missing', async () => {
    const report = await parseXml(
      fixture(
        '<test-case name="Adds(1,2)" fullname="Calc.Tests.CalcTests.Adds(1,2)" result="Failed" />',
      ),
    );
    expect(report.tests?.notable[0]?.classname).toBe('Calc.Tests.CalcTests');
  });

  it('takes the message of the first failed assertion when the failure has none', async () => {
    const report = await parseXml(
      fixture(`<test-case name="t" result="Failed"><failure />
        <assertions>
          <assertion result="Failed"><message>first</message><stack-trace>at First()</stack-trace></assertion>
          <assertion result="Failed"><message>second</message></assertion>
        </assertions></test-case>`),
    );
    expect(report.tests?.notable).toMatchObject([{ message: 'first', details: 'at First()' }]);
  });
});

describe('parseNunit on suites that fail without a failed test below them', () => {
  it.each<[string, string, string, string]>([
    [
      'an assembly that could not be loaded',
      '<test-run><test-suite type="Assembly" name="Missing.Tests.dll" result="Failed" label="Invalid" runstate="NotRunnable"><failure><message>File not found: Missing.Tests.dll</message></failure></test-suite></test-run>',
      'Missing.Tests.dll',
      'File not found: Missing.Tests.dll',
    ],
    [
      'a fixture whose teardown failed after only ignored tests',
      fixture(
        '<failure><message>TearDown : boom</message></failure><test-case name="x" result="Skipped" label="Ignored" />',
        'result="Failed" label="Error" site="TearDown"',
      ),
      'CalcTests',
      'TearDown : boom',
    ],
  ])('%s is a failure named after the suite', async (_case, xml, name, message) => {
    const report = await parseXml(xml);
    expect(report.tests?.totals.failed).toBe(1);
    expect(report.tests?.notable).toMatchObject([{ name, outcome: 'failed', message }]);
  });

  it('adds no such failure when the tests below already failed', async () => {
    const report = await parseFixture('calc-nunit3.xml');
    expect(report.tests?.notable.map((test) => test.name)).not.toContain('DatabaseTests');
  });
});

describe('a hostile or broken NUnit report', () => {
  itRefusesHostileReports(nunit, {
    root: 'test-run',
    valid: 'calc-nunit3.xml',
    lookAlike: [
      'an NUnit 2 result file',
      () => '<?xml version="1.0"?>\n<test-results name="a.dll" total="0"></test-results>',
      /has the root element <test-results>, not <test-run>; it is not a NUnit 3 report/,
    ],
    empty: /is empty; expected a NUnit 3 XML report/,
  });
});
