import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ReportError, type Finding } from '../../../src/quality-gate/model.js';
import { parseSarif } from '../../../src/quality-gate/parsers/sarif.js';
import { fileSource, textSource } from '../../../src/core/reports/source.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/quality-gate/', import.meta.url));
const WORKSPACE = '/home/runner/work/app/app';

function parseText(text: string) {
  return parseSarif(textSource(text, 'results.sarif'), {
    workspace: WORKSPACE,
    origin: 'results.sarif',
  });
}

type Json = Record<string, unknown>;

const RULES = [
  { id: 'R1', defaultConfiguration: { level: 'error' } },
  {
    id: 'R2',
    defaultConfiguration: { level: 'note' },
    messageStrings: { default: { text: 'Variable {0} is shadowed by {1}.' } },
  },
  { id: 'R3' },
];

function log(results: Json[], run: Json = {}): Json {
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [{ tool: { driver: { name: 'Linty', rules: RULES } }, results, ...run }],
  };
}

function at(uri: string, extra: Json = {}): Json {
  return {
    physicalLocation: {
      artifactLocation: { uri, ...extra },
      region: { startLine: 4, startColumn: 2 },
    },
  };
}

function result(fields: Json): Json {
  return { message: { text: 'problem' }, locations: [at('src/a.ts')], ...fields };
}

type Summary = Pick<Finding, 'rule' | 'severity' | 'message' | 'file'>;
const summarise = (findings: Finding[]): Summary[] =>
  findings.map(({ rule, severity, message, file }) => ({
    ...(rule !== undefined && { rule }),
    severity,
    message,
    ...(file !== undefined && { file }),
  }));

describe('parseSarif: levels', () => {
  it.each<[string, Json, Summary['severity'] | 'dropped']>([
    [
      'the result level wins over the rule default',
      result({ ruleId: 'R1', level: 'warning' }),
      'warning',
    ],
    ['the rule default, found by ruleIndex', result({ ruleIndex: 0 }), 'error'],
    ['the rule default, found by ruleId', result({ ruleId: 'R1' }), 'error'],
    [
      'the rule default, found by a rule reference',
      result({ rule: { id: 'R2', index: 1 } }),
      'notice',
    ],
    ['a hierarchical ruleId falls back to its parent rule', result({ ruleId: 'R1/sub' }), 'error'],
    ['no level and no rule default is a warning', result({ ruleId: 'R3' }), 'warning'],
    ['an unknown rule is a warning', result({ ruleId: 'nope' }), 'warning'],
    ['note is a notice', result({ level: 'note' }), 'notice'],
    ['level none is dropped', result({ level: 'none' }), 'dropped'],
    ['kind pass is dropped', result({ kind: 'pass', level: 'error' }), 'dropped'],
    ['kind open is dropped', result({ kind: 'open' }), 'dropped'],
    ['kind informational is dropped', result({ kind: 'informational', ruleId: 'R1' }), 'dropped'],
    ['kind fail keeps the level', result({ kind: 'fail', ruleId: 'R1' }), 'error'],
    [
      'an accepted suppression drops the result',
      result({ level: 'error', suppressions: [{ kind: 'inSource', status: 'accepted' }] }),
      'dropped',
    ],
    [
      'a suppression without status drops the result',
      result({ level: 'error', suppressions: [{ kind: 'external' }] }),
      'dropped',
    ],
    [
      'a suppression under review keeps it',
      result({ level: 'error', suppressions: [{ kind: 'external', status: 'underReview' }] }),
      'error',
    ],
    [
      'a rejected suppression keeps it',
      result({
        level: 'error',
        suppressions: [{ kind: 'inSource' }, { kind: 'external', status: 'rejected' }],
      }),
      'error',
    ],
    ['an empty suppressions array keeps it', result({ level: 'error', suppressions: [] }), 'error'],
  ])('%s', async (_case, entry, expected) => {
    const { findings } = await parseText(JSON.stringify(log([entry])));
    expect(findings.map((finding) => finding.severity)).toEqual(
      expected === 'dropped' ? [] : [expected],
    );
  });

  it('a rule in a tool extension, by toolComponent index and by id', async () => {
    const run = {
      tool: {
        driver: { name: 'CodeQL', rules: [] },
        extensions: [
          {
            name: 'codeql/js-queries',
            rules: [{ id: 'js/xss', defaultConfiguration: { level: 'error' } }],
          },
        ],
      },
    };
    const sarif = log(
      [result({ rule: { index: 0, toolComponent: { index: 0 } } }), result({ ruleId: 'js/xss' })],
      run,
    );
    const { findings } = await parseText(JSON.stringify(sarif));
    expect(summarise(findings)).toEqual([
      { rule: 'js/xss', severity: 'error', message: 'problem', file: 'src/a.ts' },
      { rule: 'js/xss', severity: 'error', message: 'problem', file: 'src/a.ts' },
    ]);
    expect(findings[0].source).toBe('CodeQL');
  });

  it('an invocation override changes the rule default', async () => {
    const run = {
      invocations: [
        {
          executionSuccessful: true,
          ruleConfigurationOverrides: [
            { descriptor: { id: 'R1' }, configuration: { level: 'warning' } },
          ],
        },
      ],
    };
    const { findings } = await parseText(JSON.stringify(log([result({ ruleId: 'R1' })], run)));
    expect(findings.map((finding) => finding.severity)).toEqual(['warning']);
  });
});

