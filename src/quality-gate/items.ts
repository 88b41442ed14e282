/**
 * The keys `checks` and `reports` entries share (name, format, report, working-directory and the
 * thresholds), read the same way for both so one mistake gets one message wherever it is made.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import type { Thresholds } from './gate.js';
import { FORMATS, type AuditSeverity, type ReportFormat } from './model.js';

export const AUDIT_LEVELS = ['none', 'info', 'low', 'moderate', 'high', 'critical'] as const;

/** Per-entry overrides of the global thresholds. */
export const THRESHOLD_KEYS = [
  'max-errors',
  'max-warnings',
  'max-test-failures',
  'fail-on-audit',
  'fail-on-empty',
];

/** One item of a YAML list input, with the input's name and the item's number for messages. */
export class ItemReader {
  private readonly fields: Record<string, unknown>;

  constructor(
    private readonly input: 'checks' | 'reports',
    private readonly index: number,
    item: unknown,
    private readonly example: string,
    knownKeys: readonly string[],
  ) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      this.fail(`must be a mapping with ${knownKeys.slice(0, 3).join(', ')}.`);
    }
    this.fields = item as Record<string, unknown>;
    const unknown = Object.keys(this.fields).filter((key) => !knownKeys.includes(key));
    if (unknown.length > 0) {
      this.fail(
        `has unknown key(s) ${unknown.join(', ')}; known keys are ${knownKeys.join(', ')}.`,
      );
    }
  }

  fail(problem: string): never {
    throw new InputError(this.input, `item ${this.index + 1}: ${problem}`, this.example);
  }

  text(key: string, required = false): string | undefined {
    const value = this.fields[key];
    if (value === undefined || value === null || value === '') {
      return required ? this.fail(`needs '${key}'.`) : undefined;
    }
    // `run: true` is YAML for a boolean, but the user meant the command: scalars are text here.
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      this.fail(`'${key}' must be text, got ${JSON.stringify(value)}.`);
    }
    return String(value);
  }

  format(fallback?: ReportFormat): ReportFormat {
    const format = (this.text('format', fallback === undefined) ?? fallback) as ReportFormat;
    if (!FORMATS.includes(format)) {
      this.fail(`format '${format}' is not one of ${FORMATS.join(', ')}.`);
    }
    return format;
  }

  /** The entry's directory, absolute; it must stay inside the workspace. */
  directory(workspace: string): string | undefined {
    const directory = this.text('working-directory');
    if (directory === undefined) return undefined;
    const resolved = resolve(workspace, directory);
    const fromWorkspace = relative(workspace, resolved);
    if (fromWorkspace.startsWith('..') || isAbsolute(fromWorkspace)) {
      this.fail(`working-directory '${directory}' is outside the workspace.`);
    }
    return resolved;
  }

  thresholds(): Thresholds {
    const failOnAudit = this.text('fail-on-audit');
    if (failOnAudit !== undefined && !(AUDIT_LEVELS as readonly string[]).includes(failOnAudit)) {
      this.fail(`fail-on-audit '${failOnAudit}' is not one of ${AUDIT_LEVELS.join(', ')}.`);
    }
    return {
      maxErrors: this.count('max-errors'),
      maxWarnings: this.count('max-warnings'),
      maxTestFailures: this.count('max-test-failures'),
      failOnAudit: failOnAudit as AuditSeverity | 'none' | undefined,
      failOnEmpty: this.flag('fail-on-empty'),
    };
  }

  private count(key: string): number | undefined {
    const given = this.fields[key];
    if (given === undefined || given === null) return undefined;
    // '3' is what a user who quotes every YAML value writes; it means 3.
    const value = typeof given === 'string' && /^\s*\d+\s*$/.test(given) ? Number(given) : given;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      this.fail(`'${key}' must be a whole number of 0 or more, got ${JSON.stringify(given)}.`);
    }
    return value;
  }

  private flag(key: string): boolean | undefined {
    const value = this.fields[key];
    if (value === undefined || value === null) return undefined;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    return this.fail(`'${key}' must be true or false, got ${JSON.stringify(value)}.`);
  }
}

/**
 * Names must be unique across checks and reports: they key the summary rows and the baseline.
 * Returns the names taken so far, for the next input.
 */
export function requireUniqueNames(
  items: ReadonlyArray<{ name: string }>,
  input: 'checks' | 'reports',
  example: string,
  taken: Set<string> = new Set(),
): Set<string> {
  for (const item of items) {
    if (taken.has(item.name)) {
      throw new InputError(
        input,
        `has two entries named '${item.name}'; names must be unique across checks and reports.`,
        example,
      );
    }
    taken.add(item.name);
  }
  return taken;
}
