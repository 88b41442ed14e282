import { ReportError } from './source.js';
import { MAX_TEXT_REPORT_BYTES, type ReportSource } from './source.js';

/** A parsed JSON object whose fields have not been checked yet. */
export type JsonObject = Record<string, unknown>;

/** Reads a whole JSON report; an empty or malformed document is a ReportError naming the format. */
export async function readJsonReport(source: ReportSource, format: string): Promise<unknown> {
  const text = await source.readText(MAX_TEXT_REPORT_BYTES);
  if (text.trim() === '') {
    throw new ReportError(source.origin, `is empty, expected ${format} JSON output.`);
  }
  try {
    return JSON.parse(stripByteOrderMark(text)) as unknown;
  } catch (error) {
    throw new ReportError(
      source.origin,
      `is not valid JSON (${(error as Error).message}), expected ${format} JSON output.`,
    );
  }
}

export function stripByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function objectOrUndefined(value: unknown): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}

export function arrayOrEmpty(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Positive whole numbers only: line and column numbers are 1-based, anything else is noise. */
export function positiveIntegerOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** The JSON types a report's field can be required to have. */
export type JsonType = 'object' | 'array' | 'string' | 'number' | 'boolean';

/**
 * Why a field a parser reads has the wrong JSON type, in words that say where, e.g.
 * `results[0].messages must be an array`; undefined when the field is absent (undefined or
 * null, which tools write for "none") or of that type.
 * Parsers turn the problem into their own report error, so every format refuses a malformed
 * shape the same way instead of skipping the field.
 */
export function shapeProblem(value: unknown, type: JsonType, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const ok =
    type === 'object'
      ? isObject(value)
      : type === 'array'
        ? Array.isArray(value)
        : typeof value === type;
  return ok
    ? undefined
    : `${where} must be ${type === 'array' || type === 'object' ? 'an' : 'a'} ${type}`;
}
