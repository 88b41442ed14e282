import { Readable } from 'node:stream';
import { getHeapStatistics } from 'node:v8';
import { fileSource, type ReportSource } from '../../src/core/reports/source.js';

export interface HeapSampledSource {
  readonly source: ReportSource;
  /** The highest V8 used-heap size seen so far, from creation through every chunk read. */
  peakHeapUsedBytes(): number;
}

/**
 * The file at `path` read as the action reads a report (fileSource: a stream, or reused chunks
 * for the parsers that take them), sampling the heap as each chunk is handed to the parser.
 */
export function heapSampledSource(path: string): HeapSampledSource {
  const file = fileSource(path);
  let peakHeapUsed = getHeapStatistics().used_heap_size;
  // Sampled at every chunk: the parser works synchronously within a chunk, so a timer would
  // rarely get to run during the parse.
  async function* sampled<Chunk>(chunks: AsyncIterable<Chunk>): AsyncGenerator<Chunk> {
    for await (const chunk of chunks) {
      peakHeapUsed = Math.max(peakHeapUsed, getHeapStatistics().used_heap_size);
      yield chunk;
    }
  }
  const readChunks = file.readChunks;
  return {
    source: {
      origin: path,
      open: () => Readable.from(sampled(file.open())),
      readChunks: readChunks && (() => sampled(readChunks())),
      readText: () => Promise.reject(new Error('the benchmark streams the report')),
    },
    peakHeapUsedBytes: () => peakHeapUsed,
  };
}
