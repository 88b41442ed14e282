import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { readSettings } from '../../src/coverage/inputs.js';

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
      name: 'backend',
      'min-branches': '70',
      headline: 'codecov',
      'expected-reports': '3',
    });
    expect(settings).toMatchObject({
      files: ['coverage/lcov.info', 'target/cobertura.xml'],
      format: 'auto',
      pathFixes: [
        { from: '/app', to: '.' },
        { from: '/build/src', to: 'src' },
      ],
      name: 'backend',
      minTotal: 80,
      minBranches: 70,
      headline: 'codecov',
      expectedReports: 3,
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
    { inputs: { headline: 'partial' }, message: "Input 'headline' must be one of lines, codecov" },
    { inputs: { 'min-branches': '-1' }, message: "Input 'min-branches' must be between 0 and 100" },
    { inputs: { name: 'api\nweb' }, message: "Input 'name' must be one line of at most 100" },
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
    {
      inputs: { 'expected-reports': '0' },
      message: "Input 'expected-reports' must be between 1 and 1000, got 0.",
    },
    {
      inputs: { 'expected-reports': '2.5' },
      message: "Input 'expected-reports' must be a whole number, got 2.5.",
    },
    {
      inputs: { 'expected-reports': 'three' },
      message: "Input 'expected-reports' must be a number, got 'three'.",
    },
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
