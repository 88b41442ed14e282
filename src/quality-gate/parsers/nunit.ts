import type { ParseContext, ParsedReport, TestCase, TestOutcome } from '../model.js';
import { SUITE_SEPARATOR } from './junit.js';
import { TestTally } from './test-tally.js';
import { firstLine, TextRouter } from './dotnet-text.js';
import { addFailureText, capped, readTestXml, secondsToMs } from './test-xml.js';
import type { ReportSource } from '../../core/reports/source.js';
import { ownCopy } from '../../core/reports/xml-stream.js';
import type { XmlElement } from '../../core/reports/xml-stream.js';

/**
 * NUnit 3 test results (`nunit3-console --result`, the NUnit engine, `dotnet test` with the NUnit
 * adapter's result option), counted as nunit3-console's summary counts them. A suite's own result,
 * failure and stack trace come before its children, so what a failed one-time setup or teardown
 * means for the tests below it is known when they are read.
 */

/** Suites that stand for one method: their cases' names already say it ("Adds(2,2,4)"). */
const METHOD_SUITES = new Set(['ParameterizedMethod', 'Theory', 'GenericMethod']);
/** nunit3-console counts every test below such a fixture whose teardown errored as an error. */
const TEARDOWN_FIXTURES = new Set(['TestFixture', 'SetUpFixture']);

const CASE_TEXTS = [
  'failure/message',
  'failure/stack-trace',
  'assertions/assertion/message',
  'assertions/assertion/stack-trace',
  'output',
] as const;
const SUITE_TEXTS = ['failure/message', 'failure/stack-trace'] as const;

export async function parseNunit(
  source: ReportSource,
  context: ParseContext,
): Promise<ParsedReport> {
  return readTestXml(
    source,
    context,
    { formatName: 'NUnit 3', roots: ['test-run'] },
    new NunitReader(),
  );
}

interface OpenSuite {
  attributes: Record<string, string>;
  depth: number;
  texts: TextRouter<(typeof SUITE_TEXTS)[number]>;
  /** Its OneTimeSetUp failed: NUnit fails every test below it ("OneTimeSetUp: ..."). */
  setUpFailed: boolean;
  /** Its OneTimeTearDown errored: the console counts the tests below it as errors. */
  tearDownFailed: boolean;
  /** Failed cases counted below it, so that a suite failure with none is not lost. */
  failuresBelow: number;
}

/** The fixture whose one-time setup or teardown failed a test, and which of the two. */
interface FailedBy {
  suite: OpenSuite;
  step: 'OneTimeSetUp' | 'OneTimeTearDown';
}

interface OpenCase {
  attributes: Record<string, string>;
  depth: number;
  texts: TextRouter<(typeof CASE_TEXTS)[number]>;
}

class NunitReader {
  readonly tally = new TestTally();
  private depth = 0;
  private readonly suites: OpenSuite[] = [];
  private current: OpenCase | undefined;

  open({ name, attributes }: XmlElement): void {
    this.depth += 1;
    const testCase = this.current;
    if (testCase !== undefined) {
      testCase.texts.open(name);
    } else if (name === 'test-suite') {
      const { result, label, site, type = '' } = attributes;
      this.suites.push({
        attributes,
        depth: this.depth,
        texts: new TextRouter(SUITE_TEXTS),
        setUpFailed: result === 'Failed' && site === 'SetUp',
        tearDownFailed:
          TEARDOWN_FIXTURES.has(type) &&
          result === 'Failed' &&
          label === 'Error' &&
          site === 'TearDown',
        failuresBelow: 0,
      });
    } else if (name === 'test-case') {
      this.current = { attributes, depth: this.depth, texts: new TextRouter(CASE_TEXTS) };
    } else {
      this.suites.at(-1)?.texts.open(name);
    }
  }

  close(name: string): void {
    const testCase = this.current;
    const suite = this.suites.at(-1);
    if (testCase !== undefined && testCase.depth === this.depth) {
      this.current = undefined;
      this.finishCase(testCase);
    } else if (testCase !== undefined) {
      testCase.texts.close();
    } else if (name === 'test-suite' && suite?.depth === this.depth) {
      this.suites.pop();
      this.finishSuite(suite);
    } else {
      suite?.texts.close();
    }
    this.depth -= 1;
  }

  text(text: string): void {
    if (this.current !== undefined) this.current.texts.text(text);
    else this.suites.at(-1)?.texts.text(text);
  }

