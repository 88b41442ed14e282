import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MARKERS,
  codeCell,
  escapeCell,
  main,
  renderBenchSection,
  renderInputsTable,
  renderOutputsTable,
  replaceSection,
} from '../../../tools/docs.js';

const docsScript = fileURLToPath(new URL('../../../tools/docs.js', import.meta.url));

const markedReadme = [
  '# Echo',
  '',
  '## Inputs',
  '',
  MARKERS.inputs.start,
  MARKERS.inputs.end,
  '',
  '## Outputs',
  '',
  MARKERS.outputs.start,
  MARKERS.outputs.end,
  '',
].join('\n');

const actionYml = `name: Echo
description: Says things back.
inputs:
  greeting:
    description: What to say.
    required: true
  repeat:
    description: How often | at most 5.
    default: '1'
outputs:
  message:
    description: |
      The greeting,
      repeated.
runs:
  using: node24
  main: dist/index.js
`;

describe('escapeCell', () => {
  it.each([
    ['plain text', 'plain text'],
    ['a | b', 'a \\| b'],
    ['line one\nline two', 'line one<br>line two'],
    ['windows\r\nline', 'windows<br>line'],
    ['block scalar ends with a newline\n', 'block scalar ends with a newline'],
    ['  padded  ', 'padded'],
    ['', ''],
  ])('%j -> %j', (text, cell) => {
    expect(escapeCell(text)).toBe(cell);
  });
});

describe('codeCell', () => {
  it.each([
    ['1', '`1`'],
    ['${{ github.token }}', '`${{ github.token }}`'],
    ['a|b', '`a\\|b`'],
    ['uses `x`', '`` uses `x` ``'],
    ['type=ref,event=branch\ntype=sha\n', '`type=ref,event=branch`<br>`type=sha`'],
  ])('%j -> %j', (text, cell) => {
    expect(codeCell(text)).toBe(cell);
  });
});

describe('renderInputsTable', () => {
  it.each([
    [
      { name: 'tags', required: true, default: undefined, description: 'Tags to push.' },
      '| `tags` | yes |  | Tags to push. |',
    ],
    [
      { name: 'wait', required: false, default: '0s', description: 'Pause first.' },
      '| `wait` | no | `0s` | Pause first. |',
    ],
    [
      { name: 'token', required: false, default: '', description: 'Token | secret.\nMasked.' },
      '| `token` | no |  | Token \\| secret.<br>Masked. |',
    ],
  ])('renders %j as one row', (input, row) => {
    expect(renderInputsTable([input]).split('\n')).toEqual([
      '| Name | Required | Default | Description |',
      '| --- | --- | --- | --- |',
      row,
    ]);
  });

  it('says so when there are no inputs', () => {
    expect(renderInputsTable([])).toBe('This action has no inputs.');
  });
});

describe('renderOutputsTable', () => {
  it('renders one row per output, in order', () => {
    expect(
      renderOutputsTable([
        { name: 'result', description: 'Everything, as JSON.' },
        { name: 'digest', description: 'Image digest | sha256.' },
      ]).split('\n'),
    ).toEqual([
      '| Name | Description |',
      '| --- | --- |',
      '| `result` | Everything, as JSON. |',
      '| `digest` | Image digest \\| sha256. |',
    ]);
  });

  it('says so when there are no outputs', () => {
    expect(renderOutputsTable([])).toBe('This action has no outputs.');
  });
});

describe('replaceSection', () => {
  it('replaces only what lies between the markers', () => {
    const readme = `intro\n${MARKERS.inputs.start}\nold table\n${MARKERS.inputs.end}\nrest\n`;
    expect(replaceSection(readme, 'inputs', 'new table')).toBe(
      `intro\n${MARKERS.inputs.start}\n\nnew table\n\n${MARKERS.inputs.end}\nrest\n`,
    );
  });

  const { start, end } = MARKERS.inputs;
  it.each([
    ['no markers', 'just prose\n'],
    ['only the start marker', `${start}\n`],
    ['only the end marker', `${end}\n`],
    ['markers in the wrong order', `${end}\n${start}\n`],
    ['a repeated start marker', `${start}\n${start}\n${end}\n`],
  ])('names the markers to add when the README has %s', (_, readme) => {
    expect(() => replaceSection(readme, 'inputs', 'table')).toThrow(
      `the inputs table needs the markers ${start} and ${end}`,
    );
  });
});

