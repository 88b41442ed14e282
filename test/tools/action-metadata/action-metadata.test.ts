import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkActionDir,
  checkActionMetadata,
  findActionDirs,
  parseActionMetadata,
} from '../../../tools/action-metadata.js';
import { MARKERS, checkActionDocs, main as generateDocs } from '../../../tools/docs.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** Everything the repository demands of an action directory, as messages. */
async function actionProblems(actionDir: string): Promise<string[]> {
  const problems = await checkActionDir(actionDir);
  const docs = await checkActionDocs(actionDir);
  if (docs.status === 'stale') {
    problems.push('README.md tables are out of date with action.yml; run npm run docs');
  }
  if (docs.status === 'error') problems.push(`README.md: ${docs.error}`);
  return problems;
}

describe('every action in the repository', () => {
  const actionDirs = findActionDirs(repoRoot);

  it('includes the fixture action, so that fixtures are checked too', () => {
    expect(actionDirs).toContain(path.join(repoRoot, 'test', 'fixtures', 'actions', 'echo'));
  });

  it.each(actionDirs.map((dir) => [path.relative(repoRoot, dir), dir]))(
    '%s passes every metadata and docs check',
    async (_, actionDir) => {
      expect(await actionProblems(actionDir)).toEqual([]);
    },
  );
});

describe('parseActionMetadata', () => {
  const withInput = (spec: string) =>
    `name: x\ndescription: x\ninputs:\n  value:\n${spec.replace(/^/gm, '    ')}\nruns:\n  using: node24\n  main: a.js\n`;

  it.each([
    ['a quoted number stays as written', "default: '1'", { default: '1', required: false }],
    ['an unquoted number stays as written', 'default: 1.0', { default: '1.0', required: false }],
    ['an empty default is no default', 'default:', { default: undefined, required: false }],
    ['a null default is no default', 'default: ~', { default: undefined, required: false }],
    [
      'a block default keeps its lines',
      'default: |\n  a\n  b',
      { default: 'a\nb\n', required: false },
    ],
    ['required: true', 'required: true', { default: undefined, required: true }],
    ["required: 'true'", "required: 'true'", { default: undefined, required: true }],
    ['required: false', 'required: false', { default: undefined, required: false }],
  ])('%s', (_, spec, expected) => {
    const [input] = parseActionMetadata(withInput(spec)).inputs;
    expect({ default: input?.default, required: input?.required }).toEqual(expected);
  });

  it('keeps inputs and outputs in the order action.yml lists them', () => {
    const metadata = parseActionMetadata(
      'name: x\ndescription: y\ninputs:\n  b: {description: B}\n  a: {description: A}\n' +
        'outputs:\n  z: {description: Z}\n  y:\nruns: {using: node24, main: a.js}\n',
    );
    expect(metadata.inputs.map((input) => input.name)).toEqual(['b', 'a']);
    expect(metadata.outputs).toEqual([
      { name: 'z', description: 'Z' },
      { name: 'y', description: '' },
    ]);
  });

  it.each([['just text'], ['- a\n- list']])('rejects %j, which is not a mapping', (text) => {
    expect(() => parseActionMetadata(text)).toThrow('action.yml must be a YAML mapping');
  });
});

describe('checkActionMetadata', () => {
  const good = {
    name: 'Echo',
    description: 'Says things back.',
    inputs: [{ name: 'greeting', description: 'What to say.', required: true, default: undefined }],
    outputs: [{ name: 'message', description: 'What was said.' }],
    runs: { using: 'node24', main: 'dist/index.js', post: 'dist/post/index.js' },
  };
  const bundles = new Set(['dist/index.js', 'dist/post/index.js']);
  const exists = (file: string) => bundles.has(file);

  it.each([
    ['a well-formed action', good, []],
    [
      'runs.using node22',
      { ...good, runs: { ...good.runs, using: 'node22' } },
      ['runs.using is "node22"; JavaScript actions here must use "node24"'],
    ],
    [
      'no runs.main',
      { ...good, runs: { using: 'node24' } },
      ['runs.main is missing; set it to the bundle, e.g. dist/index.js'],
    ],
    [
      'a missing main bundle',
      { ...good, runs: { ...good.runs, main: 'dist/main.js' } },
      ['runs.main points at dist/main.js, which does not exist; run npm run bundle'],
    ],
    [
      'a missing post bundle',
      { ...good, runs: { ...good.runs, post: 'dist/cleanup.js' } },
      ['runs.post points at dist/cleanup.js, which does not exist; run npm run bundle'],
    ],
    ['no description', { ...good, description: ' ' }, ['action.yml has no description']],
    ['no name', { ...good, name: '' }, ['action.yml has no name']],
    [
      'an input without description',
      { ...good, inputs: [{ ...good.inputs[0], description: '' }] },
      ['input "greeting" has no description'],
    ],
    [
      'an output without description',
      { ...good, outputs: [{ name: 'message', description: '' }] },
      ['output "message" has no description'],
    ],
  ])('%s', (_, metadata, problems) => {
    expect(checkActionMetadata(metadata, exists)).toEqual(problems);
  });
});

