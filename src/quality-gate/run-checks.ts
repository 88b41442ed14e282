import { stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import * as core from '@actions/core';
import { ActionError, describeThrown } from '../core/errors.js';
import { ExecError, execute, type ExecResult } from '../core/exec.js';
import { findFiles } from '../core/globs.js';
import { withUntrustedOutput } from '../core/log.js';
import type { CheckRun } from './gate.js';
import type { CheckSpec, ReportSpec } from './inputs.js';
import { mergeReports } from './merge.js';
import { ReportError, TEST_FORMATS, type ParsedReport, type ReportFormat } from './model.js';
import { parseReport } from './parsers/index.js';
import { locateFailingTests } from './test-locations.js';
import { fileSource, MAX_TEXT_REPORT_BYTES, textSource } from '../core/reports/source.js';

const EMPTY: ParsedReport = { findings: [] };
const NO_TESTS: ParsedReport = {
  findings: [],
  tests: {
    totals: { total: 0, passed: 0, failed: 0, skipped: 0, flaky: 0 },
    notable: [],
    slowest: [],
  },
};

/** A glob that matched nothing: a failure, unless a test check may be empty (fail-on-empty: false). */
class NoReportError extends ActionError {}

/**
 * With fail-on-empty: false a test check whose report is missing passes with a note, as
 * dorny/test-reporter's fail-on-empty: false does; other checks still fail.
 */
function missingReportAllowed(
  error: unknown,
  format: ReportFormat,
  failOnEmpty: boolean,
): string | undefined {
  if (!(error instanceof NoReportError) || failOnEmpty || !TEST_FORMATS.has(format))
    return undefined;
  return `${error.message} Passed anyway: fail-on-empty is false.`;
}

/** Runs one check's command and reads its report. Never throws: problems fail the check instead. */
export async function runCheck(
  spec: CheckSpec,
  workspace: string,
  failOnEmpty: boolean,
): Promise<CheckRun> {
  const started = Date.now();
  const base = {
    name: spec.name,
    format: spec.format,
    origin: 'run' as const,
    thresholds: spec.thresholds,
  };
  core.startGroup(`Check ${spec.name}: ${spec.commandLine}`);
  try {
    let result: ExecResult;
    try {
      result = await runQuietly(spec);
    } catch (error) {
      const problem =
        error instanceof ExecError && error.result.timedOut
          ? `timed out after ${Math.round(spec.timeoutMs / 1000)}s and was stopped`
          : describeThrown(error);
      return { ...base, report: EMPTY, durationMs: Date.now() - started, problem };
    }
    const exitCode = result.exitCode ?? -1;
    const durationMs = Date.now() - started;
    try {
      // Report files are placed one by one as they are read; stdout here.
      const report = spec.report
        ? await readReportFiles(spec.format, spec.report, spec.workingDirectory, workspace)
        : await locateFailingTests(await readStdout(spec, result, workspace), {
            workspace,
            directory: spec.workingDirectory,
          });
      return { ...base, report, exitCode, durationMs };
    } catch (error) {
      const note = missingReportAllowed(
        error,
        spec.format,
        spec.thresholds.failOnEmpty ?? failOnEmpty,
      );
      if (note !== undefined) return { ...base, report: NO_TESTS, exitCode, durationMs, note };
      const problem =
        error instanceof ReportError || error instanceof ActionError
          ? error.message
          : describeThrown(error);
      return {
        ...base,
        report: EMPTY,
        exitCode,
        durationMs,
        problem: `${problem} (the command exited with code ${exitCode})`,
      };
    }
  } finally {
    core.endGroup();
  }
}

/** Reads reports an earlier step produced. Never throws: problems fail the entry instead. */
export async function readReport(
  spec: ReportSpec,
  workspace: string,
  failOnEmpty: boolean,
): Promise<CheckRun> {
  const base = {
    name: spec.name,
    format: spec.format,
    origin: 'report' as const,
    thresholds: spec.thresholds,
  };
  try {
    const directory = spec.directory ?? workspace;
    const besideReport = spec.directory === undefined;
    const report = await readReportFiles(
      spec.format,
      spec.glob,
      directory,
      workspace,
      besideReport,
    );
    return { ...base, report };
  } catch (error) {
    const note = missingReportAllowed(
      error,
      spec.format,
      spec.thresholds.failOnEmpty ?? failOnEmpty,
    );
    if (note !== undefined) return { ...base, report: NO_TESTS, note };
    return { ...base, report: EMPTY, problem: describeThrown(error) };
  }
}

/**
 * Tool output is untrusted: a line such as `::add-mask::` or `::error::` in a test's output would
 * otherwise be obeyed by the runner, so it is printed inside one stop-commands block.
 */
async function runQuietly(spec: CheckSpec): Promise<ExecResult> {
  const stdoutIsReport = spec.report === undefined && spec.format !== 'exit-code';
  return withUntrustedOutput((print) => {
    const [program, args] =
      spec.command.kind === 'bash'
        ? ['bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', spec.command.script]]
        : [spec.command.program, spec.command.args];
    return execute(program, args, {
      cwd: spec.workingDirectory,
      timeoutMs: spec.timeoutMs,
      okExitCodes: 'any',
      maxOutputBytes: MAX_TEXT_REPORT_BYTES,
      onStdout: stdoutIsReport ? undefined : print,
      onStderr: print,
    });
  });
}

async function readStdout(
  spec: CheckSpec,
  result: ExecResult,
  workspace: string,
): Promise<ParsedReport> {
  const origin = `stdout of ${spec.name}`;
  if (result.stdoutTruncated) {
    throw new ReportError(
      origin,
      `was larger than ${MAX_TEXT_REPORT_BYTES / 1024 / 1024} MiB; write the report to a file and set 'report'.`,
    );
  }
  // A test runner that found nothing to run may print nothing: no tests, not a malformed report
  // (fail-on-empty decides; a non-zero exit with it still fails the check).
  if (TEST_FORMATS.has(spec.format) && result.stdout.trim() === '') return NO_TESTS;
  return parseReport(spec.format, textSource(result.stdout, origin), {
    workspace,
    origin,
    directory: spec.workingDirectory,
  });
}

async function readReportFiles(
  format: ReportFormat,
  pattern: string,
  directory: string,
  workspace: string,
  besideReport = false,
): Promise<ParsedReport> {
  const files = await findFiles(pattern, { cwd: directory });
  if (files.length === 0) {
    throw new NoReportError(`report '${pattern}' matched no files in ${join(directory)}.`);
  }
  const reports: ParsedReport[] = [];
  for (const file of files.sort()) {
    // A test runner that found nothing to run may leave an empty file: no tests, not malformed.
    if (TEST_FORMATS.has(format) && (await stat(file)).size === 0) {
      reports.push(NO_TESTS);
      continue;
    }
    // Each file on its own: without a directory, relative paths in it (and in its failure
    // text) are looked for beside it first.
    const reportFile = besideReport ? file : undefined;
    const report = await parseReport(format, fileSource(file), {
      workspace,
      origin: relative(workspace, file),
      directory,
      reportFile,
    });
    reports.push(
      await locateFailingTests(
        report,
        reportFile ? { workspace, reportFile } : { workspace, directory },
      ),
    );
  }
  return mergeReports(reports);
}
