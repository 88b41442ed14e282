import {
  ReportError,
  type Finding,
  type ParseContext,
  type ParsedReport,
  type Severity,
} from '../model.js';
import {
  arrayOrEmpty,
  isObject,
  objectOrUndefined,
  positiveIntegerOrUndefined,
  shapeProblem,
  stringOrUndefined,
  type JsonObject,
} from '../../core/reports/json.js';
import { reportPath } from '../report-paths.js';
import { MAX_TEXT_REPORT_BYTES, type ReportSource } from '../../core/reports/source.js';
import { MAX_DETAILS_CHARS, capText } from '../../core/reports/text.js';
import { reportLinkOrUndefined } from '../../core/url.js';

/**
 * `cargo clippy --message-format=json` (also `cargo check`/`cargo build`): one JSON object per
 * line, of which only "compiler-message" lines matter. Summary diagnostics ("3 warnings
 * emitted", "aborting due to...") carry neither a code nor a span and are skipped; a
 * diagnostic is located at its primary span. With --all-targets, cargo repeats a diagnostic
 * once per target that compiles the same source, so identical diagnostics are counted once.
 */
export async function parseClippy(
  source: ReportSource,
  context: ParseContext,
): Promise<ParsedReport> {
  const text = await source.readText(MAX_TEXT_REPORT_BYTES);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  let cargoMessages = 0;

  for (const [index, line] of text.split(/\r?\n/).entries()) {
    const record = parseLine(line);
    if (!record || typeof record.reason !== 'string') continue;
    cargoMessages += 1;
    if (record.reason !== 'compiler-message') continue;
    const problem = shapeErrors(record);
    if (problem !== undefined) {
      throw new ReportError(
        source.origin,
        `is not cargo JSON output: line ${index + 1}: ${problem}, as cargo --message-format=json writes it.`,
      );
    }
    const diagnostic = objectOrUndefined(record.message);
    if (!diagnostic) continue;
    const finding = toFinding(diagnostic, context);
    if (!finding) continue;
    const key = JSON.stringify([
      finding.file,
      finding.line,
      finding.column,
      finding.rule,
      finding.message,
    ]);
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(finding);
  }

  // A finished cargo run always prints at least "build-finished"; nothing at all means cargo
  // failed before building (bad manifest, no network) and the report must not pass as clean.
  if (cargoMessages === 0) {
    throw new ReportError(
      source.origin,
      'has no cargo JSON messages: run cargo clippy with --message-format=json, and check that cargo could start the build.',
    );
  }
  return { findings };
}

/** The first field of a compiler message this parser reads that has the wrong type. */
function shapeErrors(record: JsonObject): string | undefined {
  const diagnostic = record.message;
  if (!isObject(diagnostic)) return 'message must be an object';
  const first =
    shapeProblem(diagnostic.code, 'object', 'message.code') ??
    (isObject(diagnostic.code)
      ? shapeProblem(diagnostic.code.code, 'string', 'message.code.code')
      : undefined) ??
    shapeProblem(diagnostic.level, 'string', 'message.level') ??
    shapeProblem(diagnostic.message, 'string', 'message.message') ??
    shapeProblem(diagnostic.rendered, 'string', 'message.rendered') ??
    shapeProblem(diagnostic.spans, 'array', 'message.spans');
  if (first !== undefined) return first;
  for (const [at, span] of arrayOrEmpty(diagnostic.spans).entries()) {
    const where = `message.spans[${at}]`;
    if (!isObject(span)) return `${where} must be an object`;
    const problem =
      shapeProblem(span.file_name, 'string', `${where}.file_name`) ??
      shapeProblem(span.line_start, 'number', `${where}.line_start`) ??
      shapeProblem(span.line_end, 'number', `${where}.line_end`) ??
      shapeProblem(span.column_start, 'number', `${where}.column_start`) ??
      shapeProblem(span.column_end, 'number', `${where}.column_end`) ??
      shapeProblem(span.expansion, 'object', `${where}.expansion`);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function parseLine(line: string): JsonObject | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return isObject(value) ? value : undefined;
  } catch {
    // Build scripts and wrappers may print other text between cargo's JSON lines.
    return undefined;
  }
}

