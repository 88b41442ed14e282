import { ReportError, type Finding, type ParseContext, type ParsedReport } from '../model.js';
import {
  arrayOrEmpty,
  isObject,
  objectOrUndefined,
  positiveIntegerOrUndefined,
  readJsonReport,
  stringOrUndefined,
  type JsonObject,
} from '../../core/reports/json.js';
import { reportPath } from '../report-paths.js';
import type { ReportSource } from '../../core/reports/source.js';
import { capText } from '../../core/reports/text.js';
import { reportLinkOrUndefined } from '../../core/url.js';

/**
 * ESLint's `json` formatter (an array of lint results) or `json-with-metadata` ({results,
 * metadata}). Severity 2 is an error and 1 a warning; fatal messages (parse errors, with no rule)
 * are errors whatever their severity. Suppressed messages are not findings, as in ESLint's counts.
 * Only json-with-metadata names each rule's documentation (metadata.rulesMeta[rule].docs.url).
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
  const ruleUrls = new RuleDocumentation(isObject(report) ? report.metadata : undefined);
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
    const file = filePath === undefined ? undefined : reportPath(filePath, context);
    for (const message of arrayOrEmpty(result.messages)) {
      const finding = toFinding(message as JsonObject, file, ruleUrls);
      if (finding) findings.push(finding);
    }
  }
  return { findings };
}

/**
 * Rule documentation links from json-with-metadata. Not shape-checked like the results: a bad
 * link costs only the link, not the findings.
 */
class RuleDocumentation {
  private readonly rulesMeta: JsonObject;

  constructor(metadata: unknown) {
    this.rulesMeta = objectOrUndefined(objectOrUndefined(metadata)?.rulesMeta) ?? {};
  }

  url(rule: string | undefined): string | undefined {
    // Own keys only: a rule id such as "constructor" must not reach Object.prototype.
    if (rule === undefined || !Object.hasOwn(this.rulesMeta, rule)) return undefined;
    const docs = objectOrUndefined(objectOrUndefined(this.rulesMeta[rule])?.docs);
    return reportLinkOrUndefined(docs?.url);
  }
}

function toFinding(
  message: JsonObject,
  file: string | undefined,
  ruleUrls: RuleDocumentation,
): Finding | undefined {
  const fatal = message.fatal === true;
  const severity =
    fatal || message.severity === 2 ? 'error' : message.severity === 1 ? 'warning' : undefined;
  if (severity === undefined) return undefined;
  const rule = stringOrUndefined(message.ruleId);
  const line = positiveIntegerOrUndefined(message.line);
  const column = positiveIntegerOrUndefined(message.column);
  const endLine = positiveIntegerOrUndefined(message.endLine);
  const endColumn = positiveIntegerOrUndefined(message.endColumn);
  const ruleUrl = ruleUrls.url(rule);
  return {
    source: 'eslint',
    ...(rule !== undefined && { rule }),
    ...(ruleUrl !== undefined && { ruleUrl }),
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
