import { posix } from 'node:path';
import * as core from '@actions/core';
import { parseDuration } from '../core/duration.js';
import { InputError } from '../core/errors.js';
import {
  readBoolean,
  readEnum,
  readInteger,
  readList,
  readString,
  readYaml,
  readSecret,
} from '../core/inputs.js';
import { readStepName } from '../core/step-name.js';
import { splitCommandLine } from '../core/command-line.js';
import type { Thresholds } from './gate.js';
import { AUDIT_LEVELS, ItemReader, requireUniqueNames, THRESHOLD_KEYS } from './items.js';
import { FORMATS, type AuditSeverity, type ReportFormat } from './model.js';

/** Everything the action was asked to do, read and validated once. */
export interface Settings {
  /** Tells matrix legs and repeated steps apart: it keys the comment, the check run and the summary. */
  name?: string;
  checks: CheckSpec[];
  reports: ReportSpec[];
  thresholds: Thresholds;
  newOnly: boolean;
  baseRef?: string;
  baselinePath?: string;
  comment: boolean;
  /** Upload the findings to GitHub code scanning (needs security-events: write). */
  uploadSarif: boolean;
  /** The pull request to report on when the event has none (workflow_run); 0 for the event's own. */
  pullRequest: number;
  githubToken?: string;
  workspace: string;
}

export type CheckCommand =
  { kind: 'exec'; program: string; args: string[] } | { kind: 'bash'; script: string };

export interface CheckSpec {
  name: string;
  command: CheckCommand;
  commandLine: string;
  format: ReportFormat;
  /** Path or glob, relative to the working directory; stdout is the report when absent. */
  report?: string;
  timeoutMs: number;
  /** Absolute. */
  workingDirectory: string;
  thresholds: Thresholds;
}

export interface ReportSpec {
  name: string;
  format: ReportFormat;
  /** Relative to `directory`, else to the workspace. */
  glob: string;
  /**
   * Absolute; where the tool ran, so relative paths in the report start there. Absent: they are
   * looked for beside the report first, then at the workspace root (report-paths.ts).
   */
  directory?: string;
  thresholds: Thresholds;
}

const READABLE_FORMATS = FORMATS.filter((format) => format !== 'exit-code');
const DEFAULT_CHECK_TIMEOUT = '20m';
const CHECK_KEYS = [
  'name',
  'run',
  'shell',
  'format',
  'report',
  'timeout',
  'working-directory',
  ...THRESHOLD_KEYS,
];
const REPORT_KEYS = ['name', 'format', 'report', 'working-directory', ...THRESHOLD_KEYS];
const CHECKS_EXAMPLE = [
  '- name: clippy',
  '  run: cargo clippy --all-targets --message-format=json -- -D warnings',
  '  format: clippy',
  '- name: tests',
  '  run: cargo nextest run --profile ci',
  '  format: junit',
  '  report: target/nextest/ci/junit.xml',
].join('\n');
const REPORTS_EXAMPLE = [
  '- name: python tests',
  '  format: junit',
  '  report: junit.xml',
  '  working-directory: py',
].join('\n');

export async function readSettings(env: NodeJS.ProcessEnv = process.env): Promise<Settings> {
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const checks = await readChecks(workspace, env);
  const reports = await readReports(workspace);
  requireUniqueNames(
    reports,
    'reports',
    REPORTS_EXAMPLE,
    requireUniqueNames(checks, 'checks', CHECKS_EXAMPLE),
  );
  if (checks.length === 0 && reports.length === 0) {
    throw new InputError(
      'checks',
      'and reports are both empty, so there is nothing to gate on.',
      CHECKS_EXAMPLE,
    );
  }
  const maxWarnings = readString('max-warnings');
  return {
    name: readStepName('linux'),
    checks,
    reports,
    thresholds: {
      maxErrors: readInteger('max-errors', { default: 0, min: 0 }),
      maxWarnings:
        maxWarnings === undefined ? undefined : readInteger('max-warnings', { default: 0, min: 0 }),
      maxTestFailures: readInteger('max-test-failures', { default: 0, min: 0 }),
      failOnAudit: readEnum('fail-on-audit', AUDIT_LEVELS, 'high') as AuditSeverity | 'none',
      failOnEmpty: readBoolean('fail-on-empty', true),
    },
    newOnly: readBoolean('new-only', false),
    baseRef: readString('base-ref'),
    baselinePath: readString('baseline'),
    comment: readBoolean('comment', false),
    uploadSarif: readBoolean('upload-sarif', false),
    pullRequest: readInteger('pull-request', { default: 0, min: 0 }),
    githubToken: readSecret('github-token'),
    workspace,
  };
}

async function readChecks(workspace: string, env: NodeJS.ProcessEnv): Promise<CheckSpec[]> {
  const items = (await readYaml<unknown[]>('checks', {
    example: CHECKS_EXAMPLE,
    default: [],
    check: (value) =>
      Array.isArray(value)
        ? undefined
        : 'must be a YAML list of checks (items starting with "- ").',
  })) as unknown[];
  return items.map((item, index) => readCheck(item, index, workspace, env));
}

