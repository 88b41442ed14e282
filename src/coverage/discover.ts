import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { glob } from 'tinyglobby';
import { ActionError } from '../core/errors.js';
import { COVERAGE_FORMATS, type CoverageFormat } from './model.js';

/** Where the common tools write their reports, searched when `files` is empty. */
export const USUAL_LOCATIONS = [
  '**/lcov.info',
  '**/*.lcov',
  '**/coverage.xml',
  '**/cobertura.xml',
  '**/cobertura-coverage.xml',
  '**/coverage.cobertura.xml',
  '**/coverage.opencover.xml',
  '**/jacoco*.xml',
  '**/clover.xml',
  '**/coverage-final.json',
  '**/coverage.out',
  '**/cover.out',
  '**/coverage.json',
  '**/.resultset.json',
];

/**
 * When one run wrote the same coverage in several formats into one directory (c8: lcov.info,
 * cobertura-coverage.xml and coverage-final.json; coverage.py: coverage.xml, coverage.json and
 * coverage.lcov), the default search reads only the most faithful of them: merging them all would
 * count every branch twice under different positions. Most faithful first:
 * - The tools' own data first: llvm-cov export, istanbul (c8, nyc, Jest), coverage.py JSON
 *   (executed and missing arcs), coverlet and SimpleCov JSON keep every branch apart and the
 *   functions' hits; an lcov or cobertura file beside them was derived from them.
 * - opencover keeps each branch point's own visit count (coverlet writes it from its JSON).
 * - lcov keeps each branch's own count (BRDA) and each function's hits.
 * - clover keeps a condition's true and false counts and the methods.
 * - jacoco and cobertura only say how many of a line's branches were taken, not which, so a
 *   merge can no longer line branches up; jacoco also keeps method hits.
 * - go profiles have no branches or functions at all.
 * A format missing from this list (a newly added one) ranks after all of these; the test of this
 * module fails until it is placed.
 */
export const READ_PREFERENCE: readonly CoverageFormat[] = [
  'llvm-cov',
  'istanbul',
  'coveragepy-json',
  'coverlet',
  'simplecov',
  'opencover',
  'lcov',
  'clover',
  'jacoco',
  'cobertura',
  'go',
];

const NEVER_SEARCHED = ['**/node_modules/**', '**/.git/**', '**/vendor/**'];

export async function findReportFiles(
  patterns: readonly string[],
  workspace: string,
): Promise<string[]> {
  const searched = patterns.length > 0 ? patterns : USUAL_LOCATIONS;
  const files = await glob([...searched], {
    cwd: workspace,
    absolute: true,
    onlyFiles: true,
    dot: true,
    ignore: NEVER_SEARCHED,
  });
  if (files.length === 0) {
    throw new ActionError(
      patterns.length > 0
        ? `No coverage report matched files: ${patterns.join(', ')} (searched in ${workspace}).`
        : `No coverage report was found in the usual places (${USUAL_LOCATIONS.join(', ')}).`,
      'Check that the test step wrote its report before this step, or set files to its path, e.g. files: coverage/lcov.info',
    );
  }
  return files.sort();
}

/** Reads the first bytes of a report and asks each format whether it recognises them. */
export async function detectFormat(
  path: string,
  sniffers: Record<CoverageFormat, (head: string) => boolean>,
): Promise<CoverageFormat | undefined> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const head = buffer.subarray(0, bytesRead).toString('utf8');
    return COVERAGE_FORMATS.find((format) => sniffers[format](head));
  } finally {
    await handle.close();
  }
}

export interface FoundReport {
  path: string;
  format: CoverageFormat;
}

export interface SkippedReport {
  path: string;
  /** Why it was not read, as a sentence fragment: "skipped <path>: <reason>". */
  reason: string;
}

function rank(format: CoverageFormat): number {
  const index = READ_PREFERENCE.indexOf(format);
  return index >= 0 ? index : READ_PREFERENCE.length + COVERAGE_FORMATS.indexOf(format);
}

/**
 * Keeps, in each directory, the reports of the most faithful format there (all of them: two
 * lcov files side by side are two runs) and skips the others, saying which report was read
 * instead. Paths keep the order they came in.
 */
export function onePerDirectory(found: readonly FoundReport[]): {
  chosen: FoundReport[];
  skipped: SkippedReport[];
} {
  const best = new Map<string, FoundReport>();
  for (const report of found) {
    const directory = dirname(report.path);
    const current = best.get(directory);
    if (!current || rank(report.format) < rank(current.format)) best.set(directory, report);
  }
  const chosen: FoundReport[] = [];
  const skipped: SkippedReport[] = [];
  for (const report of found) {
    const winner = best.get(dirname(report.path)) as FoundReport;
    if (winner.format === report.format) {
      chosen.push(report);
    } else {
      skipped.push({
        path: report.path,
        reason: `the same directory has ${winner.path}, read instead (${winner.format} keeps more than ${report.format}; one format per directory, so nothing is counted twice)`,
      });
    }
  }
  return { chosen, skipped };
}
