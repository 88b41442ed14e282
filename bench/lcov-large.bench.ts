/**
 * The LCOV parser streams: a tracefile of about 100 MB (one record per test name for every file,
 * as geninfo writes with several test names) is parsed in a child process (the bundled parser, as
 * the action ships it), and its duration, peak RSS and peak heap are written to
 * bench/results/lcov-large.json. A tracefile a tenth the size is measured too, so that one can see
 * memory follows the coverage, not the file: both hold the same files and lines.
 */
import { describe, expect, it } from 'vitest';
import type { CoverageTotals } from '../src/coverage/totals.js';
import { measureReports } from './support/child-process.js';
import type { ParseCost } from './support/parse-cost.js';
import { writeResults } from './support/results.js';

const DESCRIPTION =
  'parseLcov streaming a generated tracefile (1,000 files x 500 lines, one record per test name) ' +
  'in a child process (ncc bundle); peak RSS covers the whole process, peak heap is sampled at every chunk read';
const FILES = 1_000;
const LINES = 500;
/** Test names per tracefile: 2 gives about 13 MB, 16 about 100 MB. */
const SIZES = [2, 16];

interface Measurement extends ParseCost {
  files: number;
  totals: CoverageTotals;
}

/** Lines ≡ 0 (mod 4) never run; a branch pair every 10 lines; a function every 50, half run. */
function* tracefile(tests: number): Generator<string> {
  for (let test = 0; test < tests; test += 1) {
    for (let file = 0; file < FILES; file += 1) {
      const record = [`TN:test_${test}`, `SF:/repo/src/module_${file}.c`];
      for (let line = 1; line <= LINES; line += 50) {
        record.push(`FN:${line},${line + 40},fn_${file}_${line}`);
        record.push(`FNDA:${line % 100 === 1 ? 0 : test + 1},fn_${file}_${line}`);
      }
      for (let line = 1; line <= LINES; line += 1) {
        record.push(`DA:${line},${line % 4 === 0 ? 0 : test + 1}`);
        if (line % 10 === 0) {
          record.push(`BRDA:${line},0,0,${line % 20 === 0 ? '-' : '1'}`, `BRDA:${line},0,1,0`);
        }
      }
      record.push(`LF:${LINES}`, `LH:${LINES * 0.75}`, 'end_of_record', '');
      yield record.join('\n');
    }
  }
}

const expectedTotals: CoverageTotals = {
  lines: { covered: FILES * LINES * 0.75, total: FILES * LINES },
  branches: { covered: FILES * (LINES / 20), total: FILES * (LINES / 10) * 2 },
  functions: { covered: FILES * (LINES / 100), total: FILES * (LINES / 50) },
};

describe('LCOV parser on large tracefiles', () => {
  it('parses about 13 MB and 100 MB and records the cost', async () => {
    const measurements = await measureReports<number, Measurement>('lcov-large', SIZES, {
      key: (tests) => `${tests} test names`,
      fileName: (tests) => `lcov-${tests}.info`,
      content: tracefile,
      check: (measurement) => {
        expect(measurement.files).toBe(FILES);
        expect(measurement.totals).toEqual(expectedTotals);
      },
    });
    await writeResults('lcov-large', DESCRIPTION, measurements);
  });
});
