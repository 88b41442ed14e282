import type { ParseContext, ParsedReport, TestCase, TestOutcome } from '../model.js';
import { TestTally } from './test-tally.js';
import { capped, readTestXml, secondsToMs } from './test-xml.js';
import type { ReportSource } from '../../core/reports/source.js';
import { reportPath } from '../report-paths.js';
import { CappedText, ownCopy } from '../../core/reports/xml-stream.js';
import type { XmlElement } from '../../core/reports/xml-stream.js';

/**
 * JUnit XML as written by jest-junit, pytest (xunit1 and xunit2), Maven Surefire, cargo-nextest,
 * vitest and others. The counts in suite attributes are often missing or wrong, so totals are
 * recounted from the test cases. Only failed and flaky cases are kept, to bound memory.
 */

/** Joins the names of nested suites. */
export const SUITE_SEPARATOR = ' › ';

const FAILED_RESULTS = new Set(['failure', 'error', 'rerunFailure', 'rerunError']);
const FLAKY_RESULTS = new Set(['flakyFailure', 'flakyError']);

export async function parseJunit(
  source: ReportSource,
  context: ParseContext,
): Promise<ParsedReport> {
  const reader = new JunitReader(context);
  return readTestXml(
    source,
    context,
    { formatName: 'JUnit', roots: ['testsuites', 'testsuite'] },
    reader,
  );
}

/** What one failure-like element (failure, error, flakyFailure...) said. */
interface ResultText {
  message?: string;
  body: CappedText;
}

/** A <testcase> being read; its outcome is known only when it closes. */
interface OpenCase {
  attributes: Record<string, string>;
  suite: string;
  fromPytest: boolean;
  skipped: boolean;
  failure?: ResultText;
  flaky?: ResultText;
  systemOut: CappedText;
  systemErr: CappedText;
}

class JunitReader {
  readonly tally = new TestTally();
  private readonly suites: string[] = [];
  private readonly pytestSuites: boolean[] = [];
  private current: OpenCase | undefined;
  /** One entry per element open inside the current case: where its character data goes. */
  private readonly inside: (CappedText | undefined)[] = [];

  constructor(private readonly context: ParseContext) {}

  open({ name, attributes }: XmlElement): void {
    const testCase = this.current;
    if (testCase !== undefined) {
      this.inside.push(this.openInCase(testCase, name, attributes));
    } else if (name === 'testsuite') {
      this.suites.push(attributes.name ?? '');
      this.pytestSuites.push(attributes.name === 'pytest');
    } else if (name === 'testcase') {
      this.current = {
        attributes,
        suite: this.suites.filter((suite) => suite !== '').join(SUITE_SEPARATOR),
        fromPytest: this.pytestSuites.includes(true),
        skipped: false,
        systemOut: new CappedText(),
        systemErr: new CappedText(),
      };
    }
  }

  close(name: string): void {
    if (this.inside.length > 0) {
      this.inside.pop();
    } else if (this.current !== undefined) {
      this.finishCase(this.current);
      this.current = undefined;
    } else if (name === 'testsuite') {
      this.suites.pop();
      this.pytestSuites.pop();
    }
  }

  text(text: string): void {
    this.inside.at(-1)?.append(text);
  }

  /** Notes what a child of a <testcase> says and returns where its text belongs. */
  private openInCase(
    testCase: OpenCase,
    name: string,
    attributes: Record<string, string>,
  ): CappedText | undefined {
    const parentText = this.inside.at(-1);
    if (this.inside.length > 0) {
      // Surefire and nextest give reruns a <stackTrace> child that belongs to the result's
      // text; their nested <system-out>/<system-err> are output and are left out.
      return name === 'stackTrace' ? parentText : undefined;
    }
    if (name === 'skipped') {
      testCase.skipped = true;
      return undefined;
    }
    if (name === 'system-out') return testCase.systemOut;
    if (name === 'system-err') return testCase.systemErr;
    const kind = FAILED_RESULTS.has(name)
      ? 'failure'
      : FLAKY_RESULTS.has(name)
        ? 'flaky'
        : undefined;
    if (kind === undefined) return undefined;
    // The first result of each kind speaks for the case; later ones (more reruns) only confirm it.
    if (testCase[kind] !== undefined) return undefined;
    const result: ResultText = { message: attributes.message, body: new CappedText() };
    testCase[kind] = result;
    return result.body;
  }

  private finishCase(testCase: OpenCase): void {
    const outcome = outcomeOf(testCase);
    const durationMs = secondsToMs(testCase.attributes.time);
    this.tally.add(outcome, durationMs, () => this.describe(testCase, outcome));
  }

  private describe(testCase: OpenCase, outcome: TestOutcome): TestCase {
    const { attributes } = testCase;
    const result = outcome === 'failed' ? testCase.failure : testCase.flaky;
    const body = result?.body.value() ?? '';
    const systemErr = testCase.systemErr.value();
    const systemOut = testCase.systemOut.value();
    const details = body || systemErr || systemOut;
    const message = result?.message?.trim() || firstLine(body) || firstLine(details);
    const location = this.locate(testCase);
    const described: TestCase = {
      suite: ownCopy(testCase.suite),
      name: ownCopy(attributes.name ?? ''),
      outcome,
    };
    if (attributes.classname) described.classname = ownCopy(attributes.classname);
    const durationMs = secondsToMs(attributes.time);
    if (durationMs !== undefined) described.durationMs = durationMs;
    if (message) described.message = capped(message);
    if (details) described.details = details;
    if (location.file !== undefined) described.file = location.file;
    if (location.line !== undefined) described.line = location.line;
    return described;
  }

  /**
   * Where the report says the test is. Reports without file attributes are placed later, from
   * their failure text and class names (test-locations.ts).
   */
  private locate(testCase: OpenCase): { file?: string; line?: number } {
    const { file, line } = testCase.attributes;
    if (file) {
      const parsed = line === undefined ? undefined : Number.parseInt(line, 10);
      // pytest's xunit1 `line` comes from the 0-based location of the test function.
      const shifted = parsed !== undefined && testCase.fromPytest ? parsed + 1 : parsed;
      return {
        file: ownCopy(reportPath(file, this.context)),
        line:
          shifted !== undefined && Number.isInteger(shifted) && shifted > 0 ? shifted : undefined,
      };
    }
    return {};
  }
}

function outcomeOf(testCase: OpenCase): TestOutcome {
  if (testCase.failure !== undefined) return 'failed';
  if (testCase.flaky !== undefined) return 'flaky';
  if (testCase.skipped) return 'skipped';
  return 'passed';
}

/**
 * The first line of a failure text. A Rust panic's first line only says where it happened
 * ("thread 't' panicked at src/lib.rs:4:5:"), so the line that says what happened is added.
 */
function firstLine(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const [first = '', second] = lines;
  return /panicked at \S+:$/.test(first) && second !== undefined ? `${first} ${second}` : first;
}
