import type { ParseContext, ParsedReport, TestCase, TestOutcome } from '../model.js';
import { TestTally } from './test-tally.js';
import { fileName, firstLine, TextRouter } from './dotnet-text.js';
import { addFailureText, readTestXml, secondsToMs } from './test-xml.js';
import type { ReportSource } from '../../core/reports/source.js';
import { reportPath } from '../report-paths.js';
import { ownCopy } from '../../core/reports/xml-stream.js';
import type { XmlElement } from '../../core/reports/xml-stream.js';

/**
 * xUnit.net v2 XML (the xunit console runner's `-xml`, `dotnet test --logger xunit`, and v3
 * runners, which keep the format). Tests are counted as the console counts them; the assembly's
 * <errors> (a fixture's or a class's cleanup that threw, a fatal error) fail no test there, so each
 * is added as a failed case named after what failed, or the gate would pass a broken run.
 */

/** "NotRun" (schema 2+): an explicit test that was not asked for. */
const RESULTS: Record<string, TestOutcome> = {
  Pass: 'passed',
  Fail: 'failed',
  Skip: 'skipped',
  NotRun: 'skipped',
};

/** How an error's `type` reads after its name, e.g. "Calc.Tests.DbFixture (class cleanup)". */
const ERROR_KINDS: Record<string, string> = {
  'assembly-cleanup': 'assembly cleanup',
  'test-collection-cleanup': 'collection cleanup',
  'test-class-cleanup': 'class cleanup',
  'test-method-cleanup': 'method cleanup',
  'test-case-cleanup': 'test case cleanup',
  'test-cleanup': 'test cleanup',
  fatal: 'fatal error',
};

const TEXTS = ['failure/message', 'failure/stack-trace', 'output'] as const;

export async function parseXunit(
  source: ReportSource,
  context: ParseContext,
): Promise<ParsedReport> {
  const reader = new XunitReader(context);
  return readTestXml(
    source,
    context,
    { formatName: 'xUnit.net v2', roots: ['assemblies'] },
    reader,
  );
}

/** A <test> or an <error> being read. */
interface OpenItem {
  kind: 'test' | 'error';
  attributes: Record<string, string>;
  depth: number;
  texts: TextRouter<(typeof TEXTS)[number]>;
  /** The <failure>'s exception-type, for a failure without a message. */
  exceptionType?: string;
}

class XunitReader {
  readonly tally = new TestTally();
  private depth = 0;
  private assembly = '';
  private current: OpenItem | undefined;

  constructor(private readonly context: ParseContext) {}

  open({ name, attributes }: XmlElement): void {
    this.depth += 1;
    const item = this.current;
    if (item !== undefined) {
      if (name === 'failure' && item.texts.atTop) item.exceptionType = attributes['exception-type'];
      item.texts.open(name);
    } else if (name === 'assembly') {
      this.assembly = ownCopy(fileName(attributes.name ?? ''));
    } else if (name === 'test' || name === 'error') {
      this.current = {
        kind: name,
        attributes,
        depth: this.depth,
        texts: new TextRouter(TEXTS),
      };
    }
  }

  close(name: string): void {
    const item = this.current;
    if (item !== undefined && item.depth === this.depth) {
      this.current = undefined;
      if (item.kind === 'test') this.finishTest(item);
      else this.finishError(item);
    } else if (item !== undefined) {
      item.texts.close();
    } else if (name === 'assembly') {
      this.assembly = '';
    }
    this.depth -= 1;
  }

  text(text: string): void {
    this.current?.texts.text(text);
  }

  private finishTest(test: OpenItem): void {
    const { attributes } = test;
    // A result this format does not define is not taken for a pass.
    const outcome = RESULTS[attributes.result ?? ''] ?? 'failed';
    const durationMs = secondsToMs(attributes.time);
    this.tally.add(outcome, durationMs, () => {
      const described = this.describe(test, attributes.name ?? '', outcome);
      if (attributes.type) described.classname = ownCopy(attributes.type);
      if (durationMs !== undefined) described.durationMs = durationMs;
      // Only v1-era runners and some loggers state where a test is; never guessed here.
      const file = attributes['source-file'];
      if (file) {
        described.file = ownCopy(reportPath(file, this.context));
        const line = Number.parseInt(attributes['source-line'] ?? '', 10);
        if (Number.isInteger(line) && line > 0) described.line = line;
      }
      return described;
    });
  }

  private finishError(error: OpenItem): void {
    const { type = '', name } = error.attributes;
    const kind = ERROR_KINDS[type] ?? (type || 'error');
    this.tally.add('failed', undefined, () => {
      const described = this.describe(error, `${name || 'unknown'} (${kind})`, 'failed');
      // A class cleanup names the class whose fixture failed.
      if (type === 'test-class-cleanup' && name) described.classname = ownCopy(name);
      return described;
    });
  }

  private describe(
    { texts, exceptionType }: OpenItem,
    name: string,
    outcome: TestOutcome,
  ): TestCase {
    const stackTrace = texts.value('failure/stack-trace');
    const details = stackTrace || texts.value('output');
    const message = texts.value('failure/message') || exceptionType || firstLine(stackTrace);
    const described: TestCase = { suite: this.assembly, name: ownCopy(name), outcome };
    addFailureText(described, message, details);
    return described;
  }
}
