/**
 * The `baseline` input: the `result` JSON of an earlier run, read back so the gate can fail when a
 * count grew. Only what the ratchet compares is validated and kept.
 */
import { readFile, stat } from 'node:fs/promises';
import { ActionError, describeThrown } from '../core/errors.js';
import type { RatchetedCount } from './gate.js';
import { RESULT_SCHEMA } from './result.js';
import { groupDigits } from '../core/numbers.js';

export type BaselineCounts = Record<RatchetedCount, number>;

export interface Baseline {
  /** Where it was read from, for messages. */
  origin: string;
  /** Per check name. */
  checks: ReadonlyMap<string, BaselineCounts>;
  /** The commit the baseline run checked, when it recorded one. */
  commit?: string;
}

/** A result is a few KiB per check; anything this big is some other file. */
export const MAX_BASELINE_BYTES = 4 * 1024 * 1024;

const COUNT_FIELDS: readonly RatchetedCount[] = [
  'errors',
  'warnings',
  'testFailures',
  'vulnerabilities',
];

const WHERE_IT_COMES_FROM =
  'The baseline is the `result` output of an earlier quality-gate run saved to a file, e.g. on ' +
  'main: `run: printf "%s" "$RESULT" > quality-gate-baseline.json` with ' +
  '`env: { RESULT: ${{ steps.gate.outputs.result }} }`, kept with actions/cache or ' +
  'actions/upload-artifact and restored before this step; then `baseline: quality-gate-baseline.json`.';

function baselineError(origin: string, problem: string): ActionError {
  return new ActionError(`Input 'baseline' (${origin}) ${problem}`, WHERE_IT_COMES_FROM);
}

/** Reads and validates the baseline file, refusing anything larger than MAX_BASELINE_BYTES. */
export async function readBaseline(path: string): Promise<Baseline> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw baselineError(path, 'is not a file.');
    size = info.size;
  } catch (thrown) {
    if (thrown instanceof ActionError) throw thrown;
    const code = (thrown as NodeJS.ErrnoException).code;
    throw baselineError(
      path,
      code === 'ENOENT' ? 'does not exist.' : `cannot be read: ${describeThrown(thrown)}`,
    );
  }
  if (size > MAX_BASELINE_BYTES) throw tooLarge(path, size);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (thrown) {
    throw baselineError(path, `cannot be read: ${describeThrown(thrown)}`);
  }
  return parseBaseline(text, path);
}

/** Validates the shape of a saved `result` and keeps each check's ratcheted counts. */
export function parseBaseline(text: string, origin: string): Baseline {
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_BASELINE_BYTES) throw tooLarge(origin, size);
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (!trimmed) throw baselineError(origin, 'is empty.');

  let value: unknown;
  try {
    value = JSON.parse(trimmed);
    // Saved through toJSON() the object arrives as a JSON string holding the JSON.
    if (typeof value === 'string') value = JSON.parse(value);
  } catch (thrown) {
    throw baselineError(origin, `is not JSON: ${describeThrown(thrown)}`);
  }
  if (!isRecord(value)) {
    throw baselineError(origin, 'is not a Slipway quality-gate result: it is not a JSON object.');
  }
  checkSchema(origin, value.schema);
  if (!Array.isArray(value.checks)) {
    throw baselineError(origin, 'is missing its "checks" list, so there is nothing to compare.');
  }

  const checks = new Map<string, BaselineCounts>();
  value.checks.forEach((item: unknown, index: number) => {
    const where = `checks[${index}]`;
    if (!isRecord(item) || typeof item.name !== 'string' || !item.name) {
      throw baselineError(origin, `has an entry without a name at ${where}.`);
    }
    const label = `${where} ("${item.name}")`;
    if (checks.has(item.name)) {
      throw baselineError(origin, `names check "${item.name}" twice (again at ${where}).`);
    }
    if (!isRecord(item.counts)) throw baselineError(origin, `is missing counts at ${label}.`);
    const counts = item.counts;
    const missing = COUNT_FIELDS.filter((field) => !isCount(counts[field]));
    if (missing.length > 0) {
      throw baselineError(
        origin,
        `is missing counts at ${label}: ${missing.map((field) => `counts.${field}`).join(', ')} ` +
          'must be whole numbers of 0 or more.',
      );
    }
    checks.set(item.name, {
      errors: counts.errors as number,
      warnings: counts.warnings as number,
      testFailures: counts.testFailures as number,
      vulnerabilities: counts.vulnerabilities as number,
    });
  });

  const baseline: Baseline = { origin, checks };
  const run = isRecord(value.run) ? value.run : undefined;
  if (typeof run?.commit === 'string') baseline.commit = run.commit;
  return baseline;
}

function checkSchema(origin: string, schema: unknown): void {
  if (schema === RESULT_SCHEMA) return;
  const family = typeof schema === 'string' ? schema.split('/')[0] : undefined;
  if (family === 'slipway.quality-gate') {
    throw baselineError(
      origin,
      `has schema "${String(schema)}", which this version of the action cannot read ` +
        `(it reads "${RESULT_SCHEMA}").`,
    );
  }
  if (typeof family === 'string' && family.startsWith('slipway.')) {
    throw baselineError(
      origin,
      `is the result of another Slipway action ("${String(schema)}"), not of quality-gate.`,
    );
  }
  throw baselineError(
    origin,
    `is not a Slipway quality-gate result: it has no "schema": "${RESULT_SCHEMA}" field.`,
  );
}

function tooLarge(origin: string, size: number): ActionError {
  return baselineError(
    origin,
    `is ${groupDigits(size)} bytes, more than the ` +
      `${MAX_BASELINE_BYTES / 1024 / 1024} MiB a quality-gate result can plausibly be, so it was not read.`,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