describe('parseSarif: messages', () => {
  it.each<[string, Json, string]>([
    ['message.text', result({ message: { text: 'plain text' } }), 'plain text'],
    [
      'placeholders in the text are filled from arguments',
      result({ message: { text: 'Use {0} not {1}; {{literal}}', arguments: ['const', 'let'] } }),
      'Use const not let; {literal}',
    ],
    [
      'messageStrings of the rule, with arguments',
      result({ ruleId: 'R2', message: { id: 'default', arguments: ['x', 'y'] } }),
      'Variable x is shadowed by y.',
    ],
    ['markdown when there is no text', result({ message: { markdown: '**bold**' } }), '**bold**'],
    ['the rule id when there is no message at all', result({ ruleId: 'R3', message: {} }), 'R3'],
  ])('%s', async (_case, entry, expected) => {
    const { findings } = await parseText(JSON.stringify(log([entry])));
    expect(findings[0].message).toBe(expected);
  });

  it('caps a huge message', async () => {
    const { findings } = await parseText(
      JSON.stringify(log([result({ message: { text: 'x'.repeat(1_000_000) } })])),
    );
    expect(findings[0].message.length).toBeLessThanOrEqual(4_000);
  });
});

describe('parseSarif: locations', () => {
  const bases = {
    originalUriBaseIds: {
      SRCROOT: { uri: `file://${WORKSPACE}/` },
      PKG: { uri: 'packages/web/', uriBaseId: 'SRCROOT' },
    },
  };
  it.each<[string, Json, Json, Partial<Finding>]>([
    [
      'a relative uri is repository-relative',
      at('src/a.ts'),
      {},
      { file: 'src/a.ts', line: 4, column: 2 },
    ],
    [
      'an absolute file URI inside the workspace',
      at(`file://${WORKSPACE}/lib/b.rs`),
      {},
      { file: 'lib/b.rs', line: 4, column: 2 },
    ],
    [
      'an absolute file URI outside the workspace stays absolute',
      at('file:///usr/include/stdio.h'),
      {},
      { file: '/usr/include/stdio.h', line: 4, column: 2 },
    ],
    [
      'a uriBaseId mapped to the workspace',
      at('src/c.ts', { uriBaseId: 'SRCROOT' }),
      bases,
      { file: 'src/c.ts', line: 4, column: 2 },
    ],
    [
      'a uriBaseId chained through another base',
      at('index.ts', { uriBaseId: 'PKG' }),
      bases,
      { file: 'packages/web/index.ts', line: 4, column: 2 },
    ],
    [
      'an unknown uriBaseId means the repository root',
      at('src/d.ts', { uriBaseId: '%SRCROOT%' }),
      {},
      { file: 'src/d.ts', line: 4, column: 2 },
    ],
    [
      'percent-escapes are decoded',
      at('src/my%20file.ts'),
      {},
      { file: 'src/my file.ts', line: 4, column: 2 },
    ],
    [
      'the artifacts table when the location only has an index',
      { physicalLocation: { artifactLocation: { index: 1 }, region: { startLine: 8 } } },
      {
        artifacts: [
          { location: { uri: 'x.ts' } },
          { location: { uri: 'y.ts', uriBaseId: 'SRCROOT' } },
        ],
        ...bases,
      },
      { file: 'y.ts', line: 8 },
    ],
    [
      'region with end line and end column',
      {
        physicalLocation: {
          artifactLocation: { uri: 'e.ts' },
          region: { startLine: 3, startColumn: 5, endLine: 6, endColumn: 2 },
        },
      },
      {},
      { file: 'e.ts', line: 3, column: 5, endLine: 6, endColumn: 2 },
    ],
    [
      'a file without a region',
      { physicalLocation: { artifactLocation: { uri: 'f.ts' } } },
      {},
      { file: 'f.ts' },
    ],
  ])('%s', async (_case, location, run, expected) => {
    const { findings } = await parseText(
      JSON.stringify(log([result({ locations: [location] })], run)),
    );
    const { file, line, column, endLine, endColumn } = findings[0];
    expect(
      Object.fromEntries(
        Object.entries({ file, line, column, endLine, endColumn }).filter(
          ([, value]) => value !== undefined,
        ),
      ),
    ).toEqual(expected);
  });

  it('a result without locations is a finding without a file', async () => {
    const { findings } = await parseText(
      JSON.stringify(log([{ message: { text: 'global' }, level: 'error' }])),
    );
    expect(findings).toEqual([{ source: 'Linty', severity: 'error', message: 'global' }]);
  });
});

