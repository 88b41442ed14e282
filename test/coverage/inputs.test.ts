import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { readSettings } from '../../src/coverage/inputs.js';
import { applyPathFixes, reviewPaths } from '../../src/coverage/path-fixes.js';
import { parseBaselineLines } from '../../src/coverage/result.js';
import { file, report } from './build.js';

function withInputs(inputs: Record<string, string>) {
  for (const [name, value] of Object.entries(inputs))
    vi.stubEnv(`INPUT_${name.toUpperCase()}`, value);
  return readSettings({ GITHUB_WORKSPACE: '/work/repo' });
}

afterEach(() => vi.unstubAllEnvs());

describe('coverage inputs', () => {
  it('reads files, gates, path fixes and Codecov settings', () => {
    const settings = withInputs({
      files: 'coverage/lcov.info, target/cobertura.xml',
      'path-fixes': '/app=.\n/build/src=src',
      'min-total': '80',
      'min-patch': '92.5',
      'max-drop': '0.5',
      'baseline-file': 'baseline.json',
      codecov: 'true',
      flags: 'unit,backend',
    });
    expect(settings).toMatchObject({
      files: ['coverage/lcov.info', 'target/cobertura.xml'],
      format: 'auto',
      pathFixes: [
        { from: '/app', to: '.' },
        { from: '/build/src', to: 'src' },
      ],
      minTotal: 80,
      minPatch: 92.5,
      maxDrop: 0.5,
      codecov: {
        url: 'https://ingest.codecov.io',
        flags: ['unit', 'backend'],
        failOnUploadError: true,
        useOidc: false,
      },
    });
  });

  it.each([
    { inputs: { format: 'xml' }, message: "Input 'format' must be one of auto, lcov, cobertura" },
    { inputs: { 'min-total': '80%' }, message: "Input 'min-total' must be a number, got '80%'." },
    {
      inputs: { 'min-patch': '101' },
      message: "Input 'min-patch' must be between 0 and 100, got 101.",
    },
    { inputs: { 'max-drop': '1' }, message: "Input 'max-drop' needs a baseline to compare with" },
    {
      inputs: { 'baseline-file': 'a.json', 'baseline-artifact': 'cov' },
      message: "Input 'baseline-file' and baseline-artifact are both set",
    },
    {
      inputs: { 'path-fixes': '/app' },
      message: "Input 'path-fixes' has '/app', which is not a key=value pair.",
    },
    { inputs: { codecov: 'true', flags: 'unit tests' }, message: "Input 'flags' has 'unit tests'" },
    {
      inputs: { codecov: 'true', 'codecov-url': 'ingest.codecov.io' },
      message: "Input 'codecov-url' must be an http(s) URL",
    },
    { inputs: { comment: 'yes' }, message: "Input 'comment' must be true or false" },
  ])('refuses $inputs', ({ inputs, message }) => {
    let error: unknown;
    try {
      withInputs(inputs as unknown as Record<string, string>);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(message);
  });
});

describe('path fixes', () => {
  const workspace = mkdtempSync(join(tmpdir(), 'cov-ws-'));
  mkdirSync(join(workspace, 'src'));
  writeFileSync(join(workspace, 'src/a.ts'), '');

  it('maps container paths onto the repository, longest prefix first', () => {
    const reports = [
      report([
        file('/app/src/a.ts', [[1, 1]]),
        file('/app/vendor/lib/x.ts', [[1, 0]]),
        file('/usr/include/stdio.h', [[1, 1]]),
      ]),
    ];
    const fixed = applyPathFixes(
      reports,
      [
        { from: '/app', to: '.' },
        { from: '/app/vendor/lib', to: 'third_party/lib' },
      ],
      workspace,
    );
    expect(fixed[0].files.map((f) => f.path)).toEqual([
      'src/a.ts',
      'third_party/lib/x.ts',
      '/usr/include/stdio.h',
    ]);
    expect(
      reviewPaths(
        ['src/a.ts', 'third_party/lib/x.ts', '/usr/include/stdio.h', '../other/b.ts'],
        workspace,
      ),
    ).toEqual({
      outside: ['/usr/include/stdio.h', '../other/b.ts'],
      missing: ['third_party/lib/x.ts'],
    });
  });

  it('does not treat /application as inside /app', () => {
    const fixed = applyPathFixes(
      [report([file('/application/a.ts', [[1, 1]])])],
      [{ from: '/app', to: '.' }],
      workspace,
    );
    expect(fixed[0].files[0].path).toBe('/application/a.ts');
  });
});

describe('baseline results', () => {
  it.each([
    {
      text: '{"schema":"slipway.coverage/v1","totals":{"lines":{"covered":8,"total":10}}}',
      lines: { covered: 8, total: 10 },
    },
    { text: 'not json', error: "Input 'baseline-file' (b.json) is not JSON." },
    { text: '{"schema":"slipway.quality-gate/v1"}', error: 'is not a Slipway coverage result' },
    {
      text: '{"schema":"slipway.coverage/v1","totals":{"lines":{"covered":11,"total":10}}}',
      error: 'has no valid totals.lines counts',
    },
  ])('$text', ({ text, lines, error }) => {
    if (error) expect(() => parseBaselineLines(text, 'b.json', 'baseline-file')).toThrow(error);
    else expect(parseBaselineLines(text, 'b.json', 'baseline-file')).toEqual(lines);
  });
});
