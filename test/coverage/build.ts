import type { CoverageReport, FileCoverage } from '../../src/coverage/model.js';

/** A file from a compact description: lines as [line, hits], branches as [line, [taken...]]. */
export function file(
  path: string,
  lines: Array<[number, number]>,
  branches: Array<[number, number[]]> = [],
  functions: Array<[string, number]> = [],
): FileCoverage {
  return {
    path,
    lines: new Map(lines),
    branches: new Map(branches),
    functions: new Map(functions),
  };
}

export function report(files: FileCoverage[], origin = 'report'): CoverageReport {
  return { format: 'lcov', origin, files };
}
