/**
 * Reads a file as the parsers stream it, and does nothing else: how fast any parser could be, at
 * best, on this machine.
 */
import { runParseCostChild } from './support/parse-cost.js';

runParseCostChild({
  usage: 'read.child.js FILE',
  parse: async (source) => {
    let bytes = 0;
    for await (const chunk of source.open()) bytes += (chunk as Buffer).length;
    return bytes;
  },
  findings: (bytes) => ({ bytesRead: bytes }),
});
