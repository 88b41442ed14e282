import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportError, type Finding } from '../../../src/quality-gate/model.js';
import { parseEslint } from '../../../src/quality-gate/parsers/eslint.js';
import { fileSource, textSource } from '../../../src/core/reports/source.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/quality-gate/', import.meta.url));
const WORKSPACE = '/home/runner/work/app/app';

function parseText(text: string) {
  return parseEslint(textSource(text, 'eslint.json'), {
    workspace: WORKSPACE,
    origin: 'eslint.json',
  });
}

function lintResult(
  filePath: string,
  messages: Record<string, unknown>[],
): Record<string, unknown> {
  return {
    filePath,
    messages,
    suppressedMessages: [],
    errorCount: 0,
    warningCount: 0,
    fatalErrorCount: 0,
  };
}

type Summary = Omit<Finding, 'source'>;

describe('parseEslint', () => {
  it.each<[string, unknown, Summary[]]>([
    [
      'severity 2 is an error and 1 a warning, with end positions',
      [
        lintResult(`${WORKSPACE}/src/a.js`, [
          {
            ruleId: 'no-undef',
            severity: 2,
            message: "'x' is not defined.",
            line: 3,
            column: 5,
            endLine: 3,
            endColumn: 6,
          },
          {
            ruleId: 'eqeqeq',
            severity: 1,
            message: "Expected '==='.",
            line: 4,
            column: 9,
            endLine: 4,
            endColumn: 11,
          },
        ]),
      ],
      [
        {
          rule: 'no-undef',
          severity: 'error',
          message: "'x' is not defined.",
          file: 'src/a.js',
          line: 3,
          endLine: 3,
          column: 5,
          endColumn: 6,
        },
        {
          rule: 'eqeqeq',
          severity: 'warning',
          message: "Expected '==='.",
          file: 'src/a.js',
          line: 4,
          endLine: 4,
          column: 9,
          endColumn: 11,
        },
      ],
    ],
    [
      'a fatal parse error has no rule and is an error',
      [
        lintResult(`${WORKSPACE}/src/b.js`, [
          {
            ruleId: null,
            fatal: true,
            severity: 2,
            message: 'Parsing error: Unexpected token ;',
            line: 2,
            column: 17,
          },
        ]),
      ],
      [
        {
          severity: 'error',
          message: 'Parsing error: Unexpected token ;',
          file: 'src/b.js',
          line: 2,
          column: 17,
        },
      ],
    ],
    [
      'a message without a position keeps its file',
      [
        lintResult(`${WORKSPACE}/dist/x.js`, [
          {
            ruleId: null,
            severity: 1,
            message: 'File ignored because of a matching ignore pattern.',
          },
        ]),
      ],
      [
        {
          severity: 'warning',
          message: 'File ignored because of a matching ignore pattern.',
          file: 'dist/x.js',
        },
      ],
    ],
    [
      'suppressed messages and severity 0 are not findings',
      [
        {
          ...lintResult(`${WORKSPACE}/src/c.js`, [
            { ruleId: 'x', severity: 0, message: 'off', line: 1, column: 1 },
          ]),
          suppressedMessages: [
            {
              ruleId: 'no-console',
              severity: 1,
              message: 'Unexpected console statement.',
              line: 1,
              column: 1,
              suppressions: [{ kind: 'directive', justification: '' }],
            },
          ],
        },
      ],
      [],
    ],
    [
      'the json-with-metadata wrapper',
      {
        results: [
          lintResult('src/d.ts', [
            {
              ruleId: '@typescript-eslint/no-explicit-any',
              severity: 2,
              message: 'Unexpected any.',
              line: 1,
              column: 10,
            },
          ]),
        ],
        metadata: { rulesMeta: {} },
      },
      [
        {
          rule: '@typescript-eslint/no-explicit-any',
          severity: 'error',
          message: 'Unexpected any.',
          file: 'src/d.ts',
          line: 1,
          column: 10,
        },
      ],
    ],
    [
      'json-with-metadata links a rule to its docs.url, only when it is an http(s) URL',
      {
        results: [
          lintResult(`${WORKSPACE}/src/e.js`, [
            { ruleId: 'eqeqeq', severity: 1, message: 'a', line: 1, column: 1 },
            { ruleId: 'local/evil', severity: 1, message: 'b', line: 2, column: 1 },
            { ruleId: 'local/relative', severity: 1, message: 'c', line: 3, column: 1 },
            { ruleId: 'local/no-docs', severity: 1, message: 'd', line: 4, column: 1 },
            { ruleId: 'constructor', severity: 1, message: 'e', line: 5, column: 1 },
          ]),
        ],
        metadata: {
          rulesMeta: {
            eqeqeq: { docs: { url: 'https://eslint.org/docs/latest/rules/eqeqeq' } },
            'local/evil': { docs: { url: 'javascript:alert(1)' } },
            'local/relative': { docs: { url: '/docs/rules/relative' } },
            'local/no-docs': { type: 'problem' },
          },
        },
      },
      [
        {
          rule: 'eqeqeq',
          ruleUrl: 'https://eslint.org/docs/latest/rules/eqeqeq',
          severity: 'warning',
          message: 'a',
          file: 'src/e.js',
          line: 1,
          column: 1,
        },
        ...['local/evil', 'local/relative', 'local/no-docs', 'constructor'].map((rule, index) => ({
          rule,
          severity: 'warning' as const,
          message: 'bcde'[index],
          file: 'src/e.js',
          line: index + 2,
          column: 1,
        })),
      ],
    ],
    ['no files linted', [], []],
  ])('%s', async (_case, report, expected) => {
    const { findings } = await parseText(JSON.stringify(report));
    expect(findings.map(({ source: _source, ...rest }) => rest)).toEqual(expected);
    expect(findings.every((finding) => finding.source === 'eslint')).toBe(true);
  });

  it.each([
    ['not JSON', 'Oops! Something went wrong! :(', /not valid JSON/],
    ['JSON of another shape', '{"errors": 3}', /expected an array of results/],
    ['empty output', '', /is empty/],
    [
      'messages that are not an array',
      '[{"filePath":"a.js","messages":"oops"}]',
      /result 1's messages must be an array/,
    ],
    ['a result that is not an object', '[42]', /result 1 must be an object/],
    [
      'a filePath that is not a string',
      '[{"filePath":7,"messages":[]}]',
      /filePath must be a string/,
    ],
    [
      'a message that is not an object',
      '[{"filePath":"a.js","messages":["oops"]}]',
      /message 1 of result 1 must be an object/,
    ],
    [
      'an unknown severity',
      '[{"filePath":"a.js","messages":[{"severity":"high","message":"x"}]}]',
      /severity 0, 1 or 2/,
    ],
    [
      'json-with-metadata with bad messages',
      '{"results":[{"filePath":"a.js","messages":{}}]}',
      /messages must be an array/,
    ],
  ])('refuses %s', async (_case, text, problem) => {
    await expect(parseText(text)).rejects.toThrow(ReportError);
    await expect(parseText(text)).rejects.toThrow(problem);
  });

  it('reads the captured eslint-demo report', async () => {
    const path = join(FIXTURES, 'eslint', 'eslint-demo.json');
    const { findings } = await parseEslint(fileSource(path), {
      workspace: '/tmp/capture/eslint-demo',
      origin: path,
    });
    expect(
      findings.map(
        (f) => `${f.severity} ${f.file}:${f.line}:${f.column} ${f.rule ?? '(parse error)'}`,
      ),
    ).toEqual([
      'error src/broken.js:2:17 (parse error)',
      'warning src/cart.js:4:23 eqeqeq',
      'error src/cart.js:7:7 prefer-const',
      'error src/cart.js:12:9 no-unused-vars',
      'warning src/cart.js:13:3 no-console',
      'error src/cart.js:14:10 no-undef',
    ]);
  });
});

