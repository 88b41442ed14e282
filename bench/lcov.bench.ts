/**
 * A monorepo-sized LCOV tracefile (about 100 MB, 20,000 sources with functions, lines and
 * branches): Slipway's streaming parser, as the action ships it, against npm lcov-parse and
 * against only reading the file (streamed, and in the parser's reused chunks), each in its own
 * process, alternating.
 */
import { describe, expect, it } from 'vitest';
import { runParserContest } from './support/child-process.js';
import { writePart } from './support/figures.js';
import { MONOREPO, tracefile } from './support/lcov-tracefile.js';
import type { ParseCost } from './support/parse-cost.js';
import { median, MIB, round } from './support/stats.js';

const {
  sources: SOURCES,
  lines: LINES,
  functionEvery: FUNCTION_EVERY,
  branchEvery: BRANCH_EVERY,
} = MONOREPO;
const ROUNDS = 3;

const expected = {
  lines: { covered: SOURCES * LINES * 0.75, total: SOURCES * LINES },
  branches: {
    covered: SOURCES * (LINES / BRANCH_EVERY / 2),
    total: SOURCES * (LINES / BRANCH_EVERY) * 2,
  },
  functions: {
    covered: SOURCES * Math.floor(LINES / FUNCTION_EVERY / 2),
    total: SOURCES * (LINES / FUNCTION_EVERY),
  },
};

/** What each child found; fileBytes is the size the child saw (from its ParseCost). */
type Findings = {
  files?: number;
  totals?: typeof expected;
  bytesRead?: number;
  fileBytes?: number;
};

describe('LCOV parsing of a 100 MB tracefile', () => {
  it('measures Slipway, lcov-parse and a plain read on the same file', async () => {
    const { fileBytes, costs } = await runParserContest<Findings>({
      name: 'lcov',
      content: tracefile(MONOREPO),
      children: {
        slipway: 'lcov',
        'lcov-parse': 'lcov-parse',
        read: 'read',
        'read-chunks': 'read-chunks',
      },
      rounds: ROUNDS,
      check: (key, findings) => {
        if (key === 'read' || key === 'read-chunks') {
          expect(findings.bytesRead, key).toBe(findings.fileBytes);
          return;
        }
        expect(findings.files, key).toBe(SOURCES);
        expect(findings.totals, key).toEqual(expected);
      },
    });
    const mbps = (runs: ParseCost[]) =>
      round(fileBytes / 1e6 / (median(runs.map((r) => r.durationMs)) / 1000), 1);
    const megabytes = round(fileBytes / 1e6, 1);
    await writePart({
      bench: '2-lcov',
      figures: [
        {
          name: 'lcov.100mb.mbps',
          value: mbps(costs.slipway),
          unit: 'MB/s',
          comparedWith: `lcov.lcov-parse.mbps and lcov.read.mbps, same ${megabytes} MB file`,
        },
        {
          name: 'lcov.100mb.peak_mib',
          value: round(median(costs.slipway.map((r) => r.peakRssBytes)) / MIB, 1),
          unit: 'MiB',
          comparedWith: `the file’s ${round(fileBytes / MIB, 1)} MiB; peak RSS of the parsing process`,
        },
        {
          name: 'lcov.lcov-parse.mbps',
          value: mbps(costs['lcov-parse']),
          unit: 'MB/s',
          comparedWith: `npm lcov-parse, the most used LCOV parser (peak ${round(median(costs['lcov-parse'].map((r) => r.peakRssBytes)) / MIB, 0)} MiB)`,
        },
        {
          name: 'lcov.read.mbps',
          value: mbps(costs.read),
          unit: 'MB/s',
          comparedWith: 'the ceiling: streaming the file and doing nothing with it',
        },
        {
          name: 'lcov.read-chunks.mbps',
          value: mbps(costs['read-chunks']),
          unit: 'MB/s',
          comparedWith:
            'reading the file as the LCOV parser reads it (1 MiB chunks into two reused buffers, read ahead) and doing nothing with it',
        },
      ],
    });
  });
});
