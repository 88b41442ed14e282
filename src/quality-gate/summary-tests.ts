import { formatDuration } from '../core/duration.js';
import type { SourceLinker } from '../core/source-links.js';
import { markup, type Inline, type JobSummary } from '../core/summary.js';
import type { TestCase } from './model.js';
import { SUITE_SEPARATOR } from './parsers/junit.js';
import type { SummaryDetails } from './summary.js';

const MAX_ROWS = 100;

/** The summary's test sections: failing tests, flaky tests by name, and the slowest tests. */
export function addTestSections(
  summary: JobSummary,
  details: SummaryDetails,
  link: SourceLinker | undefined,
): void {
  const { failingTests, flakyTests, slowestTests } = details;
  if (failingTests.length > 0) {
    summary.details(`Failing tests (${failingTests.length})`, (content) => {
      content.table(
        ['Check', 'Test', 'Class', 'Where', 'Message'],
        failingTests
          .slice(0, MAX_ROWS)
          .map((test) => [
            test.check,
            markup.code(testLabel(test)),
            test.classname ? markup.code(test.classname) : '',
            where(test, link),
            test.message ?? '',
          ]),
      );
      if (failingTests.length > MAX_ROWS)
        content.paragraph(`${failingTests.length - MAX_ROWS} more not listed.`);
    });
  }
  if (flakyTests.length > 0) {
    summary.details(
      `Flaky tests (${flakyTests.length}): failed, then passed on a rerun`,
      (content) => {
        content.table(
          ['Check', 'Test', 'Class', 'Where', 'First failure'],
          flakyTests
            .slice(0, MAX_ROWS)
            .map((test) => [
              test.check,
              markup.code(testLabel(test)),
              test.classname ? markup.code(test.classname) : '',
              where(test, link),
              test.message ?? '',
            ]),
        );
        if (flakyTests.length > MAX_ROWS)
          content.paragraph(`${flakyTests.length - MAX_ROWS} more not listed.`);
      },
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
