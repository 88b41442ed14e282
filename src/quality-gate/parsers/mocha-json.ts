import { ReportError } from '../model.js';
import type { ParseContext, ParsedReport, TestCase, TestOutcome } from '../model.js';
import {
  isObject,
  shapeProblem,
  stringOrUndefined,
  stripByteOrderMark,
  type JsonObject,
} from '../../core/reports/json.js';
import { reportPath } from '../report-paths.js';
import { MAX_TEXT_REPORT_BYTES, type ReportSource } from '../../core/reports/source.js';
import { MAX_DETAILS_CHARS, MAX_MESSAGE_CHARS, capText } from '../../core/reports/text.js';
import { TestTally } from './test-tally.js';

/**
 * Mocha's JSON reporter (`mocha --reporter json`): { stats, tests, pending, failures, passes }.
 *
 * Cases are counted from `tests` (every test that ended, pending ones included), plus the
 * failures that are not tests: a failing hook ('"before each" hook for "x"') appears only in
 * `failures`, and the tests it stopped appear nowhere, as in mocha's own stats. So passed,
 * failed and skipped equal stats.passes, stats.failures and stats.pending. A test that passed
 * after `--retries` / this.retries() has currentRetry > 0 and is flaky.
 *
 * The report is one JSON document, read whole like every JSON report. Mocha writes it to
 * stdout after anything the tests printed with console.log, so such text before it is skipped.
 */

const FORMAT = 'mocha JSON';
const HINT = 'as mocha --reporter json writes it';

export async function parseMochaJson(
  source: ReportSource,
  context: ParseContext,
): Promise<ParsedReport> {
  const report = parseDocument(await source.readText(MAX_TEXT_REPORT_BYTES), source.origin);
  const problem = shapeErrors(report);
  if (problem !== undefined) {
    throw new ReportError(source.origin, `is not ${FORMAT} output: ${problem}, ${HINT}.`);
  }
  // shapeErrors has checked these lists and the fields read from their entries.
  const lists = report as Record<'tests' | 'pending' | 'failures', JsonObject[]>;
  const failures = new Multiset(lists.failures);
  const pending = new Multiset(lists.pending);
  const tally = new TestTally();

  for (const test of lists.tests) {
    const failure = failures.take(test);
    const outcome: TestOutcome =
      failure !== undefined
        ? 'failed'
        : pending.take(test) !== undefined
          ? 'skipped'
          : retries(test) > 0
            ? 'flaky'
            : 'passed';
    add(tally, failure ?? test, outcome, context);
  }
  // What is left failed without being a test that ended: hooks, mostly.
  for (const failure of failures.rest()) add(tally, failure, 'failed', context);
  return { findings: [], tests: tally.results() };
}

function parseDocument(text: string, origin: string): unknown {
  const body = stripByteOrderMark(text);
  if (body.trim() === '') {
    throw new ReportError(origin, `is empty, expected ${FORMAT} output (${HINT}).`);
  }
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    // console.log output of the tests comes before the report on stdout.
    const start = body.search(/^\{\s*"stats"\s*:/m);
    if (start > 0) {
      try {
        return JSON.parse(body.slice(start)) as unknown;
      } catch (later) {
        throw notJson(origin, body, later, start);
      }
    }
    throw notJson(origin, body, error, 0);
  }
}

function notJson(origin: string, text: string, error: unknown, offset: number): ReportError {
  const message = (error as Error).message;
  const position = /position (\d+)/.exec(message);
  const where =
    position === null ? '' : ` at line ${lineAt(text, offset + Number.parseInt(position[1]!, 10))}`;
  return new ReportError(
    origin,
    `is not valid JSON${where} (${message}), expected ${FORMAT} output (${HINT}).`,
  );
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < index; at = text.indexOf('\n', at + 1))
    line += 1;
  return line;
}

/** The first field this parser reads that is missing or of the wrong type. */
function shapeErrors(report: unknown): string | undefined {
  if (!isObject(report)) return 'the document must be an object';
  if (!isObject(report.stats)) return 'stats must be an object';
  for (const list of ['tests', 'pending', 'failures'] as const) {
    if (!Array.isArray(report[list])) return `${list} must be an array`;
    for (const [index, test] of (report[list] as unknown[]).entries()) {
      const where = `${list}[${index}]`;
      if (!isObject(test)) return `${where} must be an object`;
      const problem =
        (typeof test.title === 'string' ? undefined : `${where}.title must be a string`) ??
        shapeProblem(test.fullTitle, 'string', `${where}.fullTitle`) ??
        shapeProblem(test.file, 'string', `${where}.file`) ??
        shapeProblem(test.duration, 'number', `${where}.duration`) ??
        shapeProblem(test.currentRetry, 'number', `${where}.currentRetry`) ??
        shapeProblem(test.err, 'object', `${where}.err`) ??
        (isObject(test.err)
          ? (shapeProblem(test.err.message, 'string', `${where}.err.message`) ??
            shapeProblem(test.err.stack, 'string', `${where}.err.stack`))
          : undefined);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

/**
 * The JSON reporter writes each test once per list it is in, as separate copies; a test is
 * found again in `failures` or `pending` by its title, full title and file. Tests may share
 * all three, so copies are counted, not just looked up.
 */
class Multiset {
  private readonly entries = new Map<string, JsonObject[]>();

  constructor(items: JsonObject[]) {
    for (const item of items) {
      const key = identity(item);
      const list = this.entries.get(key);
      if (list === undefined) this.entries.set(key, [item]);
      else list.push(item);
    }
  }

  take(test: JsonObject): JsonObject | undefined {
    const list = this.entries.get(identity(test));
    return list?.shift();
  }

  *rest(): Generator<JsonObject> {
    for (const list of this.entries.values()) yield* list;
  }
}

function identity(test: JsonObject): string {
  return JSON.stringify([test.title, test.fullTitle, test.file]);
}

function retries(test: JsonObject): number {
  return typeof test.currentRetry === 'number' ? test.currentRetry : 0;
}

function add(tally: TestTally, test: JsonObject, outcome: TestOutcome, context: ParseContext) {
  const duration = typeof test.duration === 'number' ? Math.round(test.duration) : undefined;
  tally.add(outcome, duration, () => describe(test, outcome, duration, context));
}

function describe(
  test: JsonObject,
  outcome: TestOutcome,
  durationMs: number | undefined,
  context: ParseContext,
): TestCase {
  const title = test.title as string;
  const fullTitle = stringOrUndefined(test.fullTitle) ?? title;
  const suite = fullTitle.endsWith(title) ? fullTitle.slice(0, -title.length).trim() : '';
  const err = isObject(test.err) ? test.err : {};
  const message = stringOrUndefined(err.message)?.trim();
  const stack = stringOrUndefined(err.stack)?.trim();
  const file = stringOrUndefined(test.file);
  const described: TestCase = { suite, name: title, outcome };
  if (durationMs !== undefined) described.durationMs = durationMs;
  if (outcome === 'failed') {
    described.message = capText(message || firstLine(stack) || 'failed', MAX_MESSAGE_CHARS);
    if (stack) described.details = capText(stack, MAX_DETAILS_CHARS);
  } else if (outcome === 'flaky') {
    const count = retries(test);
    described.message = `passed after ${count} ${count === 1 ? 'retry' : 'retries'}`;
  }
  if (file !== undefined && file !== '') {
    described.file = reportPath(file, context);
  }
  return described;
}

function firstLine(text: string | undefined): string | undefined {
  return text
    ?.split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '');
}
