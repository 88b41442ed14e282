/**
 * Reads, maps and merges coverage shards exactly as the coverage action does (measureCoverage,
 * from the report search to the merged totals) and prints what it cost as JSON on its last line:
 * the action logs to stdout before it. Bundled with ncc and run by lcov-shards.bench.ts.
 */
import { measureCoverage } from '../src/coverage/measure.js';

async function main(): Promise<void> {
  const [workspace, files, expectedReports] = process.argv.slice(2);
  if (expectedReports === undefined) {
    throw new Error('usage: lcov-merge.child.js WORKSPACE FILES-GLOB EXPECTED-REPORTS');
  }
  const baselineRssBytes = process.memoryUsage().rss;
  const started = process.hrtime.bigint();
  const measured = await measureCoverage({
    files: [files],
    format: 'auto',
    expectedReports: Number(expectedReports),
    pathFixes: [],
    unmatchedChanges: 'fail',
    headline: 'lines',
    comment: false,
    pullRequest: 0,
    workspace,
  });
  const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(
    JSON.stringify({
      durationMs: Math.round(durationMs),
      baselineRssBytes,
      // maxRSS is in kilobytes and covers the whole process, start-up included.
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      reports: measured.reportsRead.length,
      files: measured.files.length,
      outside: measured.outside.length,
      totals: measured.totals,
      notes: measured.notes,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
