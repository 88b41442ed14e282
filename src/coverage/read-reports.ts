import { relative, resolve } from 'node:path';
import * as core from '@actions/core';
import { ActionError } from '../core/errors.js';
import { escapeUntrusted } from '../core/log.js';
import { ReportError, fileSource } from '../core/reports/source.js';
import {
  detectFormat,
  distinctPerDirectory,
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

const MAX_LISTED = 10;

/**
 * Finds and reads the coverage reports. Explicit `files` are all read, and one that is not a
 * report we know, or cannot be read, is an error. The default search is a guess, so it reads what
 * it can: files it cannot recognise or parse are skipped, and in each directory a report holding
 * the same files as a more faithful format's report there is skipped.
 */
export async function readReports(settings: ReadSettings): Promise<ReadReports> {
  const { workspace } = settings;
  const paths = await findReportFiles(settings.files, workspace);
  const origins = paths.map((path) => relative(workspace, path) || path);
  const { chosen, skipped } =
    settings.files.length > 0
      ? { chosen: await readExplicit(origins, settings), skipped: [] }
      : await readSearched(origins, settings);
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
    reports: chosen.map(({ report }) => report),
    files: chosen.map(({ path }) => resolve(workspace, path)),
    skipped,
  };
}

interface ReadReport extends FoundReport {
  report: CoverageReport;
  sources: string[];
}

async function parse(found: FoundReport, workspace: string): Promise<ReadReport> {
  const source = fileSource(resolve(workspace, found.path));
  const report = await parseCoverage(found.format, source, { workspace, origin: found.path });
  return { ...found, report, sources: report.files.map((file) => file.path) };
}

async function readExplicit(origins: string[], settings: ReadSettings): Promise<ReadReport[]> {
  const read: ReadReport[] = [];
  for (const found of await explicitFormats(origins, settings)) {
    try {
      read.push(await parse(found, settings.workspace));
    } catch (error) {
      if (error instanceof ReportError) {
        throw new ActionError(
          `Could not read the ${found.format} report ${error.message}`,
          'Check that the test step finished writing it.',
        );
      }
      throw error;
    }
  }
  return read;
}

/** Reads every file the search found that it can; what it cannot read is skipped with the reason. */
async function readSearched(
  origins: string[],
  settings: ReadSettings,
): Promise<{ chosen: ReadReport[]; skipped: SkippedReport[] }> {
  const { found, skipped } = await searchedFormats(origins, settings);
  const read: ReadReport[] = [];
  for (const candidate of found) {
    try {
      read.push(await parse(candidate, settings.workspace));
    } catch (error) {
      if (!(error instanceof ReportError)) throw error;
      const problem = error.message.startsWith(`${error.origin}: `)
        ? error.message.slice(error.origin.length + 2)
        : error.message;
      skipped.push({
        path: candidate.path,
        reason: `not readable as ${candidate.format}: ${problem.replace(/\.$/, '')}`,
      });
    }
  }
  const distinct = distinctPerDirectory(read);
  return { chosen: distinct.chosen, skipped: [...skipped, ...distinct.skipped] };
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
