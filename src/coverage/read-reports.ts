import { relative, resolve } from 'node:path';
import * as core from '@actions/core';
import { ActionError } from '../core/errors.js';
import { escapeUntrusted } from '../core/log.js';
import { ReportError, fileSource } from '../core/reports/source.js';
import {
  byReadPreference,
  detectFormat,
  DirectoryChoice,
  findReportFiles,
  type FoundReport,
  type SkippedReport,
} from './discover.js';
import { parseCoverage, SNIFFERS } from './formats/index.js';
import type { Settings } from './inputs.js';
import { COVERAGE_FORMATS, type CoverageReport } from './model.js';

export type ReadSettings = Pick<Settings, 'files' | 'format' | 'workspace' | 'expectedReports'>;

export interface ReadReports {
  reports: CoverageReport[];
  /** The absolute path of each report, in the order of reports. */
  files: string[];
  /** What the default search found and did not read, with workspace-relative paths. */
  skipped: SkippedReport[];
}

/** What is left of a report once it has been handed on: enough for the summary and the upload. */
export interface ReportRead extends FoundReport {
  /** Its absolute path. */
  file: string;
  /** Its place among the files found: the order reports are listed and merged in. */
  position: number;
}

/** Each report read, as it is parsed; `position` as in ReportRead. */
export type ReportVisitor = (report: CoverageReport, position: number) => void | Promise<void>;

const MAX_LISTED = 10;

/** Finds and reads the coverage reports, all held at once (see readEachReport). */
export async function readReports(settings: ReadSettings): Promise<ReadReports> {
  const parsed = new Map<number, CoverageReport>();
  const { read, skipped } = await readEachReport(settings, (report, position) => {
    parsed.set(position, report);
  });
  return {
    reports: read.map(({ position }) => parsed.get(position) as CoverageReport),
    files: read.map(({ file }) => file),
    skipped,
  };
}

/**
 * Finds and reads the coverage reports, handing each to `visit` as soon as it is parsed and known
 * to be read, so that a caller can fold it into what it keeps and drop it: a matrix fan-in of
 * large reports never has more than one in memory. Explicit `files` are all read, and one that is
 * not a report we know, or cannot be read, is an error. The default search is a guess, so it reads
 * what it can: files it cannot recognise or parse are skipped, and in each directory a report
 * holding the same files as a more faithful format's report there is skipped (so those are read
 * most faithful first; everything returned is in the order the files were found).
 */
export async function readEachReport(
  settings: ReadSettings,
  visit: ReportVisitor,
): Promise<{ read: ReportRead[]; skipped: SkippedReport[] }> {
  const { workspace } = settings;
  const paths = await findReportFiles(settings.files, workspace);
  const origins = paths.map((path) => relative(workspace, path) || path);
  const { chosen, skipped } =
    settings.files.length > 0
      ? { chosen: await readExplicit(origins, settings, visit), skipped: [] }
      : await readSearched(origins, settings, visit);
  for (const skip of skipped) core.info(escapeUntrusted(`Skipped ${skip.path}: ${skip.reason}.`));
  if (chosen.length === 0) {
    throw new ActionError(
      `No coverage report we can read was found in the usual places: ${describeSkipped(skipped)}.`,
      'Set files to the report, e.g. files: coverage/lcov.info (and format if it is not recognised).',
    );
  }
  checkExpected(settings.expectedReports, chosen, skipped);
  for (const { path, format } of chosen) core.info(`Read ${escapeUntrusted(path)} as ${format}.`);
  return {
    read: chosen.map((found) => ({ ...found, file: resolve(workspace, found.path) })),
    skipped,
  };
}

interface Candidate extends FoundReport {
  position: number;
}

function parse(found: FoundReport, workspace: string): Promise<CoverageReport> {
  const source = fileSource(resolve(workspace, found.path));
  return parseCoverage(found.format, source, { workspace, origin: found.path });
}

async function readExplicit(
  origins: string[],
  settings: ReadSettings,
  visit: ReportVisitor,
): Promise<Candidate[]> {
  const found = await explicitFormats(origins, settings);
  for (const [position, candidate] of found.entries()) {
    let report: CoverageReport;
    try {
      report = await parse(candidate, settings.workspace);
    } catch (error) {
      if (error instanceof ReportError) {
        throw new ActionError(
          `Could not read the ${candidate.format} report ${error.message}`,
          'Check that the test step finished writing it.',
        );
      }
      throw error;
    }
    await visit(report, position);
  }
  return found.map((candidate, position) => ({ ...candidate, position }));
}

/**
 * Reads every file the search found that it can; what it cannot read is skipped with the reason,
 * and so is a twin of a more faithful report in its directory (decided before it is handed on).
 */
