import { ReportError } from '../model.js';
import type { ParseContext, ParsedReport, TestCase, TestOutcome } from '../model.js';
import { isObject, shapeProblem, type JsonObject } from '../../core/reports/json.js';
import { readReportLines, type ReportLine } from '../../core/reports/lines.js';
import type { ReportSource } from '../../core/reports/source.js';
import { MAX_MESSAGE_CHARS, capText } from '../../core/reports/text.js';
import { CappedText, ownCopy } from '../../core/reports/xml-stream.js';
import { findGoModules, type GoModules } from './go-modules.js';
import { TestTally } from './test-tally.js';

/**
 * `go test -json` (test2json events, one JSON object a line), read as a stream so that the
 * report of a big repository never sits in memory whole.
 *
 * Counting follows `go test -v`: every test go prints a "--- PASS/FAIL/SKIP" line for counts,
 * subtests ("TestSub/negative") and their parents alike, as gotestsum does too. A failed subtest
 * therefore fails its parent as well; the parent's message names the subtests that failed.
 * Benchmark results ("bench") are not tests. A package that fails with no failing test of its
 * own (it did not build, TestMain or init failed, the binary exited) counts as one failed case
 * named after what happened, so that it can never pass silently; a test that was still running
 * when its package ended (panic, os.Exit, timeout) or when the report ended counts as failed.
 *
 * Text that is not JSON is read for build failures and otherwise ignored: go < 1.24 prints
 * "FAIL pkg [build failed]" as text on stdout and the compiler's errors on stderr (in the report
 * when stderr is merged into it); go ≥ 1.24 reports both as JSON (build-output, FailedBuild).
 */

const FORMAT = 'go test -json';

export async function parseGoTestJson(
  source: ReportSource,
  context: ParseContext,
): Promise<ParsedReport> {
  const reader = new GoTestReader(
    await findGoModules(context.workspace, context.directory),
    source.origin,
  );
  await readReportLines(source, (line) => reader.read(line));
  return { findings: [], tests: reader.finish() };
}

/** A test that has started (or printed) and has no result yet. */
interface OpenTest {
  packagePath: string;
  name: string;
  output: CappedText;
  /** The first "name_test.go:12: ..." line of its own output. */
  location?: { fileName: string; line: number };
  /** The first few subtests that failed, and how many did. */
  failedSubtests: string[];
  failedSubtestCount: number;
  /** The case kept for it once it failed, while its package runs: subtests may still fail. */
  failedCase?: TestCase;
}

interface OpenPackage {
  output: CappedText;
  failedTests: number;
  /** Go's "FAIL pkg [build failed]" (or "[setup failed]") line was printed for it. */
  notBuilt?: string;
}

/** Lines that only frame a test's output: go's own headers and result lines. */
const FRAMING =
  /^\s*(?:=== (?:RUN|PAUSE|CONT|NAME)\b|--- (?:PASS|FAIL|SKIP|BENCH):|(?:PASS|FAIL)\s*$)/;
/** "    calc_test.go:12: got 3": go prints the file relative to the package directory. */
const TEST_FILE_LINE = /^\s+([\w.+-]+_test\.go):(\d+): /;
/** Go's package result lines, e.g. "FAIL\texample.com/app/calc [build failed]". */
const PACKAGE_NOT_BUILT = /^FAIL\s+(\S+)\s+\[(build failed|setup failed)\]\s*$/;
/** Go's header above a package's build errors: "# example.com/app/calc [example.com/app/calc.test]". */
const BUILD_HEADER = /^# (\S+)/;
/** Enough for the packages of a monorepo; more build outputs are not kept. */
const MAX_BUILD_OUTPUTS = 200;
const MAX_LISTED_SUBTESTS = 5;

class GoTestReader {
  private readonly tally = new TestTally();
  private readonly running = new Map<string, OpenTest>();
  /**
   * Failed tests kept as notable, until their package ends. Go ≥ 1.20 reports a parent of
   * parallel subtests (t.Run + t.Parallel) before the subtests it waited for.
   */
  private readonly failedParents = new Map<string, OpenTest>();
  private readonly packages = new Map<string, OpenPackage>();
  /** Build output by import path (JSON build-output, or "# pkg" blocks of merged stderr). */
  private readonly buildOutputs = new Map<string, CappedText>();
  private readonly reportedBuildFailures = new Set<string>();
  private textBlock: CappedText | undefined;
  private events = 0;

  constructor(
    private readonly modules: GoModules,
    private readonly origin: string,
  ) {}

  read(line: ReportLine): void {
    const event = this.parse(line);
    if (event === undefined) {
      this.readText(line.text);
      return;
    }
    this.events += 1;
    const action = event.Action as string;
    const importPath = event.ImportPath as string | undefined;
    if (importPath !== undefined && action === 'build-output') {
      this.buildOutputOf(importPath)?.append((event.Output as string | undefined) ?? '');
      return;
    }
    const packagePath = (event.Package as string | undefined) ?? '';
    const test = event.Test as string | undefined;
    if (test === undefined || test === '') this.packageEvent(packagePath, action, event);
    else this.testEvent(packagePath, test, action, event);
  }

