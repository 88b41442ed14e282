import type { Finding, ParseContext, ParsedReport, Severity } from '../model.js';
import type { ReportSource } from '../../core/reports/source.js';
import { reportPath } from '../report-paths.js';
import { CappedText, ownCopy, readXmlReport } from '../../core/reports/xml-stream.js';
import type { XmlElement } from '../../core/reports/xml-stream.js';

/**
 * Checkstyle XML: `<checkstyle><file name><error line column severity message source/>`.
 * Written by Checkstyle itself and by many other linters (shellcheck -f checkstyle, eslint's
 * checkstyle formatter, hadolint...).
 */

/**
 * Checkstyle's own default severity is error, so a missing one counts as an error. Unknown
 * values are kept as warnings rather than dropped, so a tool's odd severity is still seen.
 */
const SEVERITIES: Record<string, Severity | 'dropped'> = {
  error: 'error',
  warning: 'warning',
  info: 'notice',
  ignore: 'dropped',
};

/**
 * Tools that write checkstyle XML name themselves in the `source` prefix. Findings from them are
 * attributed to the tool, with the prefix taken off the rule; anything else is "checkstyle".
 */
const TOOL_PREFIXES: readonly { prefix: string; tool: string }[] = [
  { prefix: 'ShellCheck.', tool: 'shellcheck' },
  { prefix: 'eslint.rules.', tool: 'eslint' },
];

export async function parseCheckstyle(
  source: ReportSource,
  context: ParseContext,
): Promise<ParsedReport> {
  const findings: Finding[] = [];
  let file: string | undefined;
  await readXmlReport(
    source,
    { origin: context.origin, formatName: 'Checkstyle', roots: ['checkstyle'] },
    {
      open({ name, attributes }: XmlElement) {
        if (name === 'file') {
          file = attributes.name ? ownCopy(reportPath(attributes.name, context)) : undefined;
        } else if (name === 'error') {
          const finding = toFinding(attributes, file);
          if (finding !== undefined) findings.push(finding);
        }
      },
      close(name: string) {
        if (name === 'file') file = undefined;
      },
      text() {},
    },
  );
  return { findings };
}

function toFinding(
  attributes: Record<string, string>,
  file: string | undefined,
): Finding | undefined {
  const severity = SEVERITIES[attributes.severity ?? 'error'] ?? 'warning';
  if (severity === 'dropped') return undefined;
  const { tool, rule } = attribute(attributes.source);
  const message = new CappedText();
  message.append(attributes.message ?? '');
  const finding: Finding = { source: tool, severity, message: message.value() };
  if (rule) finding.rule = ownCopy(rule);
  if (file !== undefined) finding.file = file;
  const line = positiveInteger(attributes.line);
  if (line !== undefined) finding.line = line;
  const column = positiveInteger(attributes.column);
  if (column !== undefined && line !== undefined) finding.column = column;
  return finding;
}

function attribute(source: string | undefined): { tool: string; rule?: string } {
  if (source === undefined) return { tool: 'checkstyle' };
  const known = TOOL_PREFIXES.find(({ prefix }) => source.startsWith(prefix));
  if (known === undefined) return { tool: 'checkstyle', rule: source };
  return { tool: known.tool, rule: source.slice(known.prefix.length) };
}

function positiveInteger(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  const number = Number.parseInt(value, 10);
  return number > 0 ? number : undefined;
}
