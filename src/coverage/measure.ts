import { relative } from 'node:path';
import type { Settings } from './inputs.js';
import { headlineOf, type Headline } from './headline.js';
import { mergeReports } from './merge.js';
import type { FileCoverage } from './model.js';
import { fixReportPaths, reviewPaths } from './path-fixes.js';
import { pathNotes } from './path-notes.js';
import { readReports, skippedNotes } from './read-reports.js';
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

export async function measureCoverage(settings: Settings): Promise<Measurement> {
  const { workspace } = settings;
  const read = await readReports(settings);
  const fixing = await fixReportPaths(read.reports, settings.pathFixes, workspace);
  const merged = mergeReports(fixing.reports);
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
    reportFiles: read.files,
    reportsRead: fixing.reports.map(
      (report, index) =>
        `${report.format}: ${relative(workspace, read.files[index]) || read.files[index]}`,
    ),
    notes: [...skippedNotes(read.skipped), ...pathNotes(review, fixing)],
  };
}
