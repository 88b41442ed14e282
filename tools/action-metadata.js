// @ts-check
// Reads and checks the metadata (action.yml) of every action directory in the repository.
// Used by tools/docs.js and by test/tools/action-metadata; plain ESM so that node runs it without a build.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as nodeModule from 'node:module';
import path from 'node:path';
import { parse } from 'yaml';

/** Folders (relative to the repository root) whose sub-folders are actions. */
export const ACTION_PARENT_DIRS = ['actions', 'test/fixtures/actions'];

export const REQUIRED_NODE_RUNTIME = 'node24';

/**
 * @typedef {object} InputDoc
 * @property {string} name
 * @property {string} description empty when action.yml gives none
 * @property {boolean} required
 * @property {string | undefined} default undefined when action.yml gives none
 */

/**
 * @typedef {object} OutputDoc
 * @property {string} name
 * @property {string} description empty when action.yml gives none
 */

/**
 * @typedef {object} ActionMetadata
 * @property {string} name
 * @property {string} description
 * @property {InputDoc[]} inputs in the order action.yml lists them
 * @property {OutputDoc[]} outputs in the order action.yml lists them
 * @property {Record<string, string>} runs every key of `runs` that holds a scalar
 */

/**
 * Every action directory under the ACTION_PARENT_DIRS of a repository, sorted.
 * A sub-folder counts even without action.yml, so that a forgotten action.yml is reported
 * instead of silently skipped.
 * @param {string} repoRoot
 * @returns {string[]} absolute paths
 */
export function findActionDirs(repoRoot) {
  /** @type {string[]} */
  const dirs = [];
  for (const parent of ACTION_PARENT_DIRS) {
    const parentDir = path.join(repoRoot, parent);
    if (!existsSync(parentDir)) continue;
    for (const entry of readdirSync(parentDir, { withFileTypes: true })) {
      if (entry.isDirectory()) dirs.push(path.join(parentDir, entry.name));
    }
  }
  return dirs.sort();
}

/**
 * The runner reads every scalar of action.yml as a string, so the failsafe schema is used:
 * a default of `1.0` stays "1.0" instead of becoming the number 1.
 * @param {string} text contents of an action.yml
 * @returns {ActionMetadata}
 * @throws {Error} when the text is not YAML or not a mapping
 */
export function parseActionMetadata(text) {
  const root = parse(text, { schema: 'failsafe' });
  if (!isMapping(root)) throw new Error('action.yml must be a YAML mapping');
  return {
    name: scalar(root.name) ?? '',
    description: scalar(root.description) ?? '',
    inputs: entries(root.inputs).map(([name, spec]) => ({
      name,
      description: scalar(spec.description)?.trim() ?? '',
      required: /^(true|True|TRUE)$/.test(scalar(spec.required) ?? ''),
      default: nonNull(scalar(spec.default)),
    })),
    outputs: entries(root.outputs).map(([name, spec]) => ({
      name,
      description: scalar(spec.description)?.trim() ?? '',
    })),
    runs: isMapping(root.runs)
      ? Object.fromEntries(
          Object.entries(root.runs).filter(([, value]) => typeof value === 'string'),
        )
      : {},
  };
}

/**
 * @param {string} actionDir
 * @returns {ActionMetadata}
 * @throws {Error} naming the file when action.yml is missing or unreadable
 */
