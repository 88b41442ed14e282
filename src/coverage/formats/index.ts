import type { ReportSource } from '../../core/reports/source.js';
import type { CoverageFormat, CoverageParseContext, CoverageReport } from '../model.js';
import { looksLikeClover, parseClover } from './clover.js';
import { looksLikeCobertura, parseCobertura } from './cobertura.js';
import { looksLikeCoveragePyJson, parseCoveragePyJson } from './coveragepy-json.js';
import { looksLikeCoverlet, parseCoverlet } from './coverlet.js';
import { looksLikeGo, parseGo } from './go.js';
import { looksLikeIstanbul, parseIstanbul } from './istanbul.js';
import { looksLikeJacoco, parseJacoco } from './jacoco.js';
import { looksLikeLcov, parseLcov } from './lcov.js';
import { looksLikeLlvmCov, parseLlvmCov } from './llvm-cov.js';
import { looksLikeOpenCover, parseOpenCover } from './opencover.js';
import { looksLikeSimpleCov, parseSimpleCov } from './simplecov.js';

type Parser = (source: ReportSource, context: CoverageParseContext) => Promise<CoverageReport>;

const PARSERS: Record<CoverageFormat, Parser> = {
  lcov: parseLcov,
  cobertura: parseCobertura,
  jacoco: parseJacoco,
  clover: parseClover,
  go: parseGo,
  istanbul: parseIstanbul,
  'llvm-cov': parseLlvmCov,
  'coveragepy-json': parseCoveragePyJson,
  coverlet: parseCoverlet,
  opencover: parseOpenCover,
  simplecov: parseSimpleCov,
};

/** Content sniffers for format: auto, asked in COVERAGE_FORMATS order. */
export const SNIFFERS: Record<CoverageFormat, (head: string) => boolean> = {
  lcov: looksLikeLcov,
  cobertura: looksLikeCobertura,
  jacoco: looksLikeJacoco,
  clover: looksLikeClover,
  go: looksLikeGo,
  istanbul: looksLikeIstanbul,
  'llvm-cov': looksLikeLlvmCov,
  'coveragepy-json': looksLikeCoveragePyJson,
  coverlet: looksLikeCoverlet,
  opencover: looksLikeOpenCover,
  simplecov: looksLikeSimpleCov,
};

export function parseCoverage(
  format: CoverageFormat,
  source: ReportSource,
  context: CoverageParseContext,
): Promise<CoverageReport> {
  return PARSERS[format](source, context);
}
