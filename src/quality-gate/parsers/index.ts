import type { ParseContext, ParsedReport, ReportFormat } from '../model.js';
import { parseCargoAudit } from './cargo-audit.js';
import { parseCheckstyle } from './checkstyle.js';
import { parseClippy } from './clippy.js';
import { parseEslint } from './eslint.js';
import { parseGoTestJson } from './go-test-json.js';
import { parseJunit } from './junit.js';
import { parseMochaJson } from './mocha-json.js';
import { parseNpmAudit } from './npm-audit.js';
import { parseNunit } from './nunit.js';
import { parseRustfmt } from './rustfmt.js';
import { parseSarif } from './sarif.js';
import { parseTrx } from './trx.js';
import { parseXunit } from './xunit.js';
import type { ReportSource } from '../../core/reports/source.js';

type Parser = (source: ReportSource, context: ParseContext) => Promise<ParsedReport>;

const PARSERS: Record<ReportFormat, Parser> = {
  junit: parseJunit,
  sarif: parseSarif,
  checkstyle: parseCheckstyle,
  eslint: parseEslint,
  clippy: parseClippy,
  rustfmt: parseRustfmt,
  'cargo-audit': parseCargoAudit,
  'npm-audit': parseNpmAudit,
  'go-test-json': parseGoTestJson,
  'mocha-json': parseMochaJson,
  trx: parseTrx,
  nunit: parseNunit,
  xunit: parseXunit,
  // Only the command's exit status counts; there is nothing to read.
  'exit-code': async () => ({ findings: [] }),
};

export function parseReport(
  format: ReportFormat,
  source: ReportSource,
  context: ParseContext,
): Promise<ParsedReport> {
  return PARSERS[format](source, context);
}