export function readActionMetadata(actionDir) {
  const file = path.join(actionDir, 'action.yml');
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  try {
    return parseActionMetadata(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${file}: ${reason}`, { cause: error });
  }
}

/**
 * What is wrong with an action's metadata, one sentence per problem; empty when nothing is.
 * @param {ActionMetadata} metadata
 * @param {(relativePath: string) => boolean} fileExists whether a path relative to the action dir is a file
 * @returns {string[]}
 */
export function checkActionMetadata(metadata, fileExists) {
  /** @type {string[]} */
  const problems = [];
  if (metadata.name.trim() === '') problems.push('action.yml has no name');
  if (metadata.description.trim() === '') problems.push('action.yml has no description');

  const { using } = metadata.runs;
  if (using !== REQUIRED_NODE_RUNTIME) {
    problems.push(
      `runs.using is ${JSON.stringify(using ?? '')}; JavaScript actions here must use "${REQUIRED_NODE_RUNTIME}"`,
    );
  }
  if (!metadata.runs.main)
    problems.push('runs.main is missing; set it to the bundle, e.g. dist/index.js');
  for (const entry of ['pre', 'main', 'post']) {
    const bundle = metadata.runs[entry];
    if (bundle && !fileExists(bundle)) {
      problems.push(`runs.${entry} points at ${bundle}, which does not exist; run npm run bundle`);
    }
  }

  for (const input of metadata.inputs) {
    if (input.description === '') problems.push(`input "${input.name}" has no description`);
  }
  for (const output of metadata.outputs) {
    if (output.description === '') problems.push(`output "${output.name}" has no description`);
  }
  return problems;
}

/**
 * Reads an action directory and checks its metadata and bundles: the schema of GitHub's own
 * parser first, then the house rules of checkActionMetadata.
 * @param {string} actionDir
 * @returns {Promise<string[]>} problems, empty when the action is fine
 */
export async function checkActionDir(actionDir) {
  const file = path.join(actionDir, 'action.yml');
  if (!existsSync(file)) return [`${file} does not exist`];
  const text = readFileSync(file, 'utf8');
  const schemaProblems = await actionSchemaProblems(text);
  /** @type {ActionMetadata} */
  let metadata;
  try {
    metadata = parseActionMetadata(text);
  } catch (error) {
    // The parser has already reported the YAML error, with its position.
    return schemaProblems.length > 0
      ? schemaProblems
      : [error instanceof Error ? error.message : String(error)];
  }
  const houseProblems = checkActionMetadata(metadata, (relativePath) => {
    const bundle = path.resolve(actionDir, relativePath);
    return existsSync(bundle) && statSync(bundle).isFile();
  });
  return [...schemaProblems, ...houseProblems];
}

/**
 * Validates action.yml text against the action schema GitHub's language services use.
 * @param {string} text
 * @returns {Promise<string[]>} one message per error, each with line and column
 */
export async function actionSchemaProblems(text) {
  const { parseAction, convertActionTemplate, NoOperationTraceWriter } = await loadWorkflowParser();
  const result = parseAction({ name: 'action.yml', content: text }, new NoOperationTraceWriter());
  if (result.value) convertActionTemplate(result.context, result.value);
  return result.context.errors.getErrors().map((error) => error.message);
}

let parserJsonImportsAllowed = false;

/**
 * Loads @actions/workflow-parser (workflow and action parsers). Version 0.3.61 imports its
 * JSON schemas without `with { type: 'json' }`, which Node rejects with
 * ERR_IMPORT_ATTRIBUTE_MISSING; a resolve hook adds the attribute for that package's JSON
 * files only, so the parser loads under plain node and under vitest alike.
 */
export async function loadWorkflowParser() {
  if (!parserJsonImportsAllowed) {
    /** @type {((hooks: { resolve: Function }) => void) | undefined} */
    const registerHooks = /** @type {any} */ (nodeModule).registerHooks;
    if (typeof registerHooks !== 'function') {
      throw new Error(
        'loading @actions/workflow-parser needs Node 22.15 or newer (module.registerHooks)',
      );
    }
    registerHooks({
      resolve(
        /** @type {string} */ specifier,
        /** @type {any} */ context,
        /** @type {Function} */ nextResolve,
      ) {
        const resolved = nextResolve(specifier, context);
        const isParserJson =
          resolved.url.includes('/node_modules/@actions/workflow-parser/') &&
          resolved.url.endsWith('.json');
        return isParserJson ? { ...resolved, importAttributes: { type: 'json' } } : resolved;
      },
    });
    parserJsonImportsAllowed = true;
  }
  const [workflows, actions] = await Promise.all([
    import('@actions/workflow-parser'),
    import('@actions/workflow-parser/actions/index'),
  ]);
  return { ...workflows, ...actions };
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, any>}
 */
function isMapping(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * @param {unknown} value
 * @returns {string | undefined}
 */
function scalar(value) {
  return typeof value === 'string' ? value : undefined;
}

/**
 * The failsafe schema keeps YAML nulls as text; the runner treats them as "no value".
 * @param {string | undefined} value
 * @returns {string | undefined}
 */
function nonNull(value) {
  return value === undefined || /^(|~|null|Null|NULL)$/.test(value) ? undefined : value;
}

/**
 * Key/value pairs of a mapping; an entry whose value is not a mapping (e.g. `foo:` with
 * nothing under it) is kept with an empty spec so that it is still reported.
 * @param {unknown} value
 * @returns {[string, Record<string, any>][]}
 */
function entries(value) {
  if (!isMapping(value)) return [];
  return Object.entries(value).map(([key, spec]) => [key, isMapping(spec) ? spec : {}]);
}
