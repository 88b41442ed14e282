import { isAbsolute, relative, resolve } from 'node:path';
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
} from '../core/inputs.js';
import { readStepName } from '../core/step-name.js';
import { splitCommandLine } from '../core/command-line.js';
import type { Thresholds } from './gate.js';
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
  glob: string;
}

export const AUDIT_LEVELS = ['none', 'info', 'low', 'moderate', 'high', 'critical'] as const;
const DEFAULT_CHECK_TIMEOUT = '20m';
const CHECK_KEYS = [
  'name',
  'run',
  'shell',
  'format',
  'report',
  'timeout',
  'working-directory',
  'max-errors',
  'max-warnings',
  'max-test-failures',
  'fail-on-audit',
];
const CHECKS_EXAMPLE = [
  '- name: clippy',
  '  run: cargo clippy --all-targets --message-format=json -- -D warnings',
  '  format: clippy',
  '- name: tests',
  '  run: cargo nextest run --profile ci',
  '  format: junit',
  '  report: target/nextest/ci/junit.xml',
].join('\n');

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const checks = readChecks(workspace, env);
  const reports = readReports();
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
    },
    newOnly: readBoolean('new-only', false),
    baseRef: readString('base-ref'),
    baselinePath: readString('baseline'),
    comment: readBoolean('comment', false),
    pullRequest: readInteger('pull-request', { default: 0, min: 0 }),
    githubToken: readString('github-token'),
    workspace,
  };
}

function readChecks(workspace: string, env: NodeJS.ProcessEnv): CheckSpec[] {
  const items = readYaml<unknown[]>('checks', {
    example: CHECKS_EXAMPLE,
    default: [],
    check: (value) =>
      Array.isArray(value)
        ? undefined
        : 'must be a YAML list of checks (items starting with "- ").',
  }) as unknown[];
  const names = new Set<string>();
  return items.map((item, index) => {
    const check = readCheck(item, index, workspace, env);
    if (names.has(check.name)) {
      throw new InputError(
        'checks',
        `has two checks named '${check.name}'; names must be unique.`,
        CHECKS_EXAMPLE,
      );
    }
    names.add(check.name);
    return check;
  });
}

function readCheck(
  item: unknown,
  index: number,
  workspace: string,
  env: NodeJS.ProcessEnv,
): CheckSpec {
  const where = `item ${index + 1}`;
  const fail = (problem: string): never => {
    throw new InputError('checks', `${where}: ${problem}`, CHECKS_EXAMPLE);
  };
  if (typeof item !== 'object' || item === null || Array.isArray(item))
    fail('must be a mapping with name, run and format.');
  const fields = item as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !CHECK_KEYS.includes(key));
  if (unknown.length > 0)
    fail(`has unknown key(s) ${unknown.join(', ')}; known keys are ${CHECK_KEYS.join(', ')}.`);

  const text = (key: string, required = false): string | undefined => {
    const value = fields[key];
    if (value === undefined || value === null || value === '')
      return required ? fail(`needs '${key}'.`) : undefined;
    // `run: true` is YAML for a boolean, but the user meant the command: scalars are text here.
    if (!['string', 'number', 'boolean'].includes(typeof value))
      fail(`'${key}' must be text, got ${JSON.stringify(value)}.`);
    return String(value);
  };
  const count = (key: string): number | undefined => {
    const value = fields[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      fail(`'${key}' must be a whole number of 0 or more, got ${JSON.stringify(value)}.`);
    }
    return value as number;
  };

  const name = text('name', true) as string;
  const commandLine = text('run', true) as string;
  const format = (text('format') ?? 'exit-code') as ReportFormat;
  if (!FORMATS.includes(format)) fail(`format '${format}' is not one of ${FORMATS.join(', ')}.`);
  const shell = text('shell');
  if (shell !== undefined && shell !== 'bash')
    fail(`shell '${shell}' is not supported; the only shell is bash.`);

  let command: CheckCommand;
  if (shell === 'bash') {
    command = { kind: 'bash', script: commandLine };
  } else {
    const split = splitCommandLine(commandLine, env);
    if ('problem' in split) {
      return fail(
        `run '${commandLine}' ${split.problem}. Checks run without a shell; add 'shell: bash' to the item to run it through bash.`,
      );
    }
    command = { kind: 'exec', ...split };
  }

  const timeoutText = text('timeout') ?? DEFAULT_CHECK_TIMEOUT;
  const timeoutMs = parseDuration(timeoutText);
  if (timeoutMs === undefined || timeoutMs === 0)
    fail(`timeout '${timeoutText}' is not a duration such as 90s, 10m or 1h.`);

  const failOnAudit = text('fail-on-audit');
  if (failOnAudit !== undefined && !(AUDIT_LEVELS as readonly string[]).includes(failOnAudit)) {
    fail(`fail-on-audit '${failOnAudit}' is not one of ${AUDIT_LEVELS.join(', ')}.`);
  }
  const directory = text('working-directory') ?? '.';
  return {
    name,
    command,
    commandLine,
    format,
    report: text('report'),
    timeoutMs: timeoutMs as number,
    workingDirectory: resolveInside(workspace, directory, fail),
    thresholds: {
      maxErrors: count('max-errors'),
      maxWarnings: count('max-warnings'),
      maxTestFailures: count('max-test-failures'),
      failOnAudit: failOnAudit as AuditSeverity | 'none' | undefined,
    },
  };
}

/** `reports` lines are `<format>: <path or glob>`, e.g. `junit: target/nextest/**\/junit.xml`. */
function readReports(): ReportSpec[] {
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
    if (!FORMATS.includes(format) || format === 'exit-code') {
      const readable = FORMATS.filter((candidate) => candidate !== 'exit-code');
      throw new InputError(
        'reports',
        `has unknown format '${format}'; use one of ${readable.join(', ')}.`,
        example,
      );
    }
    return { name: `${format}: ${glob}`, format, glob };
  });
}

function resolveInside(
  workspace: string,
  directory: string,
  fail: (problem: string) => never,
): string {
  const resolved = resolve(workspace, directory);
  const fromWorkspace = relative(workspace, resolved);
  if (fromWorkspace.startsWith('..') || isAbsolute(fromWorkspace)) {
    fail(`working-directory '${directory}' is outside the workspace.`);
  }
  return resolved;
}

/** Logged once so a reader of the log sees how the inputs were understood. */
export function describeSettings(settings: Settings): void {
  core.info(
    `quality-gate: ${settings.checks.length} check(s) to run, ${settings.reports.length} report(s) to read` +
      (settings.newOnly ? `, counting only findings on changed lines` : ''),
  );
}
