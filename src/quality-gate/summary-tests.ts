import { formatDuration } from '../core/duration.js';
import type { SourceLinker } from '../core/source-links.js';
import { markup, type Inline, type JobSummary, type SummaryContent } from '../core/summary.js';
import type { Counts } from './gate.js';
import { MAX_NOTABLE_TESTS } from './parsers/test-tally.js';
import type { TestCase } from './model.js';
import { SUITE_SEPARATOR } from './parsers/junit.js';
import type { SummaryDetails } from './summary.js';

const MAX_ROWS = 100;

/** The summary's test sections: failing tests, flaky tests by name, and the slowest tests. */
export function addTestSections(
  summary: JobSummary,
  details: SummaryDetails,
  totals: Pick<Counts, 'testFailures' | 'flaky'>,
  link: SourceLinker | undefined,
): void {
  const { failingTests, flakyTests, slowestTests } = details;
  // The counts come from the totals: reports keep only the first 1,000 such tests in detail.
  const failed = Math.max(totals.testFailures, failingTests.length);
  const flaky = Math.max(totals.flaky, flakyTests.length);
  if (failingTests.length > 0) {
    summary.details(`Failing tests (${failed})`, (content) =>
      testTable(content, failingTests, failed, 'Message', link),
    );
  }
  if (flakyTests.length > 0) {
    summary.details(`Flaky tests (${flaky}): failed, then passed on a rerun`, (content) =>
      testTable(content, flakyTests, flaky, 'First failure', link),
    );
  }
  if (slowestTests.length > 0) {
    summary.details(`Slowest tests (${slowestTests.length})`, (content) => {
      content.table(
        ['Check', 'Test', 'Class', 'Time'],
        slowestTests.map((test) => [
          test.check,
          markup.code(testLabel(test)),
          test.classname ? markup.code(test.classname) : '',
          formatDuration(test.durationMs ?? 0),
        ]),
      );
    });
  }
}

/** One row per test with its class, place and failure message; at most MAX_ROWS. */
function testTable(
  content: SummaryContent,
  tests: SummaryDetails['failingTests'],
  total: number,
  messageHeader: string,
  link: SourceLinker | undefined,
): void {
  content.table(
    ['Check', 'Test', 'Class', 'Where', messageHeader],
    tests
      .slice(0, MAX_ROWS)
      .map((test) => [
        test.check,
        markup.code(testLabel(test)),
        test.classname ? markup.code(test.classname) : '',
        where(test, link),
        test.message ?? '',
      ]),
  );
  const shown = Math.min(tests.length, MAX_ROWS);
  if (total > shown) content.paragraph(`${total - shown} more not listed.`);
  if (total > tests.length) {
    content.paragraph(
      `Reports keep the first ${MAX_NOTABLE_TESTS} such tests each in detail; ${total - tests.length} more are counted but neither listed nor annotated.`,
    );
  }
}

/** Suite path and test name, e.g. "calc › adds › handles negatives". */
export function testLabel(test: Pick<TestCase, 'suite' | 'name'>): string {
  return [test.suite, test.name].filter(Boolean).join(SUITE_SEPARATOR);
}

/** `file:line`, linked to the line at the commit when the run knows where the code is. */
export function where(item: { file?: string; line?: number }, link?: SourceLinker): Inline {
  if (!item.file) return '';
  const text = markup.code(item.line ? `${item.file}:${item.line}` : item.file);
  const href = link?.(item.file, item.line);
  return href ? markup.link(item.line ? `${item.file}:${item.line}` : item.file, href) : text;
}
