import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const NCC = join(REPO, 'node_modules/@vercel/ncc/dist/ncc/cli.js');

/** How a benchmark makes and checks the report of one size. */
export interface GeneratedReports<Size, Measurement> {
  /** The size's key in the results. */
  key(size: Size): string;
  fileName(size: Size): string;
  content(size: Size): Iterable<string>;
  /** Asserts that the child parsed the report right, so that the figures are for a real parse. */
  check(measurement: Measurement, size: Size): void;
}

/**
 * Bundles bench/<benchmark>.child.ts with ncc, as the actions are bundled, and runs it on a
 * generated report of each size in turn; returns the JSON each run printed, by key.
 */
export async function measureReports<Size, Measurement>(
  benchmark: string,
  sizes: readonly Size[],
  reports: GeneratedReports<Size, Measurement>,
): Promise<Record<string, Measurement>> {
  const scratch = await mkdtemp(join(tmpdir(), `slipway-bench-${benchmark}-`));
  try {
    const child = await bundle(benchmark, scratch);
    const measurements: Record<string, Measurement> = {};
    for (const size of sizes) {
      const report = join(scratch, reports.fileName(size));
      await pipeline(Readable.from(reports.content(size)), createWriteStream(report));
      const { stdout } = await run(process.execPath, [child, report], { maxBuffer: 1024 * 1024 });
      const measurement = JSON.parse(stdout) as Measurement;
      reports.check(measurement, size);
      measurements[reports.key(size)] = measurement;
      // The largest reports run to 100 MB: only one is kept on disk at a time.
      await rm(report);
    }
    return measurements;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function bundle(benchmark: string, scratch: string): Promise<string> {
  // Type checking is the build's job; the benchmark only needs the code.
  await run(
    process.execPath,
    [
      NCC,
      'build',
      join(REPO, `bench/${benchmark}.child.ts`),
      '-o',
      join(scratch, 'child'),
      '-q',
      '--transpile-only',
    ],
    { cwd: REPO, maxBuffer: 64 * 1024 * 1024 },
  );
  return join(scratch, 'child/index.js');
}
