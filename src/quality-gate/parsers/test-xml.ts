import type { ParseContext, ParsedReport, TestCase } from '../model.js';
import type { TestTally } from './test-tally.js';
import type { ReportSource } from '../../core/reports/source.js';
import { CappedText, readXmlReport } from '../../core/reports/xml-stream.js';
import type { XmlReportShape, XmlVisitor } from '../../core/reports/xml-stream.js';

/**
 * What the XML test report readers (JUnit, TRX, NUnit 3, xUnit.net v2) share: each streams its
 * report into a TestTally, and their durations and messages are read and cut alike.
 */

/** Streams a report through a reader; what the reader tallied is the report's test results. */
export async function readTestXml(
  source: ReportSource,
  context: ParseContext,
  shape: Omit<XmlReportShape, 'origin'>,
  reader: XmlVisitor & { readonly tally: TestTally },
): Promise<ParsedReport> {
  await readXmlReport(source, { origin: context.origin, ...shape }, reader);
  return { findings: [], tests: reader.tally.results() };
}

/** "0.0123" seconds (JUnit and xUnit `time`, NUnit `duration`) in whole milliseconds. */
export function secondsToMs(time: string | undefined): number | undefined {
  if (time === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(time)) return undefined;
  return Math.round(Number.parseFloat(time) * 1000);
}

/** A text cut to the report text limit, like every kept message. */
export function capped(text: string): string {
  const capper = new CappedText();
  capper.append(text);
  return capper.value();
}

/**
 * Gives a case that did not pass its message and details. A passing case is kept only for being
 * slow, and what it printed says nothing about a failure.
 */
export function addFailureText(test: TestCase, message: string, details: string): void {
  if (test.outcome === 'passed') return;
  if (message) test.message = capped(message);
  if (details) test.details = details;
}