  finish(): ReturnType<TestTally['results']> {
    for (const open of [...this.running.values()]) {
      this.finishTest(open, 'failed', undefined, 'the report ended before this test finished');
    }
    if (this.events === 0 && this.reportedBuildFailures.size === 0) {
      throw new ReportError(
        this.origin,
        `has no ${FORMAT} events: run go test with -json, and check that go could build the packages (it prints build errors to stderr).`,
      );
    }
    return this.tally.results();
  }

  private parse(line: ReportLine): JsonObject | undefined {
    const text = line.text.trim();
    if (!text.startsWith('{')) return undefined;
    const fail = (problem: string): never => {
      throw new ReportError(
        this.origin,
        `is not ${FORMAT} output: line ${line.number}: ${problem}, as go test -json writes it.`,
      );
    };
    if (line.truncated) fail('the line is too long to be a test event');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return fail(`not valid JSON (${(error as Error).message})`);
    }
    if (!isObject(value)) return fail('not a JSON object');
    if (typeof value.Action !== 'string') fail('Action must be a string');
    const problem =
      shapeProblem(value.Package, 'string', 'Package') ??
      shapeProblem(value.Test, 'string', 'Test') ??
      shapeProblem(value.Output, 'string', 'Output') ??
      shapeProblem(value.Elapsed, 'number', 'Elapsed') ??
      shapeProblem(value.ImportPath, 'string', 'ImportPath') ??
      shapeProblem(value.FailedBuild, 'string', 'FailedBuild');
    if (problem !== undefined) fail(problem);
    return value;
  }

  /** Text between the events: go's build errors when stderr is merged into the report. */
  private readText(text: string): void {
    const notBuilt = PACKAGE_NOT_BUILT.exec(text);
    if (notBuilt !== null) {
      this.textBlock = undefined;
      this.buildFailure(notBuilt[1]!, notBuilt[2]!, this.buildOutputs.get(notBuilt[1]!));
      return;
    }
    const header = BUILD_HEADER.exec(text);
    if (header !== null) this.textBlock = this.buildOutputOf(header[1]!);
    this.textBlock?.append(`${text}\n`);
  }

  private testEvent(packagePath: string, name: string, action: string, event: JsonObject): void {
    const key = `${packagePath}\u0000${name}`;
    this.packageOf(packagePath);
    if (action === 'run') {
      this.running.set(key, this.openTest(packagePath, name));
      return;
    }
    if (action === 'output') {
      let open = this.running.get(key);
      if (open === undefined) {
        // Benchmarks print "--- FAIL: BenchmarkX" without a "run" event first.
        open = this.openTest(packagePath, name);
        this.running.set(key, open);
      }
      this.appendOutput(open, (event.Output as string | undefined) ?? '');
      return;
    }
    if (action !== 'pass' && action !== 'fail' && action !== 'skip') return;
    const open = this.running.get(key) ?? this.openTest(packagePath, name);
    this.running.delete(key);
    const outcome: TestOutcome =
      action === 'pass' ? 'passed' : action === 'fail' ? 'failed' : 'skipped';
    this.finishTest(open, outcome, event.Elapsed as number | undefined);
  }

  private packageEvent(packagePath: string, action: string, event: JsonObject): void {
    if (action === 'output') {
      const output = (event.Output as string | undefined) ?? '';
      const notBuilt = PACKAGE_NOT_BUILT.exec(output.trimEnd());
      if (notBuilt === null) this.packageOf(packagePath).output.append(output);
      else this.packageOf(packagePath).notBuilt = notBuilt[2];
      return;
    }
    if (action !== 'pass' && action !== 'fail' && action !== 'skip') return;
    const open = this.packageOf(packagePath);
    this.packages.delete(packagePath);
    for (const [key, test] of this.failedParents)
      if (test.packagePath === packagePath) this.failedParents.delete(key);
    const failed = action === 'fail';
    const unfinished = [...this.running.values()].filter(
      (test) => test.packagePath === packagePath,
    );
    for (const test of unfinished) {
      this.running.delete(`${packagePath}\u0000${test.name}`);
      // go's "ok" is its verdict on the package; a missing result then is a gap in the stream.
      if (!failed) this.finishTest(test, 'passed');
      else
        this.finishTest(
          test,
          'failed',
          undefined,
          'the test binary stopped while this test ran (panic, os.Exit or timeout)',
          open.output.value(),
        );
    }
    if (!failed) return;
    const failedBuild = event.FailedBuild as string | undefined;
    if (failedBuild !== undefined) {
      this.buildFailure(packagePath, 'build failed', this.buildOutputs.get(failedBuild));
    } else if (open.notBuilt !== undefined) {
      this.buildFailure(packagePath, open.notBuilt, this.buildOutputs.get(packagePath));
    } else if (open.failedTests === 0 && unfinished.length === 0) {
      this.packageFailure(packagePath, open.output.value());
    }
  }

  private openTest(packagePath: string, name: string): OpenTest {
    return {
      packagePath,
      name,
      output: new CappedText(),
      failedSubtests: [],
      failedSubtestCount: 0,
    };
  }

  private packageOf(packagePath: string): OpenPackage {
    let open = this.packages.get(packagePath);
    if (open === undefined) {
      open = { output: new CappedText(), failedTests: 0 };
      this.packages.set(packagePath, open);
    }
    return open;
  }

  private buildOutputOf(importPath: string): CappedText | undefined {
    let output = this.buildOutputs.get(importPath);
    if (output === undefined && this.buildOutputs.size < MAX_BUILD_OUTPUTS) {
      output = new CappedText();
      this.buildOutputs.set(importPath, output);
    }
    return output;
  }

  private appendOutput(open: OpenTest, output: string): void {
    if (FRAMING.test(output)) return;
    if (open.location === undefined) {
      const found = TEST_FILE_LINE.exec(output);
      if (found !== null) {
        open.location = { fileName: ownCopy(found[1]!), line: Number.parseInt(found[2]!, 10) };
      }
    }
    open.output.append(output);
  }

  private finishTest(
    open: OpenTest,
    outcome: TestOutcome,
    elapsed?: number,
    why?: string,
    packageOutput?: string,
  ): void {
    if (outcome === 'failed') {
      const packageState = this.packages.get(open.packagePath);
      if (packageState !== undefined) packageState.failedTests += 1;
      if (open.name.includes('/')) {
        const parentKey = `${open.packagePath}\u0000${open.name.slice(0, open.name.lastIndexOf('/'))}`;
        const parent = this.running.get(parentKey) ?? this.failedParents.get(parentKey);
        if (parent !== undefined) failedSubtest(parent, open.name);
      }
    }
    const durationMs = elapsed === undefined ? undefined : Math.round(elapsed * 1000);
    this.tally.add(outcome, durationMs, () => {
      const output = open.output.value();
      const details = [output, packageOutput ?? ''].filter((text) => text !== '').join('\n');
      const ownMessage = why ?? firstLine(output);
      const message =
        ownMessage ??
        (open.failedSubtestCount > 0
          ? subtestsMessage(open.failedSubtests, open.failedSubtestCount)
          : undefined);
      const described: TestCase = {
        suite: ownCopy(open.packagePath),
        classname: ownCopy(open.packagePath),
        name: ownCopy(open.name),
        outcome,
      };
      if (durationMs !== undefined) described.durationMs = durationMs;
      if (message !== undefined) described.message = capText(message, MAX_MESSAGE_CHARS);
      if (details !== '') described.details = details;
      const file = open.location && this.modules.fileOf(open.packagePath, open.location.fileName);
      if (file !== undefined && open.location !== undefined) {
        described.file = ownCopy(file);
        described.line = open.location.line;
      }
      if (outcome === 'failed' && ownMessage === undefined) {
        // Its message may yet come from subtests that finish after it.
        open.failedCase = described;
        this.failedParents.set(`${open.packagePath}\u0000${open.name}`, open);
      }
      return described;
    });
  }

  private buildFailure(packagePath: string, what: string, output: CappedText | undefined): void {
    if (this.reportedBuildFailures.has(packagePath)) return;
    this.reportedBuildFailures.add(packagePath);
    const text = output?.value() ?? '';
    const message =
      text !== ''
        ? text
        : `${what}; go printed the errors to stderr (merge it into the report with 2>&1 to see them here)`;
    this.tally.add('failed', undefined, () => ({
      suite: ownCopy(packagePath),
      classname: ownCopy(packagePath),
      name: `[${what}]`,
      outcome: 'failed',
      message: capText(message, MAX_MESSAGE_CHARS),
      ...(text !== '' && { details: text }),
    }));
  }

  private packageFailure(packagePath: string, output: string): void {
    const meaningful = output
      .split('\n')
      .filter((line) => !/^(?:FAIL|ok|PASS)\b/.test(line.trim()))
      .join('\n')
      .trim();
    this.tally.add('failed', undefined, () => ({
      suite: ownCopy(packagePath),
      classname: ownCopy(packagePath),
      name: '[package failed]',
      outcome: 'failed',
      message: capText(
        firstLine(meaningful) ??
          'the test binary failed without a failing test (TestMain, init or os.Exit)',
        MAX_MESSAGE_CHARS,
      ),
      ...(output !== '' && { details: output }),
    }));
  }
}

function firstLine(text: string): string | undefined {
  return text
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '');
}

/** Counts a failed subtest for its parent, and updates the parent's case when it has one. */
function failedSubtest(parent: OpenTest, name: string): void {
  parent.failedSubtestCount += 1;
  if (parent.failedSubtests.length < MAX_LISTED_SUBTESTS) parent.failedSubtests.push(name);
  if (parent.failedCase !== undefined) {
    parent.failedCase.message = capText(
      subtestsMessage(parent.failedSubtests, parent.failedSubtestCount),
      MAX_MESSAGE_CHARS,
    );
  }
}

function subtestsMessage(names: string[], count: number): string {
  const listed = names.join(', ');
  const more = count > names.length ? ` and ${count - names.length} more` : '';
  return `subtests failed: ${listed}${more}`;
}