const LEVELS: Record<string, Severity> = {
  error: 'error',
  'error: internal compiler error': 'error',
  warning: 'warning',
  note: 'notice',
  help: 'notice',
  'failure-note': 'notice',
};

function toFinding(diagnostic: JsonObject, context: ParseContext): Finding | undefined {
  const code = stringOrUndefined(objectOrUndefined(diagnostic.code)?.code);
  const span = primarySpan(diagnostic, context);
  // A diagnostic with neither a code nor a place is a summary line, not a problem in the code.
  if (code === undefined && span === undefined) return undefined;
  const level = stringOrUndefined(diagnostic.level) ?? 'error';
  const rendered = stringOrUndefined(diagnostic.rendered);
  const ruleUrl = documentationLink(diagnostic);
  return {
    source: code?.startsWith('clippy::') ? 'clippy' : 'rustc',
    ...(code !== undefined && { rule: code }),
    ...(ruleUrl !== undefined && { ruleUrl }),
    severity: LEVELS[level] ?? 'error',
    message: capText(stringOrUndefined(diagnostic.message) ?? code ?? 'compiler diagnostic'),
    ...(rendered !== undefined && { details: capText(rendered.trimEnd(), MAX_DETAILS_CHARS) }),
    ...(span ?? {}),
  };
}

// Clippy adds this child to each lint's diagnostic; rustc's own lints and error codes carry no
// link (their JSON has only the `rustc --explain` text), so they get none.
const FURTHER_INFORMATION = /^for further information visit (\S+)$/;

function documentationLink(diagnostic: JsonObject): string | undefined {
  for (const child of arrayOrEmpty(diagnostic.children)) {
    const message = stringOrUndefined(objectOrUndefined(child)?.message);
    const match = message === undefined ? null : FURTHER_INFORMATION.exec(message.trim());
    if (match) return reportLinkOrUndefined(match[1]);
  }
  return undefined;
}

type Location = Pick<Finding, 'file' | 'line' | 'endLine' | 'column' | 'endColumn'>;

function primarySpan(diagnostic: JsonObject, context: ParseContext): Location | undefined {
  const spans = arrayOrEmpty(diagnostic.spans).filter(isObject);
  let span = spans.find((candidate) => candidate.is_primary === true);
  // A span inside a macro from another crate or the standard library points at code the user
  // cannot change; its expansion chain leads back to the call site in the user's code.
  for (let depth = 0; span && depth < 16 && isOutside(span, context); depth += 1) {
    const outer = objectOrUndefined(objectOrUndefined(span.expansion)?.span);
    if (!outer) break;
    span = outer;
  }
  if (!span) return undefined;
  const fileName = stringOrUndefined(span.file_name);
  const line = positiveIntegerOrUndefined(span.line_start);
  if (fileName === undefined || line === undefined) return undefined;
  const endLine = positiveIntegerOrUndefined(span.line_end);
  const column = positiveIntegerOrUndefined(span.column_start);
  const endColumn = positiveIntegerOrUndefined(span.column_end);
  return {
    file: reportPath(fileName, context),
    line,
    ...(endLine !== undefined && endLine >= line && { endLine }),
    ...(column !== undefined && { column }),
    ...(endColumn !== undefined && { endColumn }),
  };
}

function isOutside(span: JsonObject, context: ParseContext): boolean {
  const fileName = stringOrUndefined(span.file_name) ?? '';
  if (fileName.startsWith('<')) return true;
  const relative = reportPath(fileName, context);
  return relative.startsWith('/') || /^[A-Za-z]:\//.test(relative) || relative.startsWith('../');
}
