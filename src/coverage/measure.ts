import { relative } from 'node:path';
import type { Settings } from './inputs.js';
import { headlineOf, type Headline } from './headline.js';
import { CoverageMerger } from './merge.js';
import type { FileCoverage } from './model.js';
import { PathFixer, reviewPaths } from './path-fixes.js';
import { pathNotes } from './path-notes.js';
import { readEachReport, skippedNotes } from './read-reports.js';
import { totalsOf, type CoverageTotals } from './totals.js';

/** What the reports say, once read, mapped onto the repository and merged. */
export interface Measurement {
  /** The merged files inside the repository: everything the totals count. */
  files: FileCoverage[];
  /** Paths still outside the repository after path resolution: left out of every total. */
  outside: string[];
  totals: CoverageTotals;
  headline: Headline;
  /** The absolute path of every report read, for the Codecov upload. */
  reportFiles: string[];
  /** "format: path" of every report read, for the summary and the result. */
  reportsRead: string[];
  /** What was skipped and which paths did not map, for the summary. */
  notes: string[];
}

/**
 * Each report is parsed, its paths fixed and its counts merged, then dropped before the next is
 * read: memory holds the merged files and one report, however many shards a matrix wrote.
 */
export async function measureCoverage(settings: Settings): Promise<Measurement> {
  const { workspace } = settings;
  const fixer = new PathFixer(settings.pathFixes, workspace);
  const merger = new CoverageMerger();
  const read = await readEachReport(settings, async (report, position) => {
    merger.add(await fixer.fix(report, position), { owned: true });
  });
  const fixing = await fixer.finish();
  const merged = merger.files();
  const review = reviewPaths(
    merged.map((file) => file.path),
    workspace,
  );
  const outside = new Set(review.outside);
  const files = merged.filter((file) => !outside.has(file.path));
  const totals = totalsOf(files);
  return {
    files,
    outside: review.outside,
    totals,
    headline: headlineOf(files, totals.lines, settings.headline),
    reportFiles: read.read.map(({ file }) => file),
    reportsRead: read.read.map(
      ({ format, file }) => `${format}: ${relative(workspace, file) || file}`,
    ),
    notes: [...skippedNotes(read.skipped), ...pathNotes(review, fixing)],
  };
}
