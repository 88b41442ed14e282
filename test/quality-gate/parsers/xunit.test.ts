import { describe, expect, it } from 'vitest';
import type { TestCase, TestTotals } from '../../../src/quality-gate/model.js';
import { parseXunit } from '../../../src/quality-gate/parsers/xunit.js';
import {
  consoleCounts,
  dotnetParser,
  itRefusesHostileReports,
  oneCase,
  totals,
} from './dotnet-support.js';

const xunit = dotnetParser(parseXunit, 'xunit', 'results.xml');
const { parseFixture, parseXml } = xunit;

/** One assembly around the given children (<errors>, <collection>). */
function assembly(children: string, name = '/w/bin/Calc.Tests.dll'): string {
  return `<assemblies><assembly name="${name}">${children}</assembly></assemblies>`;
}

function collection(tests: string): string {
  return assembly(
    `<collection name="Test collection for Calc.Tests.CalcTests">${tests}</collection>`,
  );
}

/**
 * The console's "Total: 8, Errors: 1, Failed: 2, Skipped: 1": its total counts tests only, and
 * each error is added here as one more failed case.
 */
function consoleSummary(name: string): TestTotals {
  const count = consoleCounts(xunit.readFixture(name));
  const [total, errors, failed, skipped] = ['Total', 'Errors', 'Failed', 'Skipped'].map(count);
  return totals(total! + errors!, total! - failed! - skipped!, failed! + errors!, skipped!);
}

describe('parseXunit on an xunit console -xml report', () => {
  it('counts what the console printed, with the class cleanup error as a failure', async () => {
    const report = await parseFixture('calc-xunit2.xml');
    expect(report.findings).toEqual([]);
    expect(report.tests?.totals).toEqual(consoleSummary('calc-xunit2.console.txt'));
    expect(report.tests?.totals).toEqual(totals(9, 5, 3, 1));
  });

  it('keeps each failure with its class, message and stack trace', async () => {
    const report = await parseFixture('calc-xunit2.xml');
    expect(report.tests?.notable).toEqual<TestCase[]>([
      {
        suite: 'Calc.Tests.dll',
        classname: 'Calc.Tests.DatabaseTests',
        name: 'Calc.Tests.DatabaseTests (class cleanup)',
        outcome: 'failed',
        message:
          "System.ObjectDisposedException : Cannot access a disposed object.\nObject name: 'LedgerConnection'.",
        details:
          'at Calc.Tests.LedgerFixture.Dispose() in /home/runner/work/app/app/tests/Calc.Tests/LedgerFixture.cs:line 27',
      },
      {
        suite: 'Calc.Tests.dll',
        classname: 'Calc.Tests.CalcTests',
        name: 'Calc.Tests.CalcTests.Subtracts_TwoNumbers',
        outcome: 'failed',
        durationMs: 27,
        message: 'Assert.Equal() Failure: Values differ\nExpected: 2\nActual:   -2',
        details: expect.stringMatching(
          /^at Calc\.Tests\.CalcTests\.Subtracts_TwoNumbers\(\) in \/home\/runner\/work\/app\/app\/tests\/Calc\.Tests\/CalcTests\.cs:line 14\n/,
        ) as string,
      },
      {
        suite: 'Calc.Tests.dll',
        classname: 'Calc.Tests.CalcTests',
        name: 'Calc.Tests.CalcTests.Divides_ByZero',
        outcome: 'failed',
        durationMs: 5,
        message: 'System.DivideByZeroException : Attempted to divide by zero.',
        details: expect.stringContaining('Calculator.cs:line 9') as string,
      },
    ]);
  });

  it('counts each theory row and lists the slowest tests', async () => {
    const report = await parseFixture('calc-xunit2.xml');
    expect(report.tests?.slowest.map((test) => [test.name, test.durationMs])).toEqual([
      ['Calc.Tests.DatabaseTests.Saves_Result', 118],
      ['Calc.Tests.CalcTests.Subtracts_TwoNumbers', 27],
      ['Calc.Tests.CalcTests.Divides_ByZero', 5],
      ['Calc.Tests.CalcTests.Adds_TwoNumbers', 3],
      ['Calc.Tests.CalcTests.Multiplies(a: 2, b: 3, expected: 6)', 2],
    ]);
  });
});

