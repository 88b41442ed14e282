// @ts-check
// Regenerates the inputs and outputs tables in every action's README.md from its action.yml, and
// the benchmark figures in the top README.md from bench/results/latest.md.
//   node tools/docs.js          rewrite the tables
//   node tools/docs.js --check  change nothing; exit 1 listing every README that is out of date
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as prettier from 'prettier';
import { findActionDirs, readActionMetadata } from './action-metadata.js';

/** @typedef {import('./action-metadata.js').InputDoc} InputDoc */
/** @typedef {import('./action-metadata.js').OutputDoc} OutputDoc */
/** @typedef {import('./action-metadata.js').ActionMetadata} ActionMetadata */
/** @typedef {'inputs' | 'outputs' | 'bench'} Section */

/**
 * @typedef {object} DocsStatus
 * @property {string} readmePath
 * @property {'fresh' | 'stale' | 'error'} status
 * @property {string} [expected] the README as it should be (fresh and stale only)
 * @property {string} [error] what is wrong (error only)
 */

/** @type {Record<Section, { start: string, end: string }>} */
export const MARKERS = {
  inputs: { start: '<!-- slipway:inputs:start -->', end: '<!-- slipway:inputs:end -->' },
  outputs: { start: '<!-- slipway:outputs:start -->', end: '<!-- slipway:outputs:end -->' },
  bench: { start: '<!-- slipway:bench:start -->', end: '<!-- slipway:bench:end -->' },
};

const BENCH_RESULTS = path.join('bench', 'results', 'latest.md');

/**
 * Makes text safe inside one Markdown table cell: a `|` would end the cell and a newline the row.
 * @param {string} text
 * @returns {string}
 */
export function escapeCell(text) {
  return text
    .trim()
    .replace(/\r\n?|\n/g, '<br>')
    .replace(/\|/g, '\\|');
}

/**
 * A code span that survives backticks and pipes in the value; each line of a multi-line
 * value gets its own span because a code span cannot hold a line break.
 * @param {string} text
 * @returns {string}
 */
export function codeCell(text) {
  return text
    .replace(/(\r\n?|\n)+$/, '')
    .split(/\r\n?|\n/)
    .map((line) => {
      const longestRun = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length));
      const fence = '`'.repeat(longestRun + 1);
      const padding = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
      return `${fence}${padding}${line.replace(/\|/g, '\\|')}${padding}${fence}`;
    })
    .join('<br>');
}

/**
 * @param {string[]} header
 * @param {string[][]} rows
 * @returns {string}
 */
function markdownTable(header, rows) {
  return [header, header.map(() => '---'), ...rows]
    .map((cells) => `| ${cells.join(' | ')} |`)
    .join('\n');
}

/**
 * @param {InputDoc[]} inputs
 * @returns {string} Markdown (not yet formatted)
 */
export function renderInputsTable(inputs) {
  if (inputs.length === 0) return 'This action has no inputs.';
  return markdownTable(
    ['Name', 'Required', 'Default', 'Description'],
    inputs.map((input) => [
      codeCell(input.name),
      input.required ? 'yes' : 'no',
      input.default === undefined || input.default === '' ? '' : codeCell(input.default),
      escapeCell(input.description),
    ]),
  );
}

/**
 * @param {OutputDoc[]} outputs
 * @returns {string} Markdown (not yet formatted)
 */
export function renderOutputsTable(outputs) {
  if (outputs.length === 0) return 'This action has no outputs.';
  return markdownTable(
    ['Name', 'Description'],
    outputs.map((output) => [codeCell(output.name), escapeCell(output.description)]),
  );
}

/**
 * Replaces what lies between a section's markers.
 * @param {string} readme
 * @param {Section} section
 * @param {string} body
 * @returns {string}
 * @throws {Error} naming the markers when they are missing, repeated or out of order
 */
export function replaceSection(readme, section, body) {
  const { start, end } = MARKERS[section];
  const startAt = readme.indexOf(start);
  const endAt = readme.indexOf(end);
  const repeated =
    readme.indexOf(start, startAt + 1) !== -1 || readme.indexOf(end, endAt + 1) !== -1;
  if (startAt === -1 || endAt === -1 || endAt < startAt || repeated) {
    throw new Error(
      `the ${section} table needs the markers ${start} and ${end}, once each and in that order; ` +
        `add them where the ${section} table belongs`,
    );
  }
  return `${readme.slice(0, startAt + start.length)}\n\n${body}\n\n${readme.slice(endAt)}`;
}

/**
 * Formats a table the way `prettier --check` expects it in the README, so that `npm run lint`
 * and `npm run docs -- --check` never disagree.
 * @param {string} markdown
 * @param {string} readmePath used to find the prettier configuration
 * @returns {Promise<string>}
 */
async function formatMarkdown(markdown, readmePath) {
  const config = (await prettier.resolveConfig(readmePath)) ?? {};
  return (await prettier.format(markdown, { ...config, parser: 'markdown' })).trimEnd();
}

