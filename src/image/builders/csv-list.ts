import * as core from '@actions/core';
import { parse } from 'csv-parse/sync';
import { InputError } from '../../core/errors.js';

/**
 * List inputs read the way docker/build-push-action reads them: the whole input is CSV, one
 * record per line, so a double-quoted field may hold commas, `""` for a quote, and even line
 * breaks (a multi-line secret is written `"KEY=line1\nline2"`). Lines starting with `#` are
 * comments, as in the other list inputs of this action.
 */

export interface CsvListOptions {
  /**
   * `split`: every comma separates items (`platforms: linux/amd64,linux/arm64`). `keep`: a line is
   * one item and its commas stay (`cache-to: type=gha,mode=max`); build-push-action's ignoreComma.
   */
  commas: 'split' | 'keep';
  /** false: `"` is an ordinary character (build-push-action reads `outputs` so). */
  quotes?: boolean;
  /** false: items keep their surrounding whitespace (secret values are byte-exact). */
  trim?: boolean;
  /** A value that would work, for the error. */
  example: string;
}

export function readCsvList(name: string, options: CsvListOptions): string[] {
  return parseCsvList(
    name,
    core.getInput(name, { trimWhitespace: options.trim !== false }),
    options,
  );
}

export function parseCsvList(name: string, text: string, options: CsvListOptions): string[] {
  if (text.trim() === '') return [];
  let records: string[][];
  try {
    records = parse(text, {
      columns: false,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
      comment: '#',
      comment_no_infix: true,
      quote: options.quotes === false ? false : '"',
    }) as string[][];
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(
      name,
      `is not a valid list (${reason}). Quote a whole item to put commas, quotes ("") or line breaks in it.`,
      options.example,
    );
  }
  const items: string[] = [];
  for (const record of records) {
    if (options.commas === 'keep') items.push(record.join(','));
    // A single field is split even when it was quoted, as build-push-action does.
    else if (record.length === 1) items.push(...record[0].split(','));
    else items.push(...record);
  }
  return items
    .map((item) => (options.trim === false ? item : item.trim()))
    .filter((item) => item.trim() !== '');
}

/**
 * `key=value` items split at the first `=`; a missing key (or value, unless `emptyValues`) or a
 * repeated key is an error naming the input rather than an item silently dropped. With `secret`,
 * the error never shows a value.
 */
export function csvPairs(
  name: string,
  items: readonly string[],
  options: { example: string; what: string; emptyValues?: boolean; secret?: boolean },
): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const item of items) {
    const equals = item.indexOf('=');
    const key = equals === -1 ? '' : item.slice(0, equals).trim();
    const value = equals === -1 ? '' : item.slice(equals + 1);
    const missingValue = value.trim() === '' && !options.emptyValues;
    if (key === '' || missingValue) {
      const shown =
        key !== ''
          ? `'${key}=' with an empty value`
          : options.secret
            ? 'an item without a key= (not shown: it may be a secret)'
            : `'${shorten(item)}', without a key=`;
      throw new InputError(
        name,
        `has ${shown}; each item must be ${options.what}.`,
        options.example,
      );
    }
    if (pairs.has(key))
      throw new InputError(name, `sets '${key}' more than once.`, options.example);
    pairs.set(key, value);
  }
  return pairs;
}

function shorten(item: string): string {
  const firstLine = item.trim().split('\n')[0];
  return firstLine.length > 60 ? `${firstLine.slice(0, 60)}…` : firstLine;
}