describe('parseSarif: rule documentation links', () => {
  const linked = [
    { id: 'L1', helpUri: 'https://example.com/rules/L1' },
    { id: 'L2', helpUri: 'javascript:alert(document.cookie)' },
    { id: 'L3', helpUri: 'rules/L3.html' },
    { id: 'L4', helpUri: 'https://user:secret@example.com/rules/L4' },
    { id: 'L5', helpUri: 42 },
    { id: 'L6' },
  ];
  const run = { tool: { driver: { name: 'Linty', rules: linked } } };

  it.each<[string, Json, string | undefined]>([
    ['the rule found by ruleIndex', result({ ruleIndex: 0 }), 'https://example.com/rules/L1'],
    ['the rule found by ruleId', result({ ruleId: 'L1' }), 'https://example.com/rules/L1'],
    [
      'the rule found by a rule reference',
      result({ rule: { id: 'L1', index: 0 } }),
      'https://example.com/rules/L1',
    ],
    [
      "a hierarchical ruleId takes its parent's link",
      result({ ruleId: 'L1/x' }),
      'https://example.com/rules/L1',
    ],
    ['a javascript: helpUri is dropped', result({ ruleId: 'L2' }), undefined],
    ['a relative helpUri is dropped', result({ ruleId: 'L3' }), undefined],
    ['a helpUri with credentials is dropped', result({ ruleId: 'L4' }), undefined],
    ['a helpUri that is not a string is dropped', result({ ruleId: 'L5' }), undefined],
    ['a rule without helpUri', result({ ruleId: 'L6' }), undefined],
    ['an unknown rule', result({ ruleId: 'nope' }), undefined],
  ])('%s', async (_case, entry, expected) => {
    const { findings } = await parseText(JSON.stringify(log([entry], run)));
    expect(findings).toHaveLength(1);
    expect(findings[0].ruleUrl).toBe(expected);
  });

  it('a rule in a tool extension, by toolComponent index', async () => {
    const sarif = log([result({ rule: { index: 0, toolComponent: { index: 0 } } })], {
      tool: {
        driver: { name: 'CodeQL', rules: [{ id: 'other', helpUri: 'https://example.com/other' }] },
        extensions: [
          {
            name: 'codeql/js-queries',
            rules: [{ id: 'js/xss', helpUri: 'https://codeql.github.com/js-xss' }],
          },
        ],
      },
    });
    const { findings } = await parseText(JSON.stringify(sarif));
    expect(findings.map(({ rule, ruleUrl }) => ({ rule, ruleUrl }))).toEqual([
      { rule: 'js/xss', ruleUrl: 'https://codeql.github.com/js-xss' },
    ]);
  });
});

