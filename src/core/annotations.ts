import * as core from '@actions/core';
import { maskSecrets } from './secrets.js';

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface Finding {
  level: AnnotationLevel;
  message: string;
  /** Relative to the repository root, as GitHub matches it against the diff. */
  file?: string;
  line?: number;
  endLine?: number;
  column?: number;
  endColumn?: number;
  title?: string;
  /** On a line the pull request changed: shown before findings elsewhere. */
  onChangedLine?: boolean;
}

export type LevelCounts = Record<AnnotationLevel, number>;

export interface AnnotationSelection {
  shown: Finding[];
  /** Findings of each level that were not annotated. */
  omitted: LevelCounts;
}

/**
 * GitHub shows at most 10 error, 10 warning and 10 notice annotations per step and drops the rest
 * silently (https://github.com/actions/toolkit/blob/main/docs/problem-matchers.md#limitations).
 */
export const ANNOTATIONS_PER_LEVEL = 10;
/** Long enough for a compiler diagnostic with context; an annotation is not a log. */
export const MAX_MESSAGE_CHARS = 4_000;
/** The Checks API's limit for an annotation title. */
export const MAX_TITLE_CHARS = 255;

const LEVELS: readonly AnnotationLevel[] = ['error', 'warning', 'notice'];

/**
 * Picks what to annotate: errors, then warnings, then notices; within a level findings on changed
 * lines first (the ones a reviewer can act on), then by file and line, keeping input order for ties.
 */
export function selectAnnotations(
  findings: readonly Finding[],
  options: { perLevel?: number | Partial<LevelCounts> } = {},
): AnnotationSelection {
  const limit = limitsOf(options.perLevel);
  const shown: Finding[] = [];
  const omitted: LevelCounts = { error: 0, warning: 0, notice: 0 };
  for (const level of LEVELS) {
    const ofLevel = findings.filter((finding) => finding.level === level).sort(byPriority);
    shown.push(...ofLevel.slice(0, limit[level]));
    omitted[level] = Math.max(0, ofLevel.length - limit[level]);
  }
  return { shown, omitted };
}

/**
 * Like selectAnnotations, plus one notice that says how many findings were not annotated. That
 * notice is itself one of the step's notices, so when it is needed one notice slot is kept for it
 * (and a notice that loses its slot is counted as not annotated too).
 */
export function planAnnotations(
  findings: readonly Finding[],
  options: { perLevel?: number; seeAlso?: string } = {},
): AnnotationSelection & { overflowNotice?: Finding } {
  const perLevel = options.perLevel ?? ANNOTATIONS_PER_LEVEL;
  const first = selectAnnotations(findings, { perLevel });
  if (totalOf(first.omitted) === 0 || perLevel < 1) return first;
  const selection = selectAnnotations(findings, {
    perLevel: { error: perLevel, warning: perLevel, notice: perLevel - 1 },
  });
  const seeAlso = options.seeAlso ?? 'see the job summary for all of them';
  const overflowNotice: Finding = {
    level: 'notice',
    title: 'More findings than GitHub shows as annotations',
    message: `${describeOmitted(selection.omitted)} not annotated (GitHub shows ${perLevel} per level and step); ${seeAlso}.`,
  };
  return { ...selection, overflowNotice };
}

/**
 * Emits annotations for the findings within GitHub's limits and returns what was left out, so
 * the job summary can list everything.
 */
export function emitAnnotations(
  findings: readonly Finding[],
  options: { perLevel?: number; seeAlso?: string } = {},
): AnnotationSelection {
  const plan = planAnnotations(findings, options);
  const emitted = plan.overflowNotice ? [...plan.shown, plan.overflowNotice] : plan.shown;
  for (const finding of emitted) emitOne(finding);
  return { shown: plan.shown, omitted: plan.omitted };
}

/** E.g. "3 errors, 1 warning and 12 notices". */
export function describeOmitted(omitted: LevelCounts): string {
  const parts = LEVELS.filter((level) => omitted[level] > 0).map(
    (level) => `${omitted[level]} ${level}${omitted[level] === 1 ? '' : 's'}`,
  );
  if (parts.length <= 1) return parts[0] ?? 'no findings';
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

export function totalOf(counts: LevelCounts): number {
  return counts.error + counts.warning + counts.notice;
}

function emitOne(finding: Finding): void {
  const message = capText(maskSecrets(finding.message), MAX_MESSAGE_CHARS);
  const properties = annotationProperties(finding);
  if (finding.level === 'error') core.error(message, properties);
  else if (finding.level === 'warning') core.warning(message, properties);
  else core.notice(message, properties);
}

/**
 * Maps a finding to what core accepts, leaving out what GitHub would reject: positions that are
 * not positive integers, an end before the start, and columns on a range of several lines.
 */
export function annotationProperties(finding: Finding): core.AnnotationProperties {
  const properties: core.AnnotationProperties = {};
  if (finding.title)
    properties.title = capText(maskSecrets(finding.title.replace(/\s+/g, ' ')), MAX_TITLE_CHARS);
  if (!finding.file) return properties;
  properties.file = finding.file;
  const line = positive(finding.line);
  if (line === undefined) return properties;
  properties.startLine = line;
  const endLine = positive(finding.endLine);
  if (endLine !== undefined && endLine > line) {
    properties.endLine = endLine;
    return properties;
  }
  const column = positive(finding.column);
  if (column === undefined) return properties;
  properties.startColumn = column;
  const endColumn = positive(finding.endColumn);
  if (endColumn !== undefined && endColumn >= column) properties.endColumn = endColumn;
  return properties;
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && Number.isInteger(value) && value > 0 ? value : undefined;
}

function capText(text: string, maxChars: number): string {
  const chars = Array.from(text);
  if (chars.length <= maxChars) return text;
  const rest = chars.length - maxChars;
  return `${chars.slice(0, maxChars).join('')}… (${rest} more characters)`;
}

function limitsOf(perLevel: number | Partial<LevelCounts> | undefined): LevelCounts {
  if (typeof perLevel === 'number') return { error: perLevel, warning: perLevel, notice: perLevel };
  return {
    error: perLevel?.error ?? ANNOTATIONS_PER_LEVEL,
    warning: perLevel?.warning ?? ANNOTATIONS_PER_LEVEL,
    notice: perLevel?.notice ?? ANNOTATIONS_PER_LEVEL,
  };
}

function byPriority(a: Finding, b: Finding): number {
  return (
    Number(b.onChangedLine === true) - Number(a.onChangedLine === true) ||
    // Findings that point at a file are easier to act on than ones about the whole run.
    Number(b.file !== undefined) - Number(a.file !== undefined) ||
    compareText(a.file ?? '', b.file ?? '') ||
    compareOptional(a.line, b.line) ||
    compareOptional(a.column, b.column)
  );
}

/** Missing positions sort after present ones. */
function compareOptional(a: number | undefined, b: number | undefined): number {
  if (a === undefined || b === undefined) return Number(a === undefined) - Number(b === undefined);
  return a - b;
}

/** Code-point order, so the result does not depend on the runner's locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
