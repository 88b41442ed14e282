/**
 * Parses one LCOV tracefile with Slipway's streaming parser and prints what it cost as JSON.
 * Bundled with ncc and run by lcov.bench.ts, so the figures are the parser's as the action ships it.
 */
import { parseLcov } from '../src/coverage/formats/lcov.js';
import type { FileCoverage } from '../src/coverage/model.js';
import { runParseCostChild } from './support/parse-cost.js';

runParseCostChild({
  usage: 'lcov.child.js TRACEFILE',
  parse: (source, path) => parseLcov(source, { workspace: '/repo', origin: path }),
  findings: (report) => ({ files: report.files.length, totals: totalsOf(report.files) }),
});

/** Σ over files, as src/coverage/totals.ts counts (not imported: it pulls in the runner's toolkit). */
function totalsOf(files: FileCoverage[]) {
  const ratio = (counts: Iterable<number>) => {
    let covered = 0;
    let total = 0;
    for (const hits of counts) {
      total += 1;
      if (hits > 0) covered += 1;
    }
    return { covered, total };
  };
  return {
    lines: ratio(files.flatMap((file) => [...file.lines.values()])),
    branches: ratio(files.flatMap((file) => [...file.branches.values()].flat())),
    functions: ratio(files.flatMap((file) => [...file.functions.values()])),
  };
}