describe('parseSarif: logs', () => {
  it('error-level tool notifications are errors; others are not findings', async () => {
    const run = {
      invocations: [
        {
          executionSuccessful: false,
          toolExecutionNotifications: [
            { level: 'warning', message: { text: 'slow file' } },
            { message: { text: 'default level is warning' } },
          ],
          toolConfigurationNotifications: [
            {
              level: 'error',
              message: { text: 'Parsing error: Unexpected token' },
              descriptor: { id: 'ESL0999' },
              locations: [at('src/broken.js')],
            },
          ],
        },
      ],
    };
    const { findings } = await parseText(JSON.stringify(log([], run)));
    expect(summarise(findings)).toEqual([
      {
        rule: 'ESL0999',
        severity: 'error',
        message: 'Parsing error: Unexpected token',
        file: 'src/broken.js',
      },
    ]);
  });

  it('reads every run, each with its own tool name', async () => {
    const sarif = log([result({ level: 'error' })]);
    (sarif.runs as Json[]).push({
      tool: { driver: { name: 'Other' } },
      results: [result({ level: 'note' })],
    });
    const { findings } = await parseText(JSON.stringify(sarif));
    expect(findings.map((finding) => `${finding.source}:${finding.severity}`)).toEqual([
      'Linty:error',
      'Other:notice',
    ]);
  });

  it.each([
    [
      'SARIF 2.0.0',
      JSON.stringify({ ...log([]), version: '2.0.0' }),
      /version "2\.0\.0"; only SARIF 2\.1\.0/,
    ],
    ['a log without a version', JSON.stringify({ runs: [] }), /no version/],
    ['JSON without runs', JSON.stringify({ version: '2.1.0' }), /no "runs" array/],
    ['truncated JSON', JSON.stringify(log([result({})])).slice(0, 80), /not valid JSON/],
  ])('refuses %s', async (_case, text, problem) => {
    await expect(parseText(text)).rejects.toThrow(ReportError);
    await expect(parseText(text)).rejects.toThrow(problem);
  });

  it('reads the captured ESLint SARIF of the eslint-demo project', async () => {
    const path = join(FIXTURES, 'sarif', 'eslint-demo.sarif');
    const { findings } = await parseSarif(fileSource(path), {
      workspace: '/tmp/capture/eslint-demo',
      origin: path,
    });
    expect(
      findings.map((f) => `${f.source} ${f.severity} ${f.file}:${f.line}:${f.column} ${f.rule}`),
    ).toEqual([
      'ESLint warning src/cart.js:4:23 eqeqeq',
      'ESLint error src/cart.js:7:7 prefer-const',
      'ESLint error src/cart.js:12:9 no-unused-vars',
      'ESLint warning src/cart.js:13:3 no-console',
      'ESLint error src/cart.js:14:10 no-undef',
      'ESLint error src/broken.js:2:17 ESL0999',
    ]);
    // The formatter's helpUri per rule; the parse error is a tool notification with no rule.
    expect(findings.map((f) => f.ruleUrl)).toEqual([
      'https://eslint.org/docs/latest/rules/eqeqeq',
      'https://eslint.org/docs/latest/rules/prefer-const',
      'https://eslint.org/docs/latest/rules/no-unused-vars',
      'https://eslint.org/docs/latest/rules/no-console',
      'https://eslint.org/docs/latest/rules/no-undef',
      undefined,
    ]);
  });
});

describe('parseSarif: malformed shapes', () => {
  // Each row was accepted before shape checks: the malformed field was skipped or defaulted.
  it.each<[string, Json, string]>([
    [
      'results that are not an array',
      log([], { results: { r: 1 } }),
      'runs[0].results must be an array',
    ],
    [
      'a result that is not an object',
      log(['R1' as unknown as Json]),
      'runs[0].results[0] must be an object',
    ],
    [
      'a ruleId that is a number',
      log([result({ ruleId: 1 })]),
      'runs[0].results[0].ruleId must be a string',
    ],
    [
      'a level that is a number',
      log([result({ level: 2 })]),
      'runs[0].results[0].level must be a string',
    ],
    [
      'a message that is a string',
      log([result({ message: 'oops' })]),
      'runs[0].results[0].message must be an object',
    ],
    [
      'locations that are an object',
      log([result({ locations: at('a.ts') })]),
      'runs[0].results[0].locations must be an array',
    ],
    [
      'a start line that is a string',
      log([
        result({
          locations: [
            { physicalLocation: { artifactLocation: { uri: 'a.ts' }, region: { startLine: '4' } } },
          ],
        }),
      ]),
      'runs[0].results[0].locations[0].physicalLocation.region.startLine must be a number',
    ],
    [
      'a uri that is not a string',
      log([result({ locations: [at(7 as unknown as string)] })]),
      'runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri must be a string',
    ],
    [
      'a run that is not an object',
      { version: '2.1.0', runs: ['run'] },
      'runs[0] must be an object',
    ],
  ])('refuses %s', async (_case, sarif, problem) => {
    const text = JSON.stringify(sarif);
    await expect(parseText(text)).rejects.toThrow(ReportError);
    await expect(parseText(text)).rejects.toThrow(`is not a SARIF 2.1.0 log: ${problem}.`);
  });
});
