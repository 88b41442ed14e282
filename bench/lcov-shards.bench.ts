/**
 * A matrix fan-in: eight LCOV shards of about 100 MB each (the 20,000 sources of lcov.bench.ts,
 * each shard with hits of its own) read, mapped onto the checkout and merged by the coverage
 * action's own code, as it ships, in a process of its own.
 */
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { NCC_FLAGS } from '../tools/bundle.js';
import { bundleRuntime } from '../tools/node-runtime.js';
import { bundleChild } from './support/child-process.js';
import { writePart } from './support/figures.js';
import {
  MONOREPO,
  shardOf,
  totalsOf,
  tracefile,
  type Totals,
  type TracefileShape,
} from './support/lcov-tracefile.js';
import { benchEnv } from './support/processes.js';
import { MIB, round } from './support/stats.js';

const run = promisify(execFile);
const SHARDS = 8;

interface Merged {
  durationMs: number;
  peakRssBytes: number;
  reports: number;
  files: number;
  outside: number;
  totals: Totals;
  notes: string[];
}

/** Repository-relative paths, as a checkout has them; the sources exist, empty. */
const CHECKOUT: TracefileShape = {
  ...MONOREPO,
  path: (source) => `packages/pkg_${source % 200}/src/module_${source}.ts`,
};

describe('LCOV shards of a matrix, merged', () => {
  it('merges eight 100 MB shards holding the merged files and one shard at a time', async () => {
    const shards = Array.from({ length: SHARDS }, (_, index) => shardOf(CHECKOUT, index, SHARDS));
    const expected = totalsOf(shards);
    // The merge must be real: no shard alone has the merged totals.
    for (const shard of shards) expect(totalsOf([shard])).not.toEqual(expected);

    const workspace = await mkdtemp(join(tmpdir(), 'slipway-bench-lcov-shards-'));
    try {
      await writeCheckout(workspace, CHECKOUT);
      let shardBytes = 0;
      for (const [index, shard] of shards.entries()) {
        const file = join(workspace, `coverage-${index}`, 'lcov.info');
        await mkdir(dirname(file), { recursive: true });
        await pipeline(Readable.from(tracefile(shard)), createWriteStream(file));
        shardBytes += (await stat(file)).size;
      }
      // Built as the actions are (minified, ESM packages resolved as they resolve them).
      const bundle = await bundleChild('lcov-merge', join(workspace, '.bundle'), NCC_FLAGS);
      const { stdout } = await run(
        bundleRuntime().path,
        [bundle, workspace, 'coverage-*/lcov.info', String(SHARDS)],
        { env: benchEnv(), maxBuffer: 64 * 1024 * 1024 },
      );
      // The action logs to stdout; the child's findings are its last line.
      const merged = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Merged;
      expect(merged.reports).toBe(SHARDS);
      expect(merged.files).toBe(CHECKOUT.sources);
      expect(merged.outside).toBe(0);
      expect(merged.notes).toEqual([]);
      expect(merged.totals).toEqual(expected);

      const shardMegabytes = round(shardBytes / SHARDS / 1e6, 1);
      await writePart({
        bench: '2-lcov-shards',
        figures: [
          {
            name: 'lcov.8x100mb.peak_mib',
            value: round(merged.peakRssBytes / MIB, 1),
            unit: 'MiB',
            comparedWith: `${SHARDS} shards of ${shardMegabytes} MB (${round(shardBytes / MIB, 0)} MiB in all) read, mapped and merged; lcov.100mb.peak_mib for one`,
          },
          {
            name: 'lcov.8x100mb.mbps',
            value: round(shardBytes / 1e6 / (merged.durationMs / 1000), 1),
            unit: 'MB/s',
            comparedWith: 'lcov.100mb.mbps: parsing one file alone',
          },
        ],
      });
    } finally {
      await rm(workspace, { recursive: true, force: true });
    }
  });
});

/** An empty file for every source, so that the reports' paths resolve as in a real checkout. */
async function writeCheckout(workspace: string, shape: TracefileShape): Promise<void> {
  const directories = new Set<string>();
  for (let source = 0; source < shape.sources; source += 1) {
    const path = join(workspace, shape.path(source));
    if (!directories.has(dirname(path))) {
      await mkdir(dirname(path), { recursive: true });
      directories.add(dirname(path));
    }
    await writeFile(path, '');
  }
}