async function readSearched(
  origins: string[],
  settings: ReadSettings,
  visit: ReportVisitor,
): Promise<{ chosen: Candidate[]; skipped: SkippedReport[] }> {
  const searched = await searchedFormats(origins, settings);
  const found = searched.found.map((candidate, position) => ({ ...candidate, position }));
  const choice = new DirectoryChoice(found);
  const unreadable = new Map<Candidate, SkippedReport>();
  const twins = new Map<Candidate, SkippedReport>();
  for (const candidate of byReadPreference(found)) {
    let report: CoverageReport;
    try {
      report = await parse(candidate, settings.workspace);
    } catch (error) {
      if (!(error instanceof ReportError)) throw error;
      const problem = error.message.startsWith(`${error.origin}: `)
        ? error.message.slice(error.origin.length + 2)
        : error.message;
      unreadable.set(candidate, {
        path: candidate.path,
        reason: `not readable as ${candidate.format}: ${problem.replace(/\.$/, '')}`,
      });
      continue;
    }
    const twin = choice.consider({ ...candidate, sources: report.files.map((file) => file.path) });
    if (twin) twins.set(candidate, twin);
    else await visit(report, candidate.position);
  }
  const inOrder = (skips: Map<Candidate, SkippedReport>) =>
    found.flatMap((candidate) => skips.get(candidate) ?? []);
  return {
    chosen: found.filter((candidate) => !unreadable.has(candidate) && !twins.has(candidate)),
    skipped: [...searched.skipped, ...inOrder(unreadable), ...inOrder(twins)],
  };
}

/** Summary notes for what the default search left out, so nobody wonders where a report went. */
export function skippedNotes(skipped: readonly SkippedReport[]): string[] {
  if (skipped.length === 0) return [];
  return [`Not read (${skipped.length}): ${describeSkipped(skipped)}.`];
}

async function explicitFormats(origins: string[], settings: ReadSettings): Promise<FoundReport[]> {
  const found: FoundReport[] = [];
  for (const origin of origins) {
    const format =
      settings.format === 'auto'
        ? await detectFormat(resolve(settings.workspace, origin), SNIFFERS)
        : settings.format;
    if (!format) {
      throw new ActionError(
        `Could not tell the coverage format of ${origin}: it looks like none of ${COVERAGE_FORMATS.join(', ')}.`,
        'Set format to the report format, e.g. format: lcov, or leave the file out of files.',
      );
    }
    found.push({ path: origin, format });
  }
  return found;
}

async function searchedFormats(
  origins: string[],
  settings: ReadSettings,
): Promise<{ found: FoundReport[]; skipped: SkippedReport[] }> {
  const found: FoundReport[] = [];
  const skipped: SkippedReport[] = [];
  for (const origin of origins) {
    const detected = await detectFormat(resolve(settings.workspace, origin), SNIFFERS);
    if (settings.format !== 'auto' && detected !== undefined && detected !== settings.format) {
      skipped.push({
        path: origin,
        reason: `its content is ${detected}, and format is ${settings.format}`,
      });
    } else if (settings.format !== 'auto') {
      // format is there for reports the sniffers miss, so what they cannot tell is taken at its word.
      found.push({ path: origin, format: settings.format });
    } else if (detected === undefined) {
      skipped.push({ path: origin, reason: 'not a coverage report we read' });
    } else {
      found.push({ path: origin, format: detected });
    }
  }
  return { found, skipped };
}

/** A matrix leg that failed to upload its report must not pass as a smaller, merged total. */
function checkExpected(
  expected: number | undefined,
  chosen: readonly FoundReport[],
  skipped: readonly SkippedReport[],
): void {
  if (expected === undefined || chosen.length >= expected) return;
  const notRead = skipped.length > 0 ? ` Not read: ${describeSkipped(skipped)}.` : '';
  throw new ActionError(
    `expected-reports is ${expected}, but ${chosen.length} of ${expected} coverage reports were found: ${listed(chosen.map(({ path }) => path))}.${notRead}`,
    'Check that every matrix leg wrote and uploaded its report under a distinct artifact and file name (download-artifact with merge-multiple: true overwrites files with the same name), and that files matches them all, e.g. files: coverage-*/lcov.info.',
  );
}

function describeSkipped(skipped: readonly SkippedReport[]): string {
  return listed(
    skipped.map(({ path, reason }) => `${path} (${reason})`),
    '; ',
  );
}

function listed(items: readonly string[], separator = ', '): string {
  const shown = items.slice(0, MAX_LISTED).join(separator);
  return items.length > MAX_LISTED
    ? `${shown}${separator}and ${items.length - MAX_LISTED} more`
    : shown;
}
