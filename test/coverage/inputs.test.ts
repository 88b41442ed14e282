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
