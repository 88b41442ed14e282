/**
 * Parses one LCOV tracefile with npm lcov-parse, the most used LCOV parser, and prints what it
 * cost as JSON: the comparison for lcov.child.ts. lcov-parse reads the whole file itself.
 */
import lcovParse from 'lcov-parse';
import { runParseCostChild } from './support/parse-cost.js';

runParseCostChild({
  usage: 'lcov-parse.child.js TRACEFILE',
  parse: (_source, path) =>
    new Promise<lcovParse.LcovFile[]>((resolve, reject) =>
      lcovParse(path, (error, data) => (error ? reject(new Error(error)) : resolve(data ?? []))),
    ),
  findings: (files) => ({
    files: files.length,
    totals: {
      lines: { covered: sum(files, (f) => f.lines.hit), total: sum(files, (f) => f.lines.found) },
      branches: {
        covered: sum(files, (f) => f.branches.hit),
        total: sum(files, (f) => f.branches.found),
      },
      functions: {
        covered: sum(files, (f) => f.functions.hit),
        total: sum(files, (f) => f.functions.found),
      },
    },
  }),
});

function sum(files: lcovParse.LcovFile[], count: (file: lcovParse.LcovFile) => number): number {
  return files.reduce((total, file) => total + count(file), 0);
}
