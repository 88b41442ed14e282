import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { getHeapStatistics } from 'node:v8';
import type { ReportSource } from '../../src/core/reports/source.js';

export interface HeapSampledSource {
  readonly source: ReportSource;
  /** The highest V8 used-heap size seen so far, from creation through every chunk read. */
  peakHeapUsedBytes(): number;
}

/** Streams the file at `path`, sampling the heap as each chunk is handed to the parser. */
export function heapSampledSource(path: string): HeapSampledSource {
  let peakHeapUsed = getHeapStatistics().used_heap_size;
  // Sampled at every chunk: the parser works synchronously within a chunk, so a timer would
  // rarely get to run during the parse.
  async function* sampled(): AsyncGenerator<Buffer> {
    for await (const chunk of createReadStream(path)) {
      peakHeapUsed = Math.max(peakHeapUsed, getHeapStatistics().used_heap_size);
      yield chunk as Buffer;
    }
  }
  return {
    source: {
      origin: path,
      open: () => Readable.from(sampled()),
      readText: () => Promise.reject(new Error('the benchmark streams the report')),
    },
    peakHeapUsedBytes: () => peakHeapUsed,
  };
}