describe('real eslint on the eslint-demo project', () => {
  const require = createRequire(import.meta.url);
  const eslintBin = join(dirname(require.resolve('eslint/package.json')), 'bin', 'eslint.js');
  let workspace: string;

  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'qg-eslint-'));
    cpSync(join(FIXTURES, 'projects', 'eslint-demo'), workspace, { recursive: true });
  });
  afterAll(() => rmSync(workspace, { recursive: true, force: true }));

  function eslint(format: string): string {
    const result = spawnSync(process.execPath, [eslintBin, '-f', format, '.'], {
      cwd: workspace,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.status, result.stderr).toBe(1);
    return result.stdout;
  }

  /** "✖ 6 problems (4 errors, 2 warnings)" from ESLint's own stylish formatter. */
  function stylishCounts(): { errors: number; warnings: number } {
    const match = /(\d+) problems? \((\d+) errors?, (\d+) warnings?\)/.exec(eslint('stylish'));
    expect(match).not.toBeNull();
    return { errors: Number(match![2]), warnings: Number(match![3]) };
  }

  function counts(findings: Finding[]) {
    return {
      errors: findings.filter((finding) => finding.severity === 'error').length,
      warnings: findings.filter((finding) => finding.severity === 'warning').length,
    };
  }

  it.each([
    ['json', parseEslint],
    ['json-with-metadata', parseEslint],
    // @microsoft/eslint-formatter-sarif is not a dependency (it asks for jschardet@latest, which
    // broke npm ci); its output on this project is the fixture sarif/eslint-demo.sarif, which
    // test/quality-gate/parsers/sarif.test.ts reads.
  ] as const)('-f %s: our counts equal the stylish summary', async (format, parse) => {
    const output = eslint(format);
    const { findings } = await parse(textSource(output, `eslint -f ${format}`), {
      workspace,
      origin: format,
    });
    const expected = stylishCounts();
    expect(expected).toEqual({ errors: 4, warnings: 2 });
    expect(counts(findings)).toEqual(expected);
    expect(new Set(findings.map((finding) => finding.file))).toEqual(
      new Set(['src/broken.js', 'src/cart.js']),
    );
  });

  it('-f json-with-metadata links each rule to the docs URL ESLint gives for it', async () => {
    const output = eslint('json-with-metadata');
    const { findings } = await parseEslint(textSource(output, 'eslint -f json-with-metadata'), {
      workspace,
      origin: 'json-with-metadata',
    });
    const { builtinRules } = require('eslint/use-at-your-own-risk') as {
      builtinRules: Map<string, { meta?: { docs?: { url?: string } } }>;
    };
    const links = findings.map((finding) => [finding.rule ?? '(parse error)', finding.ruleUrl]);
    expect(links).toEqual(
      findings.map((finding) =>
        finding.rule === undefined
          ? ['(parse error)', undefined]
          : [finding.rule, builtinRules.get(finding.rule)?.meta?.docs?.url],
      ),
    );
    expect(links).toContainEqual(['eqeqeq', 'https://eslint.org/docs/latest/rules/eqeqeq']);
    expect(findings.filter((finding) => finding.ruleUrl !== undefined)).toHaveLength(5);
  });

  it('-f json has no docs URLs', async () => {
    const { findings } = await parseEslint(textSource(eslint('json'), 'eslint -f json'), {
      workspace,
      origin: 'json',
    });
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.map((finding) => finding.ruleUrl).filter(Boolean)).toEqual([]);
  });
});
