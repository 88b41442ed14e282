/**
 * A large JUnit report (100,000 test cases, 5% failing with stack traces, about 36 MB): Slipway's
 * streaming parser, as the action ships it, against a full parse with fast-xml-parser, each in its
 * own process, alternating.
 */
import { describe, expect, it } from 'vitest';
import { runParserContest } from './support/child-process.js';
import { writePart } from './support/figures.js';
import type { ParseCost } from './support/parse-cost.js';
import { median, MIB, round } from './support/stats.js';

const CASES = 100_000;
const SUITE_SIZE = 1_000;
const FAILING_EVERY = 20;
const TRACE_LINES = 90;
const ROUNDS = 5;

/** One case in 20 fails with a stack trace, one in 40 is skipped; every case logs a line. */
function* junitReport(): Generator<string> {
  yield '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bench">\n';
  for (let index = 0; index < CASES; index += 1) {
    if (index % SUITE_SIZE === 0) {
      if (index > 0) yield '  </testsuite>\n';
      yield `  <testsuite name="suite_${index / SUITE_SIZE}" tests="${SUITE_SIZE}">\n`;
    }
    let testCase = `    <testcase classname="com.example.Suite${index % SUITE_SIZE}" name="case_${index}" time="0.004">`;
    if (index % FAILING_EVERY === 0) {
      const trace = `\tat com.example.Suite.case_${index}(Suite.java:${index % 400})\n`.repeat(
        TRACE_LINES,
      );
      testCase += `<failure message="expected ${index} but was ${index + 1}" type="AssertionError"><![CDATA[${trace}]]></failure>`;
    } else if (index % 40 === 1) {
      testCase += '<skipped message="disabled"/>';
    }
    testCase += `<system-out>log line for case ${index}\n</system-out></testcase>\n`;
    yield testCase;
  }
  yield '  </testsuite>\n</testsuites>\n';
}

describe('JUnit parsing of 100,000 test cases', () => {
  it('measures Slipway and fast-xml-parser on the same file', async () => {
    const { fileBytes, costs } = await runParserContest<{ total: number; failed: number }>({
      name: 'junit',
      content: junitReport(),
      children: { slipway: 'junit', 'fast-xml-parser': 'fast-xml-parser' },
      rounds: ROUNDS,
      check: (key, findings) => {
        expect(findings, key).toMatchObject({ total: CASES, failed: CASES / FAILING_EVERY });
      },
    });
    const mbps = (runs: ParseCost[]) =>
      round(fileBytes / 1e6 / (median(runs.map((r) => r.durationMs)) / 1000), 1);
    const peakMib = (runs: ParseCost[]) => round(median(runs.map((r) => r.peakRssBytes)) / MIB, 1);
    await writePart({
      bench: '3-junit',
      figures: [
        {
          name: 'junit.100k.mbps',
          value: mbps(costs.slipway),
          unit: 'MB/s',
          comparedWith: `junit.fast-xml-parser.mbps, same ${round(fileBytes / 1e6, 1)} MB file`,
        },
        {
          name: 'junit.100k.peak_mib',
          value: peakMib(costs.slipway),
          unit: 'MiB',
          comparedWith: `fast-xml-parser’s ${peakMib(costs['fast-xml-parser'])} MiB; peak RSS of the parsing process`,
        },
        {
          name: 'junit.fast-xml-parser.mbps',
          value: mbps(costs['fast-xml-parser']),
          unit: 'MB/s',
          comparedWith: 'fast-xml-parser 5, full parse into an object tree, the usual choice',
        },
      ],
    });
  });
});
