import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));

/**
 * Writes bench/results/<benchmark>.json — the measurements keyed by case, with the machine they
 * were taken on — and prints it.
 */
export async function writeResults(
  benchmark: string,
  description: string,
  cases: Record<string, unknown>,
): Promise<void> {
  await mkdir(RESULTS, { recursive: true });
  const results = {
    benchmark,
    description,
    measuredAt: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpus()[0]?.model,
    cases,
  };
  await writeFile(join(RESULTS, `${benchmark}.json`), `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
}
