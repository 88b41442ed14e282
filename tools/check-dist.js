// @ts-check
// Proves the committed bundles are current and load: `npm run check-dist [-- --root DIR]`.
// 1. Rebuilds every bundle into a scratch folder and compares it byte for byte with dist/.
// 2. Runs every committed bundle once with no inputs, as the runner would. A main bundle must
//    fail cleanly (exit 1 with an ::error:: line, nothing on stderr); a post bundle must exit 0.
//    This catches bundles that build but cannot load, such as a CommonJS build of ESM-only deps.
// 3. Loads every chunk file (the code a bundle imports only when a run needs it) under Node 24,
//    and checks that every .js file names a source map that lies beside it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { displayPath, findActions } from './actions.js';
import { buildAction, inPairs, parseRoot } from './bundle.js';
import { bundleRuntime } from './node-runtime.js';

/** @param {string} dir @returns {string[]} file paths relative to dir */
function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((path) => statSync(join(dir, path)).isFile())
    .sort();
}

/**
 * @param {string} expectedDir a fresh build's dist folder
 * @param {string} actualDir the committed dist folder
 * @returns {string[]} one line per difference between two dist folders
 */
export function compareTrees(expectedDir, actualDir) {
  const expected = listFiles(expectedDir);
  const actual = new Set(listFiles(actualDir));
  const problems = [];
  for (const file of expected) {
    if (!actual.has(file)) problems.push(`${file} is not committed`);
    else if (!readFileSync(join(expectedDir, file)).equals(readFileSync(join(actualDir, file)))) {
      problems.push(`${file} differs from a fresh build`);
    }
    actual.delete(file);
  }
  for (const file of actual)
    problems.push(`${file} is committed but a fresh build has no such file`);
  return problems;
}

/** @param {import('./actions.js').ActionInfo} action @param {string} root */
export async function checkDistIsCurrent(action, root) {
  const scratch = await mkdtemp(join(tmpdir(), 'slipway-check-dist-'));
  try {
    await buildAction(action, root, scratch);
    return compareTrees(join(scratch, 'dist'), join(action.dir, 'dist'));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Runs one bundle with a runner-like environment and no inputs.
 * @param {string} bundle @param {'main' | 'post'} phase
 * @returns {string | undefined} a problem, or undefined when the bundle behaved
 */
export function smokeRunBundle(bundle, phase) {
  if (!existsSync(bundle)) return `${bundle} does not exist`;
  const scratch = spawnSync('mktemp', ['-d'], { encoding: 'utf8' }).stdout.trim();
  const files = Object.fromEntries(
    ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_STEP_SUMMARY'].map((name) => {
      const path = join(scratch, name.toLowerCase());
      writeFileSync(path, '');
      return [name, path];
    }),
  );
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !key.startsWith('INPUT_') && !key.startsWith('STATE_'),
    ),
  );
  const result = spawnSync(bundleRuntime().path, [bundle], {
    cwd: scratch,
    env: { ...env, ...files, RUNNER_TEMP: scratch, GITHUB_WORKSPACE: scratch },
    encoding: 'utf8',
    timeout: 60_000,
  });
  spawnSync('rm', ['-rf', scratch]);
  const stderr = (result.stderr ?? '').trim();
  // status is null when the bundle never exited by itself: killed at the timeout, or not started.
  const ended =
    result.status !== null
      ? `exit ${result.status}`
      : result.error
        ? `no exit (${result.error.message})`
        : `killed by ${result.signal}`;
  const says = `${ended}${stderr ? `, stderr: ${errorLine(stderr)}` : ''}`;
  if (phase === 'main') {
    const cleanError = result.status === 1 && /^::error::/m.test(result.stdout) && stderr === '';
    return cleanError
      ? undefined
      : `expected a clean input error (exit 1, an ::error:: line), got ${says}`;
  }
  return result.status === 0 && stderr === ''
    ? undefined
    : `expected post to exit 0 quietly, got ${says}`;
}

/**
 * A chunk is an ES module of webpack module factories: importing it runs none of them, so it
 * proves the file parses and links under the bundle runtime's Node.
 * @param {string} chunk
 * @returns {string | undefined} a problem, or undefined when the chunk loads
 */
