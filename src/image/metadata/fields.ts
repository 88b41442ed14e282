import { MetadataError } from './errors.js';

/** One `key=value` field of a line; `key` is lower-cased, and absent when the field had no '='. */
export interface Field {
  key?: string;
  value: string;
}

/**
 * Reads one line the way metadata-action does: a CSV record whose fields are `key=value`. A field
 * may be double-quoted to hold commas (`"pattern=\d{1,3}"`), with `""` for a quote inside.
 * Empty fields (a trailing comma) are ignored.
 */
export function parseFields(line: string, input: string, example: string): Field[] {
  return splitCsvRecord(line, input, example)
    .map((raw) => splitField(raw))
    .filter((field) => field.key !== undefined || field.value !== '');
}

function splitField(raw: string): Field {
  const equals = raw.indexOf('=');
  if (equals < 0) return { value: raw.trim() };
  return { key: raw.slice(0, equals).trim().toLowerCase(), value: raw.slice(equals + 1).trim() };
}

function splitCsvRecord(line: string, input: string, example: string): string[] {
  const fields: string[] = [];
  let position = 0;
  for (;;) {
    if (line[position] === '"') {
      const { text, end } = readQuoted(line, position, input, example);
      fields.push(text);
      position = end;
    } else {
      const comma = line.indexOf(',', position);
      const end = comma < 0 ? line.length : comma;
      fields.push(line.slice(position, end));
      position = end;
    }
    if (position >= line.length) return fields;
    position += 1; // the comma
  }
}

function readQuoted(
  line: string,
  start: number,
  input: string,
  example: string,
): { text: string; end: number } {
  let text = '';
  let position = start + 1;
  for (;;) {
    const quote = line.indexOf('"', position);
    if (quote < 0) {
      throw new MetadataError(input, 'has a quote that is never closed.', example, line);
    }
    text += line.slice(position, quote);
    if (line[quote + 1] === '"') {
      text += '"';
      position = quote + 2;
      continue;
    }
    const end = quote + 1;
    if (end < line.length && line[end] !== ',') {
      throw new MetadataError(
        input,
        'has text after a closing quote; quote the whole field, e.g. "pattern=v(.*)".',
        example,
        line,
      );
    }
    return { text, end };
  }
}

/** Lines that hold something: blank lines and `#` comment lines are skipped, as metadata-action does. */
export function meaningfulLines(lines: string[]): string[] {
  return lines.filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
}
