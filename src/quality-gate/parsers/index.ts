import type { ParseContext, ParsedReport, ReportFormat } from '../model.js';
import type { ReportSource } from '../../core/reports/source.js';

type Parser = (source: ReportSource, context: ParseContext) => Promise<ParsedReport>;

/**
 * Each format's parser is loaded when a report of that format is read, so that a run pays only
 * for the formats it has (cargo-audit's CVSS calculator alone is a sizeable part of the bundle).
 */
const PARSERS: Record<ReportFormat, () => Promise<Parser>> = {
  junit: async () => (await import('./junit.js')).parseJunit,
  sarif: async () => (await import('./sarif.js')).parseSarif,
  checkstyle: async () => (await import('./checkstyle.js')).parseCheckstyle,
  eslint: async () => (await import('./eslint.js')).parseEslint,
  clippy: async () => (await import('./clippy.js')).parseClippy,
  rustfmt: async () => (await import('./rustfmt.js')).parseRustfmt,
  'cargo-audit': async () => (await import('./cargo-audit.js')).parseCargoAudit,
  'npm-audit': async () => (await import('./npm-audit.js')).parseNpmAudit,
  'go-test-json': async () => (await import('./go-test-json.js')).parseGoTestJson,
  'mocha-json': async () => (await import('./mocha-json.js')).parseMochaJson,
  trx: async () => (await import('./trx.js')).parseTrx,
  nunit: async () => (await import('./nunit.js')).parseNunit,
  xunit: async () => (await import('./xunit.js')).parseXunit,
  // Only the command's exit status counts; there is nothing to read.
  'exit-code': async () => async () => ({ findings: [] }),
};

export async function parseReport(
  format: ReportFormat,
  source: ReportSource,
  context: ParseContext,
): Promise<ParsedReport> {
  return (await PARSERS[format]())(source, context);
}
