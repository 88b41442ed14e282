import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import {
  readBoolean,
  readDuration,
  readEnum,
  readInteger,
  readList,
  readMap,
  readNumber,
  readRequiredString,
  readString,
  readYaml,
} from '../../src/core/inputs.js';

// Inputs reach an action as INPUT_<NAME> variables; setting them drives the real core.getInput.
function setInput(name: string, value: string): void {
  vi.stubEnv(`INPUT_${name.toUpperCase()}`, value);
}

// Awaits the read: readYaml is asynchronous (the YAML library is loaded on first use).
async function failureOf(read: () => unknown): Promise<InputError> {
  try {
    await read();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('successful reads', () => {
  it.each([
    ['string', 'name', 'web', () => readString('name'), 'web'],
    ['string default', 'name', '', () => readString('name', { default: 'api' }), 'api'],
    ['boolean TRUE', 'flag', 'TRUE', () => readBoolean('flag', false), true],
    ['boolean False', 'flag', 'False', () => readBoolean('flag', true), false],
    ['boolean default', 'flag', '', () => readBoolean('flag', true), true],
    ['integer', 'count', '42', () => readInteger('count', { default: 1 }), 42],
    ['integer negative', 'count', '-3', () => readInteger('count', { default: 1, min: -5 }), -3],
    ['integer default', 'count', '', () => readInteger('count', { default: 7 }), 7],
    ['duration 90s', 'timeout', '90s', () => readDuration('timeout', { default: '5m' }), 90_000],
    [
      'duration 1h30m',
      'timeout',
      '1h30m',
      () => readDuration('timeout', { default: '5m' }),
      5_400_000,
    ],
    ['duration 250ms', 'timeout', '250ms', () => readDuration('timeout', { default: '5m' }), 250],
    ['duration default', 'timeout', '', () => readDuration('timeout', { default: '5m' }), 300_000],
    [
      'enum case-insensitive',
      'mode',
      'Apply',
      () => readEnum('mode', ['apply', 'set-image'], 'apply'),
      'apply',
    ],
    ['list newline', 'files', 'a.xml\nb.xml\n', () => readList('files'), ['a.xml', 'b.xml']],
    [
      'list commas and comments',
      'files',
      '# all reports\na.xml, b.xml\n  c.xml',
      () => readList('files'),
      ['a.xml', 'b.xml', 'c.xml'],
    ],
    [
      'list keeping commas',
      'tags',
      'type=ref,event=tag\ntype=sha',
      () => readList('tags', { commas: false }),
      ['type=ref,event=tag', 'type=sha'],
    ],
    [
      'number',
      'min-total',
      '92.5',
      () => readNumber('min-total', { min: 0, max: 100, example: '80' }),
      92.5,
    ],
    [
      'number empty',
      'min-total',
      '',
      () => readNumber('min-total', { min: 0, max: 100, example: '80' }),
      undefined,
    ],
    ['yaml', 'steps', '[5, 25, 50]', () => readYaml('steps', { example: '[10, 50]' }), [5, 25, 50]],
  ])('%s', async (_case, name, value, read, expected) => {
    setInput(name, value);
    expect(await read()).toEqual(expected);
  });

  it('reads key=value maps keeping = inside values', () => {
    setInput('labels', 'team=payments\norg.opencontainers.image.title=a=b');
    expect(Object.fromEntries(readMap('labels'))).toEqual({
      team: 'payments',
      'org.opencontainers.image.title': 'a=b',
    });
  });
});

describe('bad input: every message names the input, says what is wrong and shows a right value', () => {
  it.each([
    {
      reader: 'required string',
      value: '',
      read: () => readRequiredString('image', { example: 'ghcr.io/octo-org/web' }),
      problem: "Input 'image' is required but was not set.",
      hint: 'For example: image: ghcr.io/octo-org/web',
    },
    {
      reader: 'string pattern',
      value: 'Web App',
      read: () =>
        readString('image', { pattern: /^[a-z0-9./-]+$/, example: 'ghcr.io/octo-org/web' }),
      problem: "Input 'image' must match /^[a-z0-9./-]+$/, got 'Web App'.",
      hint: 'For example: image: ghcr.io/octo-org/web',
    },
    {
      reader: 'boolean',
      value: 'yes',
      read: () => readBoolean('dry-run', false),
      problem: "Input 'dry-run' must be true or false, got 'yes'.",
      hint: 'For example: dry-run: true',
    },
    {
      reader: 'integer not a number',
      value: '3.5',
      read: () => readInteger('replicas', { default: 2, min: 1, max: 10 }),
      problem: "Input 'replicas' must be a whole number, got '3.5'.",
      hint: 'For example: replicas: 2',
    },
    {
      reader: 'integer out of range',
      value: '11',
      read: () => readInteger('replicas', { default: 2, min: 1, max: 10 }),
      problem: "Input 'replicas' must be between 1 and 10, got 11.",
      hint: 'For example: replicas: 2',
    },
    {
      reader: 'number not a number',
      value: '80%',
      read: () => readNumber('min-total', { min: 0, max: 100, example: '80' }),
      problem: "Input 'min-total' must be a number, got '80%'.",
      hint: 'For example: min-total: 80',
    },
    {
      reader: 'number out of range',
      value: '120',
      read: () => readNumber('min-total', { min: 0, max: 100, example: '80' }),
      problem: "Input 'min-total' must be between 0 and 100, got 120.",
      hint: 'For example: min-total: 80',
    },
    {
      reader: 'duration bare number',
      value: '90',
      read: () => readDuration('timeout', { default: '5m' }),
      problem:
        "Input 'timeout' must be a duration such as 90s, 5m or 1h30m, got '90'. A bare number has no unit: write '90s' for seconds or '90m' for minutes.",
      hint: 'For example: timeout: 5m',
    },
    {
      reader: 'duration garbage',
      value: 'five minutes',
      read: () => readDuration('timeout', { default: '5m' }),
      problem:
        "Input 'timeout' must be a duration such as 90s, 5m or 1h30m, got 'five minutes'. Use a number followed by h, m, s or ms.",
      hint: 'For example: timeout: 5m',
    },
    {
      reader: 'duration too short',
      value: '10ms',
      read: () => readDuration('interval', { default: '30s', minMs: 1_000 }),
      problem: "Input 'interval' must be at least 1s, got '10ms'.",
      hint: 'For example: interval: 30s',
    },
    {
      reader: 'duration too long',
      value: '3h',
      read: () => readDuration('timeout', { default: '5m', maxMs: 3_600_000 }),
      problem: "Input 'timeout' must be at most 1h, got '3h'.",
      hint: 'For example: timeout: 5m',
    },
    {
      reader: 'enum',
      value: 'replace',
      read: () => readEnum('mode', ['apply', 'set-image'], 'apply'),
      problem: "Input 'mode' must be one of apply, set-image, got 'replace'.",
      hint: 'For example: mode: apply',
    },
    {
      reader: 'map without =',
      value: 'team',
      read: () => readMap('labels'),
      problem: "Input 'labels' has 'team', which is not a key=value pair.",
      hint: 'For example: labels: team=payments',
    },
    {
      reader: 'map repeated key',
      value: 'team=a\nteam=b',
      read: () => readMap('labels'),
      problem: "Input 'labels' sets 'team' more than once.",
      hint: 'For example: labels: team=payments',
    },
    {
      reader: 'yaml syntax',
      value: 'steps: [5, 25',
      read: () => readYaml('analysis', { example: 'interval: 1m\nthreshold: 5' }),
      problem: "Input 'analysis' is not valid YAML:",
      hint: 'For example: analysis: |\n  interval: 1m\n  threshold: 5',
    },
    {
      reader: 'yaml check',
      value: '"ten"',
      read: () =>
        readYaml('weight', {
          example: '10',
          check: (value) => (typeof value === 'number' ? undefined : 'must be a number.'),
        }),
      problem: "Input 'weight' must be a number.",
      hint: 'For example: weight: 10',
    },
  ])('$reader', async ({ value, read, problem, hint }) => {
    const name = problem.match(/Input '([^']+)'/)?.[1] ?? '';
    setInput(name, value);
    const error = await failureOf(read);
    expect(error.input).toBe(name);
    expect(error.message).toContain(problem);
    expect(error.hint).toBe(hint);
  });

  it('refuses YAML alias bombs instead of expanding them', async () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    setInput('analysis', bomb);
    const error = await failureOf(() => readYaml('analysis', { example: 'interval: 1m' }));
    expect(error.message).toContain('not valid YAML');
  });
});
