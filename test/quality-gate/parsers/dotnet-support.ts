import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import type {
  ParseContext,
  ParsedReport,
  TestCase,
  TestTotals,
} from '../../../src/quality-gate/model.js';
import { fileSource, textSource } from '../../../src/core/reports/source.js';
import type { ReportSource } from '../../../src/core/reports/source.js';
import {
  billionLaughs,
  malformedXmlCases,
  refusal,
  streamedSource,
} from '../../support/hostile-xml.js';
import type { HostileCase } from '../../support/hostile-xml.js';

/** What the tests of the .NET test report readers (TRX, NUnit 3, xUnit.net v2) share. */

/** Where the captured reports were written: their stack traces name files below it. */
export const WORKSPACE = '/home/runner/work/app/app';

export function totals(total: number, passed: number, failed: number, skipped: number): TestTotals {
  return { total, passed, failed, skipped, flaky: 0 };
}

/** The totals of a report holding one case with this outcome. */
export function oneCase(outcome: TestCase['outcome']): TestTotals {
  const one = (wanted: TestCase['outcome']) => (outcome === wanted ? 1 : 0);
  return totals(1, one('passed'), one('failed'), one('skipped'));
}

/**
 * The numbers after "Word:" in a console runner's summary, e.g. count('Passed') in
 * "Failed!  - Failed:     3, Passed:     3".
 */
export function consoleCounts(text: string): (word: string) => number {
  return (word) => Number(new RegExp(`${word}:\\s+(\\d+)`).exec(text)?.[1]);
}

export interface DotnetParser {
  /** Where the reports not read from a fixture come from, e.g. "results.trx". */
  origin: string;
  /** A file of test/fixtures/quality-gate/<format>/ as text. */
  readFixture(name: string): string;
  parseFixture(name: string): Promise<ParsedReport>;
  /** Parses XML as the report `origin` the parser was made with. */
  parseXml(xml: string): Promise<ParsedReport>;
  /** Parses a report that can only be streamed, in the pieces given. */
  parseStream(chunks: () => Iterable<Buffer>): Promise<ParsedReport>;
}

/**
 * One format's parser, reading its captured reports from test/fixtures/quality-gate/<format>/ and
 * other reports as the file `origin` of a runner's workspace.
 */
export function dotnetParser(
  parse: (source: ReportSource, context: ParseContext) => Promise<ParsedReport>,
  format: string,
  origin: string,
): DotnetParser {
  const fixtures = fileURLToPath(
    new URL(`../../fixtures/quality-gate/${format}/`, import.meta.url),
  );
  const context = { workspace: WORKSPACE, origin };
  return {
    origin,
    readFixture: (name) => readFileSync(join(fixtures, name), 'utf8'),
    parseFixture: (name) => {
      const path = join(fixtures, name);
      return parse(fileSource(path), { workspace: WORKSPACE, origin: path });
    },
    parseXml: (xml) => parse(textSource(xml, origin), context),
    parseStream: (chunks) => parse(streamedSource(origin, chunks), context),
  };
}

/**
 * The safety table every XML reader passes: the entity bomb, the format's look-alike, an empty
 * file and the broken files of hostile-xml.ts, each refused with a message naming the report.
 */
export function itRefusesHostileReports(
  parser: DotnetParser,
  shape: {
    /** The format's root element. */
    root: string;
    /** A captured report, cut short for one of the broken files. */
    valid: string;
    /** A report of a similar format, refused for its root element. */
    lookAlike: HostileCase;
    /** What the refusal of an empty file says. */
    empty: RegExp;
  },
): void {
  it.each<HostileCase>([
    [
      'billion laughs',
      () => billionLaughs(shape.root),
      /DOCTYPE declaration; DTDs are not accepted/,
    ],
    shape.lookAlike,
    ['an empty file', () => '', shape.empty],
    ...malformedXmlCases(shape.root, parser.readFixture(shape.valid)),
  ])('%s', { timeout: 10_000 }, async (_case, content, expected) => {
    const message = await refusal(parser.parseStream(() => [Buffer.from(content())]));
    expect(message.split(': ')[0]).toBe(parser.origin);
    expect(message).toMatch(expected);
  });
}
