/**
 * The LCOV parser streams: a tracefile of about 100 MB (one record per test name for every file,
 * as geninfo writes with several test names) is parsed in a child process (the bundled parser, as
 * the action ships it), and its duration, peak RSS and peak heap are written to
 * bench/results/lcov-large.json. A tracefile a tenth the size is measured too, so that one can see
 * memory follows the coverage, not the file: both hold the same files and lines.
 */
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoverageTotals } from '../src/coverage/totals.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('..', import.meta.url));
const NCC = join(REPO, 'node_modules/@vercel/ncc/dist/ncc/cli.js');
const RESULTS = join(REPO, 'bench/results/lcov-large.json');
const FILES = 1_000;
const LINES = 500;
/** Test names per tracefile: 2 gives about 13 MB, 16 about 100 MB. */
const SIZES = [2, 16];

interface Measurement {
  fileBytes: number;
  durationMs: number;
  baselineRssBytes: number;
  peakRssBytes: number;
  peakHeapUsedBytes: number;
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
  let scratch: string;
  let child: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'slipway-bench-lcov-'));
    // Type checking is the build's job; the benchmark only needs the code.
    await run(
      process.execPath,
      [
        NCC,
        'build',
        join(REPO, 'bench/lcov-large.child.ts'),
        '-o',
        join(scratch, 'child'),
        '-q',
        '--transpile-only',
      ],
      { cwd: REPO, maxBuffer: 64 * 1024 * 1024 },
    );
    child = join(scratch, 'child/index.js');
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('parses about 13 MB and 100 MB and records the cost', async () => {
    const measurements: Record<string, Measurement> = {};
    for (const tests of SIZES) {
      const report = join(scratch, `lcov-${tests}.info`);
      await pipeline(Readable.from(tracefile(tests)), createWriteStream(report));
      const { stdout } = await run(process.execPath, [child, report], { maxBuffer: 1024 * 1024 });
      const measurement = JSON.parse(stdout) as Measurement;
      expect(measurement.files).toBe(FILES);
      expect(measurement.totals).toEqual(expectedTotals);
      measurements[`${tests} test names`] = measurement;
      await rm(report);
    }
    await mkdir(join(REPO, 'bench/results'), { recursive: true });
    const results = {
      benchmark: 'lcov-large',
      description:
        'parseLcov streaming a generated tracefile (1,000 files x 500 lines, one record per test name) ' +
        'in a child process (ncc bundle); peak RSS covers the whole process, peak heap is sampled at every chunk read',
      measuredAt: new Date().toISOString(),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpu: cpus()[0]?.model,
      cases: measurements,
    };
    await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
    console.log(JSON.stringify(results, null, 2));
  });
});