function readCheck(
  item: unknown,
  index: number,
  workspace: string,
  env: NodeJS.ProcessEnv,
): CheckSpec {
  const reader = new ItemReader('checks', index, item, CHECKS_EXAMPLE, CHECK_KEYS);
  const name = reader.text('name', true) as string;
  const commandLine = reader.text('run', true) as string;
  const format = reader.format('exit-code');
  const shell = reader.text('shell');
  if (shell !== undefined && shell !== 'bash')
    reader.fail(`shell '${shell}' is not supported; the only shell is bash.`);

  let command: CheckCommand;
  if (shell === 'bash') {
    command = { kind: 'bash', script: commandLine };
  } else {
    const split = splitCommandLine(commandLine, env);
    if ('problem' in split) {
      return reader.fail(
        `run '${commandLine}' ${split.problem}. Checks run without a shell; add 'shell: bash' to the item to run it through bash.`,
      );
    }
    command = { kind: 'exec', ...split };
  }

  const timeoutText = reader.text('timeout') ?? DEFAULT_CHECK_TIMEOUT;
  const timeoutMs = parseDuration(timeoutText);
  if (timeoutMs === undefined || timeoutMs === 0)
    reader.fail(`timeout '${timeoutText}' is not a duration such as 90s, 10m or 1h.`);

  return {
    name,
    command,
    commandLine,
    format,
    report: reader.text('report'),
    timeoutMs: timeoutMs as number,
    workingDirectory: reader.directory(workspace) ?? workspace,
    thresholds: reader.thresholds(),
  };
}

/**
 * `reports` is either a YAML list of entries with their own keys, or one `<format>: <path or glob>`
 * per line (the short form), e.g. `junit: target/nextest/**\/junit.xml`.
 */
async function readReports(workspace: string): Promise<ReportSpec[]> {
  const lines = core
    .getInput('reports')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  const listItems = lines.filter((line) => /^\s*-(\s|$)/.test(line));
  if (listItems.length > 0) {
    // Entries are list items and their indented keys; a line form line among them is a mix-up.
    const stray = lines.find((line) => !/^\s*-(\s|$)/.test(line) && !/^\s/.test(line));
    if (stray !== undefined) {
      throw new InputError(
        'reports',
        `mixes the two forms: '${stray.trim()}' is a '<format>: <path>' line among list entries; write every report as an entry.`,
        REPORTS_EXAMPLE,
      );
    }
    const items = (await readYaml<unknown[]>('reports', {
      example: REPORTS_EXAMPLE,
      check: (value) =>
        Array.isArray(value)
          ? undefined
          : 'must be a YAML list of entries, or one <format>: <path or glob> per line.',
    })) as unknown[];
    return items.map((item, index) => readReportEntry(item, index, workspace));
  }
  const example = 'junit: target/nextest/ci/junit.xml';
  return readList('reports', { commas: false }).map((line) => {
    const separator = line.indexOf(':');
    const format = line.slice(0, Math.max(separator, 0)).trim() as ReportFormat;
    const glob = line.slice(separator + 1).trim();
    if (separator <= 0 || glob === '') {
      throw new InputError(
        'reports',
        `has '${line}', which is not '<format>: <path or glob>'.`,
        example,
      );
    }
    if (REPORT_KEYS.includes(format)) {
      throw new InputError(
        'reports',
        `has '${line}', which looks like a key of an entry; write entries as a YAML list, each starting with '- '.`,
        REPORTS_EXAMPLE,
      );
    }
    if (!FORMATS.includes(format) || format === 'exit-code') {
      throw new InputError(
        'reports',
        `has unknown format '${format}'; use one of ${READABLE_FORMATS.join(', ')}.`,
        example,
      );
    }
    return { name: `${format}: ${glob}`, format, glob, thresholds: {} };
  });
}

function readReportEntry(item: unknown, index: number, workspace: string): ReportSpec {
  const reader = new ItemReader('reports', index, item, REPORTS_EXAMPLE, REPORT_KEYS);
  const format = reader.format();
  if (format === 'exit-code') {
    reader.fail(
      `format 'exit-code' needs a command; use one of ${READABLE_FORMATS.join(', ')}, or move it to checks.`,
    );
  }
  const glob = reader.text('report', true) as string;
  const directory = reader.text('working-directory');
  // Two entries may read the same file name in different folders; their default names differ.
  const where = directory === undefined ? glob : posix.join(directory, glob);
  return {
    name: reader.text('name') ?? `${format}: ${where}`,
    format,
    glob,
    directory: reader.directory(workspace),
    thresholds: reader.thresholds(),
  };
}

/** Logged once so a reader of the log sees how the inputs were understood. */
export function describeSettings(settings: Settings): void {
  core.info(
    `quality-gate: ${settings.checks.length} check(s) to run, ${settings.reports.length} report(s) to read` +
      (settings.newOnly ? `, counting only findings on changed lines` : ''),
  );
}