  private finishCase(testCase: OpenCase): void {
    const { attributes } = testCase;
    const setUp = this.suites.findLast((suite) => suite.setUpFailed);
    const tearDown = this.suites.findLast((suite) => suite.tearDownFailed);
    // The console counts an ignored or explicit test below a failed teardown as skipped, not error.
    const failedBy: FailedBy | undefined =
      setUp !== undefined
        ? { suite: setUp, step: 'OneTimeSetUp' }
        : tearDown !== undefined && attributes.result !== 'Skipped'
          ? { suite: tearDown, step: 'OneTimeTearDown' }
          : undefined;
    const outcome = failedBy === undefined ? outcomeOf(attributes.result) : 'failed';
    if (outcome === 'failed') for (const suite of this.suites) suite.failuresBelow += 1;
    const durationMs = secondsToMs(attributes.duration);
    this.tally.add(outcome, durationMs, () =>
      this.describeCase(testCase, outcome, durationMs, failedBy),
    );
  }

  private describeCase(
    { attributes, texts }: OpenCase,
    outcome: TestOutcome,
    durationMs: number | undefined,
    failedBy: FailedBy | undefined,
  ): TestCase {
    const name = attributes.name ?? '';
    const stackTrace =
      texts.value('failure/stack-trace') || texts.value('assertions/assertion/stack-trace');
    // A test failed by its fixture has no stack trace of its own; the fixture's shows where.
    const fixtureTrace = failedBy?.suite.texts.value('failure/stack-trace') ?? '';
    const details = stackTrace || fixtureTrace || texts.value('output');
    let message =
      texts.value('failure/message') ||
      texts.value('assertions/assertion/message') ||
      firstLine(stackTrace);
    if (failedBy !== undefined && (attributes.result !== 'Failed' || !message)) {
      // NUnit words it "OneTimeSetUp: <the fixture's message>" on the tests it fails itself.
      const why = failedBy.suite.texts.value('failure/message');
      message = why ? `${failedBy.step}: ${why}` : `${failedBy.step} failed`;
    }
    const described: TestCase = { suite: this.suitePath(), name: ownCopy(name), outcome };
    const classname = attributes.classname || classOf(attributes.fullname, name);
    if (classname) described.classname = ownCopy(classname);
    if (durationMs !== undefined) described.durationMs = durationMs;
    addFailureText(described, message, details);
    return described;
  }

  /**
   * A suite that failed on its own (one-time setup or teardown, an invalid fixture, an assembly
   * that could not be loaded) with no failed test below it would otherwise pass unnoticed.
   */
  private finishSuite(suite: OpenSuite): void {
    const { result, label, site, type, name = '' } = suite.attributes;
    const failedItself =
      result === 'Failed' &&
      (site === 'SetUp' ||
        site === 'TearDown' ||
        label === 'Invalid' ||
        (type === 'Assembly' && label === 'Error'));
    if (!failedItself || suite.failuresBelow > 0) return;
    for (const parent of this.suites) parent.failuresBelow += 1;
    this.tally.add('failed', undefined, () => {
      const details = suite.texts.value('failure/stack-trace');
      const message = suite.texts.value('failure/message') || `${site ?? label ?? 'suite'} failed`;
      const described: TestCase = {
        suite: this.suitePath(),
        name: ownCopy(name),
        outcome: 'failed',
        message: capped(message),
      };
      const classname = suite.attributes.classname;
      if (classname) described.classname = ownCopy(classname);
      if (details) described.details = details;
      return described;
    });
  }

  private suitePath(): string {
    return ownCopy(
      this.suites
        .filter((suite) => !METHOD_SUITES.has(suite.attributes.type ?? ''))
        .map((suite) => suite.attributes.name ?? '')
        .filter((name) => name !== '')
        .join(SUITE_SEPARATOR),
    );
  }
}

/**
 * Passed and Warning ran and did not fail; Skipped (Ignored, Explicit) and Inconclusive give no
 * verdict, nor does a result NUnit does not define.
 */
function outcomeOf(result: string | undefined): TestOutcome {
  if (result === 'Failed') return 'failed';
  if (result === 'Passed' || result === 'Warning') return 'passed';
  return 'skipped';
}

/** "Calc.Tests.CalcTests.Adds(2,2,4)" named "Adds(2,2,4)" belongs to "Calc.Tests.CalcTests". */
function classOf(fullname: string | undefined, name: string): string | undefined {
  if (!fullname || !name || !fullname.endsWith(`.${name}`)) return undefined;
  return fullname.slice(0, -name.length - 1);
}
