// @ts-check
// Builds every action's bundles with @vercel/ncc: `npm run bundle [-- --root DIR]`.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { minify } from 'terser';
import { REPO_ROOT, displayPath, findActions } from './actions.js';
import { markEagerFactories } from './eager-factories.js';
import { writeLicenses } from './licenses.js';

const run = promisify(execFile);
const NCC_CLI = join(REPO_ROOT, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
/**
 * Minified, so that every job parses and compiles less at start-up; the source map is written
 * beside each bundle (index.js.map, named by its sourceMappingURL comment) for reading stack
 * traces. ncc's source-map-register is left out: it would load source-map-support at every start.
 * No build cache: ncc keeps one per working directory in ~/.cache/ncc, and one left there by a
 * build of an earlier commit made a machine's fresh build emit chunks without their source maps,
 * so check-dist failed on the machine and passed on another. A bundle depends on its sources only.
 */
export const NCC_FLAGS = ['--minify', '--source-map', '--no-source-map-register', '--no-cache'];

/**
 * Builds one entry into outDir (index.js and its source map, any chunk files and theirs,
 * package.json, licenses.txt).
 * ncc empties its output folder, so each entry is built apart and copied into place.
 * @param {string} source @param {string} outDir @param {string} cwd
 */
export async function buildEntry(source, outDir, cwd) {
  const scratch = await mkdtemp(join(tmpdir(), 'slipway-ncc-'));
  try {
    await run(process.execPath, [NCC_CLI, 'build', source, '-o', scratch, '-q', ...NCC_FLAGS], {
      cwd,
      maxBuffer: 64 * 1024 * 1024,
    });
    await minifyChunks(scratch);
    await markFactoriesEager(scratch);
    writeLicenses(scratch, cwd);
    await cp(scratch, outDir, { recursive: true });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * ncc minifies only index.js; the chunk files beside it (code that `import()` loads when a run
 * needs it, such as the YAML library for rollout and canary) come out as written, up to 2.5 times
 * larger to read and compile. They are minified here with the options ncc gives terser for
 * index.js, each source map carried through.
 * @param {string} dir
 */
async function minifyChunks(dir) {
  const chunks = (await readdir(dir)).filter((name) => /^\d+\.index\.js$/.test(name));
  for (const name of chunks) {
    const path = join(dir, name);
    const minified = await minify(await readFile(path, 'utf8'), {
      module: true,
      compress: false,
      mangle: { keep_classnames: true, keep_fnames: true },
      sourceMap: {
        content: await readFile(`${path}.map`, 'utf8'),
        filename: name,
        url: `${name}.map`,
      },
    });
    if (minified.code === undefined || typeof minified.map !== 'string') {
      throw new Error(`terser gave no code or source map for ${name}`);
    }
    await writeFile(path, minified.code);
    await writeFile(`${path}.map`, minified.map);
  }
}

/**
 * Parenthesises the module factories of index.js and every chunk, so that V8 parses each once
 * (see eager-factories.js).
 * @param {string} dir
 */
async function markFactoriesEager(dir) {
  const bundles = (await readdir(dir)).filter((name) => /^(\d+\.)?index\.js$/.test(name));
  for (const name of bundles) {
    const path = join(dir, name);
    const marked = markEagerFactories(
      await readFile(path, 'utf8'),
      await readFile(`${path}.map`, 'utf8'),
    );
    await writeFile(path, marked.code);
    await writeFile(`${path}.map`, marked.map);
  }
}

/**
 * Builds every bundle of one action into `distRoot` (the action's own dist by default), laid out
 * as action.yml names them relative to the action folder.
 * @param {import('./actions.js').ActionInfo} action @param {string} root @param {string} [distRoot]
 */
export async function buildAction(action, root, distRoot = action.dir) {
  for (const entry of action.entries) {
    const relativeBundle = entry.bundle.slice(action.dir.length + 1);
    await buildEntry(entry.source, dirname(join(distRoot, relativeBundle)), root);
  }
}

/**
 * Runs tasks two at a time: ncc is CPU-bound and our machines have two cores.
 * @template T
 * @param {readonly T[]} items
 * @param {(item: T) => Promise<void>} task
 * @returns {Promise<void>}
 */
export async function inPairs(items, task) {
  const queue = [...items];
  const workers = [0, 1].map(async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item);
  });
  await Promise.all(workers);
}

/**
 * The repository root named by `--root DIR`, or this checkout's.
 * @param {string[]} argv command-line arguments after the script name
 * @returns {string}
 */
export function parseRoot(argv) {
  const index = argv.indexOf('--root');
  return index >= 0 && argv[index + 1] ? argv[index + 1] : REPO_ROOT;
}

async function main() {
  const root = parseRoot(process.argv.slice(2));
  const actions = findActions(root);
  await inPairs(actions, async (action) => {
    // Build aside and swap in only on success, so a failed build leaves the old dist in place.
    const scratch = await mkdtemp(join(tmpdir(), 'slipway-bundle-'));
    try {
      await buildAction(action, root, scratch);
      await rm(join(action.dir, 'dist'), { recursive: true, force: true });
      await cp(join(scratch, 'dist'), join(action.dir, 'dist'), { recursive: true });
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    console.log(`bundled ${displayPath(root, action.dir)} (${action.entries.length} entries)`);
  });
}

// process.argv[1] is missing under `node -e` or a REPL, where this module is only imported.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error.stderr || error.message);
    process.exit(1);
  });
}
