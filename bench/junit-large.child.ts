/**
 * Parses one JUnit file and prints what it cost as JSON. Run by junit-large.bench.ts as a bundled
 * child process, so that the figures are those of the parser alone, as the action ships it.
 */
import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { getHeapStatistics } from 'node:v8';
import { parseJunit } from '../src/quality-gate/parsers/junit.js';
import type { ReportSource } from '../src/core/reports/source.js';

async function main(): Promise<void> {
  const path = process.argv[2];
  if (path === undefined) throw new Error('usage: junit-large.child.js REPORT');
  let peakHeapUsed = getHeapStatistics().used_heap_size;
  // Sampled at every chunk: the parser works synchronously within a chunk, so a timer would
  // rarely get to run during the parse.
  async function* sampled(): AsyncGenerator<Buffer> {
    for await (const chunk of createReadStream(path!)) {
      peakHeapUsed = Math.max(peakHeapUsed, getHeapStatistics().used_heap_size);
      yield chunk as Buffer;
    }
  }
  const source: ReportSource = {
    origin: path,
    open: () => Readable.from(sampled()),
    readText: () => Promise.reject(new Error('the benchmark streams the report')),
  };
  const baselineRssBytes = process.memoryUsage().rss;
  const started = process.hrtime.bigint();
  const report = await parseJunit(source, { workspace: '/repo', origin: path });
  const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(
    JSON.stringify({
      fileBytes: statSync(path).size,
      durationMs: Math.round(durationMs),
      baselineRssBytes,
      // maxRSS is in kilobytes and covers the whole process, start-up included.
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      peakHeapUsedBytes: peakHeapUsed,
      totals: report.tests?.totals,
      notable: report.tests?.notable.length,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