/**
 * The README with both tables regenerated from the metadata.
 * @param {string} readme current README text
 * @param {ActionMetadata} metadata
 * @param {string} readmePath
 * @returns {Promise<string>}
 * @throws {Error} when the README lacks the markers
 */
export async function renderReadme(readme, metadata, readmePath) {
  const inputs = await formatMarkdown(renderInputsTable(metadata.inputs), readmePath);
  const outputs = await formatMarkdown(renderOutputsTable(metadata.outputs), readmePath);
  return replaceSection(replaceSection(readme, 'inputs', inputs), 'outputs', outputs);
}

/**
 * Compares an action's README with what its action.yml says it should contain.
 * @param {string} actionDir
 * @returns {Promise<DocsStatus>}
 */
export async function checkActionDocs(actionDir) {
  const readmePath = path.join(actionDir, 'README.md');
  return compareReadme(readmePath, async () => {
    if (!existsSync(readmePath)) throw new Error('README.md does not exist');
    const readme = readFileSync(readmePath, 'utf8');
    return {
      readme,
      expected: await renderReadme(readme, readActionMetadata(actionDir), readmePath),
    };
  });
}

/**
 * A README's status: fresh or stale against what it should say, or the error that kept us from
 * knowing.
 * @param {string} readmePath
 * @param {() => Promise<{ readme: string, expected: string }>} render
 * @returns {Promise<DocsStatus>}
 */
async function compareReadme(readmePath, render) {
  try {
    const { readme, expected } = await render();
    return { readmePath, status: expected === readme ? 'fresh' : 'stale', expected };
  } catch (error) {
    return {
      readmePath,
      status: 'error',
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

/**
 * @param {string[]} actionDirs
 * @returns {Promise<DocsStatus[]>}
 */
export async function checkDocs(actionDirs) {
  return Promise.all(actionDirs.map((dir) => checkActionDocs(dir)));
}

/**
 * The benchmark results as the top README shows them: latest.md without its title, headings one
 * level down, and links made relative to the repository root.
 * @param {string} latest bench/results/latest.md
 * @returns {string}
 */
export function renderBenchSection(latest) {
  return latest
    .replace(/^# .*\n+/, '')
    .replace(/^(#+) /gm, '$1# ')
    .replace(/\]\(\.\.\/README\.md\)/g, '](bench/README.md)')
    .trim();
}

/**
 * Compares the top README's benchmark section with bench/results/latest.md. A README without the
 * markers has no such section (a repository without benchmarks).
 * @param {string} repoRoot
 * @returns {Promise<DocsStatus | undefined>}
 */
export async function checkBenchDocs(repoRoot) {
  const readmePath = path.join(repoRoot, 'README.md');
  if (!existsSync(readmePath)) return undefined;
  const readme = readFileSync(readmePath, 'utf8');
  if (!readme.includes(MARKERS.bench.start)) return undefined;
  return compareReadme(readmePath, async () => {
    const resultsPath = path.join(repoRoot, BENCH_RESULTS);
    if (!existsSync(resultsPath)) {
      throw new Error(`${BENCH_RESULTS} does not exist; run npm run bench`);
    }
    const latest = readFileSync(resultsPath, 'utf8');
    const body = await formatMarkdown(renderBenchSection(latest), readmePath);
    return { readme, expected: replaceSection(readme, 'bench', body) };
  });
}

/**
 * Runs the command line in a repository root and returns the exit code.
 * @param {string[]} args command-line arguments after the script name
 * @param {string} repoRoot
 * @param {{ log: (line: string) => void, error: (line: string) => void }} [out]
 * @returns {Promise<number>}
 */
export async function main(args, repoRoot, out = { log: console.log, error: console.error }) {
  const unknown = args.filter((arg) => arg !== '--check');
  if (unknown.length > 0) {
    out.error(`docs: unknown argument ${unknown.join(' ')}; usage: node tools/docs.js [--check]`);
    return 2;
  }
  const checkOnly = args.includes('--check');
  const bench = await checkBenchDocs(repoRoot);
  const statuses = [...(await checkDocs(findActionDirs(repoRoot))), ...(bench ? [bench] : [])];
  const shown = (/** @type {string} */ file) => path.relative(repoRoot, file);

  const errors = statuses.filter((s) => s.status === 'error');
  for (const status of errors) out.error(`docs: ${shown(status.readmePath)}: ${status.error}`);

  const stale = statuses.filter((s) => s.status === 'stale');
  if (checkOnly) {
    if (stale.length > 0) {
      out.error(`docs: ${stale.length} README(s) out of date with action.yml or bench results:`);
      for (const status of stale) out.error(`  ${shown(status.readmePath)}`);
      out.error('docs: run `npm run docs` and commit the result');
    }
  } else {
    for (const status of stale) {
      writeFileSync(status.readmePath, status.expected ?? '');
      out.log(`docs: updated ${shown(status.readmePath)}`);
    }
  }
  if (errors.length > 0 || (checkOnly && stale.length > 0)) return 1;
  out.log(`docs: ${statuses.length} README(s) up to date`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2), process.cwd());
}
