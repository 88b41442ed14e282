import { ReportError } from '../../core/reports/source.js';
import type { BranchIds, RecordScratch } from './lcov-record.js';

/**
 * The detail records (DA, BRDA, FN, FNDA, FNL, FNA) read from their text, with every rule: the
 * path for any such line the byte-level fast paths of LcovReader leave, because it is unusual
 * (spaces, signs, exponents, huge numbers, other branch ids) or malformed.
 */
export interface DetailContext {
  readonly record: RecordScratch;
  readonly ids: BranchIds;
  readonly origin: string;
}

export function readDetailText(
  reader: DetailContext,
  key: string,
  value: string,
  lineNumber: number,
): void {
  const { record, origin } = reader;
  const malformed = (): ReportError =>
    new ReportError(origin, `line ${lineNumber}: malformed ${key} record ${quote(value)}.`);
  switch (key) {
    case 'DA': {
      // DA:<line>,<count>[,<checksum>]
      const comma = value.indexOf(',');
      const line = comma > 0 ? lineNumberOf(value.slice(0, comma)) : undefined;
      const next = value.indexOf(',', comma + 1);
      const count = countOf(value.slice(comma + 1, next === -1 ? undefined : next));
      if (line === undefined || count === undefined) throw malformed();
      if (line !== 0) record.addLine(line, count);
      return;
    }
    case 'BRDA': {
      // BRDA:<line>,[e][f][U]<block>,<branch>,<taken>; <branch> may itself contain commas.
      const first = value.indexOf(',');
      const second = value.indexOf(',', first + 1);
      const last = value.lastIndexOf(',');
      const line = lineNumberOf(value.slice(0, Math.max(first, 0)));
      if (line === undefined || second === -1 || last === second) throw malformed();
      const takenText = value.slice(last + 1).trim();
      const taken = takenText === '-' ? 0 : countOf(takenText);
      if (taken === undefined) throw malformed();
      record.addBranch(line, reader.ids.of(value.slice(first + 1, last)), taken);
      return;
    }
    case 'FN': {
      // FN:<start>,[<end>,]<name>; names (C++ signatures) may contain commas.
      const match = /^\s*(\d+)\s*,(?:\s*(\d+)\s*,)?(.+)$/.exec(value);
      if (!match) throw malformed();
      record.functions.declareName(match[3]!, Number(match[1]));
      return;
    }
    case 'FNDA': {
      const comma = value.indexOf(',');
      const hits = comma > 0 ? countOf(value.slice(0, comma)) : undefined;
      const name = value.slice(comma + 1);
      if (hits === undefined || name === '') throw malformed();
      record.functions.hitName(name, hits);
      return;
    }
    case 'FNL': {
      // FNL:<index>,<start>[,<end>]
      const [index, startText] = value.split(',');
      const start = lineNumberOf(startText);
      if (index === undefined || index.trim() === '' || start === undefined) throw malformed();
      if (!record.functionGroups.has(index.trim())) {
        record.functionGroups.set(index.trim(), { line: start, names: [], hits: 0 });
      }
      return;
    }
    case 'FNA': {
      // FNA:<index>,<count>,<name>; a group is hit when any of its aliases is.
      const first = value.indexOf(',');
      const second = value.indexOf(',', first + 1);
      if (first <= 0 || second === -1) throw malformed();
      const group = record.functionGroups.get(value.slice(0, first).trim());
      const hits = countOf(value.slice(first + 1, second));
      if (!group || hits === undefined) throw malformed();
      group.names.push(value.slice(second + 1));
      group.hits += hits;
      return;
    }
  }
}

function lineNumberOf(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const line = Number(text);
  return Number.isInteger(line) && line >= 0 && /^\s*\d+\s*$/.test(text) ? line : undefined;
}

/** Counts as tools write them: integers, `1e+0`, and negatives (a known gcov bug) read as 0. */
function countOf(text: string): number | undefined {
  const count = Number(text);
  if (!Number.isFinite(count) || text.trim() === '') return undefined;
  return count > 0 ? count : 0;
}

export function quote(text: string): string {
  const shown = text.length > 120 ? `${text.slice(0, 120)}…` : text;
  return JSON.stringify(shown);
}
