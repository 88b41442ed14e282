import { relative } from 'node:path';
import { setFlagsFromString } from 'node:v8';
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
  keepYoungGenerationSmall();
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

/**
 * Stops V8 from growing the young generation from here on. It doubles whenever as many bytes
 * have survived collections as it holds, and reading report after report makes that happen
 * until it reaches its maximum (64 MiB a semi-space in Node 24): eight 100 MB shards then peak
 * about 110 MiB higher than with it left small, for no gain in speed (each shard's files live
 * until merged, so they are promoted either way). The growth factor is read each time the young
 * generation would grow, so setting it after start-up takes effect; it changes no result.
 */
function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
