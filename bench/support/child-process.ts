import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bundleRuntime } from '../../tools/node-runtime.js';
import type { ParseCost } from './parse-cost.js';
import { benchEnv } from './processes.js';
import { alternate } from './stats.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const NCC = join(REPO, 'node_modules/@vercel/ncc/dist/ncc/cli.js');

export interface ParserContest<Findings> {
  /** e.g. 'lcov'; the scratch folder and report file are named after it. */
  name: string;
  content: Iterable<string>;
  /** bench/<child>.child.ts by key; each is bundled with ncc and run on the report. */
  children: Record<string, string>;
  /** Asserts that a child parsed the report right, so that the figures are for a real parse. */
  check(key: string, findings: Findings): void;
  rounds: number;
}

/**
 * Writes the generated report once, bundles each child as the actions are bundled, and runs the
 * children on it in alternation under the actions' Node: one round to warm up, then `rounds`
 * measured rounds; returns every measured run's cost by key.
 */
export async function runParserContest<Findings>(
  contest: ParserContest<Findings>,
): Promise<{ fileBytes: number; costs: Record<string, Array<ParseCost & Findings>> }> {
  const scratch = await mkdtemp(join(tmpdir(), `slipway-bench-${contest.name}-`));
  try {
    const report = join(scratch, `${contest.name}.report`);
    await pipeline(Readable.from(contest.content), createWriteStream(report));
    await flushToDisk(report);
    const tasks: Record<string, () => Promise<ParseCost & Findings>> = {};
    for (const [key, child] of Object.entries(contest.children)) {
      const bundle = await bundleChild(child, join(scratch, key));
      tasks[key] = async () => {
        const { stdout } = await run(bundleRuntime().path, [bundle, report], {
          env: benchEnv(),
          maxBuffer: 1024 * 1024,
        });
        const measurement = JSON.parse(stdout) as ParseCost & Findings;
        contest.check(key, measurement);
        return measurement;
      };
    }
    // One round unmeasured: each child's first run would pay for a cold page cache and CPU.
    await alternate(1, tasks);
    const costs = await alternate(contest.rounds, tasks);
    return { fileBytes: (await stat(report)).size, costs };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Writes the report's pages to disk now: the kernel would otherwise write the freshly generated
 * file back while the first children run, taking CPU from whichever is being timed.
 */
async function flushToDisk(path: string): Promise<void> {
  const file = await open(path, 'r+');
  try {
    await file.sync();
  } finally {
    await file.close();
  }
}

/**
 * Bundles bench/<child>.child.ts with ncc into outDir; returns its index.js. `flags` default to
 * skipping type checks (the build's job); a child running the action's own code passes the
 * actions' NCC_FLAGS, which also resolve ESM-only packages (@actions/core) as the actions do.
 */
export async function bundleChild(
  child: string,
  outDir: string,
  flags: readonly string[] = ['--transpile-only'],
): Promise<string> {
  await run(
    process.execPath,
    [NCC, 'build', join(REPO, `bench/${child}.child.ts`), '-o', outDir, '-q', ...flags],
    { cwd: REPO, maxBuffer: 64 * 1024 * 1024 },
  );
  return join(outDir, 'index.js');
}