export function loadChunk(chunk) {
  const script =
    'const chunk = await import(process.argv[1]);' +
    "if (typeof chunk.modules !== 'object') throw new Error('no webpack modules exported');";
  const result = spawnSync(
    bundleRuntime().path,
    ['--input-type=module', '-e', script, pathToFileURL(chunk).href],
    { encoding: 'utf8', timeout: 60_000 },
  );
  const stderr = (result.stderr ?? '').trim();
  return result.status === 0 && stderr === ''
    ? undefined
    : `chunk does not load: exit ${result.status}${stderr ? `, stderr: ${errorLine(stderr)}` : ''}`;
}

/**
 * Every .js file in dist must end by naming its source map, which must lie beside it and map
 * that file; every .map must belong to a .js file. A stale or missing map would make the stack
 * traces of unexpected errors point nowhere.
 * @param {string} distDir
 * @returns {string[]} one line per problem, paths relative to distDir
 */
export function checkSourceMaps(distDir) {
  const files = listFiles(distDir);
  const problems = [];
  const claimed = new Set();
  for (const file of files.filter((path) => path.endsWith('.js'))) {
    const tail = readFileSync(join(distDir, file), 'utf8').slice(-300);
    const named = /\n\/\/# sourceMappingURL=([^\s/]+\.map)\s*$/.exec(tail)?.[1];
    if (!named) {
      problems.push(`${file} names no source map beside it`);
      continue;
    }
    const mapFile = join(dirname(file), named);
    claimed.add(mapFile);
    try {
      const map = JSON.parse(readFileSync(join(distDir, mapFile), 'utf8'));
      if (map.version !== 3 || map.file !== basename(file) || !map.mappings) {
        problems.push(`${mapFile} is not a source map of ${file}`);
      }
    } catch (error) {
      problems.push(
        `${mapFile} (named by ${file}) cannot be read: ${/** @type {Error} */ (error).message}`,
      );
    }
  }
  for (const file of files.filter((path) => path.endsWith('.map') && !claimed.has(path))) {
    problems.push(`${file} is no .js file's source map`);
  }
  return problems;
}

/** @param {string} distDir @param {string[]} bundles the entry bundles (absolute paths) @returns {string[]} */
export function chunkFiles(distDir, bundles) {
  return listFiles(distDir)
    .filter((path) => path.endsWith('.js'))
    .map((path) => join(distDir, path))
    .filter((path) => !bundles.includes(path));
}

/**
 * The line of a crash that names the error, e.g. "Error: Cannot find module '@actions/core'".
 * @param {string} stderr
 * @returns {string}
 */
function errorLine(stderr) {
  const lines = stderr.split('\n');
  return (lines.find((line) => /^\w*Error\b/.test(line)) ?? lines[0]).trim();
}

async function main() {
  const root = parseRoot(process.argv.slice(2));
  const runtime = bundleRuntime();
  if (runtime.notice) console.log(`::notice::${runtime.notice}`);
  const actions = findActions(root);
  /** @type {string[]} */
  const problems = [];
  await inPairs(actions, async (action) => {
    for (const problem of await checkDistIsCurrent(action, root)) {
      problems.push(`${displayPath(root, action.dir)}/dist: ${problem}`);
    }
  });
  for (const action of actions) {
    action.entries.forEach((entry, index) => {
      const problem = smokeRunBundle(entry.bundle, index === 0 ? 'main' : 'post');
      if (problem) problems.push(`${relative(root, entry.bundle)}: ${problem}`);
    });
    const dist = join(action.dir, 'dist');
    for (const problem of checkSourceMaps(dist))
      problems.push(`${relative(root, dist)}/${problem}`);
    const bundles = action.entries.map((entry) => entry.bundle);
    for (const chunk of chunkFiles(dist, bundles)) {
      const problem = loadChunk(chunk);
      if (problem) problems.push(`${relative(root, chunk)}: ${problem}`);
    }
  }
  if (problems.length > 0) {
    console.error(`check-dist found ${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
    console.error('Run `npm run bundle`, check that the bundles run, and commit actions/*/dist.');
    process.exit(1);
  }
  console.log(
    `check-dist: ${actions.length} action(s) current; every bundle loads under Node ${runtime.version}.`,
  );
}

// process.argv[1] is missing under `node -e` or a REPL, where this module is only imported.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error.stderr || error.message);
    process.exit(1);
  });
}
