/**
 * The JUnit parser streams: a report of 100,000 test cases is parsed in a child process (the
 * bundled parser, as the action ships it) and its duration, peak RSS and peak heap are written to
 * bench/results/junit-large.json. A report a tenth the size is measured too, so that one can see
 * memory does not grow with the file.
 */
import { describe, expect, it } from 'vitest';
import type { TestTotals } from '../src/quality-gate/model.js';
import { measureReports } from './support/child-process.js';
import type { ParseCost } from './support/parse-cost.js';
import { writeResults } from './support/results.js';

const DESCRIPTION =
  'parseJunit streaming a generated JUnit file in a child process (ncc bundle); ' +
  'peak RSS covers the whole process, peak heap is sampled at every chunk read';
const SIZES = [10_000, 100_000];

interface Measurement extends ParseCost {
  totals: TestTotals;
  notable: number;
}

/** One case in 50 fails, one in 40 is skipped, one in 1000 is flaky; failures carry a trace. */
function* junitReport(cases: number): Generator<string> {
  yield '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bench">\n';
  for (let index = 0; index < cases; index += 1) {
    if (index % 1000 === 0) {
      if (index > 0) yield '  </testsuite>\n';
      yield `  <testsuite name="suite_${index / 1000}" tests="1000">\n`;
    }
    let testCase = `    <testcase classname="com.example.Suite${index % 1000}" name="case_${index}" time="0.004">`;
    if (index % 50 === 0) {
      const trace = `\tat com.example.Suite.case_${index}(Suite.java:${index % 400})\n`.repeat(20);
      testCase += `<failure message="expected ${index} but was ${index + 1}" type="AssertionError"><![CDATA[${trace}]]></failure>`;
    } else if (index % 40 === 1) {
      testCase += '<skipped message="disabled"/>';
    } else if (index % 1000 === 7) {
      testCase +=
        '<flakyFailure message="timed out once"><stackTrace>at Suite.flaky</stackTrace></flakyFailure>';
    }
    testCase += `<system-out>log line for case ${index}\n</system-out></testcase>\n`;
    yield testCase;
  }
  yield '  </testsuite>\n</testsuites>\n';
}

function expectedTotals(cases: number): TestTotals {
  const failed = cases / 50;
  const skipped = cases / 40;
  return { total: cases, passed: cases - failed - skipped, failed, skipped, flaky: cases / 1000 };
}

describe('JUnit parser on large reports', () => {
  it('parses 10,000 and 100,000 test cases and records the cost', async () => {
    const measurements = await measureReports<number, Measurement>('junit-large', SIZES, {
      key: String,
      fileName: (cases) => `junit-${cases}.xml`,
      content: junitReport,
      check: (measurement, cases) => {
        expect(measurement.totals).toEqual(expectedTotals(cases));
        expect(measurement.notable).toBe(Math.min(1000, cases / 50 + cases / 1000));
      },
    });
    await writeResults('junit-large', DESCRIPTION, measurements);
  });
});