describe('parseXunit reads each result and error', () => {
  it.each<[string, TestCase['outcome']]>([
    ['Pass', 'passed'],
    ['Fail', 'failed'],
    ['Skip', 'skipped'],
    ['NotRun', 'skipped'],
    ['Unknown', 'failed'],
  ])('result="%s" is %s', async (result, expected) => {
    const report = await parseXml(collection(`<test name="t" result="${result}" time="0.1" />`));
    expect(report.tests?.totals).toEqual(oneCase(expected));
  });

  it.each<[string, string]>([
    [
      '<error type="fatal"><failure><message>runner crashed</message></failure></error>',
      'unknown (fatal error)',
    ],
    [
      '<error type="assembly-cleanup" name="Calc.Tests"><failure><message>m</message></failure></error>',
      'Calc.Tests (assembly cleanup)',
    ],
    [
      '<error type="test-collection-cleanup" name="Database collection"><failure /></error>',
      'Database collection (collection cleanup)',
    ],
    ['<error type="something-new" name="x"><failure /></error>', 'x (something-new)'],
  ])('%s fails as %s', async (error, name) => {
    const report = await parseXml(assembly(`<errors>${error}</errors>`));
    expect(report.tests?.totals).toEqual(totals(1, 0, 1, 0));
    expect(report.tests?.notable).toMatchObject([{ name, outcome: 'failed' }]);
  });

  it('counts nothing for an empty <errors />', async () => {
    const report = await parseXml(assembly('<errors />'));
    expect(report.tests?.totals).toEqual(totals(0, 0, 0, 0));
  });

  it('names the exception type when a failure has no message', async () => {
    const report = await parseXml(
      collection(
        '<test name="t" result="Fail"><failure exception-type="System.TimeoutException"><stack-trace>at T()</stack-trace></failure></test>',
      ),
    );
    expect(report.tests?.notable).toMatchObject([
      { message: 'System.TimeoutException', details: 'at T()' },
    ]);
  });

  it('falls back to the output for details', async () => {
    const report = await parseXml(
      collection(
        '<test name="t" result="Fail"><output>log line</output><failure><message>m</message></failure></test>',
      ),
    );
    expect(report.tests?.notable).toMatchObject([{ message: 'm', details: 'log line' }]);
  });

  it('takes the location only from source-file and source-line attributes', async () => {
    const report = await parseXml(
      collection(`
        <test name="a" result="Fail" source-file="/home/runner/work/app/app/tests/ATests.cs" source-line="12"><failure><message>m</message></failure></test>
        <test name="b" result="Fail"><failure><stack-trace>at B() in /home/runner/work/app/app/tests/BTests.cs:line 5</stack-trace></failure></test>`),
    );
    expect(report.tests?.notable.map(({ file, line }) => ({ file, line }))).toEqual([
      { file: 'tests/ATests.cs', line: 12 },
      { file: undefined, line: undefined },
    ]);
  });

  it('names the suite after each assembly file', async () => {
    const report = await parseXml(
      `<assemblies>
        <assembly name="C:\\a\\bin\\Api.Tests.dll"><collection name="c"><test name="x" result="Fail" /></collection></assembly>
        <assembly name="/b/bin/Core.Tests.dll"><collection name="c"><test name="y" result="Fail" /></collection></assembly>
      </assemblies>`,
    );
    expect(report.tests?.notable.map((test) => test.suite)).toEqual([
      'Api.Tests.dll',
      'Core.Tests.dll',
    ]);
  });
});

describe('a hostile or broken xUnit report', () => {
  itRefusesHostileReports(xunit, {
    root: 'assemblies',
    valid: 'calc-xunit2.xml',
    lookAlike: [
      'an xUnit.net v1 report',
      () => '<?xml version="1.0"?>\n<assembly name="a.dll" total="0"></assembly>',
      /has the root element <assembly>, not <assemblies>; it is not a xUnit\.net v2 report/,
    ],
    empty: /is empty; expected a xUnit\.net v2 XML report/,
  });
});
