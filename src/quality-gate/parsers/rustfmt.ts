import { ReportError, type Finding, type ParseContext, type ParsedReport } from '../model.js';
import { reportPath } from '../report-paths.js';
import { MAX_TEXT_REPORT_BYTES, type ReportSource } from '../../core/reports/source.js';
import { MAX_DETAILS_CHARS, capText, stripAnsi } from '../../core/reports/text.js';

/**
 * `cargo fmt --all -- --check` output on stable Rust, where the text diff is the only output:
 * `Diff in <path>:<line>:` headers (older rustfmt: `Diff in <path> at line <n>:`), then context
 * (" "), removed ("-") and added ("+") lines. One error per file that needs formatting, at the
 * first line that differs; the hunk count and the diff itself go with it. The file names alone,
 * as `--check -l` prints them, are read too.
 */
export async function parseRustfmt(
  source: ReportSource,
  context: ParseContext,
): Promise<ParsedReport> {
  const text = stripAnsi(await source.readText(MAX_TEXT_REPORT_BYTES));
  const files = new Map<string, FileDiff>();
  const fileFor = (path: string): FileDiff => {
    const file = reportPath(path, context);
    let entry = files.get(file);
    if (!entry) {
      entry = { file, hunks: 0, newlineStyle: false, diff: [], diffChars: 0 };
      files.set(file, entry);
    }
    return entry;
  };

  let hunk: Hunk | undefined;
  let unrecognised = 0;
  for (const line of text.split(/\r?\n/)) {
    const header = parseHeader(line);
    if (header) {
      const entry = fileFor(header.path);
      entry.hunks += 1;
      hunk = { entry, headerLine: header.line, contextBefore: 0, changed: false };
      entry.diff.push(line);
      continue;
    }
    const newlineStyle = /^Incorrect newline style in (.+?)\s*$/.exec(line);
    if (newlineStyle) {
      fileFor(newlineStyle[1]).newlineStyle = true;
      hunk = undefined;
      continue;
    }
    if (hunk && /^[ +-]/.test(line)) {
      addDiffLine(hunk, line);
      continue;
    }
    if (line.trim() === '') continue;
    if (/^\S.*\.rs$/.test(line.trim())) {
      fileFor(line.trim());
      hunk = undefined;
      continue;
    }
    unrecognised += 1;
  }

  if (files.size === 0 && unrecognised > 0) {
    throw new ReportError(
      source.origin,
      'is not `cargo fmt -- --check` output: no "Diff in <file>" headers or file names were found.',
    );
  }
  return { findings: [...files.values()].map(toFinding) };
}

interface FileDiff {
  file: string;
  hunks: number;
  newlineStyle: boolean;
  /** The first line that differs, over all hunks. */
  firstLine?: number;
  diff: string[];
  diffChars: number;
}

interface Hunk {
  entry: FileDiff;
  headerLine: number;
  contextBefore: number;
  changed: boolean;
}

function parseHeader(line: string): { path: string; line: number } | undefined {
  const current = /^Diff in (.+):(\d+):\s*$/.exec(line);
  const older = current ? undefined : /^Diff in (.+) at line (\d+):\s*$/.exec(line);
  const match = current ?? older;
  if (!match) return undefined;
  return { path: match[1], line: Number(match[2]) };
}

function addDiffLine(hunk: Hunk, line: string): void {
  const { entry } = hunk;
  if (entry.diffChars <= MAX_DETAILS_CHARS) {
    entry.diff.push(line);
    entry.diffChars += line.length + 1;
  }
  if (hunk.changed) return;
  if (line.startsWith(' ')) {
    hunk.contextBefore += 1;
    return;
  }
  // The header names the hunk's first line, which is context; the change starts after it.
  hunk.changed = true;
  const firstChanged = hunk.headerLine + hunk.contextBefore;
  entry.firstLine = Math.min(entry.firstLine ?? firstChanged, firstChanged);
}

function toFinding(entry: FileDiff): Finding {
  const reasons: string[] = [];
  if (entry.hunks > 0) reasons.push(`${entry.hunks} ${entry.hunks === 1 ? 'hunk' : 'hunks'}`);
  if (entry.newlineStyle) reasons.push('incorrect newline style');
  const why = reasons.length > 0 ? ` (${reasons.join(', ')})` : '';
  const details = entry.diff.join('\n');
  return {
    source: 'rustfmt',
    rule: 'rustfmt',
    severity: 'error',
    message: `File is not formatted: run cargo fmt${why}`,
    ...(details !== '' && { details: capText(details, MAX_DETAILS_CHARS) }),
    file: entry.file,
    ...(entry.firstLine !== undefined && { line: entry.firstLine }),
  };
}
