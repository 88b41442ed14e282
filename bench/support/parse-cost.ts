import { statSync } from 'node:fs';
import type { ReportSource } from '../../src/core/reports/source.js';
import { heapSampledSource } from './sampled-source.js';

/** What one parse cost, as a benchmark child prints it; each benchmark adds what the parse found. */
export interface ParseCost {
  fileBytes: number;
  durationMs: number;
  baselineRssBytes: number;
  peakRssBytes: number;
  peakHeapUsedBytes: number;
}

export interface ParseCostChild<Report> {
  /** Shown when the report path is missing, e.g. 'junit-large.child.js REPORT'. */
  usage: string;
  parse(source: ReportSource, path: string): Promise<Report>;
  /** What the parse found, printed after the cost so that the benchmark can check it. */
  findings(report: Report): Record<string, unknown>;
}

/**
 * The body of a benchmark child: parses the report named by the first argument and prints its
 * ParseCost and findings as one JSON line; on failure prints the error and exits with 1.
 */
export function runParseCostChild<Report>(child: ParseCostChild<Report>): void {
  measure(child).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

async function measure<Report>({ usage, parse, findings }: ParseCostChild<Report>): Promise<void> {
  const path = process.argv[2];
  if (path === undefined) throw new Error(`usage: ${usage}`);
  const sampled = heapSampledSource(path);
  const baselineRssBytes = process.memoryUsage().rss;
  const started = process.hrtime.bigint();
  const report = await parse(sampled.source, path);
  const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cost: ParseCost = {
    fileBytes: statSync(path).size,
    durationMs: Math.round(durationMs),
    baselineRssBytes,
    // maxRSS is in kilobytes and covers the whole process, start-up included.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    peakHeapUsedBytes: sampled.peakHeapUsedBytes(),
  };
  console.log(JSON.stringify({ ...cost, ...findings(report) }));
}
