import type { ReportSource } from '../../core/reports/source.js';
import {
  COVERAGE_FORMATS,
  type CoverageFormat,
  type CoverageParseContext,
  type CoverageReport,
} from '../model.js';
import { looksLikeLcov, parseLcov } from './lcov.js';

type Parser = (source: ReportSource, context: CoverageParseContext) => Promise<CoverageReport>;

/** What the reader needs of one format's module. */
interface FormatReader {
  parse: Parser;
  /** A content sniffer for format: auto, asked in COVERAGE_FORMATS order. */
  looksLike: (head: string) => boolean;
}

/**
 * Each format's module, loaded when a report may be in it. LCOV, the format most steps read, is in
 * the bundle every start loads; the others (with the XML parser most of them need) are chunks
 * that `import()` loads on first use, so a start does not evaluate ten parsers it will not use.
 */
const READERS: Record<CoverageFormat, () => Promise<FormatReader>> = {
  lcov: async () => ({ parse: parseLcov, looksLike: looksLikeLcov }),
  cobertura: async () => {
    const { parseCobertura, looksLikeCobertura } = await import('./cobertura.js');
    return { parse: parseCobertura, looksLike: looksLikeCobertura };
  },
  jacoco: async () => {
    const { parseJacoco, looksLikeJacoco } = await import('./jacoco.js');
    return { parse: parseJacoco, looksLike: looksLikeJacoco };
  },
  clover: async () => {
    const { parseClover, looksLikeClover } = await import('./clover.js');
    return { parse: parseClover, looksLike: looksLikeClover };
  },
  go: async () => {
    const { parseGo, looksLikeGo } = await import('./go.js');
    return { parse: parseGo, looksLike: looksLikeGo };
  },
  istanbul: async () => {
    const { parseIstanbul, looksLikeIstanbul } = await import('./istanbul.js');
    return { parse: parseIstanbul, looksLike: looksLikeIstanbul };
  },
  'llvm-cov': async () => {
    const { parseLlvmCov, looksLikeLlvmCov } = await import('./llvm-cov.js');
    return { parse: parseLlvmCov, looksLike: looksLikeLlvmCov };
  },
  'coveragepy-json': async () => {
    const { parseCoveragePyJson, looksLikeCoveragePyJson } = await import('./coveragepy-json.js');
    return { parse: parseCoveragePyJson, looksLike: looksLikeCoveragePyJson };
  },
  coverlet: async () => {
    const { parseCoverlet, looksLikeCoverlet } = await import('./coverlet.js');
    return { parse: parseCoverlet, looksLike: looksLikeCoverlet };
  },
  opencover: async () => {
    const { parseOpenCover, looksLikeOpenCover } = await import('./opencover.js');
    return { parse: parseOpenCover, looksLike: looksLikeOpenCover };
  },
  simplecov: async () => {
    const { parseSimpleCov, looksLikeSimpleCov } = await import('./simplecov.js');
    return { parse: parseSimpleCov, looksLike: looksLikeSimpleCov };
  },
};

/** Content sniffers for format: auto, asked in COVERAGE_FORMATS order. */
export const SNIFFERS = Object.fromEntries(
  COVERAGE_FORMATS.map((format) => [
    format,
    async (head: string) => (await READERS[format]()).looksLike(head),
  ]),
) as Record<CoverageFormat, (head: string) => Promise<boolean>>;

export function parseCoverage(
  format: CoverageFormat,
  source: ReportSource,
  context: CoverageParseContext,
): Promise<CoverageReport> {
  return READERS[format]().then((reader) => reader.parse(source, context));
}
