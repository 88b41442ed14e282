import { ReportError, type Finding, type ParseContext, type ParsedReport } from '../model.js';
import {
  arrayOrEmpty,
  isObject,
  positiveIntegerOrUndefined,
  readJsonReport,
  stringOrUndefined,
  type JsonObject,
} from '../../core/reports/json.js';
import { toRepositoryPath } from '../../core/reports/paths.js';
import type { ReportSource } from '../../core/reports/source.js';
import { capText } from '../../core/reports/text.js';

/**
 * ESLint's `json` formatter (an array of lint results) or `json-with-metadata` ({results,
 * metadata}). Severity 2 is an error and 1 a warning; fatal messages (parse errors, with no rule)
 * are errors whatever their severity. Suppressed messages are not findings, as in ESLint's counts.
 */
export async function parseEslint(
  source: ReportSource,
  context: ParseContext,
): Promise<ParsedReport> {
  const report = await readJsonReport(source, 'ESLint');
  const results = Array.isArray(report)
    ? report
    : isObject(report) && Array.isArray(report.results)
      ? report.results
      : undefined;
  if (results === undefined) {
    throw new ReportError(
      source.origin,
      'is not ESLint JSON output: expected an array of results (eslint -f json) or {"results": [...]} (eslint -f json-with-metadata).',
    );
  }
  const findings: Finding[] = [];
  const malformed = (where: string, expected: string) =>
    new ReportError(
      source.origin,
      `is not ESLint JSON output: ${where} ${expected}, as eslint -f json writes it.`,
    );
  for (const [index, result] of (results as unknown[]).entries()) {
    const where = `result ${index + 1}`;
    if (!isObject(result)) throw malformed(where, 'must be an object with filePath and messages');
    if (result.filePath !== undefined && typeof result.filePath !== 'string') {
      throw malformed(`${where}'s filePath`, 'must be a string');
    }
    if (result.messages !== undefined && !Array.isArray(result.messages)) {
      throw malformed(`${where}'s messages`, 'must be an array of messages');
    }
    for (const [at, message] of arrayOrEmpty(result.messages).entries()) {
      if (!isObject(message)) {
        throw malformed(
          `message ${at + 1} of ${where}`,
          'must be an object with severity and message',
        );
      }
      if (message.severity !== undefined && ![0, 1, 2].includes(message.severity as number)) {
        throw malformed(`message ${at + 1} of ${where}`, 'must have severity 0, 1 or 2');
      }
    }
    const filePath = stringOrUndefined(result.filePath);
    const file =
      filePath === undefined
        ? undefined
        : toRepositoryPath(filePath, context.workspace, context.directory);
    for (const message of arrayOrEmpty(result.messages)) {
      const finding = toFinding(message as JsonObject, file);
      if (finding) findings.push(finding);
    }
  }
  return { findings };
}

function toFinding(message: JsonObject, file: string | undefined): Finding | undefined {
  const fatal = message.fatal === true;
  const severity =
    fatal || message.severity === 2 ? 'error' : message.severity === 1 ? 'warning' : undefined;
  if (severity === undefined) return undefined;
  const rule = stringOrUndefined(message.ruleId);
  const line = positiveIntegerOrUndefined(message.line);
  const column = positiveIntegerOrUndefined(message.column);
  const endLine = positiveIntegerOrUndefined(message.endLine);
  const endColumn = positiveIntegerOrUndefined(message.endColumn);
  return {
    source: 'eslint',
    ...(rule !== undefined && { rule }),
    severity,
    message: capText(stringOrUndefined(message.message) ?? 'ESLint problem'),
    ...(file !== undefined && { file }),
    ...(line !== undefined && {
      line,
      ...(endLine !== undefined && endLine >= line && { endLine }),
      ...(column !== undefined && { column }),
      ...(endColumn !== undefined && { endColumn }),
    }),
  };
}
