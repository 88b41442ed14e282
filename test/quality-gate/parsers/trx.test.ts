import { describe, expect, it } from 'vitest';
import type { TestCase, TestTotals } from '../../../src/quality-gate/model.js';
import { parseTrx } from '../../../src/quality-gate/parsers/trx.js';
import { MAX_NOTABLE_TESTS } from '../../../src/quality-gate/parsers/test-tally.js';
import {
  consoleCounts,
  dotnetParser,
  itRefusesHostileReports,
  oneCase,
  totals,
} from './dotnet-support.js';

const trx = dotnetParser(parseTrx, 'trx', 'results.trx');
const { parseFixture, parseXml } = trx;
const NS = 'xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010"';

/** `<TestRun><Results>…</Results></TestRun>` around result elements. */
function run(results: string, after = ''): string {
  return `<?xml version="1.0" encoding="utf-8"?><TestRun ${NS}><Results>${results}</Results>${after}</TestRun>`;
}

/** The summary line `dotnet test` prints per test assembly. */
function dotnetTestSummary(name: string): TestTotals {
  const count = consoleCounts(trx.readFixture(name));
  return totals(count('Total'), count('Passed'), count('Failed'), count('Skipped'));
}

describe('parseTrx on a dotnet test (vstest TRX logger) report of MSTest tests', () => {
  it('counts what dotnet test printed: data-driven rows, not their parent', async () => {
    const report = await parseFixture('calc-mstest.trx');
    expect(report.findings).toEqual([]);
    expect(report.tests?.totals).toEqual(dotnetTestSummary('calc-mstest.console.txt'));
    expect(report.tests?.totals).toEqual(totals(7, 3, 3, 1));
  });

  it('keeps each failure with its message, stack trace, class and assembly', async () => {
    const report = await parseFixture('calc-mstest.trx');
    expect(report.tests?.notable).toEqual<TestCase[]>([
      {
        suite: 'Calc.Tests.dll',
        classname: 'Calc.Tests.CalcTests',
        name: 'Subtracts_TwoNumbers',
        outcome: 'failed',
        durationMs: 18,
        message: 'Assert.AreEqual failed. Expected:<2>. Actual:<-2>.',
        details: expect.stringMatching(
          /^at Calc\.Tests\.CalcTests\.Subtracts_TwoNumbers\(\) in \/home\/runner\/work\/app\/app\/tests\/Calc\.Tests\/CalcTests\.cs:line 14\n {3}at System\./,
        ) as string,
      },
      {
        suite: 'Calc.Tests.dll',
        classname: 'Calc.Tests.CalcTests',
        name: 'Divides_ByZero',
        outcome: 'failed',
        durationMs: 4,
        message:
          'Test method Calc.Tests.CalcTests.Divides_ByZero threw exception: \nSystem.DivideByZeroException: Attempted to divide by zero.',
        details: expect.stringContaining('Calc.Calculator.Divide(Int32 dividend') as string,
      },
      {
        suite: 'Calc.Tests.dll',
        classname: 'Calc.Tests.CalcTests',
        name: 'Multiplies (-2,3,6)',
        outcome: 'failed',
        durationMs: 5,
        message: 'Assert.AreEqual failed. Expected:<6>. Actual:<-6>.',
        details: expect.stringContaining('CalcTests.cs:line 32') as string,
      },
    ]);
    // No location is guessed from the stack trace here; that is done once for every format.
    expect(report.tests?.notable.map((test) => test.file)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('lists the slowest tests that ran, leaving out the data-driven parent', async () => {
    const report = await parseFixture('calc-mstest.trx');
    expect(report.tests?.slowest.map((test) => [test.name, test.durationMs])).toEqual([
      ['Subtracts_TwoNumbers', 18],
      ['Multiplies (-2,3,6)', 5],
      ['Divides_ByZero', 4],
      ['Adds_TwoNumbers', 2],
      ['Multiplies (2,3,6)', 1],
    ]);
  });

  it('reads the same report with a UTF-8 byte order mark, as .NET writes by default', async () => {
    const report = await parseXml(`\uFEFF${trx.readFixture('calc-mstest.trx')}`);
    expect(report.tests?.totals).toEqual(totals(7, 3, 3, 1));
  });
});

describe('parseTrx on every TRX outcome, definitions before results', () => {
  it('fails Timeout, Error, Aborted and Disconnected; skips what gave no verdict', async () => {
    const report = await parseFixture('outcomes-definitions-first.trx');
    expect(report.tests?.totals).toEqual(totals(9, 2, 4, 3));
    expect(
      report.tests?.notable.map(({ name, message, durationMs }) => ({ name, message, durationMs })),
    ).toEqual([
      { name: 'Exports_Ledger', message: 'Timeout', durationMs: 30_016 },
      {
        name: 'Connects_ToArchive',
        message: expect.stringMatching(/^Unable to create instance of class/) as string,
        durationMs: 1250,
      },
      { name: 'Reconciles_Month', message: 'Aborted', durationMs: 86_400_000 },
      { name: 'Mails_Statement', message: 'Disconnected', durationMs: 10 },
    ]);
  });

  it('takes class and assembly from definitions read before the results', async () => {
    const report = await parseFixture('outcomes-definitions-first.trx');
    const [timeout] = report.tests?.notable ?? [];
    // MSTest v1 wrote assembly-qualified class names and Windows paths.
    expect(timeout).toMatchObject({
      suite: 'Ledger.Tests.dll',
      classname: 'Ledger.Tests.ImportTests',
    });
  });

  it.each<[string, TestCase['outcome']]>([
    ['outcome="Passed"', 'passed'],
    ['outcome="PassedButRunAborted"', 'passed'],
    ['outcome="Warning"', 'passed'],
    ['outcome="Completed"', 'passed'],
    ['outcome="Failed"', 'failed'],
    ['outcome="Error"', 'failed'],
    ['', 'failed'],
    ['outcome="Timeout"', 'failed'],
    ['outcome="Aborted"', 'failed'],
    ['outcome="Disconnected"', 'failed'],
    ['outcome="InProgress"', 'failed'],
    ['outcome="Something new"', 'failed'],
    ['outcome="NotExecuted"', 'skipped'],
    ['outcome="NotRunnable"', 'skipped'],
    ['outcome="Inconclusive"', 'skipped'],
    ['outcome="Pending"', 'skipped'],
  ])('<UnitTestResult %s> is %s', async (outcome, expected) => {
    const report = await parseXml(run(`<UnitTestResult testName="t" ${outcome} />`));
    expect(report.tests?.totals).toEqual(oneCase(expected));
  });
});

describe('parseTrx on nested results', () => {
  it('counts the leaves of an ordered test holding a data-driven test', async () => {
    const report = await parseXml(
      run(`
      <TestResultAggregation testName="Checkout flow" outcome="Failed">
        <InnerResults>
          <UnitTestResult testName="Logs_In" outcome="Passed" />
          <UnitTestResult testName="Pays" outcome="Failed" resultType="DataDrivenTest">
            <InnerResults>
              <UnitTestResult testName="Pays (visa)" outcome="Passed" />
              <UnitTestResult testName="Pays (amex)" outcome="Failed">
                <Output><ErrorInfo><Message>card declined</Message></ErrorInfo></Output>
              </UnitTestResult>
            </InnerResults>
          </UnitTestResult>
        </InnerResults>
      </TestResultAggregation>`),
    );
    expect(report.tests?.totals).toEqual(totals(3, 2, 1, 0));
    expect(report.tests?.notable).toMatchObject([
      { name: 'Pays (amex)', message: 'card declined' },
    ]);
  });

  it('counts a result with an empty InnerResults as a test', async () => {
    const report = await parseXml(
      run('<UnitTestResult testName="t" outcome="Passed"><InnerResults /></UnitTestResult>'),
    );
    expect(report.tests?.totals).toEqual(totals(1, 1, 0, 0));
  });

  it('reads the message from stderr or stdout when there is no error info', async () => {
    const report = await parseXml(
      run(
        '<UnitTestResult testName="t" outcome="Failed"><Output><StdOut>out</StdOut><StdErr>\n  boom\n  more</StdErr></Output></UnitTestResult>',
      ),
    );
    expect(report.tests?.notable).toMatchObject([{ message: 'boom', details: 'boom\n  more' }]);
  });

  it('ignores the run-level output in ResultSummary', async () => {
    const report = await parseXml(
      run(
        '<UnitTestResult testName="t" outcome="Failed" />',
        '<ResultSummary outcome="Failed"><Output><StdOut>run output</StdOut></Output></ResultSummary>',
      ),
    );
    expect(report.tests?.notable[0]?.details).toBeUndefined();
  });
});

describe('parseTrx on a stream of 100,000 results', () => {
  const RESULTS = 100_000;
  const PER_CHUNK = 1000;

  function* chunks(): Generator<Buffer> {
    const id = (index: number) => `00000000-0000-0000-0000-${String(index).padStart(12, '0')}`;
    yield Buffer.from(`<?xml version="1.0" encoding="utf-8"?>\n<TestRun ${NS}>\n<Results>\n`);
    for (let start = 0; start < RESULTS; start += PER_CHUNK) {
      let chunk = '';
      for (let index = start; index < start + PER_CHUNK; index += 1) {
        const outcome = index % 50 === 0 ? 'Failed' : index % 40 === 1 ? 'NotExecuted' : 'Passed';
        chunk += `<UnitTestResult testId="${id(index)}" testName="Case_${index}" duration="00:00:00.0010000" outcome="${outcome}">`;
        if (outcome === 'Failed')
          chunk += `<Output><ErrorInfo><Message>case ${index} failed</Message></ErrorInfo></Output>`;
        chunk += '</UnitTestResult>\n';
      }
      yield Buffer.from(chunk);
    }
    yield Buffer.from('</Results>\n<TestDefinitions>\n');
    for (let start = 0; start < RESULTS; start += PER_CHUNK) {
      let chunk = '';
      for (let index = start; index < start + PER_CHUNK; index += 1) {
        chunk += `<UnitTest name="Case_${index}" id="${id(index)}"><TestMethod codeBase="/b/Big.Tests.dll" className="Big.Tests.Class${index % 7}" name="Case_${index}" /></UnitTest>\n`;
      }
      yield Buffer.from(chunk);
    }
    yield Buffer.from('</TestDefinitions>\n</TestRun>\n');
  }

  it('counts every result and completes the kept failures from their definitions', async () => {
    const report = await trx.parseStream(chunks);
    const failed = RESULTS / 50;
    const skipped = RESULTS / 40;
    expect(report.tests?.totals).toEqual(
      totals(RESULTS, RESULTS - failed - skipped, failed, skipped),
    );
    const notable = report.tests?.notable ?? [];
    expect(notable).toHaveLength(MAX_NOTABLE_TESTS);
    expect(notable[0]).toMatchObject({
      suite: 'Big.Tests.dll',
      classname: 'Big.Tests.Class0',
      name: 'Case_0',
      message: 'case 0 failed',
    });
    const last = (MAX_NOTABLE_TESTS - 1) * 50;
    expect(notable.at(-1)).toMatchObject({
      name: `Case_${last}`,
      classname: `Big.Tests.Class${last % 7}`,
    });
  });
});

describe('a hostile or broken TRX report', () => {
  itRefusesHostileReports(trx, {
    root: 'TestRun',
    valid: 'calc-mstest.trx',
    lookAlike: [
      'a JUnit report',
      () => '<?xml version="1.0"?>\n<testsuites><testsuite name="a"/></testsuites>',
      /has the root element <testsuites>, not <TestRun>; it is not a TRX report/,
    ],
    empty: /is empty; expected a TRX XML report/,
  });
});