describe('docs command', () => {
  let root: string;
  let actionDir: string;
  let readmePath: string;
  let lines: string[];
  const out = {
    log: (line: string) => lines.push(line),
    error: (line: string) => lines.push(line),
  };

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'slipway-docs-'));
    actionDir = path.join(root, 'actions', 'echo');
    readmePath = path.join(actionDir, 'README.md');
    mkdirSync(actionDir, { recursive: true });
    writeFileSync(path.join(actionDir, 'action.yml'), actionYml);
    writeFileSync(readmePath, markedReadme);
    lines = [];
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('writes both tables between the markers', async () => {
    expect(await main([], root, out)).toBe(0);
    expect(readFileSync(readmePath, 'utf8')).toBe(
      [
        '# Echo',
        '',
        '## Inputs',
        '',
        MARKERS.inputs.start,
        '',
        '| Name       | Required | Default | Description             |',
        '| ---------- | -------- | ------- | ----------------------- |',
        '| `greeting` | yes      |         | What to say.            |',
        '| `repeat`   | no       | `1`     | How often \\| at most 5. |',
        '',
        MARKERS.inputs.end,
        '',
        '## Outputs',
        '',
        MARKERS.outputs.start,
        '',
        '| Name      | Description                |',
        '| --------- | -------------------------- |',
        '| `message` | The greeting,<br>repeated. |',
        '',
        MARKERS.outputs.end,
        '',
      ].join('\n'),
    );
    expect(lines).toContain('docs: updated actions/echo/README.md');
  });

  it('is stable: a second run changes nothing and --check passes', async () => {
    await main([], root, out);
    const once = readFileSync(readmePath, 'utf8');
    lines = [];
    expect(await main([], root, out)).toBe(0);
    expect(readFileSync(readmePath, 'utf8')).toBe(once);
    expect(await main(['--check'], root, out)).toBe(0);
    expect(lines).toContain('docs: 1 README(s) up to date');
  });

  it('--check fails, names the README and leaves it alone when action.yml changed', async () => {
    await main([], root, out);
    writeFileSync(
      path.join(actionDir, 'action.yml'),
      actionYml.replace('What to say.', 'What to say back.'),
    );
    const before = readFileSync(readmePath, 'utf8');
    lines = [];
    expect(await main(['--check'], root, out)).toBe(1);
    expect(lines).toContain('  actions/echo/README.md');
    expect(readFileSync(readmePath, 'utf8')).toBe(before);
  });

  it.each([[[]], [['--check']]])(
    'with args %j, a README without markers is an error naming the file and the markers',
    async (args) => {
      writeFileSync(readmePath, '# Echo\n\nNo tables yet.\n');
      expect(await main(args, root, out)).toBe(1);
      expect(lines.join('\n')).toContain(
        `docs: actions/echo/README.md: the inputs table needs the markers ${MARKERS.inputs.start} and ${MARKERS.inputs.end}`,
      );
      expect(readFileSync(readmePath, 'utf8')).toBe('# Echo\n\nNo tables yet.\n');
    },
  );

  it('reports a missing README', async () => {
    rmSync(readmePath);
    expect(await main(['--check'], root, out)).toBe(1);
    expect(lines).toContain('docs: actions/echo/README.md: README.md does not exist');
  });

  it('covers fixture actions as well as real ones', async () => {
    const fixtureDir = path.join(root, 'test', 'fixtures', 'actions', 'other');
    mkdirSync(fixtureDir, { recursive: true });
    writeFileSync(path.join(fixtureDir, 'action.yml'), actionYml);
    writeFileSync(path.join(fixtureDir, 'README.md'), markedReadme);
    expect(await main([], root, out)).toBe(0);
    expect(lines).toContain('docs: updated test/fixtures/actions/other/README.md');
  });

  describe('the benchmark table in the top README', () => {
    const topReadme = () => path.join(root, 'README.md');
    const results = (value: string) =>
      [
        '# Benchmark results',
        '',
        'How each figure is made: [bench/README.md](../README.md).',
        '',
        '| figure | value |',
        '|---|---:|',
        `| \`startup.node.ms\` | ${value} |`,
        '',
        '## Canary judge',
        '',
      ].join('\n');

    beforeEach(() => {
      mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
      writeFileSync(path.join(root, 'bench', 'results', 'latest.md'), results('27.4'));
      writeFileSync(
        topReadme(),
        `# Project\n\n${MARKERS.bench.start}\n${MARKERS.bench.end}\n\n## After\n`,
      );
    });

    it('copies latest.md between the markers, one heading level down, links from the root', async () => {
      expect(await main([], root, out)).toBe(0);
      const readme = readFileSync(topReadme(), 'utf8');
      expect(readme).toContain('| `startup.node.ms` |  27.4 |');
      expect(readme).toContain('\n### Canary judge');
      expect(readme).toContain('[bench/README.md](bench/README.md)');
      expect(readme).not.toContain('# Benchmark results');
      expect(readme).toContain('## After');
      expect(await main(['--check'], root, out)).toBe(0);
    });

    it('--check names the README when the figures changed', async () => {
      await main([], root, out);
      writeFileSync(path.join(root, 'bench', 'results', 'latest.md'), results('31.0'));
      lines = [];
      expect(await main(['--check'], root, out)).toBe(1);
      expect(lines).toContain('  README.md');
    });

    it('says to run the benchmarks when latest.md is missing', async () => {
      rmSync(path.join(root, 'bench', 'results', 'latest.md'));
      expect(await main(['--check'], root, out)).toBe(1);
      expect(lines.join('\n')).toContain(
        'bench/results/latest.md does not exist; run npm run bench',
      );
    });
  });

  it('renderBenchSection drops the title and demotes headings', () => {
    expect(renderBenchSection('# Title\n\nText [x](../README.md).\n\n## Part\n')).toBe(
      'Text [x](bench/README.md).\n\n### Part',
    );
  });

  it('rejects unknown arguments', async () => {
    expect(await main(['--fix'], root, out)).toBe(2);
  });

  it.each([
    [[], 0],
    [['--check'], 1],
  ])('as a program run with %j in a stale repository, exits %i', (args, exitCode) => {
    const result = spawnSync(process.execPath, [docsScript, ...args], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(result.status).toBe(exitCode);
  });
});
