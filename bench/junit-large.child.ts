/**
 * Parses one JUnit file and prints what it cost as JSON. Run by junit-large.bench.ts as a bundled
 * child process, so that the figures are those of the parser alone, as the action ships it.
 */
import { parseJunit } from '../src/quality-gate/parsers/junit.js';
import { runParseCostChild } from './support/parse-cost.js';

runParseCostChild({
  usage: 'junit-large.child.js REPORT',
  parse: (source, path) => parseJunit(source, { workspace: '/repo', origin: path }),
  findings: (report) => ({ totals: report.tests?.totals, notable: report.tests?.notable.length }),
});