describe('an action directory with problems', () => {
  let root: string;

  const goodActionYml = `name: Echo
description: Says things back.
inputs:
  greeting:
    description: What to say.
    required: true
outputs:
  message:
    description: What was said.
runs:
  using: node24
  main: dist/index.js
  post: dist/post/index.js
`;
  const readme = `# Echo\n\n${MARKERS.inputs.start}\n${MARKERS.inputs.end}\n\n${MARKERS.outputs.start}\n${MARKERS.outputs.end}\n`;

  /** Writes an action into the temp repository and generates its README tables. */
  async function writeAction(
    name: string,
    files: Record<string, string | undefined>,
  ): Promise<string> {
    const dir = path.join(root, 'actions', name);
    const all: Record<string, string | undefined> = {
      'action.yml': goodActionYml,
      'README.md': readme,
      'dist/index.js': 'export {};\n',
      'dist/post/index.js': 'export {};\n',
      ...files,
    };
    for (const [file, content] of Object.entries(all)) {
      if (content === undefined) continue;
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), content);
    }
    return dir;
  }

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'slipway-actions-'));
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('a well-formed action with generated tables has no problems', async () => {
    const dir = await writeAction('good', {});
    await generateDocs([], root, { log: () => {}, error: () => {} });
    expect(await actionProblems(dir)).toEqual([]);
  });

  it('reports every problem of a bad action.yml, each naming what is wrong', async () => {
    const dir = await writeAction('bad', {
      'action.yml': `name: Bad
inputs:
  greeting:
    required: true
runs:
  using: node22
  main: dist/missing.js
`,
      'dist/index.js': undefined,
      'dist/post/index.js': undefined,
    });
    const problems = await actionProblems(dir);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Required property is missing: description/),
        expect.stringMatching(/Unexpected value 'node22'/),
        'action.yml has no description',
        'runs.using is "node22"; JavaScript actions here must use "node24"',
        'runs.main points at dist/missing.js, which does not exist; run npm run bundle',
        'input "greeting" has no description',
      ]),
    );
  });

  it.each([
    [
      'an action.yml that is not YAML',
      { 'action.yml': 'name: [unclosed\n' },
      /^action\.yml: Flow sequence in block collection must be sufficiently indented/,
    ],
    ['a missing action.yml', { 'action.yml': undefined }, /action\.yml does not exist$/],
    [
      'an unknown key at the top of action.yml',
      { 'action.yml': `${goodActionYml}colour: red\n` },
      /Unexpected value 'colour'/,
    ],
    [
      'a missing post bundle',
      { 'dist/post/index.js': undefined },
      'runs.post points at dist/post/index.js, which does not exist; run npm run bundle',
    ],
    ['a missing README', { 'README.md': undefined }, 'README.md: README.md does not exist'],
    [
      'a README without markers',
      { 'README.md': '# Echo\n' },
      `README.md: the inputs table needs the markers ${MARKERS.inputs.start} and ${MARKERS.inputs.end}, once each and in that order; add them where the inputs table belongs`,
    ],
    [
      'a README whose tables were never generated',
      {},
      'README.md tables are out of date with action.yml; run npm run docs',
    ],
  ])('reports %s', async (name, files, expected) => {
    const dir = await writeAction(name.replace(/\W+/g, '-'), files);
    const problems = await actionProblems(dir);
    expect(problems).toContainEqual(
      typeof expected === 'string' ? expected : expect.stringMatching(expected),
    );
  });
});
