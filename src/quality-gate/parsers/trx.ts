import type { ParseContext, ParsedReport, TestCase, TestOutcome } from '../model.js';
import { TestTally } from './test-tally.js';
import { fileName, firstLine, TextRouter, timeSpanToMs } from './dotnet-text.js';
import { addFailureText, readTestXml } from './test-xml.js';
import type { ReportSource } from '../../core/reports/source.js';
import { ownCopy } from '../../core/reports/xml-stream.js';
import type { XmlElement } from '../../core/reports/xml-stream.js';

/**
 * Visual Studio test results (TRX), as `dotnet test --logger trx` (the vstest TRX logger),
 * vstest.console and Microsoft.Testing.Platform write them. Results come first and the test
 * definitions (class, assembly) after them, so the few kept cases are completed when their
 * definitions arrive; nothing else is held.
 */

const OUTCOMES_PASSED = new Set(['Passed', 'PassedButRunAborted', 'Warning', 'Completed']);
/** Never ran, or ran without a verdict: the vstest logger writes a skipped test as NotExecuted. */
const OUTCOMES_SKIPPED = new Set(['NotExecuted', 'NotRunnable', 'Inconclusive', 'Pending']);
/**
 * Everything else did not pass: Failed, Error, Timeout, Aborted, Disconnected, InProgress (the run
 * ended while the test ran). The TRX writer leaves out attributes that hold their type's default,
 * and Error is the first value of its outcome enum, so a result without `outcome` is an Error.
 */
const DEFAULT_OUTCOME = 'Error';

/** Definitions kept when a writer puts TestDefinitions before Results; beyond it, no classnames. */
const MAX_EARLY_DEFINITIONS = 100_000;

const TEXTS = [
  'Output/ErrorInfo/Message',
  'Output/ErrorInfo/StackTrace',
  'Output/StdErr',
  'Output/StdOut',
] as const;

export async function parseTrx(source: ReportSource, context: ParseContext): Promise<ParsedReport> {
  return readTestXml(source, context, { formatName: 'TRX', roots: ['TestRun'] }, new TrxReader());
}

/** A <UnitTestResult> (or another test type's result) being read. */
interface OpenResult {
  attributes: Record<string, string>;
  /** Depth of the element stack at which the result opened. */
  depth: number;
  texts: TextRouter<(typeof TEXTS)[number]>;
  /** Leaf results inside its <InnerResults>: a data-driven test's rows, an ordered test's tests. */
  innerResults: number;
}

interface Definition {
  classname?: string;
  assembly?: string;
}

class TrxReader {
  readonly tally = new TestTally();
  private readonly elements: string[] = [];
  private readonly results: OpenResult[] = [];
  private resultsSeen = false;
  /** Test ids of the cases described so far; those still kept are completed by their definition. */
  private readonly testIds = new WeakMap<TestCase, string>();
  private keptById: Map<string, TestCase[]> | undefined;
  private readonly earlyDefinitions = new Map<string, Definition>();
  private definitionId: string | undefined;

  open({ name, attributes }: XmlElement): void {
    const parent = this.elements.at(-1);
    this.elements.push(name);
    const result = this.results.at(-1);
    if (parent === 'Results' || (parent === 'InnerResults' && result !== undefined)) {
      this.resultsSeen = true;
      this.results.push({
        attributes,
        depth: this.elements.length,
        texts: new TextRouter(TEXTS),
        innerResults: 0,
      });
    } else if (result !== undefined) {
      result.texts.open(name);
    } else if (name === 'UnitTest' && parent === 'TestDefinitions') {
      this.definitionId = attributes.id;
    } else if (name === 'TestMethod' && this.definitionId !== undefined) {
      this.define(this.definitionId, {
        classname: attributes.className,
        assembly: attributes.codeBase ?? attributes.storage,
      });
    }
  }

  close(name: string): void {
    const result = this.results.at(-1);
    if (result !== undefined && result.depth === this.elements.length) {
      this.results.pop();
      this.finishResult(result);
    } else if (result !== undefined) {
      result.texts.close();
    } else if (name === 'UnitTest') {
      this.definitionId = undefined;
    }
    this.elements.pop();
  }

  text(text: string): void {
    this.results.at(-1)?.texts.text(text);
  }

  private finishResult(result: OpenResult): void {
    // A data-driven test's parent only sums up its rows; `dotnet test` counts the rows.
    if (result.innerResults > 0) {
      const parent = this.results.at(-1);
      if (parent !== undefined) parent.innerResults += result.innerResults;
      return;
    }
    const parent = this.results.at(-1);
    if (parent !== undefined) parent.innerResults += 1;
    const trxOutcome = result.attributes.outcome ?? DEFAULT_OUTCOME;
    const outcome: TestOutcome = OUTCOMES_PASSED.has(trxOutcome)
      ? 'passed'
      : OUTCOMES_SKIPPED.has(trxOutcome)
        ? 'skipped'
        : 'failed';
    const durationMs = timeSpanToMs(result.attributes.duration);
    this.tally.add(outcome, durationMs, () =>
      this.describe(result, outcome, trxOutcome, durationMs),
    );
  }

  private describe(
    result: OpenResult,
    outcome: TestOutcome,
    trxOutcome: string,
    durationMs: number | undefined,
  ): TestCase {
    const { attributes, texts } = result;
    const stackTrace = texts.value('Output/ErrorInfo/StackTrace');
    const details = stackTrace || texts.value('Output/StdErr') || texts.value('Output/StdOut');
    const message =
      texts.value('Output/ErrorInfo/Message') ||
      firstLine(details) ||
      // A timeout or an aborted test often comes without any text; its outcome says what happened.
      (trxOutcome === 'Failed' ? '' : trxOutcome);
    const described: TestCase = {
      suite: '',
      name: ownCopy(attributes.testName ?? ''),
      outcome,
    };
    if (durationMs !== undefined) described.durationMs = durationMs;
    addFailureText(described, message, details);
    const testId = attributes.testId;
    if (testId !== undefined) {
      this.testIds.set(described, ownCopy(testId));
      const early = this.earlyDefinitions.get(testId);
      if (early !== undefined) complete(described, early);
    }
    return described;
  }

  private define(testId: string, definition: Definition): void {
    if (!this.resultsSeen) {
      if (this.earlyDefinitions.size < MAX_EARLY_DEFINITIONS) {
        this.earlyDefinitions.set(ownCopy(testId), {
          classname: definition.classname && ownCopy(definition.classname),
          assembly: definition.assembly && ownCopy(definition.assembly),
        });
      }
      return;
    }
    // The results are read: only the cases the tally kept still need their class and assembly.
    this.keptById ??= this.indexKept();
    for (const test of this.keptById.get(testId) ?? []) complete(test, definition);
  }

  private indexKept(): Map<string, TestCase[]> {
    const { notable, slowest } = this.tally.results();
    const index = new Map<string, TestCase[]>();
    for (const test of new Set([...notable, ...slowest])) {
      const id = this.testIds.get(test);
      if (id === undefined) continue;
      const list = index.get(id) ?? [];
      list.push(test);
      index.set(id, list);
    }
    return index;
  }
}

function complete(test: TestCase, { classname, assembly }: Definition): void {
  // MSTest v1 wrote assembly-qualified names: "Calc.Tests.CalcTests, Calc.Tests, Version=1.0.0.0".
  const className = classname?.split(',')[0]?.trim();
  if (className) test.classname = ownCopy(className);
  if (assembly) test.suite = ownCopy(fileName(assembly));
}
