import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ActionError } from '../core/errors.js';
import { findFiles } from '../core/globs.js';
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
 * count every branch twice under different positions. A report of another tool in the same
 * directory (coverage.py's coverage.xml beside cargo llvm-cov's lcov.info) covers other files and
 * is read as well. Most faithful first:
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
  const files = await findFiles(searched, { cwd: workspace, ignore: NEVER_SEARCHED });
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
  sniffers: Record<CoverageFormat, (head: string) => boolean | Promise<boolean>>,
): Promise<CoverageFormat | undefined> {
  const handle = await open(path, 'r');
  let head: string;
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
  for (const format of COVERAGE_FORMATS) {
    if (await sniffers[format](head)) return format;
  }
  return undefined;
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

/** A report the default search has read, with the source paths its parser wrote. */
export interface ReadCandidate extends FoundReport {
  sources: readonly string[];
}

function rank(format: CoverageFormat): number {
  const index = READ_PREFERENCE.indexOf(format);
  return index >= 0 ? index : READ_PREFERENCE.length + COVERAGE_FORMATS.indexOf(format);
}

/** The reports in the order the default search weighs them: most faithful format first. */
export function byReadPreference<T extends FoundReport>(found: readonly T[]): T[] {
  return [...found].sort((a, b) => rank(a.format) - rank(b.format));
}

/**
 * Skips, in each directory, a report that covers the same source files as a report of a more
 * faithful format kept there (the same coverage written twice), saying which report was read
 * instead. Reports of one format are all kept (unit.lcov and e2e.lcov are two runs), and so are
 * reports of disjoint files (two tools' reports side by side). Paths keep the order they came in.
 */
export function distinctPerDirectory<T extends ReadCandidate>(
  found: readonly T[],
): { chosen: T[]; skipped: SkippedReport[] } {
  const choice = new DirectoryChoice(found);
  const skips = new Map<T, SkippedReport>();
  for (const report of byReadPreference(found)) {
    const skip = choice.consider(report);
    if (skip) skips.set(report, skip);
  }
  return {
    chosen: found.filter((report) => !skips.has(report)),
    skipped: found.flatMap((report) => skips.get(report) ?? []),
  };
}

/**
 * distinctPerDirectory one report at a time, so that a report can be judged as soon as it is
 * parsed and dropped before the next is read: given the reports in byReadPreference order, every
 * report that could make one a twin has been considered before it. Only directories holding
 * reports of several formats can skip anything, so only their reports' paths are kept.
 */
export class DirectoryChoice {
  private readonly mixed = new Set<string>();
  private readonly kept = new Map<string, { report: ReadCandidate; index: SourceIndex }[]>();

  constructor(candidates: readonly FoundReport[]) {
    const formats = new Map<string, CoverageFormat>();
    for (const { path, format } of candidates) {
      const directory = dirname(path);
      const seen = formats.get(directory);
      if (seen === undefined) formats.set(directory, format);
      else if (seen !== format) this.mixed.add(directory);
    }
  }

  /** Undefined when the report is read; else why it is skipped. */
  consider(report: ReadCandidate): SkippedReport | undefined {
    const directory = dirname(report.path);
    if (!this.mixed.has(directory)) return undefined;
    const here = this.kept.get(directory) ?? [];
    for (const other of here) {
      if (other.report.format === report.format) continue;
      const shared = report.sources.find((source) => other.index.has(source));
      if (shared !== undefined) {
        return {
          path: report.path,
          reason: `${other.report.path} covers the same files (both name ${shared}) and is read instead: ${other.report.format} keeps more than ${report.format}, and reading both would count that coverage twice`,
        };
      }
    }
    // Only the path and format are kept of the report itself: its sources live on in the index.
    const kept = { path: report.path, format: report.format, sources: [] };
    this.kept.set(directory, [...here, { report: kept, index: new SourceIndex(report.sources) }]);
    return undefined;
  }
}

/**
 * Formats write one file's path differently (absolute, relative to a source root, to the report),
 * so two reports name the same file when their last two path components agree, or the name alone
 * when either path has just one component.
 */
class SourceIndex {
  private readonly tails = new Set<string>();
  private readonly names = new Set<string>();
  private readonly bareNames = new Set<string>();

  constructor(sources: readonly string[]) {
    for (const source of sources) {
      const parts = components(source);
      const name = parts.at(-1) ?? '';
      this.names.add(name);
      if (parts.length < 2) this.bareNames.add(name);
      else this.tails.add(parts.slice(-2).join('/'));
    }
  }

  has(source: string): boolean {
    const parts = components(source);
    const name = parts.at(-1) ?? '';
    if (parts.length < 2) return this.names.has(name);
    return this.tails.has(parts.slice(-2).join('/')) || this.bareNames.has(name);
  }
}

function components(path: string): string[] {
  return path.split(/[\\/]+/).filter((part) => part !== '' && part !== '.');
}
