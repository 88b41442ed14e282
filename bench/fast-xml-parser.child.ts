/**
 * Parses one JUnit file with fast-xml-parser, the usual choice, into a full object tree (the file
 * read whole, attributes kept) and prints what it cost as JSON: the comparison for junit.child.ts.
 */
import { readFile } from 'node:fs/promises';
import { XMLParser } from 'fast-xml-parser';
import { runParseCostChild } from './support/parse-cost.js';

interface Suite {
  testcase: Array<{ failure?: unknown }>;
}

runParseCostChild({
  usage: 'fast-xml-parser.child.js REPORT',
  parse: async (_source, path) =>
    new XMLParser({
      ignoreAttributes: false,
      isArray: (name) => name === 'testsuite' || name === 'testcase',
    }).parse(await readFile(path, 'utf8')) as { testsuites: { testsuite: Suite[] } },
  findings: (document) => {
    const cases = document.testsuites.testsuite.flatMap((suite) => suite.testcase);
    return { total: cases.length, failed: cases.filter((c) => c.failure !== undefined).length };
  },
});
