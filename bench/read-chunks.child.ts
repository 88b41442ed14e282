/**
 * Reads a file as the LCOV parser reads it (the report source's chunks: 1 MiB into two reused
 * buffers, the next read under way while a chunk is handled) and does nothing else.
 */
import { runParseCostChild } from './support/parse-cost.js';

runParseCostChild({
  usage: 'read-chunks.child.js FILE',
  parse: async (source) => {
    if (!source.readChunks) throw new Error('this report source has no readChunks');
    let bytes = 0;
    for await (const chunk of source.readChunks()) bytes += chunk.length;
    return bytes;
  },
  findings: (bytes) => ({ bytesRead: bytes }),
});
