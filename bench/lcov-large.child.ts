/**
 * Parses one LCOV tracefile and prints what it cost as JSON. Run by lcov-large.bench.ts as a
 * bundled child process, so that the figures are those of the parser alone, as the action ships it.
 */
import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { getHeapStatistics } from 'node:v8';
import { parseLcov } from '../src/coverage/formats/lcov.js';
import type { ReportSource } from '../src/core/reports/source.js';
import type { FileCoverage } from '../src/coverage/model.js';

async function main(): Promise<void> {
  const path = process.argv[2];
  if (path === undefined) throw new Error('usage: lcov-large.child.js TRACEFILE');
  let peakHeapUsed = getHeapStatistics().used_heap_size;
  // Sampled at every chunk: the parser works synchronously within a chunk.
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
  const report = await parseLcov(source, { workspace: '/repo', origin: path });
  const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(
    JSON.stringify({
      fileBytes: statSync(path).size,
      durationMs: Math.round(durationMs),
      baselineRssBytes,
      // maxRSS is in kilobytes and covers the whole process, start-up included.
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      peakHeapUsedBytes: peakHeapUsed,
      files: report.files.length,
      totals: totalsOf(report.files),
    }),
  );
}

/** Σ over files, as src/coverage/totals.ts counts (not imported: it pulls in the runner's toolkit). */
function totalsOf(files: FileCoverage[]) {
  const ratio = (counts: Iterable<number>) => {
    let covered = 0;
    let total = 0;
    for (const hits of counts) {
      total += 1;
      if (hits > 0) covered += 1;
    }
    return { covered, total };
  };
  return {
    lines: ratio(files.flatMap((file) => [...file.lines.values()])),
    branches: ratio(files.flatMap((file) => [...file.branches.values()].flat())),
    functions: ratio(files.flatMap((file) => [...file.functions.values()])),
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
