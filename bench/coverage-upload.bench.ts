/**
 * Uploading a 1 MB LCOV report to Codecov through its protocol (the local fake): the coverage
 * action's wall time with the upload minus the same run without it, alternating.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FakeCodecov } from '../test/support/fake-codecov.js';
import { runAction } from '../test/support/runner.js';
import { writePart } from './support/figures.js';
import { alternate, median, round } from './support/stats.js';

const COVERAGE = fileURLToPath(new URL('../actions/coverage', import.meta.url));
const TOKEN = '0d2c1a3e-7f4b-4c55-9a61-2b8e9d6f0c11';
const REPORT_BYTES = 1_000_000;
const ROUNDS = 7;

/** About 1 MB of LCOV: source files of 100 lines, three in four covered. */
function lcovReport(): string {
  const records: string[] = [];
  let bytes = 0;
  for (let file = 0; bytes < REPORT_BYTES; file += 1) {
    const lines = Array.from({ length: 100 }, (_, i) => `DA:${i + 1},${(i + 1) % 4 === 0 ? 0 : 1}`);
    const record = [
      `SF:src/module_${file}.ts`,
      ...lines,
      'LF:100',
      'LH:75',
      'end_of_record',
      '',
    ].join('\n');
    records.push(record);
    bytes += record.length;
  }
  return records.join('');
}

describe('Codecov upload', () => {
  it('times the coverage action with and without the upload of a 1 MB report', async () => {
    const codecov = await FakeCodecov.start({
      repositories: [{ slug: 'octo-org/octo-service', token: TOKEN }],
    });
    const workspace = await mkdtemp(join(tmpdir(), 'slipway-bench-coverage-'));
    await writeFile(join(workspace, 'lcov.info'), lcovReport());
    const timedRun = (upload: boolean) => async () => {
      const started = process.hrtime.bigint();
      const run = await runAction(COVERAGE, {
        workspace,
        inputs: {
          files: 'lcov.info',
          codecov: String(upload),
          'codecov-token': TOKEN,
          'codecov-url': codecov.url,
        },
      });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      expect(run.main.exitCode, run.main.stdout).toBe(0);
      return seconds;
    };
    try {
      const before = codecov.uploads.length;
      const times = await alternate(ROUNDS, { upload: timedRun(true), local: timedRun(false) });
      expect(codecov.uploads.length - before).toBe(ROUNDS);
      codecov.assertNoViolations();
      await writePart({
        bench: '7-coverage-upload',
        figures: [
          {
            name: 'coverage.upload.seconds',
            value: round(median(times.upload) - median(times.local), 3),
            unit: 'seconds',
            comparedWith: `the same run without upload (${round(median(times.local), 2)} s); with upload ${round(median(times.upload), 2)} s`,
          },
        ],
      });
    } finally {
      await codecov.close();
    }
  });
});
