/**
 * Parses one JUnit file with Slipway's streaming parser and prints what it cost as JSON. Bundled
 * with ncc and run by junit.bench.ts, so the figures are the parser's as the action ships it.
 */
import { parseJunit } from '../src/quality-gate/parsers/junit.js';
import { runParseCostChild } from './support/parse-cost.js';

runParseCostChild({
  usage: 'junit.child.js REPORT',
  parse: (source, path) => parseJunit(source, { workspace: '/repo', origin: path }),
  findings: (report) => ({
    total: report.tests?.totals.total,
    failed: report.tests?.totals.failed,
  }),
});
